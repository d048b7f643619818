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
}

// Upcoming lists the schedule derived from s at now: every dated post that is
// due in the future, due and not out yet (late or blocked), or out within the
// catch-up window, ordered by time and path. It agrees with Plan: an item is
// late exactly when Plan would publish it now.
func Upcoming(s State, now time.Time) []Item {
	c := s.Config.withDefaults()
	p := planner{c: c, now: now}
	var items []Item
	add := func(it Item) {
		it.Strategy = c.Strategy
		if it.Cause == "" {
			it.Cause = CausePublish
		}
		items = append(items, it)
	}
	recent := func(at time.Time) bool { return now.Sub(at) <= c.CatchUp }

	if c.Strategy == StrategyMerge {
		for _, pr := range s.PRs {
			d := scheduleOf(pr.Posts)
			if len(d.problems) > 0 {
				for _, post := range d.problems {
					add(Item{Path: post.Path, Title: post.Title, PR: pr.Number, Status: ItemBlocked, Reason: post.DateProblem})
				}
				continue
			}
			if len(d.paths) == 0 {
				continue
			}
			status, reason := ItemScheduled, ""
			if !now.Before(d.at) {
				status = ItemLate
				if bs := p.blockers(pr); len(bs) > 0 {
					var longs []string
					for _, b := range bs {
						longs = append(longs, b.long)
					}
					status, reason = ItemBlocked, strings.Join(longs, " ")
				}
			}
			for _, post := range sortedPosts(pr.Posts) {
				if slices.Contains(d.paths, post.Path) {
					add(Item{Path: post.Path, Title: post.Title, PR: pr.Number, At: d.at, Status: status, Reason: reason})
				}
			}
		}
	}

	for _, post := range s.Posts {
		if post.DateProblem != "" {
			if (c.Strategy == StrategyDraft && post.Draft) || (c.Strategy == StrategyRebuild && !post.Draft) {
				add(Item{Path: post.Path, Title: post.Title, Status: ItemBlocked, Reason: post.DateProblem})
			}
			continue
		}
		at := post.PublishAt
		switch {
		case at.IsZero():
		case c.Strategy == StrategyDraft && post.Draft:
			switch {
			case now.Before(at):
				add(Item{Path: post.Path, Title: post.Title, At: at, Status: ItemScheduled})
			case recent(at):
				add(Item{Path: post.Path, Title: post.Title, At: at, Status: ItemLate})
			default:
				add(Item{Path: post.Path, Title: post.Title, At: at, Status: ItemBlocked, Reason: "It fell due more than " + HumanDuration(c.CatchUp) + " ago; set a new date to publish it."})
			}
		case post.Draft:
		case c.Strategy == StrategyRebuild:
			if it, ok := rebuildItem(post, CausePublish, at, now, s.Done.LastRebuild, c.CatchUp); ok {
				add(it)
			}
		case recent(at):
			add(Item{Path: post.Path, Title: post.Title, At: at, Status: ItemPublished})
		}
		if !post.Draft && c.Trigger != TriggerNone {
			if it, ok := rebuildItem(post, CauseExpiry, post.ExpiryAt, now, s.Done.LastRebuild, c.CatchUp); ok {
				add(it)
			}
		}
	}
	slices.SortStableFunc(items, func(a, b Item) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return items
}

func rebuildItem(post Post, cause RebuildCause, at, now, last time.Time, catchUp time.Duration) (Item, bool) {
	it := Item{Path: post.Path, Title: post.Title, Cause: cause, At: at}
	switch {
	case at.IsZero():
		return it, false
	case now.Before(at):
		it.Status = ItemScheduled
	case now.Sub(at) > catchUp:
		return it, false
	case !at.After(last):
		it.Status = ItemPublished
	default:
		it.Status = ItemLate
	}
	return it, true
}

// EntriesOf turns the schedule of repo into scheduler entries: one per pull
// request (its posts go together), per draft or rebuild publication and per
// expiry that is scheduled or late. Published and blocked items get none:
// a blocked item is retried by the resync and by the webhooks that clear its
// blocker, not by the clock.
func EntriesOf(repo string, items []Item) []Entry {
	var out []Entry
	seen := map[string]bool{}
	for _, it := range items {
		if it.At.IsZero() || (it.Status != ItemScheduled && it.Status != ItemLate) {
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
