package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/publish"
)

// sayPublished edits the summary comment of a pull request herald just
// merged, so that it says each post was published, when, and how long after
// its time, instead of when it goes live ("in less than a minute" would stay
// there for good: a merged pull request is not reconciled again). A failure
// is logged: the merge is done, and the published comment says it too.
func (b *Bot) sayPublished(ctx context.Context, e *openRepo, a publish.Action) {
	m, ok := a.(publish.Merge)
	if !ok || e.prs == nil {
		return
	}
	log := e.log.With("pr", m.PR)
	if err := b.publishedSummary(ctx, e, m, b.now()); err != nil {
		log.Error("summary comment not updated after the merge", "err", err)
	}
}

func (b *Bot) publishedSummary(ctx context.Context, e *openRepo, m publish.Merge, at time.Time) error {
	h := e.heads[m.PR]
	if h == nil {
		return fmt.Errorf("the head of #%d was not read in this reconcile", m.PR)
	}
	comments, err := e.prs.IssueComments(ctx, m.PR)
	if err != nil {
		return fmt.Errorf("comments: %w", err)
	}
	mine, _ := b.heraldComments(comments)
	old, ok := mine[SummaryKey]
	if !ok {
		return nil // a pull request without a summary (no post changed)
	}
	// The checks run again as at the post's time, so that a post that
	// went out late is not found backdated now.
	findings, err := b.findingsOf(ctx, e, h, func() time.Time { return m.Due })
	if err != nil {
		return err
	}
	rep := newReport(m.HeadSHA, h.posts, h.loc, findings, nil, m.Due)
	rep.Fixed = strings.Contains(old, "thanks for the fixes")
	for i, p := range rep.Posts {
		if slices.Contains(m.Paths, p.Path) {
			rep.Posts[i].Published = publishedText(at, m.Due, h.loc)
		}
	}
	body, err := render("summary.md.tmpl", rep)
	if err != nil {
		return err
	}
	if b.dryRun {
		e.log.Info("dry run: would upsert the summary comment", "pr", m.PR, "key", SummaryKey, "bytes", len(body))
		return nil
	}
	if _, err := e.prs.UpsertComment(ctx, m.PR, SummaryKey, body); err != nil {
		return fmt.Errorf("summary comment: %w", err)
	}
	return nil
}

// publishedText says when a post went out and how long after its time.
func publishedText(at, due time.Time, loc *time.Location) string {
	return fmt.Sprintf("published %s, %s after its time", publish.FormatTime(at, loc), publish.PreciseLateness(at.Sub(due)))
}
