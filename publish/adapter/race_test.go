package adapter_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

// TestMergeRaceBetweenReplicas: two replicas merge the same pull request at
// once. The forge refuses the second while the first is in progress; the
// loser reads the pull request again until it is merged and reports it as
// already merged, not as a failure. A merge that stays in progress longer
// than the re-reads last is reported as not mergeable (the next reconcile
// finds it merged).
func TestMergeRaceBetweenReplicas(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// hold is how long the first merge stays in progress after the
		// second was refused.
		hold    time.Duration
		wantErr error
	}{
		{name: "first merge finishes soon", hold: 100 * time.Millisecond, wantErr: publish.ErrAlreadyMerged},
		{name: "first merge outlasts the re-reads", hold: 3 * time.Second, wantErr: publish.ErrNotMergeable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var fake atomic.Pointer[fakegithub.Server]
			f := &forgeEnv{fake: fakegithub.New(t, fakegithub.Options{OnMerge: func(repo string, pr int, sha string) (string, error) {
				deadline := time.Now().Add(5 * time.Second)
				for fake.Load().Count("pulls/merge") == 0 && time.Now().Before(deadline) {
					time.Sleep(2 * time.Millisecond)
				}
				time.Sleep(tc.hold)
				return sha, nil
			}})}
			fake.Store(f.fake)
			f.fake.AddToken(token, "herald-bot")
			f.fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
			n := f.addPR(t)

			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range errs {
				c, err := github.NewTokenClient(token, "acme", "blog", github.Options{BaseURL: f.fake.URL(), Transport: f.fake.Client().Transport,
					Logger: slog.New(slog.DiscardHandler), Retry: github.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}})
				if err != nil {
					t.Fatal(err)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = adapter.NewForge(c).Merge(context.Background(), n, headSHA, forge.MergeCommit)
				}()
			}
			wg.Wait()
			won, lost := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case errors.Is(err, tc.wantErr):
					lost++
				default:
					t.Errorf("merge: %v, want nil or %v", err, tc.wantErr)
				}
			}
			if won != 1 || lost != 1 {
				t.Errorf("errors %v: want one merge and one %v", errs, tc.wantErr)
			}
			if got := len(f.fake.Merges()); got != 1 {
				t.Errorf("%d merges, want 1", got)
			}
		})
	}
}
