package fakegithub

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/golang-jwt/jwt/v4"
)

// Options configures a Server.
type Options struct {
	// OnMerge, if set, performs a merge the fake has accepted (for example in
	// a real Git server) and returns the merge commit's SHA. An error makes
	// the merge answer 405 with the error's text. It runs without the fake's
	// lock, so it may call the Server's methods; a second merge of the same
	// pull request meanwhile is refused with 405.
	OnMerge func(repo string, pr int, sha string) (mergeSHA string, err error)
	// TokenTTL is the lifetime of installation tokens; default one hour.
	TokenTTL time.Duration
	// RateLimit is the hourly request quota per credential; default 5000.
	// Past it, requests answer 403 with X-RateLimit-Remaining: 0 until the
	// hour is over.
	RateLimit int
}

// Server is the fake GitHub API. Create it with New; it stops when the test
// ends.
type Server struct {
	t    testing.TB
	opts Options
	doc  *openapi3.T
	srv  *httptest.Server
	mux  *http.ServeMux

	mu            sync.Mutex
	nextID        int64
	repos         map[string]*repoState
	users         map[string]int64
	tokens        map[string]tokenState
	apps          map[int64]appState
	installations map[int64]installation
	faults        []fault
	eachOnce      *fault          // fault for the first request of every operation
	eachSeen      map[string]bool // operations that had their eachOnce fault
	rates         map[string]*rateState
	rateWindow    time.Duration
	requests      []Request
	cost          Cost
	errs          []string
	merges        []Merge
	tokensIssued  int
}

type repoState struct {
	info           Repo
	id             int64
	prs            map[int]*PR
	reviews        []*Review
	comments       []*Comment
	reviewComments []*ReviewComment
	checkRuns      []*CheckRun
	statuses       []*Status
	permissions    map[string]string
	dispatches     []Dispatch
	labels         map[string]int64
	merging        map[int]bool // pull requests whose OnMerge hook is running
}

type tokenState struct {
	login          string
	app            string
	installationID int64
	expires        time.Time
}

type installation struct {
	appID   int64
	account string
	repos   []string
}

type appState struct {
	slug string
	key  *rsa.PublicKey
}

type faultKind int

const (
	faultStatus faultKind = iota
	faultPrimary
	faultSecondary
	faultSlow
	faultLostAnswer
)

type fault struct {
	op     string
	kind   faultKind
	status int
	reset  time.Time
	after  time.Duration
}

type rateState struct {
	used  int
	reset time.Time
}

// New starts a fake GitHub API for the test and stops it at cleanup, when
// every validation error it recorded fails the test.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	doc, err := specOnce()
	if err != nil {
		t.Fatalf("fakegithub: %v", err)
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 5000
	}
	s := &Server{
		t:             t,
		opts:          opts,
		doc:           doc,
		mux:           http.NewServeMux(),
		nextID:        1000,
		repos:         map[string]*repoState{},
		users:         map[string]int64{},
		tokens:        map[string]tokenState{},
		apps:          map[int64]appState{},
		installations: map[int64]installation{},
		rates:         map[string]*rateState{},
		rateWindow:    time.Hour,
		eachSeen:      map[string]bool{},
	}
	if err := s.routes(); err != nil {
		t.Fatalf("fakegithub: %v", err)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.recordError("%s %s: endpoint not implemented by the fake", r.Method, r.URL.Path)
		s.record(Request{Method: r.Method, Path: r.URL.Path, Status: http.StatusNotFound})
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
	})
	s.srv = httptest.NewServer(s.mux)
	t.Cleanup(func() {
		s.srv.Close()
		for _, e := range s.Errors() {
			t.Errorf("fakegithub: %s", e)
		}
	})
	return s
}

// URL returns the API base URL, with a trailing slash, for use as a GitHub
// Enterprise base URL.
func (s *Server) URL() string { return s.srv.URL + "/" }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Errors returns the validation errors recorded so far: requests GitHub
// would reject, answers that do not match the description, calls to
// endpoints the fake does not implement.
func (s *Server) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errs...)
}

// ClearErrors forgets recorded validation errors; for tests that send
// invalid requests on purpose to see the answer.
func (s *Server) ClearErrors() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = nil
}

