package webhook

import (
	"context"
	"errors"
	"strconv"
)

// Request asks for one repository, and optionally one pull request in it,
// to be reconciled. It is a hint: the reconciler re-reads the state it acts on
// from Git and the forge, so requests may be merged (coalesced) and the
// payload of a merged request may be lost.
type Request struct {
	// Repo is the repository as "owner/name".
	Repo string
	// PR is the pull request number, or 0 when the event is about the
	// repository as a whole (a push, a status, an installation).
	PR int
	// InstallationID is the GitHub App installation that sent the event, or 0
	// when the payload names none.
	InstallationID int64
	// Event is the X-GitHub-Event name, such as "pull_request" or "push".
	Event string
	// Action is the payload's action ("opened", "synchronize"), or "" for
	// events without one.
	Action string
	// DeliveryID is the X-GitHub-Delivery identifier of the delivery.
	DeliveryID string

	// The fields below are what the delivery says beyond its target, read
	// from the payload. They describe the newest delivery merged into this
	// request and are hints only.

	// Sender is the login of the account whose action sent the event, ""
	// when the payload names none.
	Sender string
	// HeadSHA is the commit the event is about: a pull request's head
	// (pull_request and pull_request_review events), a check run's or
	// suite's head, a status's commit, a push's new tip; "" for the others.
	HeadSHA string
	// CheckName is the name of a check_run event's check run.
	CheckName string
	// CheckApp is the slug of the GitHub App that owns a check_run or
	// check_suite event's run or suite.
	CheckApp string
	// StatusContext is the context of a status event's commit status.
	StatusContext string
	// Coalesced counts the later requests that were merged into this one
	// while it waited.
	Coalesced int
}

// String names the request's target: "owner/name" or "owner/name#12".
func (r Request) String() string {
	if r.PR == 0 {
		return r.Repo
	}
	return r.Repo + "#" + strconv.Itoa(r.PR)
}

// Dispatcher takes reconcile requests from the receiver. Dispatch must not
// block on the reconcile itself: it queues the request and returns. It returns
// an error wrapping ErrQueueFull when there is no room, and ErrQueueClosed once
// the dispatcher is shutting down.
type Dispatcher interface {
	Dispatch(ctx context.Context, r Request) error
}

// DispatchFunc adapts a function to the Dispatcher interface. Passing a
// Handler's Reconcile method through it runs every reconcile synchronously,
// inside the HTTP request, which suits tests and one-shot tools.
type DispatchFunc func(ctx context.Context, r Request) error

// Dispatch calls f(ctx, r).
func (f DispatchFunc) Dispatch(ctx context.Context, r Request) error { return f(ctx, r) }

// Handler does the work a Request asks for. The bot implements it.
// Reconcile must honour ctx: it is cancelled when a shutdown's drain
// deadline passes.
type Handler interface {
	Reconcile(ctx context.Context, r Request) error
}

// HandlerFunc adapts a function to the Handler interface.
type HandlerFunc func(ctx context.Context, r Request) error

// Reconcile calls f(ctx, r).
func (f HandlerFunc) Reconcile(ctx context.Context, r Request) error { return f(ctx, r) }

// Errors a Dispatcher returns; the receiver answers both with 503 Service
// Unavailable and a Retry-After header.
var (
	// ErrQueueFull means the queue has no room for the request now.
	ErrQueueFull = errors.New("reconcile queue is full")
	// ErrQueueClosed means the queue is shutting down and takes no more work.
	ErrQueueClosed = errors.New("reconcile queue is shutting down")
)
