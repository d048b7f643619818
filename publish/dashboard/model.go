package dashboard

import (
	"context"
	"time"
)

// State is where one upcoming post stands.
type State string

// The states of an upcoming post.
const (
	// Scheduled is due in the future, with nothing in its way.
	Scheduled State = "scheduled"
	// Late is due and not out yet, with nothing named in its way: it goes
	// out on the next reconcile.
	Late State = "late"
	// Blocked cannot go out until what Post.Blockers names is resolved.
	Blocked State = "blocked"
	// Held is held by a maintainer (a label or "/herald hold").
	Held State = "held"
)

// Repo is what the dashboard shows of one repository.
type Repo struct {
	// Name is "owner/name", or a path in local mode.
	Name string
	// URL is the repository's web page; empty when it has none.
	URL string
	// Location is the site's time zone; nil means UTC.
	Location *time.Location
	// Strategy is how its posts go live (merge, draft, rebuild), which
	// says where upcoming posts come from when there are none.
	Strategy string
	// Upcoming are the posts not out yet, in the order they fall due.
	Upcoming []Post
	// Recent are the latest publications, the newest first.
	Recent []Publication
	// Reconcile is the last reconcile that finished; nil before the first.
	Reconcile *Reconcile
}

// Post is one upcoming post.
type Post struct {
	Title, Path string
	// PR is the pull request that publishes it, or zero.
	PR int
	// URL is where a person follows it: the pull request or the file.
	URL string
	// At is when it is due; zero when its date could not be resolved.
	At time.Time
	// Expiry reports a rebuild at the post's expiry, not its publication.
	Expiry bool
	State  State
	// Blockers name what holds it back, in the words of every surface
	// (publish.Blocker.Said): "blocked by link-reversed, unknown-author",
	// "not approved", "held", "checks failing".
	Blockers []string
	// Reason says the same for people, in sentences.
	Reason string
}

// Publication is one post herald published.
type Publication struct {
	Title, Path string
	PR          int
	URL         string
	// Due is when it was due, At when it went out.
	Due, At time.Time
}

// Late is how long after its time the publication went out.
func (p Publication) Late() time.Duration { return max(p.At.Sub(p.Due), 0) }

// Reconcile is how one reconcile of a repository went.
type Reconcile struct {
	// At is when it started, Took how long it ran.
	At   time.Time
	Took time.Duration
	// Errors are what failed, one line each; none when all went well.
	Errors []string
}

// Source lists what the dashboard shows of every repository herald serves.
type Source interface {
	Dashboard(ctx context.Context) ([]Repo, error)
}
