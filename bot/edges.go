package bot

import (
	"context"
	"io/fs"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
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

// Mirrors opens the Git mirror of a remote; *gitrepo.Cache through
// CacheMirrors.
type Mirrors interface {
	Open(ctx context.Context, remote string, auth gitrepo.Auth) (Mirror, error)
}

// Mirror is what the bot reads from and writes to a Git mirror;
// *gitrepo.Mirror implements it.
type Mirror interface {
	Fetch(ctx context.Context, refs ...string) error
	Resolve(ctx context.Context, rev string) (gitrepo.Hash, error)
	FS(ctx context.Context, commit gitrepo.Hash) (fs.FS, error)
	Diff(ctx context.Context, base, head gitrepo.Hash) ([]gitrepo.Change, error)
	MergeBase(ctx context.Context, a, b gitrepo.Hash) (gitrepo.Hash, error)
	ReadFile(ctx context.Context, commit gitrepo.Hash, path string) ([]byte, error)
	Commit(ctx context.Context, req gitrepo.CommitRequest) (gitrepo.Hash, error)
	Push(ctx context.Context, branch string, newCommit, expectedOld gitrepo.Hash) error
}

// CacheMirrors adapts a *gitrepo.Cache to Mirrors.
func CacheMirrors(c *gitrepo.Cache) Mirrors { return cacheMirrors{c} }

type cacheMirrors struct{ c *gitrepo.Cache }

func (m cacheMirrors) Open(ctx context.Context, remote string, auth gitrepo.Auth) (Mirror, error) {
	mi, err := m.c.Open(ctx, remote, auth)
	if err != nil {
		return nil, err
	}
	return mi, nil
}
