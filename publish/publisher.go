package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
)

// Errors the publisher's dependencies return, so that it can tell a guard
// that held from a failure. Adapters wrap their own errors with these.
var (
	// ErrBranchMoved means a guarded push found the branch (or ref) not at
	// the expected old commit and changed nothing.
	ErrBranchMoved = errors.New("branch moved")
	// ErrHeadMoved means a merge was refused because the pull request's head
	// is no longer the expected SHA.
	ErrHeadMoved = errors.New("head moved")
	// ErrNotMergeable means the forge refused the merge (conflicts, branch
	// protection, a closed pull request).
	ErrNotMergeable = errors.New("not mergeable")
	// ErrAlreadyMerged means the pull request was merged already, by herald
	// or by a person.
	ErrAlreadyMerged = errors.New("already merged")
	// ErrNotConfigured means an action needs a dependency the publisher was
	// not given (no forge in local mode, no hook URL, no record ref).
	ErrNotConfigured = errors.New("not configured")
)

// PullRequests is what the publisher needs of the forge for pull requests.
// Every method must be safe to repeat.
type PullRequests interface {
	// Merge merges pr only if its head is still headSHA and returns the
	// merge commit. A moved head is an error matching ErrHeadMoved; a
	// merged pull request ErrAlreadyMerged; any other refusal
	// ErrNotMergeable.
	Merge(ctx context.Context, pr int, headSHA string, method forge.MergeMethod) (string, error)
	// SetStatus sets a commit status unless the same is set already, and
	// reports whether it wrote one.
	SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error)
	// AddLabel adds label unless the pull request has it.
	AddLabel(ctx context.Context, pr int, label string) error
	// RemoveLabel removes label if the pull request has it.
	RemoveLabel(ctx context.Context, pr int, label string) error
	// UpsertComment makes herald's comment with key read body: edited when
	// it exists, posted when not.
	UpsertComment(ctx context.Context, pr int, key, body string) error
}

// Dispatcher starts a deploy through the forge.
type Dispatcher interface {
	// RepositoryDispatch sends a repository_dispatch event.
	RepositoryDispatch(ctx context.Context, eventType string, payload map[string]any) error
	// WorkflowDispatch runs a workflow on ref with inputs.
	WorkflowDispatch(ctx context.Context, workflow, ref string, inputs map[string]any) error
}

// Branch is one ref of the repository (the default branch, a pull request's
// head branch, or herald's record ref) as the publisher reads and pushes it.
type Branch interface {
	// Tip fetches the ref and returns the commit it points at, or "" when
	// it does not exist on the remote.
	Tip(ctx context.Context) (string, error)
	// ReadFile returns a file at commit; a missing file wraps fs.ErrNotExist.
	ReadFile(ctx context.Context, commit, path string) ([]byte, error)
	// Commit builds a commit on parent (locally, not pushed) that writes
	// files whole, created or replaced, and returns its hash. With no files
	// it is an empty commit, parent's tree again, the commit that makes a
	// site rebuild. Whole contents, not edits: the publisher has read each
	// file at parent and applied its edits (content.ApplyEdits) itself. The
	// branch commits as the identity it was made with; author and committer
	// are no business of the publisher's.
	Commit(ctx context.Context, parent string, files map[string][]byte, message string, when time.Time) (string, error)
	// Push sets the ref to commit only if it is still at expectedOld (""
	// means: only if it does not exist). A moved ref is an error matching
	// ErrBranchMoved and changes nothing.
	Push(ctx context.Context, commit, expectedOld string) error
}

// RebuildTrigger holds what TriggerRebuild needs besides its kind.
type RebuildTrigger struct {
	// Workflow and Ref name the workflow for workflow_dispatch (Ref empty
	// means DefaultRef).
	Workflow, Ref string
	// EventType is the repository_dispatch event type; empty means
	// "herald-publish".
	EventType string
	// HookURL is the build hook POSTed to for TriggerHook.
	HookURL string
	// HookClient sends the hook request; nil means NewHookClient(30s).
	HookClient *http.Client
}

