package fakegithub

import "time"

// Repo seeds a repository.
type Repo struct {
	// Owner and Name identify the repository.
	Owner, Name string
	// DefaultBranch defaults to "main".
	DefaultBranch string
	// Private marks a private repository.
	Private bool
	// CloneURL is what clone_url answers, such as a test Git server's URL;
	// default a URL on the fake that serves nothing.
	CloneURL string
}

// FullName returns "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// PR seeds or reports a pull request.
type PR struct {
	// Number is the pull request number; zero picks the next free number.
	Number int
	// Title and Body are the pull request's text.
	Title, Body string
	// Author is the login that opened it.
	Author string
	// HeadRef and HeadSHA are the head branch and its tip.
	HeadRef, HeadSHA string
	// HeadRepo is "owner/name" of a fork holding the head; empty for the
	// base repository.
	HeadRepo string
	// BaseRef and BaseSHA are the base branch and its tip.
	BaseRef, BaseSHA string
	// Draft marks a draft pull request.
	Draft bool
	// State is "open" (the default) or "closed".
	State string
	// Merged reports a merged pull request; MergeCommitSHA its merge commit.
	Merged         bool
	MergeCommitSHA string
	// Mergeable is nil while not computed; false makes merges answer 405.
	Mergeable *bool
	// MergeableState defaults to "clean".
	MergeableState string
	// Labels are label names.
	Labels []string
	// Files are the changed files, in order.
	Files []File
	// Commits are every head SHA the pull request has had, oldest first;
	// kept up to date by SetHead.
	Commits []string
	// CreatedAt defaults to AddPR's time. UpdatedAt is when anything on the
	// pull request last changed, as GitHub's updated_at: a push (SetHead),
	// a comment, review or review comment, a label, the merge. Statuses,
	// check runs and mergeability leave it alone, as on GitHub.
	CreatedAt, UpdatedAt time.Time
}

// File seeds a changed file of a pull request.
type File struct {
	// Path is the file path; PreviousPath the path before a rename.
	Path, PreviousPath string
	// Status defaults to "modified".
	Status string
	// Additions and Deletions count lines; Patch is the unified diff whose
	// hunks decide which lines accept review comments.
	Additions, Deletions int
	Patch                string
}

// Review is a pull request review.
type Review struct {
	// ID is assigned by the fake.
	ID int64
	// PR is the pull request number.
	PR int
	// User is the reviewer's login.
	User string
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.
	State string
	// Body is the review text; CommitID the head it was given on.
	Body, CommitID string
	// SubmittedAt is when it was submitted.
	SubmittedAt time.Time
}

// Comment is an issue (conversation) comment.
type Comment struct {
	// ID is assigned by the fake.
	ID int64
	// Issue is the issue or pull request number.
	Issue int
	// User is the author's login; Body the Markdown.
	User, Body string
	// Reactions on the comment.
	Reactions []Reaction
	// CreatedAt and UpdatedAt are the comment's times; Edits counts updates.
	CreatedAt, UpdatedAt time.Time
	Edits                int
}

// Reaction is an emoji reaction by a user.
type Reaction struct {
	// ID is assigned by the fake.
	ID int64
	// User is who reacted; Content the emoji name such as "+1" or "eyes".
	User, Content string
}

// ReviewComment is an inline pull request review comment.
type ReviewComment struct {
	// ID is assigned by the fake; ReviewID the review it belongs to.
	ID, ReviewID int64
	// PR is the pull request number.
	PR int
	// Path, Line and StartLine place the comment on the head side.
	Path            string
	Line, StartLine int
	// Body, CommitID and User describe it.
	Body, CommitID, User string
	// InReplyTo is the ID of the comment answered, else zero.
	InReplyTo int64
	// CreatedAt defaults to the time it was added.
	CreatedAt time.Time
}

// CheckRun is a check run.
type CheckRun struct {
	// ID is assigned by the fake.
	ID int64
	// Name, HeadSHA, Status and Conclusion as GitHub reports them.
	Name, HeadSHA, Status, Conclusion string
	// Title, Summary and Text are the run's output.
	Title, Summary, Text string
	// DetailsURL and ExternalID as given by the creator.
	DetailsURL, ExternalID string
	// Annotations accumulate over the create and every update.
	Annotations []Annotation
	// App is the slug of the app that created the run, empty for a token.
	App string
	// Requests counts the create and update requests the run received.
	Requests int
	// StartedAt defaults to the time it was created.
	StartedAt time.Time
}

// Annotation is a check run annotation.
type Annotation struct {
	// Path, StartLine and EndLine place it.
	Path               string
	StartLine, EndLine int
	// Level is notice, warning or failure.
	Level string
	// Title and Message are its text.
	Title, Message string
}

// Status is a commit status.
type Status struct {
	// ID is assigned by the fake.
	ID int64
	// SHA is the commit; Context, State, Description and TargetURL as given.
	SHA, Context, State, Description, TargetURL string
	// Creator is the login that set it.
	Creator string
	// CreatedAt defaults to the time it was set.
	CreatedAt time.Time
}

// Merge records a merge the fake performed.
type Merge struct {
	// Repo is "owner/name"; PR the pull request.
	Repo string
	PR   int
	// SHA is the head that was merged; Method the merge method.
	SHA, Method string
	// CommitTitle and CommitMessage as requested.
	CommitTitle, CommitMessage string
	// MergeSHA is the resulting commit.
	MergeSHA string
}

// Dispatch records a repository_dispatch or workflow_dispatch event.
type Dispatch struct {
	// Kind is "repository" or "workflow".
	Kind string
	// EventType for repository dispatches; Workflow and Ref for workflow
	// dispatches.
	EventType, Workflow, Ref string
	// Payload is client_payload or inputs.
	Payload map[string]any
}

// Request records one request the fake answered.
type Request struct {
	// Op is the OpenAPI operationId, such as "pulls/get"; empty when no
	// implemented operation matched.
	Op string
	// Method and Path are the request's.
	Method, Path string
	// Status is the answer's status code.
	Status int
}
