package bot

import (
	gh "github.com/google/go-github/v60/github"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/webhook"
)

// hint reads what a request's payload says beyond its target. echo reports
// an event caused by herald's own write (its check run, its statuses, its
// comments and labels): reconciling again would find nothing to do, so it is
// skipped. recheck is the head SHA of a check run or suite of herald's that
// someone asked to run again ("Re-run" on GitHub); "" when none.
func (b *Bot) hint(r webhook.Request) (echo bool, recheck string) {
	ours := func(slug string) bool { return b.appSlug == "" || slug == b.appSlug }
	byHerald := func(u *gh.User) bool { return b.login != "" && u.GetLogin() == b.login }
	switch e := r.Payload.(type) {
	case *gh.CheckRunEvent:
		cr := e.GetCheckRun()
		if cr.GetName() != CheckName || !ours(cr.GetApp().GetSlug()) {
			return false, ""
		}
		switch e.GetAction() {
		case "rerequested", "requested_action":
			return false, cr.GetHeadSHA()
		case "created", "completed":
			return true, ""
		}
	case *gh.CheckSuiteEvent:
		cs := e.GetCheckSuite()
		if e.GetAction() == "rerequested" && b.appSlug != "" && cs.GetApp().GetSlug() == b.appSlug {
			return false, cs.GetHeadSHA()
		}
	case *gh.StatusEvent:
		switch e.GetContext() {
		case CheckName, publish.StatusContext:
			return true, ""
		}
	case *gh.IssueCommentEvent:
		return byHerald(e.GetSender()), ""
	case *gh.PullRequestEvent:
		switch e.GetAction() {
		case "labeled", "unlabeled":
			return byHerald(e.GetSender()), ""
		}
	}
	return false, ""
}
