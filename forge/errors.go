package forge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Sentinel errors an adapter wraps so callers can branch with errors.Is.
var (
	// ErrNotFound means the object does not exist or is not visible.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the forge refused a change because the state moved
	// under it (HTTP 409).
	ErrConflict = errors.New("conflict")
	// ErrHeadMoved means a merge was refused because the pull request's head
	// is no longer the expected SHA. It matches ErrConflict too.
	ErrHeadMoved = fmt.Errorf("head moved: %w", ErrConflict)
	// ErrNotMergeable means the forge refused a merge (HTTP 405): conflicts,
	// failing required checks, missing approvals or branch protection.
	ErrNotMergeable = errors.New("not mergeable")
	// ErrInvalid means the forge rejected the request's content (HTTP 422).
	ErrInvalid = errors.New("invalid request")
	// ErrUnauthorized means the credentials were refused (HTTP 401) or lack
	// the permission for the operation (HTTP 403 without a rate limit).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrRateLimited is matched by every *RateLimitError.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable means the forge answered with a server error (HTTP
	// 5xx): an outage, not a problem of the request or the credentials.
	ErrUnavailable = errors.New("forge unavailable")
)

// RateLimitError says the forge's rate limit stopped a request and when it
// may be tried again. It matches ErrRateLimited with errors.Is.
type RateLimitError struct {
	// Reset is when the limit resets; zero if the forge did not say.
	Reset time.Time
	// Secondary reports a secondary (abuse) limit rather than the hourly
	// quota.
	Secondary bool
	// Message is the forge's message.
	Message string
}

// Error describes the limit and its reset time.
func (e *RateLimitError) Error() string {
	kind := "rate limit"
	if e.Secondary {
		kind = "secondary rate limit"
	}
	msg := kind + " exceeded"
	if !e.Reset.IsZero() {
		msg += ", resets at " + e.Reset.UTC().Format(time.RFC3339)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// IsOutage reports whether err, met reaching the forge, says nothing about
// the settings: a network error, a timeout, a server error (5xx) or a rate
// limit, to wait out. Credentials refused (401, 403), something unknown
// (404: the App, installation or repository) and any answer that cannot be
// used are not: they are settings to fix.
func IsOutage(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, ErrRateLimited), errors.Is(err, ErrUnavailable):
		return true
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrNotFound), errors.Is(err, ErrInvalid):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
		return true
	}
	return false
}
