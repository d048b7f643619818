package check

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/heraldhq/herald/content"
)

func TestWriteReport(t *testing.T) {
	fs := []Finding{
		{Rule: "repeated-word", Severity: "warning", Path: "blog/a, b.md", Line: 3, Column: 5, EndLine: 3, EndColumn: 12, Message: "“the the”: a word\nrepeated"},
		{Rule: "frontmatter-syntax", Severity: "error", Path: "blog/c.md", Line: 1, Column: 1, Message: "broken"},
	}
	tests := []struct {
		format string
		want   []string
	}{
		{FormatText, []string{"blog/a, b.md:3:5: warning repeated-word: “the the”: a word\nrepeated\n", "blog/c.md:1:1: error frontmatter-syntax: broken\n"}},
		{FormatGitHub, []string{"::warning file=blog/a%2C b.md,line=3,col=5,endLine=3,endColumn=12,title=repeated-word::“the the”: a word%0Arepeated\n"}},
		{FormatJSON, []string{`"path": "blog/c.md"`, `"fix": null`}},
		{FormatSARIF, []string{`"uri": "blog/a,%20b.md"`, `"version": "v1.2.3"`, `"level": "note"`}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteReport(&b, tt.format, fs, ReportOptions{Version: "v1.2.3"}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
	err := WriteReport(&bytes.Buffer{}, "xml", fs, ReportOptions{})
	if err == nil || err.Error() != `unknown report format "xml" (want text, json, sarif, github)` {
		t.Errorf("unknown format: %v", err)
	}
}

func TestTally(t *testing.T) {
	fs := []Finding{{Severity: "error", Path: "a"}, {Severity: "error", Path: "a"}, {Severity: "warning", Path: "b"}, {Severity: "info", Path: "b"}, {Severity: "info", Path: "b"}}
	if got, want := Tally(fs), "2 errors, 1 warning, 2 info"; got != want {
		t.Errorf("Tally = %q, want %q", got, want)
	}
	if got := Files(fs); got != 2 {
		t.Errorf("Files = %d, want 2", got)
	}
}

// TestSummary shows the last line of herald check: posts counted as posts,
// the configuration named after them.
func TestSummary(t *testing.T) {
	site, err := content.LoadSite(context.Background(), fstest.MapFS{
		"docusaurus.config.js": {Data: []byte("export default {}\n")},
		"blog/2026-01-01-a.md": {Data: []byte("---\ntitle: A\n---\nA.\n")},
		"blog/2026-01-02-b.md": {Data: []byte("---\ntitle: B\n---\nB.\n")},
		content.ConfigFile:     {Data: []byte("approvals: 1\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		findings []Finding
		posts    int
		want     string
	}{
		{"one post", []Finding{{Severity: "error", Path: "blog/2026-01-01-a.md"}}, 1, "1 error in 1 of 1 post"},
		{"posts and the configuration", []Finding{
			{Severity: "error", Path: "blog/2026-01-01-a.md"}, {Severity: "warning", Path: "blog/2026-01-01-a.md"},
			{Severity: "warning", Path: content.ConfigFile},
		}, 2, "1 error, 2 warnings in 1 of 2 posts and " + content.ConfigFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summary(tt.findings, tt.posts, site); got != tt.want {
				t.Errorf("Summary = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := site.ProfileReason(), "detected from docusaurus.config.js"; got != want {
		t.Errorf("ProfileReason = %q, want %q", got, want)
	}
}