// Defaults of the publisher.
const (
	// DefaultMaxPushAttempts bounds the re-read-and-retry loop of a guarded
	// push whose branch keeps moving.
	DefaultMaxPushAttempts = 5
	// PublishedCommentKey is the key of the comment herald leaves on a pull
	// request it merged.
	PublishedCommentKey = "herald-published"
	// DefaultEventType is the repository_dispatch event type.
	DefaultEventType = "herald-publish"
	// RecordRef is the ref where rebuilds are recorded.
	RecordRef = "refs/herald/rebuilds"
	// DefaultClaimLease is how long a replica's claim to trigger a rebuild
	// holds before another replica may take it over.
	DefaultClaimLease = 10 * time.Minute
)

// Option configures a Publisher.
type Option func(*Publisher)

// WithPullRequests sets the forge side; without it, pull request actions
// fail with ErrNotConfigured.
func WithPullRequests(pr PullRequests) Option { return func(p *Publisher) { p.prs = pr } }

// WithDefaultBranch sets the default branch (draft flips, empty-commit
// rebuilds) and its name, used as the workflow_dispatch ref.
func WithDefaultBranch(b Branch, name string) Option {
	return func(p *Publisher) { p.branch, p.branchName = b, name }
}

// WithRecords sets herald's record ref (RecordRef) where rebuilds are
// recorded, so that two replicas trigger one rebuild and Done survives a
// restart.
func WithRecords(b Branch) Option { return func(p *Publisher) { p.records = b } }

// WithDispatcher sets the forge's dispatch side.
func WithDispatcher(d Dispatcher) Option { return func(p *Publisher) { p.dispatch = d } }

// WithTrigger sets how rebuilds are started.
func WithTrigger(t RebuildTrigger) Option { return func(p *Publisher) { p.trigger = t } }

// WithSite sets the site profile and time zone used to read posts.
func WithSite(prof *content.Profile, loc *time.Location) Option {
	return func(p *Publisher) { p.profile, p.loc = prof, loc }
}

// WithDryRun makes every decision run and every side effect be logged
// instead of done.
func WithDryRun(dry bool) Option { return func(p *Publisher) { p.dryRun = dry } }

// WithPublisherLogger sets the logger; the default discards.
func WithPublisherLogger(l *slog.Logger) Option { return func(p *Publisher) { p.log = l } }

// WithPublisherClock sets the clock for commit times and records.
func WithPublisherClock(now func() time.Time) Option { return func(p *Publisher) { p.now = now } }

// WithMaxPushAttempts bounds the retries of a push whose branch moved.
func WithMaxPushAttempts(n int) Option { return func(p *Publisher) { p.maxAttempts = n } }

// WithClaimLease sets how long a claim to trigger a rebuild holds before
// another replica takes it over (the claimant is presumed dead).
func WithClaimLease(d time.Duration) Option { return func(p *Publisher) { p.lease = d } }

// Publisher carries out Plan's actions on one repository, each guarded and
// safe to repeat: merges carry the expected head SHA, pushes the expected old
// commit (re-read and retried when the branch moved), and a post found
// already published counts as done. Create it with NewPublisher; it holds no
// state between calls to Publish, so it is safe for concurrent use.
type Publisher struct {
	repo        string
	prs         PullRequests
	dispatch    Dispatcher
	branch      Branch
	branchName  string
	records     Branch
	trigger     RebuildTrigger
	profile     *content.Profile
	loc         *time.Location
	dryRun      bool
	log         *slog.Logger
	now         func() time.Time
	maxAttempts int
	lease       time.Duration
}

// NewPublisher returns a publisher for repo ("owner/name", used in logs and
// errors).
func NewPublisher(repo string, opts ...Option) *Publisher {
	p := &Publisher{
		repo:        repo,
		loc:         time.UTC,
		log:         slog.New(slog.DiscardHandler),
		now:         time.Now,
		maxAttempts: DefaultMaxPushAttempts,
		branchName:  "main",
		lease:       DefaultClaimLease,
	}
	for _, o := range opts {
		o(p)
	}
	if p.loc == nil {
		p.loc = time.UTC
	}
	if p.maxAttempts < 1 {
		p.maxAttempts = 1
	}
	if p.trigger.EventType == "" {
		p.trigger.EventType = DefaultEventType
	}
	return p
}

