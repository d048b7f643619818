package publish

import (
	"time"

	"github.com/heraldhq/herald/content"
)

// PostOf is the schedule's view of a post read by content.ParsePost: its
// path, title, draft flag, publish time and expiry. It is the one way from a
// post's front matter to the schedule, for the bot, the CLI and the tests
// of Plan alike.
//
// The dates are the ones content resolved in the repository's time zone. A
// publish date that does not name exactly one instant (invalid, or a local
// time in a daylight-saving gap or overlap) leaves PublishAt zero and sets
// DateProblem to the message the author should read, so the post is never
// published by a guess. An expiry content could not read counts as none, as
// content reads it.
func PostOf(p *content.Post) Post {
	sp := Post{Path: p.Path, Title: p.Title, PublishAt: p.Date, Draft: p.Draft, ExpiryAt: p.Expiry}
	if p.DateErr != nil {
		sp.PublishAt = time.Time{}
		sp.DateProblem = p.DateErr.Error()
	}
	return sp
}