func (s *Server) recordError(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, fmt.Sprintf(format, args...))
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// Requests returns every request answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests for the operation (an OpenAPI
// operationId such as "issues/create-comment") were answered.
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Op == op {
			n++
		}
	}
	return n
}

// --- faults ---

// FailNext makes the next n requests for op (an operationId, or "*" for any)
// answer status, such as 500 or 502. Injected faults apply in the order
// they were injected.
func (s *Server) FailNext(op string, n, status int) {
	s.addFault(op, n, fault{kind: faultStatus, status: status})
}

// RateLimitNext makes the next n requests for op answer the primary rate
// limit: status 403 or 429 with X-RateLimit-Remaining: 0 and the reset time.
func (s *Server) RateLimitNext(op string, n, status int, reset time.Time) {
	s.addFault(op, n, fault{kind: faultPrimary, status: status, reset: reset})
}

// SecondaryLimitNext makes the next n requests for op answer 403 with a
// secondary rate limit and Retry-After.
func (s *Server) SecondaryLimitNext(op string, n int, retryAfter time.Duration) {
	s.addFault(op, n, fault{kind: faultSecondary, status: http.StatusForbidden, after: retryAfter})
}

// LoseAnswerNext makes the next n requests for op take effect and then
// hold the answer for d (or until the client gives up), as when a response
// is lost after GitHub acted: a client that retries must not act twice.
func (s *Server) LoseAnswerNext(op string, n int, d time.Duration) {
	s.addFault(op, n, fault{kind: faultLostAnswer, after: d})
}

// SlowNext delays the next n answers for op by d (or until the client
// gives up).
func (s *Server) SlowNext(op string, n int, d time.Duration) {
	s.addFault(op, n, fault{kind: faultSlow, after: d})
}

func (s *Server) addFault(op string, n int, f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.op = op
	for range n {
		s.faults = append(s.faults, f)
	}
}

// takeFault removes and returns the first injected fault that applies to
// op: faults apply in the order they were injected.
func (s *Server) takeFault(op string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.op == op || f.op == "*" {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return f, true
		}
	}
	if s.eachOnce != nil && !s.eachSeen[op] {
		s.eachSeen[op] = true
		f := *s.eachOnce
		if f.kind == faultPrimary {
			f.reset = time.Now().Add(f.after)
		}
		return f, true
	}
	return fault{}, false
}

// FailEachOnce makes the first request of every operation from now on
// answer status, such as 502: an end-to-end test then shows that every
// endpoint's caller survives one failure.
func (s *Server) FailEachOnce(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eachOnce = &fault{kind: faultStatus, status: status}
	clear(s.eachSeen)
}

// RateLimitEachOnce makes the first request of every operation from now on
// answer the primary rate limit (status 403 or 429), resetting resetAfter
// later.
func (s *Server) RateLimitEachOnce(status int, resetAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eachOnce = &fault{kind: faultPrimary, status: status, after: resetAfter}
	clear(s.eachSeen)
}

// StopFaults drops every injected fault that has not fired yet.
func (s *Server) StopFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.eachOnce = nil, nil
}

// --- credentials ---

// AddToken accepts token as a personal access token of login.
func (s *Server) AddToken(token, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = tokenState{login: login}
}

// AddApp registers a GitHub App with its slug and the public half of its
// private key.
func (s *Server) AddApp(appID int64, slug string, key *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[appID] = appState{slug: slug, key: key}
}

// AddInstallation installs app appID on account with access to repos
// ("owner/name"); no repos means every repository of account.
func (s *Server) AddInstallation(appID, installationID int64, account string, repos ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installations[installationID] = installation{appID: appID, account: account, repos: repos}
}

// TokensIssued returns how many installation tokens the fake has minted.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokensIssued
}

// ExpireTokens makes every installation token issued so far expire now.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.tokens {
		if v.installationID != 0 {
			v.expires = time.Now().Add(-time.Second)
			s.tokens[k] = v
		}
	}
}

type principal struct {
	login string
	app   string // app slug for installation tokens and JWTs
	appID int64  // set for JWTs only
	key   string // rate-limit bucket
	// installationID is set for installation tokens.
	installationID int64
}

