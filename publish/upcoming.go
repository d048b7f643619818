package publish

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// ItemStatus is where one scheduled publication stands.
type ItemStatus string

// Item statuses.
const (
	// ItemScheduled is due in the future.
	ItemScheduled ItemStatus = "scheduled"
	// ItemLate is due and not out yet, with nothing herald could name in the
	// way: it goes out on the next plan.
	ItemLate ItemStatus = "late"
	// ItemBlocked cannot go out; Item.Reason says why.
	ItemBlocked ItemStatus = "blocked"
	// ItemPublished went out (within the catch-up window).
	ItemPublished ItemStatus = "published"
)

// Item is one publication (or expiry) on the schedule, for feeds, the
// "herald schedule" command and the scheduler's one-shot entries.
type Item struct {
	Path  string
	Title string
	// PR is the pull request that publishes the post, or zero.
	PR int
	// Cause is CausePublish, or CauseExpiry for a rebuild at expiry.
	Cause    RebuildCause
	Strategy Strategy
	// At is when the item is due; zero when its date could not be resolved.
	At     time.Time
	Status ItemStatus
	// Reason says why an item is blocked, for people.
	Reason string
	// Rules are the rule IDs of the error findings that block it, each once
	// and sorted, when errors are what blocks it and their rules are known.
	Rules []string
	// Blockers name what blocks it in the words every surface uses
	// ("blocked by link-reversed, unknown-author", "not approved", "held");
	// see Said and ItemReason.
	Blockers []string
}

// Upcoming lists the schedule derived from s at now: every dated post that is
// due in the future, due and not out yet (late or blocked), or out within the
// catch-up window, ordered by time and path. It runs Plan's own decisions
// and lists them, so the two cannot disagree: an item is late exactly when
// Plan publishes it now, blocked exactly when Plan names a blocker.
func Upcoming(s State, now time.Time) []Item {
	p := planner{c: s.Config.withDefaults(), now: now, list: true}
	p.run(s)
	slices.SortStableFunc(p.items, func(a, b Item) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return p.items
}

// EntriesOf turns the schedule of repo at now into scheduler entries: one
// per pull request (its posts go together), per draft or rebuild
// publication and per expiry that is scheduled or late, or blocked and due
// ahead (errors block a post before its time: at its time the plan names
// the blocker). Published items get none, nor do blocked ones that are due:
// those are retried by the resync and by the webhooks that clear the
// blocker, not by the clock.
func EntriesOf(repo string, items []Item, now time.Time) []Entry {
	var out []Entry
	seen := map[string]bool{}
	for _, it := range items {
		ahead := it.Status == ItemBlocked && it.At.After(now)
		if it.At.IsZero() || (it.Status != ItemScheduled && it.Status != ItemLate && !ahead) {
			continue
		}
		key := it.Path
		switch {
		case it.PR != 0:
			key = fmt.Sprintf("pr/%d", it.PR)
		case it.Cause == CauseExpiry:
			key = "expiry/" + it.Path
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, Entry{Repo: repo, Key: key, At: it.At})
	}
	return out
}
