package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// A resync looks at every open pull request every few minutes, and most of
// them have not moved since the last one. Reading each one's statuses,
// check runs and reviews again would spend the installation's rate limit
// on nothing (three calls per pull request; a conditional request is free
// only while the token stays the same, and an App's token changes every
// hour). So the resync remembers what it read of a pull request that was
// left as it should be, and uses it again while the pull request has not
// moved: same head, same updated_at (which GitHub moves for comments,
// reviews, labels and pushes), same default branch (its .herald.yml), and
// nothing of it due. The conversation comments are still read every time,
// as a conditional request, so a command is never missed; a pull request
// with something due is always read in full, so a merge is decided on
// fresh approvals and checks; and webhooks and timers never use the memory.

// prMark is what the listing of open pull requests shows of one, and the
// default branch it was read against: while it stays the same, nothing the
// plan needs before the due time has changed.
type prMark struct {
	head      string
	updatedAt time.Time
	base      string
	baseRef   string
	draft     bool
	labels    string
}

func (e *openRepo) markOf(p forge.PullRequest) prMark {
	return prMark{head: p.HeadSHA, updatedAt: p.UpdatedAt, base: e.base, baseRef: p.BaseRef, draft: p.Draft,
		labels: strings.Join(p.Labels, "\n")}
}

// steadyPR is what a full read of a pull request found, kept while the
// pull request does not move.
type steadyPR struct {
	mark    prMark
	checked checked
	reviews []forge.Review
	// due is when its posts go live; zero when none is dated.
	due time.Time
}

// unmoved returns what the last full read of the pull request found, when
// this reconcile may use it instead of reading again: a resync, the
// pull request not moved, no command or second copy of a comment to handle,
// no re-check asked for, nothing of it due.
func (b *Bot) unmoved(e *openRepo, n int, mark prMark, quiet, recheck bool) (steadyPR, bool) {
	if !e.resync || !quiet || recheck {
		return steadyPR{}, false
	}
	b.mu.Lock()
	s, ok := b.steady[e.t.Repo][n]
	b.mu.Unlock()
	if !ok || s.mark != mark || (!s.due.IsZero() && !b.now().Before(s.due)) {
		return steadyPR{}, false
	}
	return s, true
}

// noteRead records a full, quiet read of pull request n (no check run, no
// command, nothing tidied): a candidate for the memory once the plan has
// asked nothing of it.
func (e *openRepo) noteRead(n int, s steadyPR) {
	if e.read == nil {
		e.read = map[int]steadyPR{}
	}
	e.read[n] = s
}

// dueOf returns when a pull request's dated posts go live, the latest of
// their times; zero when none is dated.
func dueOf(posts []publish.Post) time.Time {
	var at time.Time
	for _, p := range posts {
		if !p.Draft && p.DateProblem == "" && p.PublishAt.After(at) {
			at = p.PublishAt
		}
	}
	return at
}

// rememberSteady keeps the pull requests read quietly in this reconcile
// that the plan asked nothing of (it is what they should be); any other is
// read in full next time. A reconcile of one pull request leaves the rest
// of the memory as it was.
func (b *Bot) rememberSteady(e *openRepo, actions []publish.Action, scoped bool, only int) {
	named := map[int]bool{}
	for _, a := range actions {
		if n := actionPR(a); n != 0 {
			named[n] = true
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	next := map[int]steadyPR{}
	if scoped {
		for n, s := range b.steady[e.t.Repo] {
			if n != only {
				next[n] = s
			}
		}
	}
	for n, s := range e.read {
		if !named[n] && !slices.Contains(e.merged, n) {
			next[n] = s
		}
	}
	if b.steady == nil {
		b.steady = map[string]map[int]steadyPR{}
	}
	b.steady[e.t.Repo] = next
}

// actionPR returns the pull request an action is about, or zero.
func actionPR(a publish.Action) int {
	switch a := a.(type) {
	case publish.Merge:
		return a.PR
	case publish.SetStatus:
		return a.PR
	case publish.SetLabel:
		return a.PR
	case publish.RemoveLabel:
		return a.PR
	case publish.Comment:
		return a.PR
	case publish.Blocked:
		return a.PR
	}
	return 0
}
