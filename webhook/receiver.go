package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
)

// Defaults of the receiver's options.
const (
	// DefaultMaxBodyBytes is GitHub's own cap on a delivery: 25 MiB.
	DefaultMaxBodyBytes = 25 << 20
	// DefaultDedupeCapacity is how many delivery identifiers are remembered.
	DefaultDedupeCapacity = 10000
	// DefaultDedupeTTL is how long a delivery identifier is remembered.
	DefaultDedupeTTL = 24 * time.Hour
	// DefaultRetryAfter is the Retry-After sent with 503 answers.
	DefaultRetryAfter = 30 * time.Second
)

// maxPooledBuffer is the largest body buffer kept for reuse; rare large
// deliveries do not pin their memory.
const maxPooledBuffer = 1 << 20

// Headers GitHub sends with every delivery.
const (
	headerEvent    = "X-GitHub-Event"
	headerDelivery = "X-GitHub-Delivery"
)

// Receiver is the http.Handler for GitHub webhook deliveries. For each POST
// it reads at most the body limit, verifies X-Hub-Signature-256 before
// looking at the body, parses the payload into a typed go-github event, skips
// deliveries it has already accepted, and hands one reconcile Request per
// repository (or pull request) to its Dispatcher. It answers:
//
//	200 ping, or a delivery already accepted
//	202 queued, or an event that needs no reconcile (unknown, no repository)
//	400 missing X-GitHub-Event, payload that is not valid JSON for its event
//	401 missing, SHA-1 only, malformed or wrong signature
//	405 a method other than POST
//	413 a body over the limit
//	415 a content type other than JSON or form-encoded
//	503 the queue is full or shutting down, with Retry-After
type Receiver struct {
	dispatcher Dispatcher
	verifier   *verifier // nil when signatures are not checked
	maxBody    int64
	events     map[string]bool // nil: every event
	known      map[string]bool // the event names go-github parses
	seen       *deliveries
	retryAfter time.Duration
	logger     *slog.Logger
	metrics    *Metrics
	now        func() time.Time
	bufs       sync.Pool
}

// ReceiverOption configures a Receiver.
type ReceiverOption func(*Receiver)

// WithMaxBodyBytes sets the largest body read; longer ones get 413.
func WithMaxBodyBytes(n int64) ReceiverOption { return func(r *Receiver) { r.maxBody = n } }

// WithInsecureNoSignature accepts deliveries without checking any signature.
// It is meant for local experiments only; NewReceiver refuses to run without
// secrets unless it is given.
func WithInsecureNoSignature() ReceiverOption { return func(r *Receiver) { r.verifier = nil } }

// WithEvents restricts dispatch to the named events; the others are answered
// 202 and ignored. By default every event that names a repository is
// dispatched.
func WithEvents(names ...string) ReceiverOption {
	return func(r *Receiver) {
		r.events = make(map[string]bool, len(names))
		for _, n := range names {
			r.events[n] = true
		}
	}
}

// WithDedupe sets how many delivery identifiers are remembered and for how
// long. A capacity of 0 turns deduplication off.
func WithDedupe(capacity int, ttl time.Duration) ReceiverOption {
	return func(r *Receiver) { r.seen = newDeliveries(capacity, ttl) }
}

// WithRetryAfter sets the Retry-After of 503 answers.
func WithRetryAfter(d time.Duration) ReceiverOption { return func(r *Receiver) { r.retryAfter = d } }

// WithLogger sets the logger; by default nothing is logged.
func WithLogger(l *slog.Logger) ReceiverOption { return func(r *Receiver) { r.logger = l } }

// WithMetrics records deliveries, signature failures and answer latency.
func WithMetrics(m *Metrics) ReceiverOption { return func(r *Receiver) { r.metrics = m } }

// WithClock sets the clock used for deduplication.
func WithClock(now func() time.Time) ReceiverOption { return func(r *Receiver) { r.now = now } }

