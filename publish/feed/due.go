package feed

import (
	"fmt"
	"time"

	"github.com/heraldhq/herald/publish"
)

// NothingDue says why nothing of repo was due at now, for a person who ran
// herald publish --due and saw nothing go out: when its next post is, or,
// with none ahead, why there is none. local says the repository is served
// without a forge (so it has no pull requests).
func NothingDue(entries []Entry, repo string, strategy publish.Strategy, local bool, now time.Time) string {
	var ahead []Entry
	blocked := 0
	for _, e := range entries {
		if e.Repo == repo && e.Status != publish.ItemPublished && e.At.After(now) {
			ahead = append(ahead, e)
			if e.Status == publish.ItemBlocked {
				blocked++
			}
		}
	}
	if len(ahead) == 0 {
		return NoPosts(strategy, local)
	}
	next := ahead[0]
	s := fmt.Sprintf("%s scheduled, the next (%s) %s, %s", publish.Plural(len(ahead), "post"), next.Path,
		publish.Humanize(next.At.Sub(now)), publish.FormatTime(next.At, next.Location))
	if blocked > 0 {
		s += fmt.Sprintf("; %d of them blocked (see herald schedule)", blocked)
	}
	return s + "."
}

// NoPosts says why a repository has no post to come, from where its posts
// would come under its strategy.
func NoPosts(strategy publish.Strategy, local bool) string {
	switch strategy {
	case publish.StrategyMerge:
		if local {
			return "the merge strategy (publish.strategy in .herald.yml) publishes pull requests, and a plain Git repository has none; set it to draft, or remove it, to publish the dated drafts of the default branch."
		}
		return "no open pull request has a dated post."
	case publish.StrategyDraft:
		return "no post on the default branch is a draft with a date to come (draft: true and a date)."
	}
	return "no post is dated ahead."
}
