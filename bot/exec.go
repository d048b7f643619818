package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

// publisher builds the guarded publisher for one reconcile of e.
func (b *Bot) publisher(e *env) *publish.Publisher {
	rb := e.site.Config.Publish.Rebuild
	opts := []publish.Option{
		publish.WithDefaultBranch(&mirrorBranch{m: e.mirror, ref: "refs/heads/" + e.repo.DefaultBranch}, e.repo.DefaultBranch),
		publish.WithRecords(&mirrorBranch{m: e.mirror, ref: publish.RecordRef}),
		publish.WithSite(e.site.Profile, e.site.Location()),
		publish.WithTrigger(publish.RebuildTrigger{Workflow: rb.Workflow, Ref: rb.Ref, EventType: rb.EventType, HookURL: rb.URL}),
		publish.WithIdentity(publish.Signature{Name: b.committer.Name, Email: b.committer.Email}),
		publish.WithDryRun(b.dryRun),
		publish.WithPublisherClock(b.now),
		publish.WithPublisherLogger(e.log),
	}
	if e.prs != nil {
		fa := adapter.NewForge(e.prs)
		opts = append(opts, publish.WithPullRequests(fa), publish.WithDispatcher(fa))
	}
	return publish.NewPublisher(e.t.Repo, opts...)
}

// mirrorBranch is one ref of a mirror as the publisher reads and pushes it.
type mirrorBranch struct {
	m   Mirror
	ref string
}

var _ publish.Branch = (*mirrorBranch)(nil)

func (b *mirrorBranch) Tip(ctx context.Context) (string, error) {
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

func (b *mirrorBranch) ReadFile(ctx context.Context, commit, path string) ([]byte, error) {
	h, err := gitrepo.ParseHash(commit)
	if err != nil {
		return nil, err
	}
	return b.m.ReadFile(ctx, h, path)
}

func (b *mirrorBranch) Commit(ctx context.Context, req publish.CommitRequest) (string, error) {
	parent, err := gitrepo.ParseHash(req.Parent)
	if err != nil {
		return "", err
	}
	sig := gitrepo.Signature{Name: req.Author.Name, Email: req.Author.Email}
	gr := gitrepo.CommitRequest{Parent: parent, Files: req.Files, Message: req.Message,
		Author: sig, Committer: sig, Time: req.Time, AllowEmpty: req.AllowEmpty}
	if len(req.Edits) > 0 {
		gr.Edits = map[string][]gitrepo.Edit{}
		for p, es := range req.Edits {
			for _, e := range es {
				gr.Edits[p] = append(gr.Edits[p], gitrepo.Edit{Start: e.Start, End: e.End, NewText: e.NewText})
			}
		}
	}
	h, err := b.m.CommitEdits(ctx, gr)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (b *mirrorBranch) Push(ctx context.Context, commit, expectedOld string) error {
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