// NewReceiver returns a Receiver that verifies deliveries against any of
// secrets (several allow rotation) and dispatches to d. It returns an error
// when secrets is empty, unless WithInsecureNoSignature is given, or when a
// secret is empty.
func NewReceiver(d Dispatcher, secrets []string, opts ...ReceiverOption) (*Receiver, error) {
	if d == nil {
		return nil, errors.New("webhook receiver: no dispatcher")
	}
	v := &verifier{}
	for i, s := range secrets {
		if s == "" {
			return nil, fmt.Errorf("webhook receiver: secret %d of %d is empty", i+1, len(secrets))
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	r := &Receiver{
		dispatcher: d,
		verifier:   v,
		maxBody:    DefaultMaxBodyBytes,
		seen:       newDeliveries(DefaultDedupeCapacity, DefaultDedupeTTL),
		retryAfter: DefaultRetryAfter,
		logger:     slog.New(slog.DiscardHandler),
		now:        time.Now,
		known:      make(map[string]bool),
		bufs:       sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	for _, name := range github.MessageTypes() {
		r.known[name] = true
	}
	for _, o := range opts {
		o(r)
	}
	if r.verifier != nil && len(r.verifier.secrets) == 0 {
		return nil, errors.New("webhook receiver: no secret to verify X-Hub-Signature-256 with")
	}
	if r.maxBody <= 0 {
		return nil, fmt.Errorf("webhook receiver: body limit %d is not positive", r.maxBody)
	}
	return r, nil
}

// Outcomes of a delivery, the "outcome" label of the metrics.
const (
	outcomeAccepted    = "accepted"
	outcomeDuplicate   = "duplicate"
	outcomeIgnored     = "ignored"
	outcomePing        = "ping"
	outcomeUnsigned    = "bad_signature"
	outcomeBadRequest  = "bad_request"
	outcomeTooLarge    = "too_large"
	outcomeMediaType   = "unsupported_media_type"
	outcomeMethod      = "method_not_allowed"
	outcomeUnavailable = "unavailable"
	outcomeError       = "error"
)

// Errors of the request itself, mapped to statuses by status.
var (
	errMethod       = errors.New("only POST is accepted")
	errTooLarge     = errors.New("body is larger than the limit")
	errNoEvent      = errors.New("missing " + headerEvent + " header")
	errNoPayload    = errors.New("form-encoded body has no payload field")
	errBadMediaType = errors.New("content type must be application/json or application/x-www-form-urlencoded")
	errBadPayload   = errors.New("payload is not valid")
	errReadBody     = errors.New("could not read the body")
)

// answer is what the receiver tells the sender: a status, one line of text
// and the outcome recorded in the metrics.
type answer struct {
	status  int
	msg     string
	outcome string
}

// status maps an error of a delivery to its answer. It is the one place where
// errors become HTTP statuses.
func status(err error) answer {
	var sig *signatureError
	switch {
	case errors.As(err, &sig):
		return answer{http.StatusUnauthorized, err.Error(), outcomeUnsigned}
	case errors.Is(err, errTooLarge):
		return answer{http.StatusRequestEntityTooLarge, err.Error(), outcomeTooLarge}
	case errors.Is(err, errMethod):
		return answer{http.StatusMethodNotAllowed, err.Error(), outcomeMethod}
	case errors.Is(err, errBadMediaType):
		return answer{http.StatusUnsupportedMediaType, err.Error(), outcomeMediaType}
	case errors.Is(err, errNoEvent), errors.Is(err, errNoPayload), errors.Is(err, errBadPayload), errors.Is(err, errReadBody):
		return answer{http.StatusBadRequest, err.Error(), outcomeBadRequest}
	case errors.Is(err, ErrQueueFull), errors.Is(err, ErrQueueClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return answer{http.StatusServiceUnavailable, err.Error(), outcomeUnavailable}
	}
	return answer{http.StatusInternalServerError, "internal error", outcomeError}
}

// ServeHTTP handles one delivery.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	event := "unverified" // the metric label until the signature is checked
	buf := rc.bufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			rc.bufs.Put(buf)
		}
	}()
	a, event := rc.handleSafely(req, buf, event)
	if a.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(int(rc.retryAfter.Round(time.Second)/time.Second)))
	}
	if a.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(a.status)
	io.WriteString(w, a.msg+"\n")
	rc.metrics.delivery(event, a.outcome, time.Since(start).Seconds())
}