var bearer = regexp.MustCompile(`^(?i:bearer|token) (\S+)$`)

func (s *Server) authenticate(r *http.Request) (principal, string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return principal{}, "Requires authentication"
	}
	m := bearer.FindStringSubmatch(h)
	if m == nil {
		return principal{}, "Bad credentials"
	}
	tok := m[1]
	s.mu.Lock()
	ts, ok := s.tokens[tok]
	s.mu.Unlock()
	if ok {
		if !ts.expires.IsZero() && time.Now().After(ts.expires) {
			return principal{}, "Bad credentials"
		}
		return principal{login: ts.login, app: ts.app, installationID: ts.installationID,
			key: "token:" + ts.login + ":" + strconv.FormatInt(ts.installationID, 10)}, ""
	}
	if strings.Count(tok, ".") == 2 {
		claims := &jwt.RegisteredClaims{}
		var appID int64
		_, err := jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
			if t.Method != jwt.SigningMethodRS256 {
				return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
			}
			c := t.Claims.(*jwt.RegisteredClaims)
			id, err := strconv.ParseInt(c.Issuer, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("issuer %q is not an app ID", c.Issuer)
			}
			s.mu.Lock()
			app, ok := s.apps[id]
			s.mu.Unlock()
			if !ok {
				return nil, fmt.Errorf("unknown app %d", id)
			}
			appID = id
			return app.key, nil
		})
		if err != nil {
			return principal{}, "A JSON web token could not be decoded"
		}
		if claims.ExpiresAt == nil || claims.IssuedAt == nil || claims.ExpiresAt.Sub(claims.IssuedAt.Time) > 10*time.Minute+time.Second {
			return principal{}, "'Expiration time' claim ('exp') is too far in the future"
		}
		s.mu.Lock()
		slug := s.apps[appID].slug
		s.mu.Unlock()
		return principal{app: slug, appID: appID, key: "app:" + strconv.FormatInt(appID, 10)}, ""
	}
	return principal{}, "Bad credentials"
}

// rateHeaders counts a request against the credential's quota and sets the
// rate-limit headers. With exhausted set it reports a spent quota resetting
// then, without counting. It returns false when the quota is spent: the
// request must be refused.
func (s *Server) rateHeaders(h http.Header, key string, exhausted *time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.rates[key]
	now := time.Now()
	if rs == nil || now.After(rs.reset) {
		rs = &rateState{reset: now.Add(s.rateWindow)}
		s.rates[key] = rs
	}
	limit := s.opts.RateLimit
	reset := rs.reset
	ok := true
	var remaining int
	switch {
	case exhausted != nil:
		remaining, reset = 0, *exhausted
	case rs.used >= limit:
		remaining, ok = 0, false
	default:
		rs.used++
		s.cost.Costly++
		remaining = limit - rs.used
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
	h.Set("X-RateLimit-Resource", "core")
	return ok
}

// conditional answers a GET as GitHub does: every 200 carries an ETag, which
// depends on the body and on the Accept and Authorization headers (a new
// token gives new ETags, as on GitHub), and a request whose If-None-Match
// names the current ETag is answered 304 Not Modified without a body. A 304
// spends no rate limit: the request is refunded and the headers say so.
func (s *Server) conditional(r *http.Request, hdr http.Header, bucket string, body []byte) (int, []byte) {
	sum := sha256.Sum256([]byte(r.Header.Get("Accept") + ":" + r.Header.Get("Authorization") + ":" + string(body)))
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", "private, max-age=60, s-maxage=60")
	hdr.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
	if !etagMatches(r.Header.Get("If-None-Match"), etag) {
		return http.StatusOK, body
	}
	hdr.Del("Content-Type")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cost.Free++
	if rs := s.rates[bucket]; rs != nil && rs.used > 0 {
		rs.used--
		s.cost.Costly--
		remaining := s.opts.RateLimit - rs.used
		hdr.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		hdr.Set("X-RateLimit-Used", strconv.Itoa(rs.used))
	}
	return http.StatusNotModified, nil
}

// etagMatches reports whether an If-None-Match header names etag, with the
// weak comparison RFC 9110 prescribes for it.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// Cost counts the requests answered so far by what they spent of the rate
// limit.
type Cost struct {
	// Costly requests counted against a credential's hourly quota.
	Costly int
	// Free requests were conditional ones answered 304 Not Modified.
	Free int
}

// Cost returns what the requests answered so far spent of the rate limit.
func (s *Server) Cost() Cost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cost
}

