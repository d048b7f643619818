package gitrepo_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

func TestBranchReader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	tip := repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: map[string]string{"blog/a.md": "a\n"}})
	c := newCache(t)
	open(t, c, repo.URL) // the mirror, fetched
	b := &gitrepo.BranchReader{Cache: c, Remote: repo.URL, Branch: "main"}
	got, err := b.Tip(ctx)
	if err != nil || got != tip {
		t.Fatalf("Tip = %q, %v; want %s", got, err, tip)
	}
	fsys, err := b.FS(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fs.ReadFile(fsys, "blog/a.md"); err != nil || string(data) != "a\n" {
		t.Errorf("blog/a.md = %q, %v", data, err)
	}
	if _, err := b.FS(ctx, "nope"); err == nil {
		t.Error("FS of a commit that is not a hash: no error")
	}
	b.Branch = "gone"
	if _, err := b.Tip(ctx); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("Tip of a missing branch: %v, want ErrNotFound", err)
	}
}
