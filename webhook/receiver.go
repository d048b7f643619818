package webhook

import (
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
	"sync/atomic"
	"time"
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

// Headers GitHub sends with every delivery.
const (
	headerEvent    = "X-GitHub-Event"
	headerDelivery = "X-GitHub-Delivery"
)

// Receiver is the http.Handler for GitHub webhook deliveries. For each POST
// it reads at most the body limit, verifies X-Hub-Signature-256 before
// looking at the body, reads the few fields herald uses from the payload, skips
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
	seen       *deliveries
	retryAfter time.Duration
	logger     *slog.Logger
	metrics    *Metrics
	now        func() time.Time
	// budget bounds the body bytes held for deliveries being read, before
	// their signature is known; inFlight bounds the requests handled at once.
	budget      *budget
	maxInFlight int64
	inFlight    atomic.Int64
	// refusals an outsider can cause at will are logged once per interval.
	logInterval time.Duration
	sigLog      quietLog
	shedLog     quietLog
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

// WithBodyBudget sets the most body bytes the receiver holds at once for
// deliveries being read (default DefaultBodyBudget). A delivery whose body
// would not fit is answered 503 with Retry-After before its body is read.
// The last 16 MiB are kept for bodies of up to 1 MiB, so that large bodies
// cannot crowd out ordinary deliveries; the budget must hold the body limit
// and that reserve.
func WithBodyBudget(n int64) ReceiverOption { return func(r *Receiver) { r.budget.limit = n } }

// WithMaxInFlight sets how many requests the receiver handles at once
// (default DefaultMaxInFlight); past it, it answers 503 with Retry-After at
// once. GitHub redelivers and the resync catches up, so shedding loses
// nothing, while letting requests wait would let a flood slow every answer.
func WithMaxInFlight(n int) ReceiverOption { return func(r *Receiver) { r.maxInFlight = int64(n) } }

// WithLogInterval sets how often a line is logged about bad signatures and
// about shed requests (default DefaultLogInterval); the others are counted in
// the next line and in the metrics.
func WithLogInterval(d time.Duration) ReceiverOption { return func(r *Receiver) { r.logInterval = d } }

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
		dispatcher:  d,
		verifier:    v,
		maxBody:     DefaultMaxBodyBytes,
		seen:        newDeliveries(DefaultDedupeCapacity, DefaultDedupeTTL),
		retryAfter:  DefaultRetryAfter,
		logger:      slog.New(slog.DiscardHandler),
		now:         time.Now,
		budget:      &budget{limit: DefaultBodyBudget, reserve: bodyReserve},
		maxInFlight: DefaultMaxInFlight,
		logInterval: DefaultLogInterval,
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
	if need := roundUp(r.maxBody) + bodyReserve; r.budget.limit < need {
		return nil, fmt.Errorf("webhook receiver: body budget of %d bytes cannot hold one body of the limit (%d bytes) and the %d bytes kept for ordinary deliveries: want at least %d",
			r.budget.limit, r.maxBody, bodyReserve, need)
	}
	if r.maxInFlight < 1 {
		return nil, fmt.Errorf("webhook receiver: %d requests in flight: want at least 1", r.maxInFlight)
	}
	if r.logInterval < 0 {
		return nil, fmt.Errorf("webhook receiver: log interval %s is negative", r.logInterval)
	}
	r.budget.metrics = r.metrics
	r.sigLog.interval, r.shedLog.interval = r.logInterval, r.logInterval
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
	case errors.Is(err, errBusy), errors.Is(err, ErrQueueFull), errors.Is(err, ErrQueueClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return answer{http.StatusServiceUnavailable, err.Error(), outcomeUnavailable}
	}
	return answer{http.StatusInternalServerError, "internal error", outcomeError}
}

