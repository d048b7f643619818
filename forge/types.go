package forge

import (
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Repo identifies a repository on a forge and carries the facts herald needs
// about it.
type Repo struct {
	// Owner is the user or organisation that owns the repository.
	Owner string
	// Name is the repository name without the owner.
	Name string
	// DefaultBranch is the branch posts are published to, such as "main".
	DefaultBranch string
	// CloneURL is the HTTPS URL git fetches from.
	CloneURL string
	// HTMLURL is the repository's web page.
	HTMLURL string
	// Private reports whether the repository is private.
	Private bool
}

// FullName returns "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// PRState is the open or closed state of a pull request.
type PRState string

// The states of a pull request. A merged pull request is closed and has
// Merged set.
const (
	PROpen   PRState = "open"
	PRClosed PRState = "closed"
)

// PullRequest is what herald knows about one pull request.
type PullRequest struct {
	// Number is the pull request's number in its repository.
	Number int
	// Title is the pull request's title.
	Title string
	// HeadSHA is the commit at the tip of the head branch.
	HeadSHA string
	// HeadRef is the head branch name, without "refs/heads/".
	HeadRef string
	// HeadCloneURL is the clone URL of the repository holding the head
	// branch; it differs from the base repository's for a fork.
	HeadCloneURL string
	// BaseRef is the branch the pull request merges into.
	BaseRef string
	// BaseSHA is the tip of the base branch when the forge last computed it.
	BaseSHA string
	// Draft reports a draft pull request.
	Draft bool
	// State is open or closed.
	State PRState
	// Merged reports whether the pull request has been merged.
	Merged bool
	// Mergeable is nil while the forge has not computed mergeability yet.
	Mergeable *bool
	// MergeableState is the forge's summary of mergeability, such as
	// "clean", "dirty", "blocked", "behind", "unstable" or "unknown";
	// Mergeability reads it together with Mergeable.
	MergeableState MergeableState
	// Labels are the label names on the pull request.
	Labels []string
	// Author is the login of the user who opened the pull request.
	Author string
	// HTMLURL is the pull request's web page.
	HTMLURL string
	// UpdatedAt is when the pull request last changed.
	UpdatedAt time.Time
	// BaseRepo is the repository the pull request merges into, as the
	// forge gave it with the pull request (GitHub's base.repo); zero when
	// it gave none.
	BaseRepo Repo
}

// HasLabel reports whether the pull request carries the label name.
func (p PullRequest) HasLabel(name string) bool { return slices.Contains(p.Labels, name) }

// MergeableState is a forge's summary of whether a pull request can merge,
// as GitHub's mergeable_state names it.
type MergeableState string

// The mergeable states herald tells apart. A forge may report others
// ("has_hooks", "draft"); Mergeability reads them by the Mergeable flag.
const (
	// MergeableClean means the pull request can merge.
	MergeableClean MergeableState = "clean"
	// MergeableDirty means it has conflicts with its base branch.
	MergeableDirty MergeableState = "dirty"
	// MergeableBlocked means branch protection refuses the merge for now
	// (missing approvals or required checks).
	MergeableBlocked MergeableState = "blocked"
	// MergeableBehind means the head is behind the base; it can still merge
	// unless protection requires it to be up to date.
	MergeableBehind MergeableState = "behind"
	// MergeableUnstable means checks that are not required are failing.
	MergeableUnstable MergeableState = "unstable"
	// MergeableUnknown means the forge has not computed it yet.
	MergeableUnknown MergeableState = "unknown"
)

// Mergeability reduces the forge's Mergeable flag and MergeableState to
// the four cases herald acts on: MergeableClean, MergeableDirty (conflicts),
// MergeableBlocked (branch protection) and MergeableUnknown (not computed
// yet: Mergeable is nil). A state that says neither conflict nor
// protection, such as behind or unstable, is read by the flag.
func (p PullRequest) Mergeability() MergeableState {
	if p.Mergeable == nil {
		return MergeableUnknown
	}
	switch p.MergeableState {
	case MergeableDirty:
		return MergeableDirty
	case MergeableBlocked:
		return MergeableBlocked
	}
	if !*p.Mergeable {
		return MergeableDirty
	}
	return MergeableClean
}

// FileStatus is how a pull request changes one file.
type FileStatus string

// The file statuses a forge reports.
const (
	FileAdded     FileStatus = "added"
	FileModified  FileStatus = "modified"
	FileRemoved   FileStatus = "removed"
	FileRenamed   FileStatus = "renamed"
	FileCopied    FileStatus = "copied"
	FileChanged   FileStatus = "changed"
	FileUnchanged FileStatus = "unchanged"
)

// ChangedFile is one file a pull request changes.
type ChangedFile struct {
	// Path is the file's path at the head.
	Path string
	// PreviousPath is the path before a rename, else empty.
	PreviousPath string
	// Status says how the file changed.
	Status FileStatus
	// Additions and Deletions count changed lines.
	Additions, Deletions int
	// Patch is the unified diff of the file; empty for binary files and for
	// diffs too large for the forge to show.
	Patch string
}

// ReviewState is the verdict of a pull request review.
type ReviewState string

// The review states a forge reports.
const (
	ReviewApproved         ReviewState = "APPROVED"
	ReviewChangesRequested ReviewState = "CHANGES_REQUESTED"
	ReviewCommented        ReviewState = "COMMENTED"
	ReviewDismissed        ReviewState = "DISMISSED"
	ReviewPending          ReviewState = "PENDING"
)

// Review is one submitted review of a pull request.
type Review struct {
	// ID is the forge's review ID.
	ID int64
	// User is the reviewer's login.
	User string
	// State is the reviewer's verdict.
	State ReviewState
	// CommitID is the head SHA the review was given on.
	CommitID string
	// SubmittedAt is when the review was submitted.
	SubmittedAt time.Time
}

// StatusState is the state of a commit status or a combined status.
type StatusState string

// The commit status states.
const (
	StatusPending StatusState = "pending"
	StatusSuccess StatusState = "success"
	StatusFailure StatusState = "failure"
	StatusError   StatusState = "error"
)

// Status is one commit status: the latest one of its context.
type Status struct {
	// Context names the status, such as "herald/schedule".
	Context string
	// State is the status state.
	State StatusState
	// Description is the short text shown next to the status.
	Description string
	// TargetURL is the link behind the status, if any.
	TargetURL string
}

// CombinedStatus is the combined commit status of a SHA.
type CombinedStatus struct {
	// SHA is the commit the statuses belong to.
	SHA string
	// State is the combined state: failure if any status failed or errored,
	// pending if any is pending or none exist, else success.
	State StatusState
	// Statuses holds the latest status of each context.
	Statuses []Status
}

// CheckStatus is where a check run is in its life.
type CheckStatus string

// The check run statuses.
const (
	CheckQueued     CheckStatus = "queued"
	CheckInProgress CheckStatus = "in_progress"
	CheckCompleted  CheckStatus = "completed"
)

// CheckConclusion is the outcome of a completed check run.
type CheckConclusion string

// The check run conclusions.
const (
	ConclusionSuccess        CheckConclusion = "success"
	ConclusionFailure        CheckConclusion = "failure"
	ConclusionNeutral        CheckConclusion = "neutral"
	ConclusionCancelled      CheckConclusion = "cancelled"
	ConclusionSkipped        CheckConclusion = "skipped"
	ConclusionTimedOut       CheckConclusion = "timed_out"
	ConclusionActionRequired CheckConclusion = "action_required"
)

// CheckRun summarises one check run on a commit.
type CheckRun struct {
	// ID is the forge's check run ID.
	ID int64
	// Name is the check run's name, such as "herald".
	Name string
	// HeadSHA is the commit the check run belongs to.
	HeadSHA string
	// Status is queued, in progress or completed.
	Status CheckStatus
	// Conclusion is set once the run is completed.
	Conclusion CheckConclusion
	// AppSlug names the app that created the run, if known.
	AppSlug string
	// HTMLURL is the run's web page.
	HTMLURL string
}

// AnnotationLevel is the severity of a check run annotation.
type AnnotationLevel string

// The annotation levels a check run accepts.
const (
	AnnotationNotice  AnnotationLevel = "notice"
	AnnotationWarning AnnotationLevel = "warning"
	AnnotationFailure AnnotationLevel = "failure"
)

// Annotation marks lines of a file in a check run.
type Annotation struct {
	// Path is the file path relative to the repository root.
	Path string
	// StartLine and EndLine are 1-based and inclusive.
	StartLine, EndLine int
	// Level is notice, warning or failure.
	Level AnnotationLevel
	// Title is a short heading; optional.
	Title string
	// Message is the text shown on the line.
	Message string
}

// MaxAnnotationsPerRequest is how many annotations a forge accepts in one
// check run request; adapters send the rest in follow-up updates.
const MaxAnnotationsPerRequest = 50

// MaxCheckRunText is the most characters a check run's summary or text may
// hold; adapters truncate longer ones with a note.
const MaxCheckRunText = 65535

// CheckRunOptions is the content of a check run to create or update.
type CheckRunOptions struct {
	// Name is the check run's name; required when creating.
	Name string
	// HeadSHA is the commit to attach the run to; required when creating.
	HeadSHA string
	// Status is queued, in progress or completed; empty means completed
	// when Conclusion is set, else left as it is.
	Status CheckStatus
	// Conclusion is required when Status is completed.
	Conclusion CheckConclusion
	// Title and Summary form the run's output; Summary is Markdown.
	Title, Summary string
	// Text is optional further Markdown below the summary.
	Text string
	// DetailsURL links to a fuller report; optional.
	DetailsURL string
	// ExternalID is an optional ID of the caller's own.
	ExternalID string
	// Annotations mark lines; any number, batched by the adapter.
	Annotations []Annotation
}

// Comment is a comment on a pull request's conversation (an issue comment).
type Comment struct {
	// ID is the forge's comment ID.
	ID int64
	// Body is the comment's Markdown.
	Body string
	// User is the author's login.
	User string
	// HTMLURL is the comment's web page.
	HTMLURL string
	// CreatedAt and UpdatedAt are the comment's times.
	CreatedAt, UpdatedAt time.Time
}

// ReviewComment is an inline comment on a line of a pull request's diff.
type ReviewComment struct {
	// ID is the forge's comment ID; zero for a comment not yet posted.
	ID int64
	// Path is the file path.
	Path string
	// Line is the line in the file at the head (the right side of the diff).
	Line int
	// StartLine is the first line of a multi-line comment, else zero.
	StartLine int
	// Body is the comment's Markdown.
	Body string
	// CommitID is the commit the comment was made on.
	CommitID string
	// InReplyTo is the ID of the comment this one answers, else zero.
	InReplyTo int64
	// User is the author's login.
	User string
	// HTMLURL is the comment's web page.
	HTMLURL string
}

// ReviewEvent is what a new review does to the pull request.
type ReviewEvent string

// The review events herald may submit.
const (
	ReviewEventComment        ReviewEvent = "COMMENT"
	ReviewEventApprove        ReviewEvent = "APPROVE"
	ReviewEventRequestChanges ReviewEvent = "REQUEST_CHANGES"
)

// ReviewRequest is a review to submit with inline comments.
type ReviewRequest struct {
	// CommitID is the head SHA the comments refer to; the review is refused
	// with ErrHeadMoved-like semantics by the forge if it is not in the PR.
	CommitID string
	// Event is the verdict; herald uses ReviewEventComment.
	Event ReviewEvent
	// Body is the review's top-level text; optional with comments.
	Body string
	// Comments are the inline comments; each must sit on a line of the diff.
	Comments []ReviewComment
}

// ReviewResult says what a submitted review posted.
type ReviewResult struct {
	// ID is the review's ID; zero when nothing was posted.
	ID int64
	// Posted are the comments sent with the review.
	Posted []ReviewComment
	// Skipped are the comments left out because their lines are not in the
	// pull request's diff.
	Skipped []ReviewComment
}

// Permission is a user's access level on a repository, ordered from none to
// admin so that levels compare with < and >=.
type Permission int

// The permission levels, lowest first.
const (
	PermissionNone Permission = iota
	PermissionRead
	PermissionTriage
	PermissionWrite
	PermissionMaintain
	PermissionAdmin
)

// String returns the level's name as forges spell it.
func (p Permission) String() string {
	switch p {
	case PermissionNone:
		return "none"
	case PermissionRead:
		return "read"
	case PermissionTriage:
		return "triage"
	case PermissionWrite:
		return "write"
	case PermissionMaintain:
		return "maintain"
	case PermissionAdmin:
		return "admin"
	}
	return fmt.Sprintf("Permission(%d)", int(p))
}

// ParsePermission reads a permission level name ("admin", "maintain",
// "write", "triage", "read", "none"; "pull" and "push" as aliases).
func ParsePermission(s string) (Permission, error) {
	switch s {
	case "none", "":
		return PermissionNone, nil
	case "read", "pull":
		return PermissionRead, nil
	case "triage":
		return PermissionTriage, nil
	case "write", "push":
		return PermissionWrite, nil
	case "maintain":
		return PermissionMaintain, nil
	case "admin":
		return PermissionAdmin, nil
	}
	return PermissionNone, fmt.Errorf("unknown permission level %q", s)
}

// MergeMethod is how a pull request is merged.
type MergeMethod string

// The merge methods.
const (
	MergeCommit MergeMethod = "merge"
	MergeSquash MergeMethod = "squash"
	MergeRebase MergeMethod = "rebase"
)

// MergeOptions guards and shapes a merge.
type MergeOptions struct {
	// SHA is the head SHA that was checked; the forge refuses the merge if the
	// head has moved since. Required.
	SHA string
	// Method is merge, squash or rebase; empty means merge.
	Method MergeMethod
	// CommitTitle and CommitMessage override the forge's defaults; optional.
	CommitTitle, CommitMessage string
}

// MergeResult is the outcome of a successful merge.
type MergeResult struct {
	// SHA is the merge commit (or the squashed or rebased tip).
	SHA string
	// Merged is true when the forge reports the pull request merged.
	Merged bool
	// Message is the forge's message.
	Message string
}

// Reaction is an emoji reaction on a comment.
type Reaction string

// The reactions a forge accepts.
const (
	ReactionPlusOne  Reaction = "+1"
	ReactionMinusOne Reaction = "-1"
	ReactionLaugh    Reaction = "laugh"
	ReactionConfused Reaction = "confused"
	ReactionHeart    Reaction = "heart"
	ReactionHooray   Reaction = "hooray"
	ReactionRocket   Reaction = "rocket"
	ReactionEyes     Reaction = "eyes"
)

// GitCredentials authenticate git over HTTPS.
type GitCredentials struct {
	// Username is the HTTP basic-auth user, "x-access-token" for tokens.
	Username string
	// Password is the token. Never log it.
	Password string
	// ExpiresAt is when the token stops working; zero if it does not expire.
	ExpiresAt time.Time
}

// String hides the password so credentials can never be printed by mistake.
func (c GitCredentials) String() string {
	return fmt.Sprintf("GitCredentials{Username: %q, Password: <redacted>}", c.Username)
}

// GoString hides the password from %#v as well.
func (c GitCredentials) GoString() string { return c.String() }

// LogValue hides the password from log/slog.
func (c GitCredentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", c.Username), slog.String("password", "<redacted>"))
}
