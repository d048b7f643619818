package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v60/github"

	"github.com/heraldhq/herald/forge"
)

// RetryPolicy bounds how hard a Client tries before it gives up.
type RetryPolicy struct {
	// MaxAttempts is the number of tries per operation, first included;
	// default 5.
	MaxAttempts int
	// BaseDelay is the first backoff after a 5xx or timeout, doubled each
	// retry with jitter; default 500ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff; default 10s.
	MaxDelay time.Duration
	// MaxWait caps one wait for a rate limit to reset; a longer wait returns
	// *forge.RateLimitError at once. Default 2 minutes.
	MaxWait time.Duration
	// AttemptTimeout bounds one HTTP attempt; default 30s.
	AttemptTimeout time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = 30 * time.Second
	}
	return p
}

// Options configures clients. The zero value talks to api.github.com.
type Options struct {
	// BaseURL is the REST API root, such as
	// "https://github.example.com/api/v3/" for GitHub Enterprise Server;
	// empty means https://api.github.com/.
	BaseURL string
	// Transport is the underlying HTTP transport; default
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives debug logs of each request (method, path, status,
	// duration, remaining quota) and warnings on retries; never headers or
	// bodies. Default slog.Default().
	Logger *slog.Logger
	// Retry bounds retries and rate-limit waits.
	Retry RetryPolicy
	// UserAgent overrides the User-Agent header; default "herald".
	UserAgent string
	// Cache keeps GitHub's answers for conditional requests and each
	// credential's rate limit; share one among the clients of a process.
	// Nil gives each App, and each token client, one of its own of
	// DefaultCacheBytes.
	Cache *Cache
	// Metrics counts the requests and records the rate limits; nil
	// records nothing.
	Metrics *Metrics
}

func (o Options) cache() *Cache {
	if o.Cache == nil {
		return NewCache(DefaultCacheBytes)
	}
	return o.Cache
}

func (o Options) baseURL() (*url.URL, error) {
	base := o.BaseURL
	if base == "" {
		base = "https://api.github.com/"
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("parse GitHub base URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("GitHub base URL %q: want an http or https URL with a host", o.BaseURL)
	}
	return u, nil
}

// ghClient returns a go-github client over hc for the API root base,
// sending o.UserAgent or else "herald".
func (o Options) ghClient(hc *http.Client, base *url.URL) *gh.Client {
	g := gh.NewClient(hc)
	g.BaseURL = base
	g.UserAgent = cmp.Or(o.UserAgent, "herald")
	return g
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

func (o Options) transport() http.RoundTripper {
	if o.Transport == nil {
		return http.DefaultTransport
	}
	return o.Transport
}

// Client performs GitHub operations on one repository. It is safe for
// concurrent use.
type Client struct {
	gh     *gh.Client
	owner  string
	repo   string
	r      *retrier
	creds  func(ctx context.Context) (forge.GitCredentials, error)
	whoami func(ctx context.Context) (string, error)
	// cache holds the rate limit of credential, as last answered.
	cache      *Cache
	credential string

	loginMu sync.Mutex
	login   string
}

// retrier runs API calls under a RetryPolicy.
type retrier struct {
	log    *slog.Logger
	policy RetryPolicy
}

func newClient(hc *http.Client, owner, repo string, o Options) (*Client, error) {
	if owner == "" || repo == "" {
		return nil, errors.New("GitHub client: owner and repository name are required")
	}
	base, err := o.baseURL()
	if err != nil {
		return nil, err
	}
	return &Client{gh: o.ghClient(hc, base), owner: owner, repo: repo, r: &retrier{log: o.logger().With("repo", owner+"/"+repo), policy: o.Retry.withDefaults()}}, nil
}

// NewTokenClient returns a client for owner/repo authenticated with a
// personal access token or any other bearer token.
func NewTokenClient(token, owner, repo string, o Options) (*Client, error) {
	if token == "" {
		return nil, errors.New("GitHub client: empty token")
	}
	cache, cred := o.cache(), tokenCredential(token)
	hc := &http.Client{Transport: cache.transport(cred, "token", &tokenTransport{token: token, next: &logTransport{next: o.transport(), log: o.logger()}}, o.Metrics)}
	c, err := newClient(hc, owner, repo, o)
	if err != nil {
		return nil, err
	}
	c.cache, c.credential = cache, cred
	c.creds = func(context.Context) (forge.GitCredentials, error) {
		return forge.GitCredentials{Username: "x-access-token", Password: token}, nil
	}
	c.whoami = func(ctx context.Context) (string, error) {
		var u *gh.User
		err := c.call(ctx, "get the authenticated user", func(ctx context.Context) (resp *gh.Response, err error) {
			u, resp, err = c.gh.Users.Get(ctx, "")
			return resp, err
		})
		return u.GetLogin(), err
	}
	return c, nil
}

// App authenticates as a GitHub App: it signs JWTs with the app's private
// key and mints installation tokens, caching each installation's token and
// refreshing it a minute before it expires. It is safe for concurrent use.
//
// Token handling is delegated to github.com/bradleyfalzon/ghinstallation,
// the maintained library palantir/go-githubapp builds on.
type App struct {
	id    int64
	opts  Options
	cache *Cache
	apps  *ghinstallation.AppsTransport
	gh    *gh.Client // authenticated as the app (JWT)
	r     *retrier

	mu    sync.Mutex
	insts map[int64]*installation
	slug  string
}

// installation is one installation's token source and the round tripper
// of its requests (conditional, metered, with its token).
type installation struct {
	tokens     *ghinstallation.Transport
	rt         http.RoundTripper
	credential string
}

// Slug returns the App's slug, as in "https://github.com/apps/SLUG"; its
// comments are signed "SLUG[bot]".
func (a *App) Slug(ctx context.Context) (string, error) {
	a.mu.Lock()
	slug := a.slug
	a.mu.Unlock()
	if slug != "" {
		return slug, nil
	}
	var app *gh.App
	err := a.r.call(ctx, fmt.Sprintf("get app %d", a.id), func(ctx context.Context) (resp *gh.Response, err error) {
		app, resp, err = a.gh.Apps.Get(ctx, "")
		return resp, err
	})
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.slug = app.GetSlug()
	return a.slug, nil
}

// NewApp returns an App for the app ID and its PEM-encoded private key.
func NewApp(appID int64, privateKeyPEM []byte, o Options) (*App, error) {
	base, err := o.baseURL()
	if err != nil {
		return nil, err
	}
	atr, err := ghinstallation.NewAppsTransport(&logTransport{next: o.transport(), log: o.logger()}, appID, privateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("GitHub App %d: read private key: %w", appID, err)
	}
	atr.BaseURL = strings.TrimSuffix(base.String(), "/")
	cache := o.cache()
	return &App{
		id: appID, opts: o, cache: cache, apps: atr,
		gh:    o.ghClient(&http.Client{Transport: cache.transport("app", "app", atr, o.Metrics)}, base),
		r:     &retrier{log: o.logger().With("app_id", appID), policy: o.Retry.withDefaults()},
		insts: map[int64]*installation{},
	}, nil
}

func (a *App) installation(id int64) *installation {
	a.mu.Lock()
	defer a.mu.Unlock()
	if in, ok := a.insts[id]; ok {
		return in
	}
	cred := "installation:" + strconv.FormatInt(id, 10)
	itr := ghinstallation.NewFromAppsTransport(a.apps, id)
	in := &installation{tokens: itr, rt: a.cache.transport(cred, cred, itr, a.opts.Metrics), credential: cred}
	a.insts[id] = in
	return in
}

// Client returns a client for owner/repo acting as the installation. Clients
// of one installation share its cached token.
func (a *App) Client(installationID int64, owner, repo string) (*Client, error) {
	in := a.installation(installationID)
	itr := in.tokens
	c, err := newClient(&http.Client{Transport: in.rt}, owner, repo, a.opts)
	if err != nil {
		return nil, err
	}
	c.cache, c.credential = a.cache, in.credential
	c.creds = func(ctx context.Context) (forge.GitCredentials, error) {
		tok, err := itr.Token(ctx)
		if err != nil {
			return forge.GitCredentials{}, fmt.Errorf("installation %d token: %w", installationID, redactErr(err))
		}
		exp, _, _ := itr.Expiry()
		return forge.GitCredentials{Username: "x-access-token", Password: tok, ExpiresAt: exp}, nil
	}
	c.whoami = func(ctx context.Context) (string, error) {
		slug, err := a.Slug(ctx)
		return slug + "[bot]", err
	}
	return c, nil
}

// redactErr keeps ghinstallation's HTTP errors (which carry the response)
// down to their message.
func redactErr(err error) error {
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) {
		return fmt.Errorf("%s", he.Message)
	}
	return err
}

// tokenTransport sets the bearer token on each request.
type tokenTransport struct {
	token string
	next  http.RoundTripper
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", "Bearer "+t.token)
	return t.next.RoundTrip(r2)
}

// logTransport logs each request without headers or bodies.
type logTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (t *logTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		t.log.DebugContext(r.Context(), "github request failed", "method", r.Method, "path", r.URL.Path,
			"duration", time.Since(start), "error", err)
		return nil, err
	}
	t.log.DebugContext(r.Context(), "github request", "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode,
		"duration", time.Since(start), "rate_remaining", resp.Header.Get("X-RateLimit-Remaining"))
	return resp, nil
}

// RateLimit returns the client's rate limit as GitHub reported it in its
// last answer to this credential, and false before any answer. Clients of
// one installation (or one token and Cache) share it.
func (c *Client) RateLimit() (forge.RateLimit, bool) {
	return c.cache.rate(c.credential)
}

// Login returns the login herald acts as: the token's user, or
// "SLUG[bot]" for an App. It is fetched once and cached.
func (c *Client) Login(ctx context.Context) (string, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if c.login != "" {
		return c.login, nil
	}
	login, err := c.whoami(ctx)
	if err != nil {
		return "", err
	}
	c.login = login
	return login, nil
}

// call runs f with retries: 5xx answers, transport errors and attempt
// timeouts back off exponentially; rate limits wait for their reset. It
// returns f's last error mapped onto the forge package's errors.
func (c *Client) call(ctx context.Context, what string, f func(ctx context.Context) (*gh.Response, error)) error {
	return c.r.call(ctx, what, f)
}

func (c *retrier) call(ctx context.Context, what string, f func(ctx context.Context) (*gh.Response, error)) error {
	p := c.policy
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, p.AttemptTimeout)
		_, err := f(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", what, ctx.Err())
		}
		wait, retry := c.backoff(err, attempt)
		if !retry || attempt >= p.MaxAttempts {
			return fmt.Errorf("%s: %w", what, mapErr(err))
		}
		c.log.WarnContext(ctx, "github request will be retried", "op", what, "attempt", attempt,
			"wait", wait, "error", mapErr(err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: waiting to retry: %w", what, ctx.Err())
		case <-t.C:
		}
	}
}

