package feed

import (
	"context"
	"time"

	"github.com/heraldhq/herald/publish"
)

// Entry is one publication on the schedule, with where it belongs.
type Entry struct {
	// Repo is the repository, "owner/name" (or a path in local mode).
	Repo string
	// URL is where a person follows the publication: the post's live URL
	// when the site URL is known, else the pull request.
	URL string
	// Location is the site's time zone; nil means UTC.
	Location *time.Location
	publish.Item
}

// Source lists the schedule of every repository herald serves.
type Source interface {
	Schedule(ctx context.Context) ([]Entry, error)
}

func (e Entry) location() *time.Location {
	if e.Location == nil {
		return time.UTC
	}
	return e.Location
}