// OutcomeStatus is how one action ended.
type OutcomeStatus string

// The outcome statuses.
const (
	// OutcomeDone: the side effect was made.
	OutcomeDone OutcomeStatus = "done"
	// OutcomeAlreadyDone: nothing was needed; another replica or a person
	// did it (the post was published, the pull request merged).
	OutcomeAlreadyDone OutcomeStatus = "already-done"
	// OutcomeDryRun: the side effect was logged, not made.
	OutcomeDryRun OutcomeStatus = "skipped-dry-run"
	// OutcomeDeferred: a guard refused the side effect because the state
	// moved (a merge whose head moved); plan again from fresh state.
	OutcomeDeferred OutcomeStatus = "deferred"
	// OutcomeFailed: the action failed; Err says why.
	OutcomeFailed OutcomeStatus = "failed"
	// OutcomeReported: a Blocked or Wake, handed back to the caller.
	OutcomeReported OutcomeStatus = "reported"
)

// Outcome is what became of one action.
type Outcome struct {
	Action Action
	Status OutcomeStatus
	// Err is why the action failed or was deferred.
	Err error
	// Commit is the commit pushed (draft flips, empty-commit rebuilds), or
	// the merge commit of a merge, when there is one.
	Commit string
	// Message is the message of a commit herald made and pushed (draft
	// flips, empty-commit rebuilds).
	Message string
}

// Result is what Publish did.
type Result struct {
	// Outcomes are one per action, in order, plus the comment that follows
	// a merge.
	Outcomes []Outcome
	// Blocked are the Blocked actions, for the caller to report.
	Blocked []Blocked
	// Wake is the Wake action, if Plan asked for one.
	Wake *Wake
}

// Failed returns the outcomes that failed.
func (r Result) Failed() []Outcome {
	var out []Outcome
	for _, o := range r.Outcomes {
		if o.Status == OutcomeFailed {
			out = append(out, o)
		}
	}
	return out
}

// OK reports whether nothing failed and nothing due was left blocked or
// deferred: "herald publish --due" exits 0 exactly when OK.
func (r Result) OK() bool {
	if len(r.Blocked) > 0 {
		return false
	}
	for _, o := range r.Outcomes {
		if o.Status == OutcomeFailed || o.Status == OutcomeDeferred {
			return false
		}
	}
	return true
}

// Publish carries out actions in order. One failed action does not stop the
// others, except that a merge whose status could not be set first is not
// attempted. ctx bounds the whole run.
func (p *Publisher) Publish(ctx context.Context, actions []Action) Result {
	var r Result
	// Statuses set (or found set) to success in this run, by SHA, so a
	// merge does not set its status twice.
	success := map[string]bool{}
	for _, a := range actions {
		if err := ctx.Err(); err != nil {
			r.Outcomes = append(r.Outcomes, Outcome{Action: a, Status: OutcomeFailed, Err: err})
			continue
		}
		switch a := a.(type) {
		case Blocked:
			r.Blocked = append(r.Blocked, a)
			r.Outcomes = append(r.Outcomes, Outcome{Action: a, Status: OutcomeReported})
		case Wake:
			w := a
			r.Wake = &w
			r.Outcomes = append(r.Outcomes, Outcome{Action: a, Status: OutcomeReported})
		case Merge:
			r.Outcomes = append(r.Outcomes, p.merge(ctx, a, success)...)
		case CommitDraftFlip:
			r.Outcomes = append(r.Outcomes, p.draftFlip(ctx, a))
		case TriggerRebuild:
			r.Outcomes = append(r.Outcomes, p.rebuild(ctx, a))
		case SetStatus:
			o := p.setStatus(ctx, a)
			if a.State == forge.StatusSuccess && (o.Status == OutcomeDone || o.Status == OutcomeAlreadyDone) {
				success[a.SHA] = true
			}
			r.Outcomes = append(r.Outcomes, o)
		case SetLabel:
			r.Outcomes = append(r.Outcomes, p.simple(ctx, a, "set-label", a.PR, "", func() error { return p.prs.AddLabel(ctx, a.PR, a.Label) }))
		case RemoveLabel:
			r.Outcomes = append(r.Outcomes, p.simple(ctx, a, "remove-label", a.PR, "", func() error { return p.prs.RemoveLabel(ctx, a.PR, a.Label) }))
		case Comment:
			r.Outcomes = append(r.Outcomes, p.simple(ctx, a, "comment", a.PR, "", func() error { return p.prs.UpsertComment(ctx, a.PR, a.Key, a.Body) }))
		default:
			r.Outcomes = append(r.Outcomes, Outcome{Action: a, Status: OutcomeFailed, Err: fmt.Errorf("unknown action %T", a)})
		}
	}
	return r
}

