package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/content"
)

func TestFixFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.md"), []byte("the the end\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.md", filepath.Join(root, "link.md")); err != nil {
		t.Fatal(err)
	}
	fix := func(p string, start, end int, text string, review bool) Finding {
		return Finding{Path: p, Rule: "repeated-word", Fix: &Fix{Description: "x", Review: review, Edits: []content.Edit{{Start: start, End: end, NewText: text}}}}
	}
	findings := []Finding{
		fix("a.md", 0, 7, "the", false),
		fix("link.md", 0, 7, "the", false),
		fix("a.md", 8, 11, "fin", true), // a suggestion: left alone
		{Path: "a.md", Rule: "no-fix"},
	}
	got, err := FixFiles(root, findings)
	if err != nil {
		t.Fatal(err)
	}
	want := []FileFix{{Path: "a.md", Applied: []Finding{findings[0]}}, {Path: "link.md", NotRegular: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FixFiles (-want +got):\n%s", diff)
	}
	b, err := os.ReadFile(filepath.Join(root, "a.md"))
	if err != nil || string(b) != "the end\n" {
		t.Errorf("a.md = %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(root, "a.md")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("a.md lost its mode: %v, %v", fi.Mode(), err)
	}
	if _, err := FixFiles(root, []Finding{fix("gone.md", 0, 1, "x", false)}); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v, want not exist", err)
	}
}
