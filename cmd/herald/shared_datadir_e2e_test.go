package main

import (
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// TestPublishDueSharedDataDir runs two "herald publish --due" processes at
// once on one fresh data directory, as two overlapping cron runs on one host
// do: neither may report a failure (the mirror cache's lock file makes the
// second wait for the first one's clone), and each due draft goes out by
// one commit.
func TestPublishDueSharedDataDir(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	for round := range 3 {
		drafts := []string{"blog/fosdem-recap/index.md", "blog/release-1-4/index.md", "blog/roadmap-2027/index.md"}
		dates := map[string]string{}
		for _, p := range drafts {
			dates[p] = rfc(time.Now().Add(-time.Hour))
		}
		repo := srv.NewRepo("site"+string(rune('a'+round)), withoutErrors(siteFiles("", dates)))
		base := repo.Ref("refs/heads/main")
		data := t.TempDir()
		var wg sync.WaitGroup
		results := make([]result, 2)
		for i := range results {
			wg.Go(func() { results[i] = herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", data) })
		}
		wg.Wait()
		for i, r := range results {
			if r.code != 0 {
				t.Errorf("round %d, run %d: exit %d, want 0\nstdout:\n%sstderr:\n%s", round, i, r.code, r.stdout, r.stderr)
			}
		}
		if n := repo.CommitCount("refs/heads/main") - repo.CommitCount(base); n != len(drafts) {
			t.Errorf("round %d: main has %d new commits, want %d (one per draft)", round, n, len(drafts))
		}
	}
}
