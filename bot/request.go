package bot

import (
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/webhook"
)

// causedByHerald reports whether a request's event was caused by herald's own
// write (its check run, its statuses, its comments and labels): reconciling
// again would find nothing to do, so it is skipped.
func (b *Bot) causedByHerald(r webhook.Request) bool {
	byHerald := b.login != "" && r.Sender == b.login
	switch r.Event {
	case "check_run":
		return b.ownCheck(r) && (r.Action == "created" || r.Action == "completed")
	case "status":
		return r.StatusContext == CheckName || r.StatusContext == publish.StatusContext
	case "issue_comment":
		return byHerald
	case "pull_request":
		return (r.Action == "labeled" || r.Action == "unlabeled") && byHerald
	}
	return false
}

// rerunHead returns the head SHA of a check run or suite of herald's that
// someone asked to run again ("Re-run" on GitHub), or "" when the request is
// not such a one.
func (b *Bot) rerunHead(r webhook.Request) string {
	switch {
	case r.Event == "check_run" && b.ownCheck(r) && (r.Action == "rerequested" || r.Action == "requested_action"):
		return r.HeadSHA
	case r.Event == "check_suite" && r.Action == "rerequested" && b.appSlug != "" && r.CheckApp == b.appSlug:
		return r.HeadSHA
	}
	return ""
}

// ownCheck reports whether a check_run request is about herald's check run:
// its name, made by herald's App when the App is known.
func (b *Bot) ownCheck(r webhook.Request) bool {
	return r.CheckName == CheckName && (b.appSlug == "" || r.CheckApp == b.appSlug)
}
