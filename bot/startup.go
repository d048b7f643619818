package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Resyncer reconciles every repository served; *Service implements it.
type Resyncer interface {
	ReconcileAll(ctx context.Context) error
}

// StartUp is how a long-running process starts: it reconciles everything
// once and then reports ready.
type StartUp struct {
	// Ready is called once the first full reconcile is done, or done for
	// some repositories: the forge answers, so being not ready would keep
	// every webhook away, and the resync retries the failed ones.
	Ready func()
	// Fatal returns the error to stop with when err is a setting the forge
	// refused once it could be reached (bad credentials, an unknown App or
	// repository), nil for an error to retry.
	Fatal func(err error) error
	// RetryEvery is the longest pause between failed attempts; the first
	// is a second, or RetryEvery when shorter, and each doubles.
	RetryEvery time.Duration
	Log        *slog.Logger
}

// Run reconciles everything through r until it succeeds (or fails for some
// repositories only) or ctx ends, retrying with a growing backoff; webhooks
// are meanwhile answered and queued. It returns an error only when Fatal
// gives one.
func (s StartUp) Run(ctx context.Context, r Resyncer) error {
	wait := min(time.Second, s.RetryEvery)
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := r.ReconcileAll(ctx)
		if err == nil {
			s.Ready()
			s.Log.Info("ready: first full reconcile done", "duration", time.Since(start).String(), "attempt", attempt)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if bad := s.Fatal(err); bad != nil {
			return bad
		}
		var part *PartialError
		if errors.As(err, &part) {
			s.Ready()
			s.Log.Error("ready, but some repositories failed their first reconcile; the resync retries them",
				"failed", part.Failed, "repositories", part.Total, "error", err, "duration", time.Since(start).String(), "attempt", attempt)
			return nil
		}
		s.Log.Error("first full reconcile failed; not ready yet", "error", err, "attempt", attempt, "retry_in", wait.String())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		wait = min(2*wait, s.RetryEvery)
	}
}

var _ Resyncer = (*Service)(nil)
