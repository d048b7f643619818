package publish_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/publish"
)

func profile(t *testing.T, name string) *content.Profile {
	t.Helper()
	p, err := content.ProfileByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// changedLines returns the lines of a and b that differ, requiring the same
// number of lines.
func changedLines(t *testing.T, a, b string) []string {
	t.Helper()
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	if len(al) != len(bl) {
		t.Fatalf("line count changed from %d to %d:\n%s", len(al), len(bl), b)
	}
	var out []string
	for i := range al {
		if al[i] != bl[i] {
			out = append(out, al[i]+" -> "+bl[i])
		}
	}
	return out
}

func TestDraftFlipEdits(t *testing.T) {
	tests := []struct {
		name, profile, path, src string
		want                     []string // changed lines "old -> new"
	}{
		{
			name: "yaml plain", profile: "docusaurus", path: "blog/a.md",
			src:  "---\ntitle: Hello\ndate: 2026-03-02T09:00:00Z\ndraft: true\ntags: [a]\n---\nBody draft: true\n",
			want: []string{"draft: true\n -> draft: false\n"},
		},
		{
			name: "yaml with comment and spacing kept", profile: "docusaurus", path: "blog/a.md",
			src:  "---\ntitle: Hello\ndraft:    true   # until March\n---\n\nText\n",
			want: []string{"draft:    true   # until March\n -> draft:    false   # until March\n"},
		},
		{
			name: "crlf line endings kept", profile: "docusaurus", path: "blog/a.md",
			src:  "---\r\ntitle: Hello\r\ndraft: true\r\n---\r\nBody\r\n",
			want: []string{"draft: true\r\n -> draft: false\r\n"},
		},
		{
			name: "toml", profile: "hugo", path: "content/posts/a.md",
			src:  "+++\ntitle = \"Hello\"\ndraft = true\ndate = 2026-03-02T09:00:00Z\n+++\nBody\n",
			want: []string{"draft = true\n -> draft = false\n"},
		},
		{
			name: "jekyll published false", profile: "jekyll", path: "_posts/2026-03-02-a.md",
			src:  "---\nlayout: post\ntitle: Hello\npublished: false\n---\nBody\n",
			want: []string{"published: false\n -> published: true\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prof := profile(t, tt.profile)
			post := content.ParsePost(tt.path, []byte(tt.src), prof, time.UTC)
			edits, err := publish.DraftFlipEdits(post, prof, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			out, err := content.ApplyEdits([]byte(tt.src), edits)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, changedLines(t, tt.src, string(out))); diff != "" {
				t.Errorf("changed lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDraftFlipEditsRefuses(t *testing.T) {
	prof := profile(t, "docusaurus")
	tests := []struct {
		name, src, want string
	}{
		{"not a draft", "---\ntitle: Hi\ndraft: false\n---\n", "the post is not a draft"},
		{"no front matter", "Just text\n", "the post is not a draft"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			post := content.ParsePost("blog/a.md", []byte(tt.src), prof, time.UTC)
			_, err := publish.DraftFlipEdits(post, prof, time.UTC)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if !errors.Is(err, publish.ErrNotDraft) {
				t.Errorf("%v does not match ErrNotDraft", err)
			}
		})
	}
	t.Run("no profile", func(t *testing.T) {
		post := content.ParsePost("blog/a.md", []byte("---\ndraft: true\n---\n"), prof, time.UTC)
		_, err := publish.DraftFlipEdits(post, nil, time.UTC)
		if err == nil || !strings.Contains(err.Error(), "no site profile") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDateEdit(t *testing.T) {
	ber := berlin(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, ber)
	midnight := time.Date(2026, 3, 2, 0, 0, 0, 0, ber)
	tests := []struct {
		name, profile, src string
		at                 time.Time
		zone               *time.Location
		want               string // the whole result
	}{
		{
			name: "quoted rfc3339 keeps quotes", profile: "docusaurus", at: at, zone: ber,
			src:  "---\ntitle: A\ndate: \"2026-02-01T10:00:00Z\"\n---\nBody\n",
			want: "---\ntitle: A\ndate: \"2026-03-02T09:00:00+01:00\"\n---\nBody\n",
		},
		{
			name: "single quotes and comment", profile: "docusaurus", at: at, zone: time.UTC,
			src:  "---\ntitle: A\ndate: '2026-02-01 10:00' # local\n---\n",
			want: "---\ntitle: A\ndate: '2026-03-02T08:00:00Z' # local\n---\n",
		},
		{
			name: "date only stays date only at midnight", profile: "docusaurus", at: midnight, zone: ber,
			src:  "---\ntitle: A\ndate: 2026-02-01\n---\n",
			want: "---\ntitle: A\ndate: 2026-03-02\n---\n",
		},
		{
			name: "date only gets a time when not midnight", profile: "docusaurus", at: at, zone: ber,
			src:  "---\ntitle: A\ndate: 2026-02-01\n---\n",
			want: "---\ntitle: A\ndate: 2026-03-02T09:00:00+01:00\n---\n",
		},
		{
			name: "toml datetime", profile: "hugo", at: at, zone: ber,
			src:  "+++\ntitle = \"A\"\ndate = 2026-02-01T10:00:00Z\n+++\n",
			want: "+++\ntitle = \"A\"\ndate = 2026-03-02T09:00:00+01:00\n+++\n",
		},
		{
			name: "no date field gets one", profile: "docusaurus", at: at, zone: ber,
			src:  "---\ntitle: A\n---\nBody\n",
			want: "---\ntitle: A\ndate: 2026-03-02T09:00:00+01:00\n---\nBody\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prof := profile(t, tt.profile)
			post := content.ParsePost("blog/a.md", []byte(tt.src), prof, ber)
			e, err := publish.DateEdit(post, prof, tt.at, tt.zone, ber)
			if err != nil {
				t.Fatal(err)
			}
			out, err := content.ApplyEdits([]byte(tt.src), []content.Edit{e})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDateEditRefuses(t *testing.T) {
	prof := profile(t, "docusaurus")
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, src, want string
	}{
		{"multi-line value", "---\ntitle: A\ndate: >\n  2026-02-01\n---\n", `the "date" field (line 3) is not written on one line`},
		{"broken front matter", "---\ntitle: [A\n---\n", "the front matter does not parse"},
		{"no front matter", "Just text\n", "has no front matter to hold a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			post := content.ParsePost("blog/a.md", []byte(tt.src), prof, time.UTC)
			_, err := publish.DateEdit(post, prof, at, nil, time.UTC)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
