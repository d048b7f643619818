package publish

import (
	"time"

	"github.com/heraldhq/herald/forge"
)

// Action is one thing Plan asks the publisher to do. The concrete types are
// the ones declared in this file; the publisher switches on them.
type Action interface {
	action()
}

// Merge merges a due pull request. The publisher must carry HeadSHA as the
// expected head so that a push after planning makes the merge fail instead of
// publishing unchecked content.
type Merge struct {
	PR      int
	HeadSHA string
	Method  forge.MergeMethod
	// Paths are the posts the pull request publishes.
	Paths []string
	// Due is when the pull request was due (its latest post's time).
	Due time.Time
	// Late is how late the merge is, when more than the configured slack;
	// zero when on time. The pull request says "went out late by ...".
	Late time.Duration
}

// CommitDraftFlip turns a draft on the default branch into a published post
// by a one-line commit with the message "publish: <Title>".
type CommitDraftFlip struct {
	Path  string
	Title string
	Due   time.Time
	Late  time.Duration
}

// RebuildCause says why a post needs the site rebuilt.
type RebuildCause string

// Rebuild causes.
const (
	CausePublish RebuildCause = "publish"
	CauseExpiry  RebuildCause = "expiry"
)

// RebuildItem is one post covered by a rebuild.
type RebuildItem struct {
	Path  string
	Title string
	Cause RebuildCause
	Due   time.Time
	Late  time.Duration
}

// TriggerRebuild starts one deploy of the site that covers every item. After
// it, the publisher records the trigger time so that Done.LastRebuild covers
// the items.
type TriggerRebuild struct {
	Kind TriggerKind
	// Reason is a one-line summary for logs, commit messages and dispatch
	// payloads, such as "publish: Hello; expiry: Old news".
	Reason string
	Items  []RebuildItem
}

// SetStatus sets herald's schedule status on a commit. Plan emits it only when
// the status differs from what is set.
type SetStatus struct {
	PR          int
	SHA         string
	Context     string
	State       forge.StatusState
	Description string
}

// SetLabel adds a label that is missing.
type SetLabel struct {
	PR    int
	Label string
}

// RemoveLabel removes a label that is present.
type RemoveLabel struct {
	PR    int
	Label string
}

// Comment creates or edits herald's comment with the given key on a pull
// request. Plan emits it only when the body differs from what is posted, so a
// blocker is named once and later edited, never repeated. Bodies never carry
// relative times, so they do not change by themselves.
type Comment struct {
	PR   int
	Key  string
	Body string
}

// Blocked reports something due (or dated wrongly) that cannot be published
// now, with the reasons a person would read. It has no side effect on the
// forge by itself; "herald publish --due" exits non-zero on it.
type Blocked struct {
	// PR is the pull request, or zero for a post on the default branch.
	PR int
	// Paths are the posts held back: the pull request's posts, or the one
	// post on the default branch. Empty for a problem of the whole
	// repository (an unknown strategy).
	Paths   []string
	Due     time.Time
	Reasons []string
	// ErrorRules are the rule IDs of the error findings among the reasons,
	// one per finding, for a log line with counts; empty when errors are
	// not what holds the posts back.
	ErrorRules []string
}

// Wake asks to be planned again at At, the next time something falls due.
// Plan emits at most one, last.
type Wake struct {
	At time.Time
}

func (Merge) action()           {}
func (CommitDraftFlip) action() {}
func (TriggerRebuild) action()  {}
func (SetStatus) action()       {}
func (SetLabel) action()        {}
func (RemoveLabel) action()     {}
func (Comment) action()         {}
func (Blocked) action()         {}
func (Wake) action()            {}