// backoff decides whether err is worth retrying and after how long.
func (c *retrier) backoff(err error, attempt int) (time.Duration, bool) {
	p := c.policy
	exp := p.BaseDelay << (attempt - 1)
	if exp > p.MaxDelay || exp <= 0 {
		exp = p.MaxDelay
	}
	jittered := exp/2 + rand.N(exp/2+1)
	limitWait := func(d time.Duration) (time.Duration, bool) {
		if d < 0 {
			d = 0
		}
		d += 250 * time.Millisecond // the reset is given in whole seconds
		return d, d <= p.MaxWait
	}
	var rle *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &rle):
		return limitWait(time.Until(rle.Rate.Reset.Time))
	case errors.As(err, &abuse):
		if abuse.RetryAfter != nil {
			return limitWait(*abuse.RetryAfter)
		}
		return limitWait(time.Minute)
	case errors.As(err, &er):
		code := er.Response.StatusCode
		if code == http.StatusTooManyRequests {
			if d, ok := retryAfter(er.Response); ok {
				return limitWait(d)
			}
			return limitWait(time.Minute)
		}
		return jittered, code >= 500
	case errors.Is(err, context.DeadlineExceeded):
		return jittered, true
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		// Minting an installation token failed.
		code := he.Response.StatusCode
		switch {
		case code >= 500:
			return jittered, true
		case code == http.StatusForbidden || code == http.StatusTooManyRequests:
			if d, ok := retryAfter(he.Response); ok {
				return limitWait(d)
			}
		}
		return 0, false // the app's credentials or installation are wrong
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return jittered, true
	}
	return 0, false
}

