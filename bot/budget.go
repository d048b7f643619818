package bot

import (
	"context"
	"time"

	"github.com/heraldhq/herald/forge"
)

// RateLimiter is a forge client that reports its credential's rate limit as
// the forge last answered it; *github.Client implements it. The resync
// uses it to slow down before the limit is hit.
type RateLimiter interface {
	RateLimit() (forge.RateLimit, bool)
}

// resyncReserve is the share of a credential's limit (one part in
// resyncReserve) that a resync leaves for webhooks: authors waiting for
// feedback come first, and the resync only catches up on what they missed.
const resyncReserve = 10

// rateLimiter returns t's forge client when it reports a rate limit.
func (b *Bot) rateLimiter(ctx context.Context, t Target) RateLimiter {
	f, err := b.clients.Forge(ctx, t)
	if err != nil {
		return nil // the reconcile reports it
	}
	rl, _ := f.(RateLimiter)
	return rl
}

// deferResync reports whether the resync of t waits for the rate limit to
// reset: what is left of it, before its reset, does not cover what t's last
// resync cost plus the reserve. It says so once per installation and
// window.
func (b *Bot) deferResync(t Target, r forge.RateLimit) bool {
	// The reset is GitHub's wall-clock time, as for the client's waits;
	// the planning clock has nothing to say about it.
	now := time.Now()
	b.mu.Lock()
	need := b.resyncCost[t.Repo]
	if !now.Before(r.Reset) || r.Remaining >= need+r.Limit/resyncReserve {
		b.mu.Unlock()
		return false
	}
	first := !b.deferLogged[t.InstallationID].Equal(r.Reset)
	if first {
		if b.deferLogged == nil {
			b.deferLogged = map[int64]time.Time{}
		}
		b.deferLogged[t.InstallationID] = r.Reset
	}
	b.mu.Unlock()
	log := b.log.With("repo", t.Repo, "remaining", r.Remaining, "limit", r.Limit, "need", need, "reset", r.Reset.UTC())
	if first {
		log.Warn("GitHub rate limit low: the resync waits for it to reset; webhooks are still answered",
			"installation", t.InstallationID, "in", r.Reset.Sub(now).Round(time.Second))
	} else {
		log.Debug("resync deferred until the rate limit resets")
	}
	b.metrics.deferred(TriggerResync)
	return true
}

// noteResyncCost records what a resync of repo spent of its rate limit,
// from the limit before and after it within one window.
func (b *Bot) noteResyncCost(repo string, before, after forge.RateLimit) {
	if !before.Reset.Equal(after.Reset) || after.Remaining > before.Remaining {
		return // a new window began meanwhile: nothing to learn
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.resyncCost == nil {
		b.resyncCost = map[string]int{}
	}
	b.resyncCost[repo] = before.Remaining - after.Remaining
}
