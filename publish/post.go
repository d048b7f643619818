package publish

import (
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/content"
)

// ResolvePost builds a Post from front-matter values as written: date and
// expiry (either may be empty) are resolved with content.ParseDate in loc, the
// repository's time zone for dates without an offset. A value that cannot be
// resolved to exactly one instant leaves the time zero and sets DateProblem to
// the message the author should read, so the post is never published by a
// guess.
func ResolvePost(path, title, date, expiry string, draft bool, loc *time.Location) Post {
	p := Post{Path: path, Title: title, Draft: draft}
	var problems []error
	if date != "" {
		t, err := content.ParseDate(date, loc)
		if err != nil {
			problems = append(problems, fmt.Errorf("date: %w", err))
		} else {
			p.PublishAt = t
		}
	}
	if expiry != "" {
		t, err := content.ParseDate(expiry, loc)
		if err != nil {
			problems = append(problems, fmt.Errorf("expiry date: %w", err))
		} else {
			p.ExpiryAt = t
		}
	}
	if err := errors.Join(problems...); err != nil {
		p.PublishAt, p.ExpiryAt = time.Time{}, time.Time{}
		p.DateProblem = err.Error()
	}
	return p
}
