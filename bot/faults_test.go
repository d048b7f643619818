package bot_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/publish"
)

// faultRetry is the client's retry policy in the fault tests: three tries,
// short backoffs, rate-limit waits of at most one second and attempts of at
// most half a second, so that every fault below can outlast it.
var faultRetry = github.RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond,
	MaxWait: time.Second, AttemptTimeout: 500 * time.Millisecond}

// tokenBot is a bot on w's forge and Git server in token mode (commit
// statuses, a personal access token) whose client retries as retry says.
func tokenBot(t testing.TB, w *world, retry github.RetryPolicy) *bot.Bot {
	t.Helper()
	w.fake.AddToken(replicaToken, "herald-bot")
	log := slog.New(slog.NewTextHandler(&syncWriter{w: w.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := github.NewTokenClient(replicaToken, owner, name, github.Options{BaseURL: w.fake.URL(), Transport: w.fake.Client().Transport,
		Logger: log, Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	cache, err := gitrepo.NewCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	b, err := bot.New(bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) { return c, nil }), gitMirrors(cache),
		bot.WithClock(w.clock.Now), bot.WithLogger(log), bot.WithCommitStatuses(), bot.WithLogin("herald-bot"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestForgeFaultsDelayButDoNotLosePublication: an approved, checked pull
// request falls due while the forge answers its merge or its status with
// 5xx, rate limits or answers slower than the client waits. The reconcile at
// the due time may fail; the next one (the resync's) merges it, and nothing
// is merged twice.
func TestForgeFaultsDelayButDoNotLosePublication(t *testing.T) {
	const (
		merge  = "pulls/merge"
		status = "repos/create-commit-status"
	)
	// The plan sets the schedule status to success and the merge sets it
	// again unless that worked, so a status outage outlasting the retries
	// takes twice their number.
	for _, tc := range []struct {
		name   string
		inject func(f *fakegithub.Server)
		// firstFails is whether the reconcile at the due time fails
		// (with wantErr in its error), or absorbs the fault.
		firstFails bool
		wantErr    string
		// resyncAfter is how long the outage lasts past the failed
		// reconcile (a rate limit's reset).
		resyncAfter time.Duration
		// slow cases wait out timeouts or rate limits; -short skips them.
		slow bool
	}{
		{name: "merge answers 502 on every try", inject: func(f *fakegithub.Server) { f.FailNext(merge, faultRetry.MaxAttempts, http.StatusBadGateway) },
			firstFails: true, wantErr: "502"},
		{name: "schedule status answers 500 on every try", inject: func(f *fakegithub.Server) {
			f.FailNext(status, 2*faultRetry.MaxAttempts, http.StatusInternalServerError)
		},
			firstFails: true, wantErr: "not attempted"},
		{name: "merge answers 503 once", inject: func(f *fakegithub.Server) { f.FailNext(merge, 1, http.StatusServiceUnavailable) }},
		{name: "merge rate limited until after the wait bound", inject: func(f *fakegithub.Server) {
			f.RateLimitNext(merge, 1, http.StatusForbidden, time.Now().Add(2*time.Second))
		}, firstFails: true, wantErr: "rate limit", resyncAfter: 2 * time.Second, slow: true},
		{name: "merge rate limited (429) within the wait bound", inject: func(f *fakegithub.Server) {
			f.RateLimitNext(merge, 1, http.StatusTooManyRequests, time.Now().Add(500*time.Millisecond))
		}},
		{name: "merge hits the secondary rate limit", inject: func(f *fakegithub.Server) { f.SecondaryLimitNext(merge, 1, 2*time.Second) },
			firstFails: true, wantErr: "rate limit", resyncAfter: 2 * time.Second, slow: true},
		{name: "merge times out on every try", inject: func(f *fakegithub.Server) { f.SlowNext(merge, faultRetry.MaxAttempts, 3*time.Second) },
			firstFails: true, wantErr: "merge", slow: true},
		{name: "schedule status times out on every try", inject: func(f *fakegithub.Server) { f.SlowNext(status, 2*faultRetry.MaxAttempts, 3*time.Second) },
			firstFails: true, wantErr: "not attempted", slow: true},
		{name: "merge done but its answer lost", inject: func(f *fakegithub.Server) { f.LoseAnswerNext(merge, 1, 3*time.Second) }},
		{name: "every endpoint fails once", inject: func(f *fakegithub.Server) { f.FailEachOnce(http.StatusBadGateway) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if testing.Short() && tc.slow {
				t.Skip("waits out timeouts or a rate limit; skipped in -short mode")
			}
			base, post := cleanPost(t)
			w := newWorld(t, base)
			b := tokenBot(t, w, faultRetry)
			head := w.openPR(2, post)
			w.fake.AddReview(fullName, fakeReview(head))
			ctx := context.Background()
			targets := []bot.Target{{Repo: fullName}}
			// Before the due time: checked, scheduled, the status pending.
			if err := b.ReconcileAll(ctx, targets); err != nil {
				t.Fatal(err)
			}
			if st := lastStatus(w.fake.Statuses(fullName, head), publish.StatusContext); st.State != "pending" {
				t.Fatalf("schedule status = %+v, want pending", st)
			}

			w.clock.Set(time.Date(2026, 2, 3, 9, 0, 10, 0, time.UTC))
			tc.inject(w.fake)
			err := b.ReconcileAll(ctx, targets)
			switch {
			case tc.firstFails && err == nil:
				t.Fatalf("the reconcile at the due time succeeded; merges %+v", w.fake.Merges())
			case tc.firstFails && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("error = %v, want one naming %q", err, tc.wantErr)
			case !tc.firstFails && err != nil:
				t.Fatalf("the reconcile at the due time failed: %v", err)
			}
			if tc.firstFails {
				if m := w.fake.Merges(); len(m) != 0 {
					t.Fatalf("merged although the reconcile failed: %+v", m)
				}
				t.Logf("at the due time: %v", err)
				// The outage ends; the resync comes.
				w.fake.StopFaults()
				time.Sleep(tc.resyncAfter)
				w.clock.Set(w.clock.Now().Add(5 * time.Minute))
				if err := b.ReconcileAll(ctx, targets); err != nil {
					t.Fatalf("the resync failed: %v", err)
				}
			}
			if m := w.fake.Merges(); len(m) != 1 || m[0].SHA != head {
				t.Fatalf("merges = %+v, want one of #2 at %s", m, head)
			}
			if st := lastStatus(w.fake.Statuses(fullName, head), publish.StatusContext); st.State != "success" {
				t.Errorf("schedule status = %+v, want success", st)
			}
			// Once more, as the next resync: nothing new.
			if err := b.ReconcileAll(ctx, targets); err != nil {
				t.Fatal(err)
			}
			if got := len(w.fake.Merges()); got != 1 {
				t.Errorf("merges after another resync = %d, want 1", got)
			}
		})
	}
}
