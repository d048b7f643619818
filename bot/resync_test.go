package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/publish"
)

// TestResyncPublishesWithEveryWebhookDropped runs the bot as "herald serve"
// does, on the wall clock: a real scheduler whose one-shot entries call
// OnFire and whose resync (every second here, every five minutes by default)
// calls ReconcileAll. No webhook is ever delivered. The pull request is
// approved on the forge before or after its post falls due, a few seconds
// ahead; it is merged once, not before the due time, and after an approval
// that came late, by a resync (the log says how soon).
func TestResyncPublishesWithEveryWebhookDropped(t *testing.T) {
	if testing.Short() {
		t.Skip("runs on the wall clock for several seconds; skipped in -short mode")
	}
	const period = time.Second
	for _, tc := range []struct {
		name             string
		dueIn, approveIn time.Duration
	}{
		{name: "approved before the due time", dueIn: 4 * time.Second, approveIn: 1500 * time.Millisecond},
		{name: "approved after the due time", dueIn: 3 * time.Second, approveIn: 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			due := start.Add(tc.dueIn).Truncate(time.Second)
			base, post := cleanPost(t)
			post[postPath] = strings.Replace(post[postPath], "date: 2026-02-03T11:00:00+02:00", "date: "+due.UTC().Format(time.RFC3339), 1)

			var b *bot.Bot
			targets := []bot.Target{{Repo: fullName, InstallationID: instID}}
			sched, err := publish.NewScheduler(
				func(ctx context.Context, f publish.Firing) { b.OnFire(ctx, f) },
				func(ctx context.Context) {
					if err := b.ReconcileAll(ctx, targets); err != nil {
						t.Logf("resync: %v", err)
					}
				},
				publish.WithResyncSpec("@every "+period.String()))
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(t, base, bot.WithClock(time.Now), bot.WithScheduler(sched))
			b = w.bot
			head := w.openPR(2, post)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- sched.Run(ctx) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Error(err)
				}
			}()

			// The maintainer approves on the forge; the webhook is lost.
			var approved, merged time.Time
			// Generous: on a busy machine a resync and a reconcile may take
			// seconds. How soon the merge comes is logged, not asserted:
			// latency is a benchmark's business.
			deadline := due.Add(tc.approveIn + time.Minute)
			for merged.IsZero() && time.Now().Before(deadline) {
				if approved.IsZero() && time.Since(start) >= tc.approveIn {
					w.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head})
					approved = time.Now()
				}
				if len(w.fake.Merges()) > 0 {
					merged = time.Now()
				}
				time.Sleep(5 * time.Millisecond)
			}
			if merged.IsZero() {
				t.Fatalf("not merged %s after the due time (approved %s after start)", time.Since(due), approved.Sub(start))
			}
			if merged.Before(due) {
				t.Fatalf("merged %s before the due time", due.Sub(merged))
			}
			ready := due
			if approved.After(due) {
				ready = approved
			}
			delay := merged.Sub(ready)
			t.Logf("due %s after start, approved %s after start, merged %s after the later of the two (resync period %s)",
				due.Sub(start).Round(time.Millisecond), approved.Sub(start).Round(time.Millisecond), delay.Round(time.Millisecond), period)

			// More resyncs change nothing.
			time.Sleep(2 * period)
			if m := w.fake.Merges(); len(m) != 1 || m[0].SHA != head {
				t.Errorf("merges = %+v, want one of #2 at %s", m, head)
			}
			if st := lastStatus(w.fake.Statuses(fullName, head), publish.StatusContext); st.State != "success" {
				t.Errorf("schedule status = %+v, want success", st)
			}
		})
	}
}