// retryAfter reads Retry-After, or X-RateLimit-Reset when the quota is
// spent, from a rate-limited answer.
func retryAfter(r *http.Response) (time.Duration, bool) {
	if v := r.Header.Get("Retry-After"); v != "" {
		var s int
		if _, err := fmt.Sscanf(v, "%d", &s); err == nil {
			return time.Duration(s) * time.Second, true
		}
	}
	if r.Header.Get("X-RateLimit-Remaining") == "0" {
		var reset int64
		if _, err := fmt.Sscanf(r.Header.Get("X-RateLimit-Reset"), "%d", &reset); err == nil {
			return time.Until(time.Unix(reset, 0)), true
		}
	}
	return 0, false
}

// mapErr turns go-github's errors into errors that match the forge
// package's sentinels, keeping GitHub's message.
func mapErr(err error) error {
	var rle *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &rle):
		return &forge.RateLimitError{Reset: rle.Rate.Reset.Time, Message: rle.Message}
	case errors.As(err, &abuse):
		e := &forge.RateLimitError{Secondary: true, Message: abuse.Message}
		if abuse.RetryAfter != nil {
			e.Reset = time.Now().Add(*abuse.RetryAfter)
		}
		return e
	case errors.As(err, &er):
		msg := er.Message
		for _, e := range er.Errors {
			if e.Message != "" {
				msg += ": " + e.Message
			}
		}
		var sentinel error
		switch er.Response.StatusCode {
		case http.StatusNotFound:
			sentinel = forge.ErrNotFound
		case http.StatusConflict:
			sentinel = forge.ErrConflict
		case http.StatusMethodNotAllowed:
			sentinel = forge.ErrNotMergeable
		case http.StatusUnprocessableEntity:
			sentinel = forge.ErrInvalid
		case http.StatusUnauthorized, http.StatusForbidden:
			sentinel = forge.ErrUnauthorized
		case http.StatusTooManyRequests:
			e := &forge.RateLimitError{Message: msg}
			if d, ok := retryAfter(er.Response); ok {
				e.Reset = time.Now().Add(d)
			}
			return e
		default:
			if er.Response.StatusCode >= 500 {
				return fmt.Errorf("%w: GitHub answered %d: %s", forge.ErrUnavailable, er.Response.StatusCode, msg)
			}
			return fmt.Errorf("GitHub answered %d: %s", er.Response.StatusCode, msg)
		}
		return fmt.Errorf("%w: GitHub answered %d: %s", sentinel, er.Response.StatusCode, msg)
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) {
		return fmt.Errorf("%w: installation token: %s", forge.ErrUnauthorized, he.Message)
	}
	return err
}

