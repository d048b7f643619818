package adapter

import (
	"context"
	"errors"
	"io/fs"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish"
)

// GitMirror is the part of a *gitrepo.Mirror that Git uses.
type GitMirror interface {
	Mirror
	FS(ctx context.Context, commit gitrepo.Hash) (fs.FS, error)
	Diff(ctx context.Context, base, head gitrepo.Hash) ([]gitrepo.Change, error)
	MergeBase(ctx context.Context, a, b gitrepo.Hash) (gitrepo.Hash, error)
}

var _ GitMirror = (*gitrepo.Mirror)(nil)

// Git is a gitrepo mirror as the bot reads it, in neutral terms: commits
// named by their hexadecimal hash, a diff as the paths it changes, a ref the
// remote lacks as forge.ErrNotFound, and each ref as a publish.Branch that
// commits as one identity. It implements the bot's Mirror, so the bot needs
// none of gitrepo's types.
type Git struct {
	m      GitMirror
	author gitrepo.Signature
}

// DefaultAuthor returns the identity of herald's commits when none is
// given: "herald <herald@users.noreply.github.com>".
func DefaultAuthor() gitrepo.Signature {
	return gitrepo.Signature{Name: "herald", Email: "herald@users.noreply.github.com"}
}

// NewGit returns m seen through Git; the branches it gives commit as author
// (DefaultAuthor when author is zero).
func NewGit(m GitMirror, author gitrepo.Signature) *Git {
	if author == (gitrepo.Signature{}) {
		author = DefaultAuthor()
	}
	return &Git{m: m, author: author}
}

// OpenGit opens the mirror of remote in c, authenticated with creds when
// they carry a password and anonymously otherwise, seen through Git.
func OpenGit(ctx context.Context, c *gitrepo.Cache, remote string, creds forge.GitCredentials, author gitrepo.Signature) (*Git, error) {
	m, err := c.Open(ctx, remote, GitAuth(creds))
	if err != nil {
		return nil, err
	}
	return NewGit(m, author), nil
}

// GitAuth is how gitrepo authenticates with a forge's credentials: with
// them when they carry a password, anonymously otherwise.
func GitAuth(creds forge.GitCredentials) gitrepo.Auth {
	if creds.Password == "" {
		return gitrepo.Anonymous()
	}
	return gitrepo.Basic(creds.Username, creds.Password)
}

// Fetch brings refs up to date. A ref the remote does not have is an error
// that is also forge.ErrNotFound.
func (g *Git) Fetch(ctx context.Context, refs ...string) error {
	err := g.m.Fetch(ctx, refs...)
	if errors.Is(err, gitrepo.ErrNotFound) {
		return notFound{err}
	}
	return err
}

// notFound is gitrepo's not-found error, worded as it is, that is also
// forge.ErrNotFound.
type notFound struct{ err error }

func (e notFound) Error() string   { return e.err.Error() }
func (e notFound) Unwrap() []error { return []error{e.err, forge.ErrNotFound} }

// Resolve returns the commit that rev (a ref name or a hash) names.
func (g *Git) Resolve(ctx context.Context, rev string) (string, error) {
	h, err := g.m.Resolve(ctx, rev)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// FS returns the tree of commit.
func (g *Git) FS(ctx context.Context, commit string) (fs.FS, error) {
	h, err := gitrepo.ParseHash(commit)
	if err != nil {
		return nil, err
	}
	return g.m.FS(ctx, h)
}

// MergeBase returns the best common ancestor of a and b.
func (g *Git) MergeBase(ctx context.Context, a, b string) (string, error) {
	ha, err := gitrepo.ParseHash(a)
	if err != nil {
		return "", err
	}
	hb, err := gitrepo.ParseHash(b)
	if err != nil {
		return "", err
	}
	mb, err := g.m.MergeBase(ctx, ha, hb)
	if err != nil {
		return "", err
	}
	return mb.String(), nil
}

// Changes returns the paths present at head that differ from base, a
// renamed file under its new path, each mapped to whether it was only moved
// (renamed with its content byte for byte the same). Deleted paths are left
// out.
func (g *Git) Changes(ctx context.Context, base, head string) (map[string]bool, error) {
	hb, err := gitrepo.ParseHash(base)
	if err != nil {
		return nil, err
	}
	hh, err := gitrepo.ParseHash(head)
	if err != nil {
		return nil, err
	}
	diff, err := g.m.Diff(ctx, hb, hh)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(diff))
	for _, c := range diff {
		if c.Op != gitrepo.Deleted {
			out[c.To] = c.Moved
		}
	}
	return out, nil
}

// Branch returns the ref named ref (a branch name or a full ref name) as
// the publisher reads and pushes it, committing as Git's author.
func (g *Git) Branch(ref string) publish.Branch { return NewBranch(g.m, ref, g.author) }
