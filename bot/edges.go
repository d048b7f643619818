package bot

import (
	"context"
	"io/fs"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

// Target names one repository the bot serves.
type Target struct {
	// Repo is "owner/name" (or a path in local mode).
	Repo string
	// InstallationID is the GitHub App installation acting on Repo; zero in
	// token mode and local mode.
	InstallationID int64
}

// String returns the repository name.
func (t Target) String() string { return t.Repo }

// Clients gives a forge client for one repository: per installation for a
// GitHub App, the one token in token mode, a plain Git repository in local
// mode.
type Clients interface {
	Forge(ctx context.Context, t Target) (Forge, error)
}

// ClientsFunc adapts a function to Clients.
type ClientsFunc func(ctx context.Context, t Target) (Forge, error)

// Forge calls f(ctx, t).
func (f ClientsFunc) Forge(ctx context.Context, t Target) (Forge, error) { return f(ctx, t) }

// Forge is what the bot needs from any forge, a plain Git repository
// included: the repository's facts and its open pull requests (none without a
// forge). A client that also implements PullRequests gets pull requests
// checked, commented on and merged; one that implements GitCredentialer
// lends its credentials to git.
type Forge interface {
	Repo(ctx context.Context) (forge.Repo, error)
	ListOpenPRs(ctx context.Context) ([]forge.PullRequest, error)
}

// GitCredentialer gives credentials for git over HTTPS.
type GitCredentialer interface {
	GitCredentials(ctx context.Context) (forge.GitCredentials, error)
}

// PullRequests is a forge with pull requests. No code takes it whole: each
// part of the pull request flow declares the few calls it makes
// (prReader, checkReader, feedbackWriter, permissionReader,
// commandAnswerer, liveCommenter) and the publisher's forge adapter its own
// (adapter.GitHub: merges with the expected head SHA, deploy dispatches);
// PullRequests is their union, what a Forge must also implement to have
// pull requests checked, commented on and merged. *github.Client does.
type PullRequests interface {
	Forge
	prReader
	checkReader
	feedbackWriter
	permissionReader
	commandAnswerer
	liveCommenter
	adapter.GitHub
}

// Mirrors opens the Git mirror of a remote, authenticated with creds when
// they carry a password and anonymously otherwise. The command builds it
// over a gitrepo cache with adapter.OpenGit.
type Mirrors interface {
	Open(ctx context.Context, remote string, creds forge.GitCredentials) (Mirror, error)
}

// MirrorsFunc adapts a function to Mirrors.
type MirrorsFunc func(ctx context.Context, remote string, creds forge.GitCredentials) (Mirror, error)

// Open calls f(ctx, remote, creds).
func (f MirrorsFunc) Open(ctx context.Context, remote string, creds forge.GitCredentials) (Mirror, error) {
	return f(ctx, remote, creds)
}

// Mirror is what the bot reads from a Git mirror, and the branches it
// writes through the publisher. Commits are named by their hexadecimal
// hash. *adapter.Git implements it over a gitrepo mirror.
type Mirror interface {
	// Fetch brings the refs up to date; a ref the remote does not have is
	// an error that is also forge.ErrNotFound.
	Fetch(ctx context.Context, refs ...string) error
	// Resolve returns the commit a ref name or hash names.
	Resolve(ctx context.Context, rev string) (string, error)
	// FS is the tree of a commit.
	FS(ctx context.Context, commit string) (fs.FS, error)
	// MergeBase is the best common ancestor of two commits.
	MergeBase(ctx context.Context, a, b string) (string, error)
	// Changes are the paths present at head that differ from base (a
	// renamed file under its new path), each true when the file was only
	// moved, its content the same.
	Changes(ctx context.Context, base, head string) (map[string]bool, error)
	// Branch is a ref (a branch name or a full ref name) as the publisher
	// reads and pushes it, committing as herald.
	Branch(ref string) publish.Branch
}
