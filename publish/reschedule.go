package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/heraldhq/herald/content"
)

// Reschedule says what RescheduleOnBranch should write.
type Reschedule struct {
	// Path is the post on the branch.
	Path string
	// At is the new publish time.
	At time.Time
	// Zone is the zone to write the time in; nil means Location.
	Zone *time.Location
	// Profile and Location read the post (Location: the site's zone for
	// dates without an offset).
	Profile  *content.Profile
	Location *time.Location
	// By is the person who asked, named in the message. The commit's
	// author is the branch's own identity.
	By string
	// Now is the commit time.
	Now time.Time
	// MaxAttempts bounds the retries when the branch moves; zero means
	// DefaultMaxPushAttempts.
	MaxAttempts int
}

// RescheduleOnBranch commits the new date into the post's front matter on
// branch (a pull request's head branch) with a guarded push, re-reading and
// retrying when the branch moved. A post that already says At is left alone
// and "" is returned with no error; otherwise the pushed commit is returned.
func RescheduleOnBranch(ctx context.Context, branch Branch, r Reschedule) (string, error) {
	attempts := r.MaxAttempts
	if attempts < 1 {
		attempts = DefaultMaxPushAttempts
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	zone := r.Zone
	if zone == nil {
		zone = loc
	}
	for attempt := 1; attempt <= attempts; attempt++ {
		tip, err := branch.Tip(ctx)
		if err != nil {
			return "", fmt.Errorf("reschedule %s: read the branch: %w", r.Path, err)
		}
		if tip == "" {
			return "", fmt.Errorf("reschedule %s: the branch no longer exists", r.Path)
		}
		raw, err := branch.ReadFile(ctx, tip, r.Path)
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("reschedule %s: the post is not on the branch at %s", r.Path, short(tip))
		}
		if err != nil {
			return "", fmt.Errorf("reschedule %s: %w", r.Path, err)
		}
		post := content.ParsePost(r.Path, raw, r.Profile, loc)
		if post.DateErr == nil && post.DateField != nil && post.Date.Equal(r.At) {
			return "", nil
		}
		e, err := DateEdit(post, r.Profile, r.At, zone, loc)
		if err != nil {
			return "", fmt.Errorf("reschedule: %w", err)
		}
		msg := fmt.Sprintf("schedule: %s for %s\n", r.Path, FormatTime(r.At, zone))
		if r.By != "" {
			msg += fmt.Sprintf("\nRequested by @%s with /herald schedule.\n", r.By)
		}
		now := r.Now
		if now.IsZero() {
			now = time.Now()
		}
		out, err := content.ApplyEdits(raw, []content.Edit{e})
		if err != nil {
			return "", fmt.Errorf("reschedule %s: %w", r.Path, err)
		}
		c, err := branch.Commit(ctx, tip, map[string][]byte{r.Path: out}, msg, now)
		if err != nil {
			return "", fmt.Errorf("reschedule %s: commit: %w", r.Path, err)
		}
		err = branch.Push(ctx, c, tip)
		if errors.Is(err, ErrBranchMoved) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("reschedule %s: push: %w", r.Path, err)
		}
		return c, nil
	}
	return "", fmt.Errorf("reschedule %s: the branch moved on each of %d attempts: %w", r.Path, attempts, ErrBranchMoved)
}