// paginate collects every page of a list.
func paginate[T any](ctx context.Context, c *retrier, what string, list func(ctx context.Context, opts gh.ListOptions) ([]T, *gh.Response, error)) ([]T, error) {
	var all []T
	opts := gh.ListOptions{PerPage: 100, Page: 1}
	for {
		var page []T
		var next int
		err := c.call(ctx, what, func(ctx context.Context) (*gh.Response, error) {
			items, resp, err := list(ctx, opts)
			if err == nil {
				page, next = items, resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == 0 {
			return all, nil
		}
		opts.Page = next
	}
}

// APIRoot is the REST API root a GitHub URL setting names, ending in a
// slash, for Options.BaseURL. A
// bare host (github.example.com), as go-github's WithEnterpriseURLs reads
// it, is the API of GitHub Enterprise Server there: https, /api/v3/.
func APIRoot(githubURL string) string {
	if githubURL == "" {
		return ""
	}
	if !strings.Contains(githubURL, "://") {
		host, path, _ := strings.Cut(githubURL, "/")
		if path = strings.Trim(path, "/"); path == "" {
			path = "api/v3"
		}
		return "https://" + host + "/" + path + "/"
	}
	if !strings.HasSuffix(githubURL, "/") {
		githubURL += "/"
	}
	return githubURL
}