// SetRateLimit changes the quota per credential from now on, and the
// length of the windows that begin from now on (GitHub's is an hour), so a
// test can see a reset come.
func (s *Server) SetRateLimit(limit int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.RateLimit, s.rateWindow = limit, window
	clear(s.rates)
}

func rateLimited() map[string]any {
	return map[string]any{
		"message":           "API rate limit exceeded for installation.",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
	}
}

// --- routing and validation ---

type handlerFunc func(c *call) (int, any)

// call is one request being answered.
type call struct {
	r    *http.Request
	body []byte
	who  principal
	repo *repoState // set for /repos/{owner}/{repo}/... routes that exist
	s    *Server
	hdr  http.Header
}

func (c *call) path(name string) string { return c.r.PathValue(name) }

func (c *call) pathInt(name string) int64 {
	n, _ := strconv.ParseInt(c.r.PathValue(name), 10, 64)
	return n
}

func (c *call) decode(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	return json.Unmarshal(c.body, v)
}

type route struct {
	method, path string
	opID         string
	appAuth      bool // JWT only
	h            handlerFunc
}

func (s *Server) handle(rt route) error {
	pi := s.doc.Paths.Value(rt.path)
	if pi == nil {
		return fmt.Errorf("path %s is not in the OpenAPI description", rt.path)
	}
	op := pi.GetOperation(rt.method)
	if op == nil {
		return fmt.Errorf("%s %s is not in the OpenAPI description", rt.method, rt.path)
	}
	if op.OperationID != rt.opID {
		return fmt.Errorf("%s %s is operation %q, not %q", rt.method, rt.path, op.OperationID, rt.opID)
	}
	orr := &routers.Route{Spec: s.doc, Path: rt.path, PathItem: pi, Method: rt.method, Operation: op}
	params := pathParams(rt.path)
	s.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, rt, orr, params)
	})
	return nil
}

var paramRE = regexp.MustCompile(`\{([^}]+)\}`)