// logger returns the log with the repository and action keys.
func (p *Publisher) logger(action string, pr int, post string) *slog.Logger {
	l := p.log.With("repo", p.repo, "action", action)
	if pr != 0 {
		l = l.With("pr", pr)
	}
	if post != "" {
		l = l.With("post", post)
	}
	return l
}

// dry logs a side effect instead of doing it, when in dry run.
func (p *Publisher) dry(ctx context.Context, l *slog.Logger, msg string, args ...any) bool {
	if !p.dryRun {
		return false
	}
	l.LogAttrs(ctx, slog.LevelInfo, "dry run: "+msg, slog.Group("would", args...))
	return true
}

func (p *Publisher) simple(ctx context.Context, a Action, name string, pr int, post string, do func() error) Outcome {
	l := p.logger(name, pr, post)
	if p.prs == nil {
		return Outcome{Action: a, Status: OutcomeFailed, Err: fmt.Errorf("%s %s#%d: no forge: %w", name, p.repo, pr, ErrNotConfigured)}
	}
	if p.dry(ctx, l, name, "detail", fmt.Sprintf("%+v", a)) {
		return Outcome{Action: a, Status: OutcomeDryRun}
	}
	if err := do(); err != nil {
		l.Warn("failed", "err", err)
		return Outcome{Action: a, Status: OutcomeFailed, Err: fmt.Errorf("%s %s#%d: %w", name, p.repo, pr, err)}
	}
	l.Debug("done")
	return Outcome{Action: a, Status: OutcomeDone}
}

func (p *Publisher) setStatus(ctx context.Context, a SetStatus) Outcome {
	l := p.logger("set-status", a.PR, "")
	if p.prs == nil {
		return Outcome{Action: a, Status: OutcomeFailed, Err: fmt.Errorf("set status on %s#%d: no forge: %w", p.repo, a.PR, ErrNotConfigured)}
	}
	if p.dry(ctx, l, "set status", "sha", a.SHA, "state", string(a.State), "description", a.Description) {
		return Outcome{Action: a, Status: OutcomeDryRun}
	}
	ctxName := a.Context
	if ctxName == "" {
		ctxName = StatusContext
	}
	wrote, err := p.prs.SetStatus(ctx, a.SHA, forge.Status{Context: ctxName, State: a.State, Description: a.Description})
	if err != nil {
		return Outcome{Action: a, Status: OutcomeFailed, Err: fmt.Errorf("set status on %s#%d at %s: %w", p.repo, a.PR, short(a.SHA), err)}
	}
	if !wrote {
		return Outcome{Action: a, Status: OutcomeAlreadyDone}
	}
	return Outcome{Action: a, Status: OutcomeDone}
}

