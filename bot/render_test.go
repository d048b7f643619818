package bot

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}

// fixtureSite loads the fosdem-draft site with the post edited by edit.
func fixtureSite(t *testing.T, edit func(string) string) (*content.Site, []string) {
	t.Helper()
	root := filepath.Join("..", "testdata", "sites", "fosdem-draft")
	fsys := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == postPathForTest {
			b = []byte(edit(string(b)))
		}
		fsys[rel] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	site, err := content.LoadSite(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	return site, []string{postPathForTest}
}

const postPathForTest = "blog/2026/02-fosdem-recap/index.md"

func TestFeedbackGolden(t *testing.T) {
	now := time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)
	fixes := func(s string) string {
		for _, r := range [][2]string{{"the the", "the"}, {"ðŸ˜›", "😛"}, {"ðŸ¤“", "🤓"}, {"[https://containerlab.dev/]", "<https://containerlab.dev/>"},
			{"policitical", "political"}, {"shortDescription:\n", ""}, {"+02:00", "+01:00"}, {"\n\nThe \"smallest", "\n\n<!-- truncate -->\n\nThe \"smallest"}} {
			s = replaceOnce(s, r[0], r[1])
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		edit  func(string) string
		fixed bool
	}{
		{"findings", func(s string) string { return s }, false},
		{"all-clear", fixes, true},
		{"bad-date", func(s string) string {
			return replaceOnce(fixes(s), "2026-02-03T11:00:00+01:00", "2026-03-29T02:30:00")
		}, false},
		{"draft", func(s string) string {
			return replaceOnce(fixes(s), "type: \"blog\"\n", "type: \"blog\"\ndraft: true\n")
		}, false},
		// Many findings: past ten, warnings are folded away and errors
		// stay listed; Markdown in titles and messages stays literal.
		{"long", func(s string) string {
			s = replaceOnce(fixes(s), "title: Looking back at FOSDEM 2026", "title: \"Looking back at *FOSDEM* 2026 | part_one\"")
			for i := range 14 {
				s += fmt.Sprintf("\nTODO: item %d.\n", i+1)
			}
			return s + "\nAnd the the end, see (the docs)[https://example.com].\n"
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site, paths := fixtureSite(t, tc.edit)
			findings, err := check.New(site.Config, check.WithNow(func() time.Time { return now })).CheckPaths(context.Background(), site, paths)
			if err != nil {
				t.Fatal(err)
			}
			post, err := site.ReadPost(context.Background(), paths[0])
			if err != nil {
				t.Fatal(err)
			}
			suggested := map[int]bool{}
			for i, f := range findings {
				suggested[i] = f.Fix != nil
			}
			rep := newReport("0123456789abcdef0123456789abcdef01234567", []*content.Post{post}, site.Location(), findings, suggested, now)
			rep.Fixed = tc.fixed
			for _, tmpl := range []string{"summary", "checkrun"} {
				got, err := render(tmpl+".md.tmpl", rep)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+"."+tmpl+".md", got)
			}
			golden(t, tc.name+".title.txt", rep.Title()+"\n")
			// The inline suggestions, as posted on a diff that shows every
			// line: each replaces whole lines of the file.
			var sb strings.Builder
			all := map[string][]forge.LineRange{post.Path: {{Start: 1, End: post.Lines.Count()}}}
			for _, sg := range suggestionsFor(findings, map[string]*content.Post{post.Path: post}, all, "0123456") {
				c := sg.comment
				lines := fmt.Sprint(c.Line)
				if c.StartLine != 0 {
					lines = fmt.Sprintf("%d-%d", c.StartLine, c.Line)
				}
				fmt.Fprintf(&sb, "=== %s, line %s\n%s\n\n", c.Path, lines, c.Body)
			}
			golden(t, tc.name+".suggestions.md", sb.String())
		})
	}
}

func replaceOnce(s, old, new string) string {
	i := indexOf(s, old)
	if i < 0 {
		return s
	}
	return s[:i] + new + s[i+len(old):]
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestSummaryOfAPublishedPost: a post herald published reads when it went
// out and how late, in place of when it goes live.
func TestSummaryOfAPublishedPost(t *testing.T) {
	site, paths := fixtureSite(t, func(s string) string { return s })
	post, err := site.ReadPost(context.Background(), paths[0])
	if err != nil {
		t.Fatal(err)
	}
	due := post.Date
	for _, tc := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"on time", due.Add(400 * time.Millisecond), "published 2026-02-03 09:00 UTC (10:00 CET, Europe/Berlin), 0.4 s after its time"},
		{"caught up after an outage", due.Add(2*time.Hour + 13*time.Minute), "published 2026-02-03 11:13 UTC (12:13 CET, Europe/Berlin), 2h13m after its time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := newReport("0123456789abcdef0123456789abcdef01234567", []*content.Post{post}, site.Location(), nil, nil, due)
			rep.Posts[0].Published = publishedText(tc.at, due, site.Location())
			got, err := render("summary.md.tmpl", rep)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, "| "+tc.want+" |") || strings.Contains(got, "goes live in") || strings.Contains(got, "due now") {
				t.Errorf("summary lacks %q:\n%s", tc.want, got)
			}
		})
	}
}