// ServeHTTP handles one delivery.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	event := "unverified" // the metric label until the signature is checked
	var a answer
	if n := rc.inFlight.Add(1); n > rc.maxInFlight {
		a = rc.refuse(req, &shedError{"in_flight", fmt.Sprintf("too many webhook requests at once (limit %d); try again later", rc.maxInFlight)})
	} else {
		rc.metrics.inFlight(1)
		a, event = rc.handleSafely(req, event)
		rc.metrics.inFlight(-1)
	}
	rc.inFlight.Add(-1)
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
func (rc *Receiver) handleSafely(req *http.Request, event string) (a answer, label string) {
	defer func() {
		if p := recover(); p != nil {
			rc.logger.Error("webhook delivery panicked", "delivery_id", req.Header.Get(headerDelivery),
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			a, label = answer{http.StatusInternalServerError, "internal error", outcomeError}, event
		}
	}()
	b := &body{budget: rc.budget}
	defer b.release()
	return rc.handle(req, b, event)
}

// refuse turns err into its answer, counts it and logs it. Refusals an
// outsider can cause at will (a bad signature, a shed request) are logged
// once per interval, with the count of those not logged since.
func (rc *Receiver) refuse(req *http.Request, err error) answer {
	a := status(err)
	log := rc.logger.With("delivery_id", req.Header.Get(headerDelivery))
	var sig *signatureError
	var shed *shedError
	switch {
	case errors.As(err, &sig):
		rc.metrics.signatureFailure(sig.reason)
		if ok, held := rc.sigLog.allow(rc.now()); ok {
			log.Warn("webhook delivery refused", "status", a.status, "error", err, "remote_addr", req.RemoteAddr,
				"not_logged", held, "log_interval", rc.logInterval.String())
		}
	case errors.As(err, &shed), a.status == http.StatusServiceUnavailable:
		reason := "queue"
		if shed != nil {
			reason = shed.reason
		}
		rc.metrics.shed(reason)
		if ok, held := rc.shedLog.allow(rc.now()); ok {
			log.Warn("webhook delivery shed", "status", a.status, "reason", reason, "error", err,
				"not_logged", held, "log_interval", rc.logInterval.String())
		}
	case a.status >= 500:
		log.Error("webhook delivery failed", "status", a.status, "error", err)
	default:
		log.Info("webhook delivery refused", "status", a.status, "error", err)
	}
	return a
}

// handle does the work of ServeHTTP and returns the answer and the event
// label for the metrics. Everything that can be refused without the body is
// refused before it is read; the body is then read into b within the budget,
// through the signature check, and a wrong signature is known (and b
// released) as the last byte arrives.
func (rc *Receiver) handle(req *http.Request, b *body, event string) (answer, string) {
	deliveryID := req.Header.Get(headerDelivery)
	log := rc.logger.With("delivery_id", deliveryID)
	fail := func(err error) answer { return rc.refuse(req, err) }

	if req.Method != http.MethodPost {
		return fail(errMethod), event
	}
	var check *sigCheck
	if rc.verifier != nil {
		sigHeader := req.Header.Get(headerSignature256)
		if sigHeader == "" {
			if req.Header.Get(headerSignatureSHA1) != "" {
				return fail(&signatureError{"sha1_only", errSignatureSHA1Only}), event
			}
			return fail(&signatureError{"missing", errSignatureMissing}), event
		}
		var err error
		if check, err = rc.verifier.start(sigHeader); err != nil {
			return fail(err), event
		}
	}
	if req.ContentLength > rc.maxBody {
		return fail(fmt.Errorf("%w: Content-Length %d, limit %d bytes", errTooLarge, req.ContentLength, rc.maxBody)), event
	}
	var sink io.Writer = io.Discard
	if check != nil {
		sink = check
	}
	if err := b.read(req.Body, req.ContentLength, rc.maxBody, sink); err != nil {
		return fail(err), event
	}
	if check != nil {
		if err := check.verify(); err != nil {
			b.release()
			return fail(err), event
		}
	}
	body := b.bytes()

	// From here on the delivery comes from someone who knows the secret.
	name := req.Header.Get(headerEvent)
	if name == "" {
		return fail(errNoEvent), event
	}
	event = name
	if !knownEvent(name) {
		event = "other" // a bounded label even for names GitHub adds later
	}
	log = log.With("event", name)
	payload, err := payloadOf(req.Header.Get("Content-Type"), body)
	if err != nil {
		return fail(err), event
	}
	if event == "other" {
		log.Debug("webhook event ignored: not one GitHub documents")
		return answer{http.StatusAccepted, fmt.Sprintf("event %q ignored: not one herald handles", name), outcomeIgnored}, event
	}
	parsed, err := decodePayload(name, payload)
	if err != nil {
		return fail(err), event
	}
	if name == "ping" {
		log.Info("webhook ping", "zen", parsed.Zen)
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
