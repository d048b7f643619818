package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// TestPublishDueConcurrentRuns runs two "herald publish --due" processes at
// once on a repository with three due drafts, as two cron jobs on two
// machines would. Each draft must go out by exactly one one-line commit,
// whichever process wins it, and a third run must find nothing left to do.
func TestPublishDueConcurrentRuns(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	due := rfc(time.Now().Add(-time.Hour))
	drafts := []string{
		"blog/fosdem-recap/index.md",
		"blog/release-1-4/index.md",
		"blog/roadmap-2027/index.md",
	}
	dates := map[string]string{}
	for _, p := range drafts {
		dates[p] = due
	}
	repo := srv.NewRepo("site", withoutErrors(siteFiles("", dates)))
	base := repo.Ref("refs/heads/main")

	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each run has its own data directory, as two machines would.
			results[i] = herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("run %d: exit %d, want 0 (a lost race is not a failure)\nstdout:\n%sstderr:\n%s", i, r.code, r.stdout, r.stderr)
		}
	}
	// Both runs may report the same publication: when they build a draft's
	// commit within the same second, the commits are identical (same parent,
	// tree, message and time), and pushing the commit the branch already
	// points at succeeds. What matters is the set of commits reported.
	reported := map[string]bool{}
	for _, r := range results {
		for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			if hash, rest, ok := strings.Cut(line, "  "); ok && strings.HasPrefix(rest, "publish: ") {
				reported[hash] = true
			}
		}
	}
	if len(reported) != len(drafts) {
		t.Errorf("the two runs report %d distinct publish commits, want %d\nrun 0:\n%srun 1:\n%s", len(reported), len(drafts), results[0].stdout, results[1].stdout)
	}
	for hash := range reported {
		if !strings.Contains(repo.Git("log", "--format=%h %H", base+"..refs/heads/main"), hash) {
			t.Errorf("reported commit %s is not on main", hash)
		}
	}

	if n := repo.CommitCount("refs/heads/main") - repo.CommitCount(base); n != len(drafts) {
		t.Fatalf("main has %d new commits, want %d (one per draft)\n%s", n, len(drafts), repo.Git("log", "--stat", base+"..refs/heads/main"))
	}
	// Every new commit changes exactly one line of one post.
	stats := strings.Fields(repo.Git("log", "--format=", "--numstat", base+"..refs/heads/main"))
	if len(stats) != 3*len(drafts) {
		t.Fatalf("numstat of the publish commits: %q, want one file per commit", stats)
	}
	seen := map[string]bool{}
	for i := 0; i < len(stats); i += 3 {
		added, deleted, path := stats[i], stats[i+1], stats[i+2]
		if added != "1" || deleted != "1" {
			t.Errorf("%s: %s lines added, %s deleted, want one line changed", path, added, deleted)
		}
		if seen[path] {
			t.Errorf("%s was published twice", path)
		}
		seen[path] = true
	}
	for _, p := range drafts {
		if !seen[p] {
			t.Errorf("%s was not published", p)
		}
		if got := repo.ReadFile("refs/heads/main", p); !strings.Contains(got, "draft: false") {
			t.Errorf("%s at main still reads as a draft:\n%s", p, got)
		}
	}

	// A third run adds nothing and says that nothing was due.
	tip := repo.Ref("refs/heads/main")
	r := herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Nothing due: ") || repo.Ref("refs/heads/main") != tip {
		t.Errorf("third run: exit %d, stdout %q, stderr %q, main moved %v; want 0, \"Nothing due: ...\" and no commit", r.code, r.stdout, r.stderr, repo.Ref("refs/heads/main") != tip)
	}
}
