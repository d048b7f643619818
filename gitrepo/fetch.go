package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Fetch brings the named refs up to date from the remote, e.g.
// "refs/heads/main" or "refs/pull/12/head". Each ref is force-updated (a
// pull request head may be rewritten) and only objects the mirror lacks
// are transferred; when every ref already matches, only the ref
// advertisement is read. With no refs, every branch and tag is fetched. A
// ref missing on the remote gives an error wrapping ErrNotFound.
func (m *Mirror) Fetch(ctx context.Context, refs ...string) error {
	specs := []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
	if len(refs) > 0 {
		specs = specs[:0]
		for _, r := range refs {
			name := plumbing.ReferenceName(r)
			if !strings.HasPrefix(r, "refs/") || strings.ContainsAny(r, "*:") || name.Validate() != nil {
				return fmt.Errorf("fetch %q from %s: want a full ref name such as refs/heads/main", r, m.st.remote)
			}
			specs = append(specs, config.RefSpec("+"+r+":"+r))
		}
	}
	what := "all branches and tags"
	if len(refs) > 0 {
		what = strings.Join(refs, ", ")
	}
	auth, err := m.auth.method(m.st.remote)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", what, err)
	}
	if err := m.lock(ctx); err != nil {
		return fmt.Errorf("fetch %s from %s: %w", what, m.st.remote, err)
	}
	defer m.st.release()
	unlockProcess, err := m.st.lockProcess(ctx)
	if err != nil {
		return fmt.Errorf("fetch %s from %s: %w", what, m.st.remote, err)
	}
	defer unlockProcess()
	start := time.Now()
	remote, err := m.st.repo.Remote("origin")
	if err != nil {
		return fmt.Errorf("fetch %s from %s: %w", what, m.st.remote, err)
	}
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin",
		RefSpecs:   specs,
		Auth:       auth,
		Tags:       git.NoTags,
		Force:      true,
	})
	switch {
	case err == nil:
		m.st.cache.log.Debug("fetched", "remote", m.st.remote, "refs", what, "duration", time.Since(start))
		m.maybeRepack()
		return nil
	case errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case errors.Is(err, git.NoMatchingRefSpecError{}):
		return fmt.Errorf("fetch %s from %s: %w (%v)", what, m.st.remote, ErrNotFound, m.red.wrap(err))
	}
	return fmt.Errorf("fetch %s from %s: %w", what, m.st.remote, explain(ctx, m.red.wrap(err)))
}

// explain adds a plain-words cause to transport errors whose own text is
// terse, and makes a cancelled or expired context visible to errors.Is
// (go-git reports it as text only).
func explain(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("the transfer was cut short: %w", err)
	}
	return err
}

// Resolve returns the commit a revision names in the mirror: a full ref
// name ("refs/pull/12/head"), a branch or tag name ("main"), "HEAD", or a
// 40-digit hash of a commit the mirror holds. Annotated tags are peeled.
// It reads the mirror only; Fetch first for the remote's current value.
func (m *Mirror) Resolve(ctx context.Context, rev string) (Hash, error) {
	if err := m.lock(ctx); err != nil {
		return Hash{}, fmt.Errorf("resolve %q: %w", rev, err)
	}
	defer m.st.release()
	h, err := m.resolveLocked(rev)
	if err != nil {
		return Hash{}, fmt.Errorf("resolve %q in %s: %w", rev, m.st.remote, err)
	}
	return h, nil
}

func (m *Mirror) resolveLocked(rev string) (Hash, error) {
	s := m.st.repo.Storer
	if len(rev) == 40 && plumbing.IsHash(rev) {
		h := plumbing.NewHash(rev)
		if _, err := object.GetCommit(s, h); err != nil {
			return Hash{}, fmt.Errorf("commit %s: %w", rev, ErrNotFound)
		}
		return h, nil
	}
	candidates := []plumbing.ReferenceName{plumbing.ReferenceName(rev)}
	if !strings.HasPrefix(rev, "refs/") && rev != "HEAD" {
		candidates = append(candidates,
			plumbing.NewBranchReferenceName(rev),
			plumbing.NewTagReferenceName(rev))
	}
	for _, name := range candidates {
		ref, err := m.st.repo.Reference(name, true)
		if err != nil {
			continue
		}
		h := ref.Hash()
		// Peel annotated tags down to the commit.
		for range 10 {
			obj, err := s.EncodedObject(plumbing.AnyObject, h)
			if err != nil {
				return Hash{}, fmt.Errorf("%s points at %s: %w", name, h, err)
			}
			if obj.Type() != plumbing.TagObject {
				if obj.Type() != plumbing.CommitObject {
					return Hash{}, fmt.Errorf("%s points at a %s, not a commit", name, obj.Type())
				}
				return h, nil
			}
			tag, err := object.DecodeTag(s, obj)
			if err != nil {
				return Hash{}, err
			}
			h = tag.Target
		}
		return Hash{}, fmt.Errorf("%s: tag chain too long", name)
	}
	return Hash{}, fmt.Errorf("no such ref: %w", ErrNotFound)
}

// DefaultBranch returns the remote's default branch as recorded at clone
// time, e.g. "main".
func (m *Mirror) DefaultBranch(ctx context.Context) (string, error) {
	if err := m.lock(ctx); err != nil {
		return "", fmt.Errorf("default branch: %w", err)
	}
	defer m.st.release()
	ref, err := m.st.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", fmt.Errorf("default branch of %s: %w", m.st.remote, err)
	}
	if ref.Type() != plumbing.SymbolicReference || !ref.Target().IsBranch() {
		return "", fmt.Errorf("default branch of %s: HEAD is not a branch", m.st.remote)
	}
	return ref.Target().Short(), nil
}
