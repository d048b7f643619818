package forge_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/forge"
)

func TestMarkers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		wantKey  string
		wantPart int
		wantOK   bool
	}{
		{"first part", forge.Marker("summary", 1) + "\nhello", "summary", 1, true},
		{"later part", forge.Marker("summary", 3) + "\nhello", "summary", 3, true},
		{"key with path", forge.Marker("review/blog/x.md", 1), "review/blog/x.md", 1, true},
		{"no marker", "just a comment", "", 0, false},
		{"other tool", "<!-- renovate:summary -->", "", 0, false},
		{"part zero", "<!-- herald:summary part=0 -->", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, part, ok := forge.ParseMarker(tc.body)
			if key != tc.wantKey || part != tc.wantPart || ok != tc.wantOK {
				t.Errorf("ParseMarker(%q) = %q, %d, %v; want %q, %d, %v", tc.body, key, part, ok, tc.wantKey, tc.wantPart, tc.wantOK)
			}
		})
	}
	for _, key := range []string{"", "-x", "a b", "a>b", "x -->"} {
		if forge.ValidKey(key) {
			t.Errorf("ValidKey(%q) = true", key)
		}
	}
}

func TestSplitComment(t *testing.T) {
	long := strings.Repeat("é", 40000) // 80,000 bytes in one line
	for _, tc := range []struct {
		name      string
		body      string
		wantParts int
	}{
		{"empty", "", 1},
		{"short", "all clear", 1},
		{"exactly fits", strings.Repeat("x", forge.MaxCommentLength-100), 1},
		{"many lines", strings.Repeat("a line of the report\n", 10000), 4},
		{"one huge line of multibyte runes", long, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := forge.SplitComment("summary", tc.body)
			if len(parts) != tc.wantParts {
				t.Fatalf("got %d parts, want %d", len(parts), tc.wantParts)
			}
			var joined strings.Builder
			for i, p := range parts {
				if n := utf8.RuneCountInString(p); n > forge.MaxCommentLength {
					t.Errorf("part %d has %d characters", i+1, n)
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d cuts a character in two", i+1)
				}
				key, part, ok := forge.ParseMarker(p)
				if !ok || key != "summary" || part != i+1 || !strings.HasPrefix(p, forge.Marker("summary", i+1)+"\n") {
					t.Errorf("part %d starts %q", i+1, p[:min(len(p), 40)])
				}
				joined.WriteString(strings.TrimPrefix(p, forge.Marker("summary", i+1)+"\n"))
			}
			if joined.String() != tc.body {
				t.Errorf("parts do not add up to the body")
			}
		})
	}
}

func TestSuggestionBody(t *testing.T) {
	for _, tc := range []struct {
		name, msg, repl, want string
	}{
		{"plain", "Repeated word.", "the post\n", "Repeated word.\n\n```suggestion\nthe post\n```"},
		{"deletion", "Remove the line.", "", "Remove the line.\n\n```suggestion\n```"},
		{"fence inside", "Close the fence.", "```go\nx\n```", "Close the fence.\n\n````suggestion\n```go\nx\n```\n````"},
		{"no message", "", "x", "```suggestion\nx\n```"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := forge.SuggestionBody(tc.msg, tc.repl); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDiffLines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		patch   string
		want    []forge.LineRange
		wantErr string
	}{
		{"new file", "@@ -0,0 +1,3 @@\n+a\n+b\n+c", []forge.LineRange{{1, 3}}, ""},
		{"two hunks with context and deletions", "@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n@@ -20,3 +20,2 @@\n x\n-y\n z",
			[]forge.LineRange{{1, 4}, {20, 21}}, ""},
		{"counts omitted", "@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file", []forge.LineRange{{1, 1}}, ""},
		{"empty patch", "", nil, ""},
		{"bad header", "@@ nonsense @@\n+a", nil, "bad hunk header"},
		{"bad line", "@@ -1,1 +1,1 @@\n?a", nil, "bad diff line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := forge.DiffLines(tc.patch)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	ranges := []forge.LineRange{{1, 4}, {20, 21}}
	for line, want := range map[int]bool{0: false, 1: true, 4: true, 5: false, 20: true, 22: false} {
		if forge.InRanges(ranges, line) != want {
			t.Errorf("InRanges(%d) = %v", line, !want)
		}
	}
}

func TestPermission(t *testing.T) {
	for _, name := range []string{"none", "read", "triage", "write", "maintain", "admin"} {
		p, err := forge.ParsePermission(name)
		if err != nil || p.String() != name {
			t.Errorf("ParsePermission(%q) = %v, %v", name, p, err)
		}
	}
	if p, _ := forge.ParsePermission("push"); p != forge.PermissionWrite {
		t.Errorf("push = %v", p)
	}
	if _, err := forge.ParsePermission("owner"); err == nil || err.Error() != `unknown permission level "owner"` {
		t.Errorf("err = %v", err)
	}
	if !(forge.PermissionMaintain >= forge.PermissionWrite && forge.PermissionTriage < forge.PermissionWrite) {
		t.Errorf("levels do not order")
	}
}

func TestErrors(t *testing.T) {
	if !errors.Is(forge.ErrHeadMoved, forge.ErrConflict) {
		t.Errorf("ErrHeadMoved does not match ErrConflict")
	}
	e := fmt.Errorf("merge acme/blog#1: %w", &forge.RateLimitError{Reset: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Message: "API rate limit exceeded"})
	if !errors.Is(e, forge.ErrRateLimited) {
		t.Errorf("RateLimitError does not match ErrRateLimited")
	}
	if want := "merge acme/blog#1: rate limit exceeded, resets at 2026-03-01T09:00:00Z: API rate limit exceeded"; e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
	c := forge.GitCredentials{Username: "x-access-token", Password: "ghs_secret"}
	if s := fmt.Sprintf("%v %+v %#v %s", c, c, c, c); strings.Contains(s, "ghs_secret") {
		t.Errorf("credentials print their password: %s", s)
	}
}

// TestMergeability: the four cases herald acts on, from the flag and the
// state together.
func TestMergeability(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		mergeable *bool
		state     forge.MergeableState
		want      forge.MergeableState
	}{
		{nil, "", forge.MergeableUnknown},
		{nil, "clean", forge.MergeableUnknown},
		{&yes, "clean", forge.MergeableClean},
		{&yes, "unstable", forge.MergeableClean},
		{&yes, "behind", forge.MergeableClean},
		{&no, "dirty", forge.MergeableDirty},
		{&no, "unknown", forge.MergeableDirty},
		{&yes, "blocked", forge.MergeableBlocked},
	} {
		if got := (forge.PullRequest{Mergeable: tc.mergeable, MergeableState: tc.state}).Mergeability(); got != tc.want {
			t.Errorf("Mergeability(%v, %q) = %s, want %s", tc.mergeable != nil && *tc.mergeable, tc.state, got, tc.want)
		}
	}
}
