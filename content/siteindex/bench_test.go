package siteindex_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/siteindex"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// benchPosts is the size of the benchmark site.
const benchPosts = 10_000

func benchPath(i int) string {
	return fmt.Sprintf("blog/%d/%05d-post/index.md", 2016+i*10/benchPosts, i)
}

// BenchmarkStoreNextCommit moves a Store from one commit of a 10,000-post
// repository to the next, which changes one post: Load is the site at the
// new commit, Index the check index moved there. The baseline, in the same
// run, is content.LoadSite walking the same commit without the store.
func BenchmarkStoreNextCommit(b *testing.B) {
	files := map[string]string{
		"docusaurus.config.js": "module.exports = {};\n",
		"blog/authors.yml":     "ada: {name: Ada}\n",
		"blog/tags.yml":        "news: {label: News}\n",
		".herald.yml":          "version: 1\ntimezone: Europe/Berlin\n",
	}
	for i := range benchPosts {
		files[benchPath(i)] = fmt.Sprintf("%spost %d: we recieve the packets.\n", fm, i)
	}
	repo := gittest.NewBareRepo(b, files)
	cache, err := gitrepo.NewCache(b.TempDir(), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cache.Close() })
	ctx := context.Background()
	m, err := cache.Open(ctx, repo.URL, gitrepo.Anonymous())
	if err != nil {
		b.Fatal(err)
	}
	fsAt := func(rev string) fs.FS {
		b.Helper()
		if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
			b.Fatal(err)
		}
		h, err := gitrepo.ParseHash(rev)
		if err != nil {
			b.Fatal(err)
		}
		fsys, err := m.FS(ctx, h)
		if err != nil {
			b.Fatal(err)
		}
		return fsys
	}
	store := siteindex.NewStore()
	next := func(i int) fs.FS {
		return fsAt(repo.Commit("refs/heads/main", map[string]string{benchPath(i * 7919 % benchPosts): fmt.Sprintf("%sedit %d\n", fm, i)}))
	}
	// Warm: the first commit read whole, two more as a bot sees them.
	for i := range 3 {
		site, err := store.Load(ctx, next(i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := store.Index(ctx, site); err != nil {
			b.Fatal(err)
		}
	}
	var walk []time.Duration
	for range 5 {
		fsys := next(0)
		start := time.Now()
		if _, err := content.LoadSite(ctx, fsys); err != nil {
			b.Fatal(err)
		}
		walk = append(walk, time.Since(start))
	}
	var load, index []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		fsys := next(i + 3)
		b.StartTimer()
		start := time.Now()
		site, err := store.Load(ctx, fsys)
		if err != nil {
			b.Fatal(err)
		}
		loaded := time.Now()
		if _, err := store.Index(ctx, site); err != nil {
			b.Fatal(err)
		}
		load, index = append(load, loaded.Sub(start)), append(index, time.Since(loaded))
		if len(site.Posts) != benchPosts {
			b.Fatalf("posts = %d", len(site.Posts))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(median(load).Microseconds()), "load-p50-us")
	b.ReportMetric(float64(median(index).Microseconds()), "index-p50-us")
	b.ReportMetric(float64(median(walk).Microseconds())/1000, "baseline-walk-p50-ms")
	b.ReportMetric(float64(median(walk))/float64(median(load)), "walk-per-load")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