// handleSafely is handle, answering 500 instead of letting a panic end the
// connection.
func (rc *Receiver) handleSafely(req *http.Request, buf *bytes.Buffer, event string) (a answer, label string) {
	defer func() {
		if p := recover(); p != nil {
			rc.logger.Error("webhook delivery panicked", "delivery_id", req.Header.Get(headerDelivery),
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			a, label = answer{http.StatusInternalServerError, "internal error", outcomeError}, event
		}
	}()
	return rc.handle(req, buf, event)
}

// handle does the work of ServeHTTP and returns the answer and the event
// label for the metrics.
func (rc *Receiver) handle(req *http.Request, buf *bytes.Buffer, event string) (answer, string) {
	deliveryID := req.Header.Get(headerDelivery)
	log := rc.logger.With("delivery_id", deliveryID)
	fail := func(err error) answer {
		a := status(err)
		var sig *signatureError
		if errors.As(err, &sig) {
			rc.metrics.signatureFailure(sig.reason)
			log.Warn("webhook delivery refused", "status", a.status, "error", err, "remote_addr", req.RemoteAddr)
		} else if a.status >= 500 {
			log.Error("webhook delivery failed", "status", a.status, "error", err)
		} else {
			log.Info("webhook delivery refused", "status", a.status, "error", err)
		}
		buf.Reset()
		return a
	}

	if req.Method != http.MethodPost {
		return fail(errMethod), event
	}
	sigHeader := req.Header.Get(headerSignature256)
	if rc.verifier != nil && sigHeader == "" {
		if req.Header.Get(headerSignatureSHA1) != "" {
			return fail(&signatureError{"sha1_only", errSignatureSHA1Only}), event
		}
		return fail(&signatureError{"missing", errSignatureMissing}), event
	}
	if req.ContentLength > rc.maxBody {
		return fail(fmt.Errorf("%w: Content-Length %d, limit %d bytes", errTooLarge, req.ContentLength, rc.maxBody)), event
	}
	buf.Reset()
	if _, err := buf.ReadFrom(io.LimitReader(req.Body, rc.maxBody+1)); err != nil {
		return fail(fmt.Errorf("%w: %v", errReadBody, err)), event
	}
	if int64(buf.Len()) > rc.maxBody {
		return fail(fmt.Errorf("%w: limit %d bytes", errTooLarge, rc.maxBody)), event
	}
	body := buf.Bytes()
	if rc.verifier != nil {
		if err := rc.verifier.verify(sigHeader, body); err != nil {
			return fail(err), event
		}
	}

	// From here on the delivery comes from someone who knows the secret.
	name := req.Header.Get(headerEvent)
	if name == "" {
		return fail(errNoEvent), event
	}
	event = name
	if !rc.known[name] {
		event = "other" // a bounded label even for names GitHub adds later
	}
	log = log.With("event", name)
	payload, err := payloadOf(req.Header.Get("Content-Type"), body)
	if err != nil {
		return fail(err), event
	}
	if event == "other" {
		log.Debug("webhook event ignored: go-github does not know it")
		return answer{http.StatusAccepted, fmt.Sprintf("event %q ignored: not one herald handles", name), outcomeIgnored}, event
	}
	parsed, err := github.ParseWebHook(name, payload)
	if err != nil {
		return fail(fmt.Errorf("%w: %s payload: %v", errBadPayload, name, err)), event
	}
	if name == "ping" {
		log.Info("webhook ping", "zen", parsed.(*github.PingEvent).GetZen())
		return answer{http.StatusOK, "pong", outcomePing}, event
	}
	if rc.events != nil && !rc.events[name] {
		log.Debug("webhook event ignored: not subscribed")
		return answer{http.StatusAccepted, fmt.Sprintf("event %q ignored: not one herald is set to handle", name), outcomeIgnored}, event
	}
	reqs, why := requestsFor(name, deliveryID, parsed)
	if len(reqs) == 0 {
		log.Debug("webhook event ignored", "reason", why)
		return answer{http.StatusAccepted, fmt.Sprintf("event %q ignored: %s", name, why), outcomeIgnored}, event
	}
	if !rc.seen.claim(deliveryID, rc.now()) {
		log.Info("webhook delivery already accepted", "repo", reqs[0].Repo)
		return answer{http.StatusOK, "delivery " + deliveryID + " already accepted", outcomeDuplicate}, event
	}
	targets := make([]string, 0, len(reqs))
	for _, r := range reqs {
		if err := rc.dispatcher.Dispatch(req.Context(), r); err != nil {
			rc.seen.release(deliveryID)
			return fail(fmt.Errorf("queue reconcile of %s: %w", r, err)), event
		}
		targets = append(targets, r.String())
	}
	log.Info("webhook delivery accepted", "action", reqs[0].Action, "repo", reqs[0].Repo, "pr", reqs[0].PR, "requests", len(reqs))
	return answer{http.StatusAccepted, "queued reconcile of " + strings.Join(targets, ", "), outcomeAccepted}, event
}

// payloadOf returns the JSON payload of a body of the given content type.
func payloadOf(contentType string, body []byte) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%w (got %q)", errBadMediaType, contentType)
	}
	switch mt {
	case "application/json":
		return body, nil
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("%w: form-encoded body: %v", errBadPayload, err)
		}
		p := form.Get("payload")
		if p == "" {
			return nil, errNoPayload
		}
		return []byte(p), nil
	}
	return nil, fmt.Errorf("%w (got %q)", errBadMediaType, mt)
}
