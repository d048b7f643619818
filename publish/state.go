package publish

import (
	"time"

	"github.com/heraldhq/herald/forge"
)

// Strategy is how a repository's posts go live.
type Strategy string

// The publish strategies a repository can choose in its configuration.
const (
	// StrategyMerge merges the approved pull request that adds the post at
	// the post's time. It is the default.
	StrategyMerge Strategy = "merge"
	// StrategyDraft flips "draft: true" off in a post that is already on the
	// default branch, by a one-line commit.
	StrategyDraft Strategy = "draft"
	// StrategyRebuild triggers a deploy at the post's time, for generators
	// (Hugo, Jekyll) that hide future posts by themselves.
	StrategyRebuild Strategy = "rebuild"
)

// TriggerKind is how a rebuild of the site is started.
type TriggerKind string

// The rebuild triggers herald knows.
const (
	TriggerNone               TriggerKind = ""
	TriggerWorkflowDispatch   TriggerKind = "workflow_dispatch"
	TriggerRepositoryDispatch TriggerKind = "repository_dispatch"
	TriggerHook               TriggerKind = "hook"
	TriggerEmptyCommit        TriggerKind = "empty_commit"
)

// NoApprovalRequired as Config.ApprovalsRequired lets a due pull request be
// merged without any approving review.
const NoApprovalRequired = -1

// Defaults used where a Config field is left at its zero value.
const (
	DefaultApprovalsRequired = 1
	DefaultHoldLabel         = "herald/hold"
	DefaultLateSlack         = time.Minute
	DefaultCatchUp           = 7 * 24 * time.Hour
	DefaultRetry             = 30 * time.Second
)

// Labels and the status context herald sets on pull requests.
const (
	LabelScheduled    = "herald/scheduled"
	LabelBlocked      = "herald/blocked"
	StatusContext     = "herald/schedule"
	BlockerCommentKey = "herald-blocker"
)

// Config is the part of a repository's configuration that the schedule
// depends on. The zero value is usable: every zero field means its default.
type Config struct {
	// Strategy is how posts go live; empty means StrategyMerge.
	Strategy Strategy
	// MergeMethod is used by StrategyMerge; empty means forge.MergeCommit.
	MergeMethod forge.MergeMethod
	// ApprovalsRequired is the number of distinct approving reviewers a pull
	// request needs. Zero means DefaultApprovalsRequired;
	// NoApprovalRequired means none.
	ApprovalsRequired int
	// DismissStaleApprovals counts only approvals given on the current head.
	DismissStaleApprovals bool
	// RequiredContexts names the status checks that must be green before a
	// merge. When empty, every check reported on the head (other than
	// herald's own schedule status) must be green.
	RequiredContexts []string
	// Trigger is how a rebuild is started. StrategyRebuild with no trigger
	// uses TriggerEmptyCommit. With other strategies a trigger is optional
	// and only used for expiry.
	Trigger TriggerKind
	// HoldLabel is the label that holds a pull request; empty means
	// DefaultHoldLabel.
	HoldLabel string
	// Location is the site's time zone, used to show times to people. Nil
	// means UTC.
	Location *time.Location
	// LateSlack is how late a publication may go out before it is reported
	// as late; zero means DefaultLateSlack.
	LateSlack time.Duration
	// CatchUp bounds how far back default-branch posts (draft flips and
	// rebuilds) are caught up: a post that fell due longer ago than this is
	// reported, not published. Zero means DefaultCatchUp.
	CatchUp time.Duration
	// Retry is how soon to look again when a blocker is expected to clear by
	// itself (mergeability not computed yet, head not checked yet); zero
	// means DefaultRetry.
	Retry time.Duration
}

// Post is one post as far as the schedule is concerned.
type Post struct {
	// Path is the file's path in the repository, slash-separated.
	Path string
	// Title is the post's title, used in commit messages and feeds.
	Title string
	// PublishAt is the resolved publish time; zero when the post has no
	// date (or DateProblem is set).
	PublishAt time.Time
	// Draft reports "draft: true" (or the generator's equivalent).
	Draft bool
	// ExpiryAt is the resolved expiry time (Hugo's expiryDate); zero when
	// none.
	ExpiryAt time.Time
	// DateProblem is set, for the person to read, when the post's date (or
	// expiry) could not be resolved: invalid, or a local time that does not
	// exist or occurs twice. Such a post is never published.
	DateProblem string
	// ErrorRules are the rule IDs of the post's error findings, one per
	// finding (a rule found twice is named twice). A post with any is not
	// published under any strategy until a commit fixes them: an error is
	// only for what breaks the site's build or the post for its readers.
	ErrorRules []string
}

// CheckState is the combined state of one status check or check run.
type CheckState string

// Check states.
const (
	CheckSuccess CheckState = "success"
	CheckPending CheckState = "pending"
	CheckFailure CheckState = "failure"
)

// Check is one status context or check run reported on a pull request's head.
type Check struct {
	Context string
	State   CheckState
}

// PostedComment is a comment herald already posted, found by its hidden marker.
type PostedComment struct {
	Key  string
	Body string
}

// PR is one open pull request and what herald already did on it.
type PR struct {
	Number int
	// HeadSHA is the current head commit.
	HeadSHA string
	// CheckedSHA is the head commit herald last checked.
	CheckedSHA string
	Draft      bool
	// Reviews are the submitted reviews, in the order they were given.
	Reviews []forge.Review
	Checks  []Check
	// HeraldErrors is the number of error findings herald reported on
	// CheckedSHA.
	HeraldErrors int
	// ErrorRules are the rule IDs of those findings, when known (one per
	// finding, as Post.ErrorRules); the rules of the posts' ErrorRules count
	// too. Either is a blocker.
	ErrorRules []string
	Labels     []string
	// HeldByCommand reports a "/herald hold" not yet undone by "/herald
	// unhold".
	HeldByCommand bool
	// Mergeable is the forge's verdict as forge.PullRequest.Mergeability
	// reduces it: clean, dirty, blocked or unknown.
	Mergeable forge.MergeableState
	// Posts are the posts the pull request adds or changes, as at its head.
	Posts []Post
	// Status is herald's schedule status (context StatusContext) as
	// currently set on HeadSHA; the zero value when none is set.
	Status forge.Status
	// Comments are herald's comments on the pull request, by key.
	Comments []PostedComment
}

// Done is what herald already did on the default branch, as read back from
// Git and the forge.
type Done struct {
	// LastRebuild is when herald last triggered a rebuild; every publication
	// or expiry due at or before it is covered.
	LastRebuild time.Time
}

// State is everything Plan looks at.
type State struct {
	Config Config
	// Posts are the posts on the default branch.
	Posts []Post
	// PRs are the open pull requests.
	PRs  []PR
	Done Done
}