func pathParams(path string) []string {
	var out []string
	for _, m := range paramRE.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route, orr *routers.Route, params []string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems reading the body"})
		return
	}
	if string(bytes.TrimSpace(body)) == "null" && rt.appAuth {
		// ghinstallation sends a JSON null for "no options"; GitHub treats
		// it as an empty body, so validate it as one.
		body = nil
		r.Header.Del("Content-Type")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	pp := map[string]string{}
	for _, p := range params {
		pp[p] = r.PathValue(p)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: pp, Route: orr, Options: opts}
	hdr := http.Header{}
	var lost time.Duration
	var bucket string
	status, resp := s.answer(r.Context(), rt, in, body, hdr, &lost, &bucket)
	if lost > 0 {
		select {
		case <-time.After(lost):
		case <-r.Context().Done():
		}
	}

	var out []byte
	if resp != nil {
		if code := responseSchema(orr.Operation, status); code != nil {
			resp = complete(code, normalise(resp), 0)
		}
		out, err = json.Marshal(resp)
		if err != nil {
			s.recordError("%s: marshal answer: %v", rt.opID, err)
			status, out = http.StatusInternalServerError, []byte(`{"message":"Server Error"}`)
		}
		hdr.Set("Content-Type", "application/json; charset=utf-8")
	}
	if r.Method == http.MethodGet && status == http.StatusOK {
		status, out = s.conditional(r, hdr, bucket, out)
	}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: hdr, Options: opts}
	rin.SetBodyBytes(out)
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		s.recordError("%s %s: answer %d does not match the description: %v", r.Method, r.URL.Path, status, err)
	}
	// Record before answering, so a test that inspects the fake right after
	// the client returns sees this request.
	s.record(Request{Op: rt.opID, Method: r.Method, Path: r.URL.Path, Status: status})
	maps.Copy(w.Header(), hdr)
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// answer authenticates, applies faults and validates the request, then runs
// the handler.
func (s *Server) answer(ctx context.Context, rt route, in *openapi3filter.RequestValidationInput, body []byte, hdr http.Header, lost *time.Duration, bucket *string) (int, any) {
	r := in.Request
	who, authErr := s.authenticate(r)
	if authErr != "" {
		return http.StatusUnauthorized, ghError(authErr)
	}
	*bucket = who.key
	if rt.appAuth != (who.appID != 0) {
		if rt.appAuth {
			return http.StatusUnauthorized, ghError("A JSON web token could not be decoded")
		}
		return http.StatusForbidden, ghError("Resource not accessible by integration")
	}
	if f, ok := s.takeFault(rt.opID); ok {
		switch f.kind {
		case faultLostAnswer:
			*lost = f.after
		case faultSlow:
			select {
			case <-time.After(f.after):
			case <-ctx.Done():
				return http.StatusServiceUnavailable, ghError("client went away")
			}
		case faultStatus:
			s.rateHeaders(hdr, who.key, nil)
			return f.status, ghError("Server Error")
		case faultPrimary:
			s.rateHeaders(hdr, who.key, &f.reset)
			return f.status, rateLimited()
		case faultSecondary:
			s.rateHeaders(hdr, who.key, nil)
			hdr.Set("Retry-After", strconv.Itoa(int(f.after.Round(time.Second)/time.Second)))
			return f.status, map[string]any{
				"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
				"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			}
		}
	}
	if !s.rateHeaders(hdr, who.key, nil) {
		return http.StatusForbidden, rateLimited()
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		s.recordError("%s %s: GitHub would reject this request: %v", r.Method, r.URL.Path, err)
		return http.StatusUnprocessableEntity, map[string]any{
			"message":           "Invalid request.\n\n" + err.Error(),
			"documentation_url": "https://docs.github.com/rest",
		}
	}
	c := &call{r: r, body: body, who: who, s: s, hdr: hdr}
	if owner, name := r.PathValue("owner"), r.PathValue("repo"); owner != "" && name != "" {
		s.mu.Lock()
		c.repo = s.repos[strings.ToLower(owner+"/"+name)]
		s.mu.Unlock()
		if c.repo == nil {
			return http.StatusNotFound, notFound()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return rt.h(c)
}

func responseSchema(op *openapi3.Operation, status int) *openapi3.SchemaRef {
	rr := op.Responses.Status(status)
	if rr == nil || rr.Value == nil {
		return nil
	}
	mt := rr.Value.Content.Get("application/json")
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// normalise turns the handler's Go values into plain JSON values so the
// schema filler sees maps and slices of any.
func normalise(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func ghError(msg string) map[string]any {
	return map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest"}
}

func notFound() map[string]any { return ghError("Not Found") }

func validationFailed(msg string, errs ...string) map[string]any {
	m := map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest"}
	if len(errs) > 0 {
		m["errors"] = errs
	}
	return m
}

// fieldInvalid is GitHub's "Validation Failed" answer naming the field.
func fieldInvalid(resource, field, code, msg string) map[string]any {
	return map[string]any{
		"message":           "Validation Failed",
		"documentation_url": "https://docs.github.com/rest",
		"errors":            []any{map[string]any{"resource": resource, "field": field, "code": code, "message": msg}},
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// paginate answers one page of items per GitHub's per_page and page query
// parameters and sets the Link header.
func (c *call) paginate(items []any) []any {
	q := c.r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	last := max((len(items)+per-1)/per, 1)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: c.r.Host, Path: c.r.URL.Path}
		qq := c.r.URL.Query()
		qq.Set("per_page", strconv.Itoa(per))
		qq.Set("page", strconv.Itoa(p))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(min(page-1, last), "prev"))
	}
	if len(links) > 0 {
		c.hdr.Set("Link", strings.Join(links, ", "))
	}
	lo := min((page-1)*per, len(items))
	hi := min(lo+per, len(items))
	return append([]any{}, items[lo:hi]...)
}

// --- helpers under s.mu ---

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

func (s *Server) userID(login string) int64 {
	if id, ok := s.users[login]; ok {
		return id
	}
	id := s.newID()
	s.users[login] = id
	return id
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}