func (p *Publisher) merge(ctx context.Context, a Merge, success map[string]bool) []Outcome {
	l := p.logger("merge", a.PR, strings.Join(a.Paths, ","))
	fail := func(err error) []Outcome {
		l.Warn("merge failed", "err", err)
		return []Outcome{{Action: a, Status: OutcomeFailed, Err: err}}
	}
	if p.prs == nil {
		return fail(fmt.Errorf("merge %s#%d: no forge: %w", p.repo, a.PR, ErrNotConfigured))
	}
	if !success[a.HeadSHA] {
		st := SetStatus{PR: a.PR, SHA: a.HeadSHA, Context: StatusContext, State: forge.StatusSuccess,
			Description: truncate("Due "+formatUTC(a.Due)+"; publishing", maxStatusDescription)}
		o := p.setStatus(ctx, st)
		if o.Status == OutcomeFailed {
			return fail(fmt.Errorf("merge %s#%d: not attempted: %w", p.repo, a.PR, o.Err))
		}
	}
	if p.dry(ctx, l, "merge", "head", a.HeadSHA, "method", string(a.Method)) {
		return []Outcome{{Action: a, Status: OutcomeDryRun}}
	}
	commit, err := p.prs.Merge(ctx, a.PR, a.HeadSHA, a.Method)
	switch {
	case errors.Is(err, ErrAlreadyMerged):
		l.Info("already merged")
		return []Outcome{{Action: a, Status: OutcomeAlreadyDone}}
	case errors.Is(err, ErrHeadMoved):
		l.Info("head moved since it was checked; not merged", "head", a.HeadSHA)
		return []Outcome{{Action: a, Status: OutcomeDeferred, Err: fmt.Errorf("merge %s#%d at %s: %w", p.repo, a.PR, short(a.HeadSHA), err)}}
	case err != nil:
		return fail(fmt.Errorf("merge %s#%d at %s: %w", p.repo, a.PR, short(a.HeadSHA), err))
	}
	l.Info("merged", "head", a.HeadSHA, "late", a.Late)
	out := []Outcome{{Action: a, Status: OutcomeDone, Commit: commit}}
	c := Comment{PR: a.PR, Key: PublishedCommentKey, Body: PublishedBody(a.Paths, p.now(), a.Due, a.Late, p.loc)}
	return append(out, p.simple(ctx, c, "comment", a.PR, "", func() error { return p.prs.UpsertComment(ctx, c.PR, c.Key, c.Body) }))
}

// PublishedBody is the comment herald leaves on a pull request it merged:
// "Published `a.md` at 2026-03-02 09:00 UTC." and, when late, how late and
// when it was due.
func PublishedBody(paths []string, at, due time.Time, late time.Duration, loc *time.Location) string {
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = "`" + p + "`"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Published %s at %s", strings.Join(quoted, ", "), FormatTime(at, loc))
	if late > 0 {
		fmt.Fprintf(&b, " (went out late by %s; it was due %s)", Lateness(late), FormatTime(due, loc))
	}
	b.WriteString(".")
	return b.String()
}

