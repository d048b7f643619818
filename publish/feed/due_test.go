package feed_test

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
)

// TestNothingDue shows what herald publish --due says when nothing went
// out: when the next post is, how many are blocked, or why none is ahead.
func TestNothingDue(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	entry := func(repo, path string, at time.Time, st publish.ItemStatus) feed.Entry {
		return feed.Entry{Repo: repo, Location: berlin, Item: publish.Item{Path: path, At: at, Status: st}}
	}
	entries := []feed.Entry{
		entry("acme/blog", "blog/old.md", now.Add(-time.Hour), publish.ItemPublished),
		entry("acme/blog", "blog/next.md", now.Add(49*time.Hour), publish.ItemScheduled),
		entry("acme/blog", "blog/later.md", now.Add(96*time.Hour), publish.ItemBlocked),
		entry("acme/docs", "docs/old.md", now.Add(-time.Hour), publish.ItemPublished),
	}
	tests := []struct {
		name     string
		repo     string
		strategy publish.Strategy
		local    bool
		want     string
	}{
		{"posts ahead", "acme/blog", publish.StrategyMerge, false,
			"2 posts scheduled, the next (blog/next.md) in 2 days, 2026-12-06 13:00 UTC (14:00 CET, Europe/Berlin); 1 of them blocked (see herald schedule)."},
		{"none ahead, merge", "acme/docs", publish.StrategyMerge, false, "no open pull request has a dated post."},
		{"none ahead, merge in local mode", "acme/docs", publish.StrategyMerge, true,
			"the merge strategy (publish.strategy in .herald.yml) publishes pull requests, and a plain Git repository has none; set it to draft, or remove it, to publish the dated drafts of the default branch."},
		{"none ahead, draft", "acme/docs", publish.StrategyDraft, true, "no post on the default branch is a draft with a date to come (draft: true and a date)."},
		{"none ahead, rebuild", "acme/docs", publish.StrategyRebuild, false, "no post is dated ahead."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feed.NothingDue(entries, tt.repo, tt.strategy, tt.local, now); got != tt.want {
				t.Errorf("NothingDue =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
