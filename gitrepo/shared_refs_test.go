package gitrepo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestSharedDataDirRefsNeverEmpty gives one data directory to two caches,
// as two processes of herald publish --due have it: while one publishes
// commit after commit (each push records the new tip in the shared
// mirror), the other fetches and resolves the branch over and over. The
// reader must always see a whole ref, the old tip or a new one: never an
// empty ref file ("ref file is empty") or a missing branch.
func TestSharedDataDirRefsNeverEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"post.md": "draft: true\n"})
	data := t.TempDir()
	writer := open(t, newCacheIn(t, data), repo.URL)
	reader := open(t, newCacheIn(t, data), repo.URL)

	const pushes = 40
	tips := map[gitrepo.Hash]bool{resolve(t, writer, "main"): true}
	var mu sync.Mutex
	done := make(chan struct{})
	pushed := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		tip := resolve(t, writer, "main")
		for i := range pushes {
			c, err := writer.Commit(ctx, gitrepo.CommitRequest{
				Parent: tip, Files: map[string][]byte{"post.md": fmt.Appendf(nil, "draft: true\nrevision: %d\n", i)},
				Message: fmt.Sprintf("revision %d", i), Author: bot, Committer: bot,
			})
			if err != nil {
				t.Errorf("commit %d: %v", i, err)
				return
			}
			mu.Lock()
			tips[c] = true
			mu.Unlock()
			if err := writer.Push(ctx, "main", c, tip); err != nil {
				t.Errorf("push %d: %v", i, err)
				return
			}
			tip = c
			select {
			case pushed <- struct{}{}:
			default:
			}
		}
	})
	wg.Go(func() {
		for reads := 0; ; reads++ {
			select {
			case <-done:
				if reads == 0 {
					t.Error("the reader never ran while the writer pushed")
				}
				return
			default:
			}
			select {
			case <-pushed:
				if err := reader.Fetch(ctx, "refs/heads/main"); err != nil {
					t.Errorf("read %d: %v", reads, err)
					return
				}
			default:
			}
			h, err := reader.Resolve(ctx, "main")
			if err != nil {
				t.Errorf("read %d: %v", reads, err)
				return
			}
			mu.Lock()
			known := tips[h]
			mu.Unlock()
			if !known {
				t.Errorf("read %d: main = %s, neither the first tip nor a pushed commit", reads, h)
				return
			}
		}
	})
	wg.Wait()
}