// draftFlip publishes a draft on the default branch by a one-line commit,
// re-reading and retrying when the branch moved.
func (p *Publisher) draftFlip(ctx context.Context, a CommitDraftFlip) Outcome {
	l := p.logger("draft-flip", 0, a.Path)
	fail := func(err error) Outcome {
		l.Warn("draft flip failed", "err", err)
		return Outcome{Action: a, Status: OutcomeFailed, Err: err}
	}
	if p.branch == nil {
		return fail(fmt.Errorf("publish %s in %s: no default branch: %w", a.Path, p.repo, ErrNotConfigured))
	}
	if p.profile == nil {
		return fail(fmt.Errorf("publish %s in %s: no site profile to read the post with: %w", a.Path, p.repo, ErrNotConfigured))
	}
	for attempt := 1; attempt <= p.maxAttempts; attempt++ {
		tip, err := p.branch.Tip(ctx)
		if err != nil {
			return fail(fmt.Errorf("publish %s in %s: read the branch: %w", a.Path, p.repo, err))
		}
		raw, err := p.branch.ReadFile(ctx, tip, a.Path)
		if errors.Is(err, fs.ErrNotExist) {
			return fail(fmt.Errorf("publish %s in %s: the post is no longer on the branch (at %s)", a.Path, p.repo, short(tip)))
		}
		if err != nil {
			return fail(fmt.Errorf("publish %s in %s: %w", a.Path, p.repo, err))
		}
		post := content.ParsePost(a.Path, raw, p.profile, p.loc)
		if !post.Draft {
			l.Info("already published", "tip", tip)
			return Outcome{Action: a, Status: OutcomeAlreadyDone}
		}
		// The post as it is now must still be due: a date moved after
		// planning (a reschedule pushed meanwhile) is planned again.
		switch {
		case post.DateErr != nil || post.Date.IsZero():
			return Outcome{Action: a, Status: OutcomeDeferred, Err: fmt.Errorf("publish %s in %s: its date at %s cannot be read any more; plan again", a.Path, p.repo, short(tip))}
		case post.Date.After(p.now()):
			l.Info("the post's date moved to the future; not published", "date", post.Date)
			return Outcome{Action: a, Status: OutcomeDeferred, Err: fmt.Errorf("publish %s in %s: its date is now %s, in the future; plan again", a.Path, p.repo, formatUTC(post.Date))}
		}
		edits, err := DraftFlipEdits(post, p.profile, p.loc)
		if err != nil {
			return fail(fmt.Errorf("publish %s in %s: %w", a.Path, p.repo, err))
		}
		title := post.Title
		if title == "" {
			title = a.Title
		}
		if title == "" {
			title = a.Path
		}
		now := p.now()
		msg := fmt.Sprintf("publish: %s\n\nScheduled for %s; published by herald.\n\nHerald-Published: %s\n",
			oneLine(title), FormatTime(a.Due, p.loc), now.UTC().Format(time.RFC3339))
		if p.dry(ctx, l, "commit and push the draft flip", "parent", tip, "edits", fmt.Sprint(edits), "message", msg) {
			return Outcome{Action: a, Status: OutcomeDryRun}
		}
		flipped, err := content.ApplyEdits(raw, edits)
		if err != nil {
			return fail(fmt.Errorf("publish %s in %s: %w", a.Path, p.repo, err))
		}
		commit, err := p.branch.Commit(ctx, tip, map[string][]byte{a.Path: flipped}, msg, now)
		if err != nil {
			return fail(fmt.Errorf("publish %s in %s: commit: %w", a.Path, p.repo, err))
		}
		err = p.branch.Push(ctx, commit, tip)
		if errors.Is(err, ErrBranchMoved) {
			l.Info("branch moved; re-reading", "attempt", attempt)
			continue
		}
		if err != nil {
			return fail(fmt.Errorf("publish %s in %s: push: %w", a.Path, p.repo, err))
		}
		l.Info("published", "commit", commit, "late", a.Late)
		return Outcome{Action: a, Status: OutcomeDone, Commit: commit, Message: msg}
	}
	return fail(fmt.Errorf("publish %s in %s: the branch moved on each of %d attempts: %w", a.Path, p.repo, p.maxAttempts, ErrBranchMoved))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// describe names an action for people: "merge #7", "publish blog/a.md".
func describe(a Action) string {
	switch a := a.(type) {
	case Merge:
		return fmt.Sprintf("merge #%d (%s)", a.PR, strings.Join(a.Paths, ", "))
	case CommitDraftFlip:
		return "publish " + a.Path
	case TriggerRebuild:
		return fmt.Sprintf("rebuild (%s) for %s", a.Kind, a.Reason)
	case SetStatus:
		return fmt.Sprintf("set status %s on #%d", a.State, a.PR)
	case SetLabel:
		return fmt.Sprintf("add label %s to #%d", a.Label, a.PR)
	case RemoveLabel:
		return fmt.Sprintf("remove label %s from #%d", a.Label, a.PR)
	case Comment:
		return fmt.Sprintf("comment %s on #%d", a.Key, a.PR)
	case Blocked:
		what := strings.Join(a.Paths, ", ")
		if a.PR != 0 {
			what = fmt.Sprintf("#%d (%s)", a.PR, what)
		}
		if what == "" {
			what = "the repository"
		}
		return "blocked: " + what + ": " + strings.Join(a.Reasons, " ")
	case Wake:
		return "next look at " + formatUTC(a.At)
	}
	return fmt.Sprintf("%T", a)
}

// String describes the outcome on one line, for logs and the output of
// "herald publish --due": "publish blog/a.md: done", "merge #7 (a.md):
// failed: ...".
func (o Outcome) String() string {
	if o.Status == OutcomeReported {
		return describe(o.Action)
	}
	s := describe(o.Action) + ": " + string(o.Status)
	if o.Err != nil {
		s += ": " + o.Err.Error()
	}
	return s
}
