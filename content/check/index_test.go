package check

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/content"
)

// TestIndexUpdate keeps an index up to date with AddPost and RemovePost
// across a change (a post edited, one deleted, one added, one renamed, one
// turned into a draft) and compares it with the index built from scratch
// after the change.
func TestIndexUpdate(t *testing.T) {
	ctx := context.Background()
	before := testSite(map[string]string{
		"blog/2026/a/index.md": fm + "Kubernetes operators reconcile.\n",
		"blog/2026/b/index.md": fm + "Zephyrine words here.\n",
		"blog/2026/c/index.md": "---\ntitle: C\nslug: same\nextra: 1\n---\n\nZephyrine again.\n",
		"blog/2026/d/index.md": "---\ntitle: D\nslug: same\nextra: 2\n---\n\nQuixotry.\n",
		"blog/2026/e/index.md": fm + "Renamed post body.\n",
	})
	after := fstest.MapFS{}
	for k, v := range before {
		after[k] = v
	}
	after["blog/2026/a/index.md"] = &fstest.MapFile{Data: []byte(fm + "Kubernetes controllers reconcile.\n")}
	delete(after, "blog/2026/b/index.md")
	after["blog/2026/f/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: F\nslug: same\nnewkey: x\n---\n\nFreshword.\n")}
	after["blog/2026/g/index.md"] = after["blog/2026/e/index.md"]
	delete(after, "blog/2026/e/index.md")
	after["blog/2026/d/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: D\nslug: same\nextra: 2\ndraft: true\n---\n\nQuixotry.\n")}

	load := func(fsys fstest.MapFS) *content.Site {
		site, err := content.LoadSite(ctx, fsys)
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	read := func(site *content.Site, p string) *content.Post {
		post, err := site.ReadPost(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return post
	}
	old, cur := load(before), load(after)
	c := New(cur.Config)
	idx, err := New(old.Config).Index(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"blog/2026/a/index.md", "blog/2026/b/index.md", "blog/2026/d/index.md", "blog/2026/e/index.md"} {
		c.RemovePost(idx, read(old, p))
	}
	for _, p := range []string{"blog/2026/a/index.md", "blog/2026/d/index.md", "blog/2026/f/index.md", "blog/2026/g/index.md"} {
		c.AddPost(idx, read(cur, p))
	}
	fresh, err := New(cur.Config).Index(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fresh.urls, idx.urls); diff != "" {
		t.Errorf("urls (-fresh +updated):\n%s", diff)
	}
	if diff := cmp.Diff(fresh.fields, idx.fields); diff != "" {
		t.Errorf("fields (-fresh +updated):\n%s", diff)
	}
	for _, w := range []string{"kubernetes", "operators", "controllers", "zephyrine", "quixotry", "freshword", "renamed", "words"} {
		if got, want := idx.vocab.Documents(w), fresh.vocab.Documents(w); got != want {
			t.Errorf("documents with %q: updated %d, fresh %d", w, got, want)
		}
	}
}
