package adapter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish"
)

// Mirror is the part of a *gitrepo.Mirror that Branch uses.
type Mirror interface {
	Fetch(ctx context.Context, refs ...string) error
	Resolve(ctx context.Context, rev string) (gitrepo.Hash, error)
	ReadFile(ctx context.Context, commit gitrepo.Hash, path string) ([]byte, error)
	Commit(ctx context.Context, req gitrepo.CommitRequest) (gitrepo.Hash, error)
	Push(ctx context.Context, branch string, newCommit, expectedOld gitrepo.Hash) error
}

var _ Mirror = (*gitrepo.Mirror)(nil)

// Branch is one ref of a mirror, as the publisher reads and pushes it,
// committing as one identity.
type Branch struct {
	m      Mirror
	ref    string
	author gitrepo.Signature
}

var _ publish.Branch = (*Branch)(nil)

// NewBranch returns the ref of m named ref: a branch name ("main") or a full
// ref name ("refs/heads/main", publish.RecordRef). Its commits have author
// as both author and committer.
func NewBranch(m Mirror, ref string, author gitrepo.Signature) *Branch {
	if !strings.HasPrefix(ref, "refs/") {
		ref = "refs/heads/" + ref
	}
	return &Branch{m: m, ref: ref, author: author}
}

// Ref returns the full ref name.
func (b *Branch) Ref() string { return b.ref }

// Tip fetches the ref and returns its commit, or "" when the remote does not
// have it.
func (b *Branch) Tip(ctx context.Context) (string, error) {
	if err := b.m.Fetch(ctx, b.ref); err != nil {
		if errors.Is(err, gitrepo.ErrNotFound) {
			return "", nil
		}
		return "", fmt.Errorf("fetch %s: %w", b.ref, err)
	}
	h, err := b.m.Resolve(ctx, b.ref)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", b.ref, err)
	}
	return h.String(), nil
}

// ReadFile returns path at commit.
func (b *Branch) ReadFile(ctx context.Context, commit, path string) ([]byte, error) {
	h, err := gitrepo.ParseHash(commit)
	if err != nil {
		return nil, err
	}
	return b.m.ReadFile(ctx, h, path)
}

// Commit builds the commit in the mirror; no files means an empty commit.
func (b *Branch) Commit(ctx context.Context, parent string, files map[string][]byte, message string, when time.Time) (string, error) {
	p, err := gitrepo.ParseHash(parent)
	if err != nil {
		return "", err
	}
	h, err := b.m.Commit(ctx, gitrepo.CommitRequest{Parent: p, Files: files, Message: message,
		Author: b.author, Committer: b.author, Time: when, AllowEmpty: len(files) == 0})
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// Push sets the ref to commit if it is still at expectedOld.
func (b *Branch) Push(ctx context.Context, commit, expectedOld string) error {
	c, err := gitrepo.ParseHash(commit)
	if err != nil {
		return err
	}
	var old gitrepo.Hash
	if expectedOld != "" {
		if old, err = gitrepo.ParseHash(expectedOld); err != nil {
			return err
		}
	}
	err = b.m.Push(ctx, b.ref, c, old)
	if errors.Is(err, gitrepo.ErrBranchMoved) {
		return fmt.Errorf("%w: %w", publish.ErrBranchMoved, err)
	}
	return err
}

// GitHub is the part of the forge/github client the adapter uses.
type GitHub interface {
	Merge(ctx context.Context, number int, opts forge.MergeOptions) (forge.MergeResult, error)
	PR(ctx context.Context, number int) (forge.PullRequest, error)
	SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error)
	AddLabels(ctx context.Context, number int, labels ...string) ([]string, error)
	RemoveLabel(ctx context.Context, number int, label string) (bool, error)
	UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error)
	RepositoryDispatch(ctx context.Context, eventType string, payload map[string]any) error
	WorkflowDispatch(ctx context.Context, workflow, ref string, inputs map[string]any) error
}

// Forge adapts a GitHub client to the publisher.
type Forge struct {
	c GitHub
}

var (
	_ publish.PullRequests = (*Forge)(nil)
	_ publish.Dispatcher   = (*Forge)(nil)
)

// NewForge returns the adapter over c (a *github.Client).
func NewForge(c GitHub) *Forge { return &Forge{c: c} }

// refusalRereads are the waits before reading a pull request again after a
// refused merge that left it open: the refusal may come from another
// replica's merge still in progress ("Merge already in progress"), which
// ends with the pull request merged.
var refusalRereads = [...]time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}

// Merge merges pr at headSHA and returns the merge commit. A refusal is told apart by reading the pull
// request: merged already (ErrAlreadyMerged), its head moved (ErrHeadMoved),
// or not (ErrNotMergeable). A pull request still open at headSHA and
// reading as mergeable is read again a few times over about two seconds
// first, so that losing the race to another replica's merge reads as already
// merged, not as a failure.
func (f *Forge) Merge(ctx context.Context, pr int, headSHA string, method forge.MergeMethod) (string, error) {
	res, err := f.c.Merge(ctx, pr, forge.MergeOptions{SHA: headSHA, Method: method})
	switch {
	case err == nil:
		return res.SHA, nil
	case errors.Is(err, forge.ErrHeadMoved):
		return "", fmt.Errorf("%w: %w", publish.ErrHeadMoved, err)
	case errors.Is(err, forge.ErrNotMergeable):
		for i := 0; ; i++ {
			cur, perr := f.c.PR(ctx, pr)
			if perr == nil && cur.Merged {
				return "", fmt.Errorf("%w: %w", publish.ErrAlreadyMerged, err)
			}
			if perr == nil && cur.HeadSHA != headSHA {
				return "", fmt.Errorf("%w: %w", publish.ErrHeadMoved, err)
			}
			if perr != nil {
				return "", fmt.Errorf("%w: %w (reading the pull request again: %v)", publish.ErrNotMergeable, err, perr)
			}
			m := cur.Mergeability()
			refused := m == forge.MergeableDirty || m == forge.MergeableBlocked
			if cur.State != forge.PROpen || refused || i == len(refusalRereads) {
				return "", fmt.Errorf("%w: %w", publish.ErrNotMergeable, err)
			}
			select {
			case <-time.After(refusalRereads[i]):
			case <-ctx.Done():
				return "", fmt.Errorf("%w: %w", publish.ErrNotMergeable, err)
			}
		}
	}
	return "", err
}

// SetStatus sets the status unless it is set already.
func (f *Forge) SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error) {
	return f.c.SetStatus(ctx, sha, st)
}

// AddLabel adds label when missing.
func (f *Forge) AddLabel(ctx context.Context, pr int, label string) error {
	_, err := f.c.AddLabels(ctx, pr, label)
	return err
}

// RemoveLabel removes label when present.
func (f *Forge) RemoveLabel(ctx context.Context, pr int, label string) error {
	_, err := f.c.RemoveLabel(ctx, pr, label)
	return err
}

// UpsertComment makes herald's comment with key read body.
func (f *Forge) UpsertComment(ctx context.Context, pr int, key, body string) error {
	_, err := f.c.UpsertComment(ctx, pr, key, body)
	return err
}

// RepositoryDispatch sends a repository_dispatch event.
func (f *Forge) RepositoryDispatch(ctx context.Context, eventType string, payload map[string]any) error {
	return f.c.RepositoryDispatch(ctx, eventType, payload)
}

// WorkflowDispatch runs a workflow.
func (f *Forge) WorkflowDispatch(ctx context.Context, workflow, ref string, inputs map[string]any) error {
	return f.c.WorkflowDispatch(ctx, workflow, ref, inputs)
}
