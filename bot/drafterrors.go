package bot

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/publish"
)

// countDraftErrors returns posts with herald's error findings counted in
// each draft due at now, so that Plan keeps a draft with errors from going
// out: an error blocks publishing in every mode, and on the default branch
// there is no pull request whose check would have stopped it. Only due
// drafts are read, checked as at their time; the others are checked when
// they fall due. posts itself, which may be cached, is not changed.
func (b *Bot) countDraftErrors(ctx context.Context, e *openRepo, posts []publish.Post, now time.Time) ([]publish.Post, error) {
	var out []publish.Post
	for i, p := range posts {
		if !p.Draft || p.DateProblem != "" || p.PublishAt.IsZero() || now.Before(p.PublishAt) {
			continue
		}
		post, err := e.site.ReadPost(ctx, p.Path)
		if err != nil {
			return nil, fmt.Errorf("check the due draft %s: %w", p.Path, err)
		}
		at := p.PublishAt
		checker := check.New(e.site.Config, check.WithNow(func() time.Time { return at }))
		if b.indexSize > 0 {
			// The repository's index at the tip: a draft blocked by its
			// errors is checked on every reconcile, not the whole site.
			idx, err := b.indexFor(ctx, e, e.base)
			if err != nil {
				return nil, fmt.Errorf("check the due draft %s: %w", p.Path, err)
			}
			checker.UseIndex(e.site, idx)
		}
		findings := checker.Check(ctx, e.site, post)
		if n := countSeverity(findings, "error"); n > 0 {
			if out == nil {
				out = slices.Clone(posts)
			}
			out[i].Errors = n
		}
	}
	if out == nil {
		return posts, nil
	}
	return out, nil
}
