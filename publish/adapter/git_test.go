package adapter_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish/adapter"
)

// TestGit reads a mirror the way the bot does: commits by hash, the paths a
// change touches (a pure move told from an edited rename, deletions left
// out), and a ref the remote lacks as forge.ErrNotFound.
func TestGit(t *testing.T) {
	ctx := context.Background()
	_, repo := newRepo(t, map[string]string{
		"blog/a.md": "---\ntitle: A\n---\nA.\n", "blog/b.md": "---\ntitle: B\n---\nB.\n",
		"blog/c.md": "---\ntitle: C\n---\nC.\n", "blog/d.md": "---\ntitle: D\n---\nD, a longer post whose rename keeps most lines.\nOne.\nTwo.\nThree.\n",
	})
	base := repo.Ref("refs/heads/main")
	head := repo.Apply(gittest.Change{Ref: "refs/heads/feature", From: "refs/heads/main", Message: "move, edit, delete, add",
		Files: map[string]string{
			"posts/a.md": "---\ntitle: A\n---\nA.\n",
			"blog/b.md":  "---\ntitle: B\n---\nB, edited.\n",
			"posts/d.md": "---\ntitle: D\n---\nD, a longer post whose rename keeps most lines.\nOne.\nTwo.\nThree!\n",
			"blog/e.md":  "---\ntitle: E\n---\nE.\n",
		},
		Delete: []string{"blog/a.md", "blog/c.md", "blog/d.md"}})
	g := adapter.NewGit(openMirror(t, repo.URL), gitrepo.Signature{})
	if err := g.Fetch(ctx, "refs/heads/main", "refs/heads/feature"); err != nil {
		t.Fatal(err)
	}
	if got, err := g.Resolve(ctx, "refs/heads/feature"); err != nil || got != head {
		t.Fatalf("Resolve = %q, %v; want %s", got, err, head)
	}
	mb, err := g.MergeBase(ctx, base, head)
	if err != nil || mb != base {
		t.Fatalf("MergeBase = %q, %v; want %s", mb, err, base)
	}
	changes, err := g.Changes(ctx, mb, head)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"posts/a.md": true, "blog/b.md": false, "posts/d.md": false, "blog/e.md": false}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	fsys, err := g.FS(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(fsys, "blog/e.md"); err != nil || string(b) != "---\ntitle: E\n---\nE.\n" {
		t.Errorf("blog/e.md at the head = %q, %v", b, err)
	}
	if tip, err := g.Branch("feature").Tip(ctx); err != nil || tip != head {
		t.Errorf("Branch(feature).Tip = %q, %v; want %s", tip, err, head)
	}

	err = g.Fetch(ctx, "refs/heads/gone")
	if !errors.Is(err, forge.ErrNotFound) || !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("fetching a missing ref: %v, want forge.ErrNotFound and gitrepo.ErrNotFound", err)
	}
}

// TestGitBadCommit shows the message for a commit name that is not a hash.
func TestGitBadCommit(t *testing.T) {
	_, repo := newRepo(t, map[string]string{"a.md": "A.\n"})
	g := adapter.NewGit(openMirror(t, repo.URL), gitrepo.Signature{})
	_, err := g.FS(context.Background(), "main")
	if want := `parse hash "main": want 40 hexadecimal digits`; err == nil || err.Error() != want {
		t.Errorf("FS(main) = %v, want %q", err, want)
	}
}
