package content

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindSiteRootAndRepoPrefix(t *testing.T) {
	top := t.TempDir()
	for _, name := range []string{".git/HEAD", "site/docusaurus.config.js", "site/blog/a/index.md", "loose/hugo.toml", "loose/content/p.md"} {
		p := filepath.Join(top, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Resolve symbolic links in the temporary folder's own path.
	top, err := filepath.EvalSymlinks(top)
	if err != nil {
		t.Fatal(err)
	}
	root, rel, err := FindSiteRoot(filepath.Join(top, "site/blog/a/index.md"))
	if err != nil || root != top || rel != "site/blog/a/index.md" {
		t.Errorf("in a repository: %q, %q, %v; want the repository's top", root, rel, err)
	}
	if got := RepoPrefix(filepath.Join(top, "site")); got != "site" {
		t.Errorf("RepoPrefix(site) = %q, want site", got)
	}
	if got := RepoPrefix(top); got != "" {
		t.Errorf("RepoPrefix(top) = %q, want \"\"", got)
	}
	if err := os.RemoveAll(filepath.Join(top, ".git")); err != nil {
		t.Fatal(err)
	}
	root, rel, err = FindSiteRoot(filepath.Join(top, "site/blog/a/index.md"))
	if err != nil || root != filepath.Join(top, "site") || rel != "blog/a/index.md" {
		t.Errorf("outside a repository: %q, %q, %v; want the folder with the marker", root, rel, err)
	}
}
