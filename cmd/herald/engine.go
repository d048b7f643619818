package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/forge/local"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// forgeFlags are the settings that choose and reach the forge, shared by
// serve, schedule and publish.
type forgeFlags struct {
	repo       string // local mode: a plain Git repository
	repoUser   string
	repoToken  string
	githubURL  string
	appID      int64
	appKeyFile string
	token      string
	repos      string // token mode: owner/a,owner/b
	dataDir    string
	dryRun     bool
}

// define registers the flags on fs.
func (f *forgeFlags) define(fs interface {
	StringVar(*string, string, string, string)
	Int64Var(*int64, string, int64, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.repo, "repo", "", "plain Git repository (`PATH|URL`) to serve without a forge (local mode)")
	fs.StringVar(&f.repoToken, "repo-token", "", "local mode: `TOKEN` for an https --repo that needs one (prefer HERALD_REPO_TOKEN)")
	fs.StringVar(&f.repoUser, "repo-user", local.DefaultUser, "local mode: `USER` sent with --repo-token")
	fs.StringVar(&f.githubURL, "github-url", "", "REST API root of GitHub Enterprise Server (`URL`, such as https://github.example.com/api/v3/); empty for github.com")
	fs.Int64Var(&f.appID, "github-app-id", 0, "GitHub App `ID` (with --github-app-key): check runs, every installed repository")
	fs.StringVar(&f.appKeyFile, "github-app-key", "", "`FILE` holding the GitHub App's private key (PEM)")
	fs.StringVar(&f.token, "github-token", "", "GitHub `TOKEN` (with --repos): commit statuses instead of check runs; prefer HERALD_GITHUB_TOKEN")
	fs.StringVar(&f.repos, "repos", "", "repositories to serve in token mode, `owner/a,owner/b`")
	fs.StringVar(&f.dataDir, "data-dir", "", "`DIR` caching repository mirrors; deleting it loses nothing (default: herald under the user cache directory)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "decide everything, log each side effect instead of doing it")
}

// mode names the forge the flags chose: "app", "token" or "local". A
// contradiction or a missing companion setting is an error naming both.
func (f *forgeFlags) mode() (string, error) {
	app := f.appID != 0 || f.appKeyFile != ""
	switch {
	case f.repo != "" && (app || f.token != "" || f.repos != ""):
		return "", errors.New("--repo (local mode) cannot be combined with GitHub settings: drop --repo or the --github-* and --repos settings")
	case f.repo != "":
		return "local", nil
	case f.repoToken != "":
		return "", errors.New("--repo-token is for local mode: pass --repo URL too")
	case app && f.token != "":
		return "", errors.New("both --github-token and a GitHub App (--github-app-id) are set: use one (an App gives check runs, a token commit statuses)")
	case f.appID != 0 && f.appKeyFile == "":
		return "", fmt.Errorf("--github-app-id %d has no key: pass the App's private key file with --github-app-key or %s", f.appID, envName("github-app-key"))
	case f.appID == 0 && f.appKeyFile != "":
		return "", fmt.Errorf("--github-app-key is set but --github-app-id is not: pass the App's numeric ID with --github-app-id or %s", envName("github-app-id"))
	case f.appID < 0:
		return "", fmt.Errorf("--github-app-id %d: want the App's positive numeric ID", f.appID)
	case app && f.repos != "":
		return "", errors.New("--repos is for token mode: a GitHub App serves the repositories it is installed on; drop --repos")
	case app:
		return "app", nil
	case f.token != "" && f.repos == "":
		return "", fmt.Errorf("--github-token needs --repos owner/a,owner/b (or %s): the repositories to serve", envName("repos"))
	case f.token == "" && f.repos != "":
		return "", fmt.Errorf("--repos needs --github-token (or %s)", envName("github-token"))
	case f.token != "":
		if _, err := f.repoNames(); err != nil {
			return "", err
		}
		return "token", nil
	}
	return "", errors.New("no repository to serve: pass --repo PATH|URL (a plain Git repository), or --github-app-id and --github-app-key (a GitHub App), or --github-token and --repos")
}

// shownRepo is --repo as messages and logs show it: a token written into
// its URL is replaced by "redacted".
func (f *forgeFlags) shownRepo() string { return gitrepo.RedactURL(f.repo) }

// oneLine puts an error's text on one line: a Git server's message may
// hold newlines.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// repoNames splits --repos into owner/name items.
func (f *forgeFlags) repoNames() ([]string, error) {
	var out []string
	for _, r := range strings.Split(f.repos, ",") {
		r = strings.TrimSpace(r)
		owner, name, ok := strings.Cut(r, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("--repos %q: %q is not owner/name (want owner/a,owner/b)", f.repos, r)
		}
		out = append(out, r)
	}
	return out, nil
}

// engine is the bot with its forge, Git cache and targets wired: what
// serve, schedule, publish and demo drive.
type engine struct {
	mode string
	// bot is set once the forge has been reached (connect); connected is
	// closed then.
	bot       atomic.Pointer[bot.Bot]
	connected chan struct{}
	connectMu sync.Mutex
	probe     func(ctx context.Context) ([]bot.Option, error)
	newBot    func(learnt []bot.Option) (*bot.Bot, error)
	cache     *gitrepo.Cache
	log       *slog.Logger
	targets   func(ctx context.Context) ([]bot.Target, error)

	// local mode: the repository, its default branch, and what was last
	// checked.
	local   *local.Repo
	branch  string
	mu      sync.Mutex
	checked string
	// checks turns on the check of the default branch after each
	// reconcile (serve and demo; the one-shot commands do without).
	checks    bool
	onFinding func(commit string, posts int, fs []check.Finding)
	// metrics records the checks of the default branch (herald serve).
	metrics *bot.Metrics

	events *events
	// workTree is set when --repo named a clone with a work tree: herald
	// then acts on the repository of its remote.
	workTree *gitrepo.WorkTree
}

// events reports what herald changed: pushes of its commits and merges.
// The one-shot commands keep them to print; herald serve, which runs for
// months, only logs them (the bot does).
type events struct {
	mu     sync.Mutex
	keep   bool
	pushed []pushed
	merged []merged
	onPush func(p pushed)
}

// pushed is a commit herald pushed to a branch.
type pushed struct {
	Remote, Branch, Commit, Message string
}

// merged is a pull request herald merged.
type merged struct {
	Repo string
	PR   int
	SHA  string
}

func (e *events) push(p pushed) {
	e.mu.Lock()
	if e.keep {
		e.pushed = append(e.pushed, p)
	}
	on := e.onPush
	e.mu.Unlock()
	if on != nil {
		on(p)
	}
}

func (e *events) merge(m merged) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.keep {
		e.merged = append(e.merged, m)
	}
}

// list returns what happened so far.
func (e *events) list() ([]pushed, []merged) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]pushed(nil), e.pushed...), append([]merged(nil), e.merged...)
}

// defaultDataDir is herald under the user cache directory.
func defaultDataDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no --data-dir and no user cache directory (%v): pass --data-dir", err)
	}
	return filepath.Join(d, "herald"), nil
}

// newEngine checks the forge settings, reaches the forge to make sure they
// work, and wires the bot. Its errors are one line each, naming the setting
// (a *configError when the forge refused it), or an *unreachableError when
// GitHub could not be reached. With waitForForge (herald serve) an
// unreachable GitHub is logged instead and the engine is returned not
// connected: its reconciles reach GitHub first. opts are added to the bot's
// options.
func newEngine(ctx context.Context, f forgeFlags, log *slog.Logger, waitForForge bool, opts ...bot.Option) (*engine, error) {
	mode, err := f.mode()
	if err != nil {
		return nil, err
	}
	dir := f.dataDir
	if dir == "" {
		if dir, err = defaultDataDir(); err != nil {
			return nil, err
		}
	}
	cache, err := gitrepo.NewCache(dir, gitrepo.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("--data-dir %s: %v", dir, err)
	}
	e := &engine{mode: mode, cache: cache, log: log, events: &events{}, connected: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			cache.Close()
		}
	}()
	ghOpts := github.Options{BaseURL: f.githubURL, Logger: log}
	if ghOpts.BaseURL != "" && !strings.HasSuffix(ghOpts.BaseURL, "/") {
		ghOpts.BaseURL += "/"
	}
	// The settings are checked with quiet clients that give up soon: one
	// line says what is wrong, not a page of retries.
	checkOpts := ghOpts
	checkOpts.Logger = slog.New(slog.DiscardHandler)
	checkOpts.Retry = github.RetryPolicy{MaxAttempts: 2, AttemptTimeout: 15 * time.Second}
	var clients bot.Clients
	botOpts := []bot.Option{bot.WithLogger(log), bot.WithDryRun(f.dryRun)}
	switch mode {
	case "local":
		var lopts []local.Option
		if f.repoToken != "" {
			lopts = append(lopts, local.WithToken(f.repoUser, f.repoToken))
		}
		remote, err := e.remoteOf(ctx, f)
		if err != nil {
			return nil, err
		}
		e.local, err = local.New(remote, lopts...)
		if err != nil {
			if e.workTree != nil {
				return nil, fmt.Errorf("--repo %s: remote %s of the work tree: %v", f.shownRepo(), e.workTree.Remote, err)
			}
			return nil, fmt.Errorf("--repo: %v", err)
		}
		repo, err := e.local.Repo(ctx)
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("--repo %s: a repository given by path is read with the git command, which is not installed: install git, or give an http(s) URL", f.shownRepo())
		}
		if errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) {
			return nil, fmt.Errorf("--repo %s: the repository refused herald: %s (give a token that may push with --repo-token or %s)", f.shownRepo(), oneLine(err), envName("repo-token"))
		}
		if err != nil && e.workTree != nil && e.workTree.URL != "" {
			return nil, fmt.Errorf("--repo %s is a work tree: cannot reach %s, the repository of its remote %s: %s (check the remote with git remote -v, or pass the repository's URL with --repo)",
				f.shownRepo(), gitrepo.RedactURL(e.workTree.URL), e.workTree.Remote, oneLine(err))
		}
		if err != nil {
			return nil, fmt.Errorf("--repo %s: cannot reach the repository: %s (check the path or URL, and that it has a branch)", f.shownRepo(), oneLine(err))
		}
		e.branch = repo.DefaultBranch
		name := e.local.Name()
		clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
			if t.Repo != name {
				return nil, fmt.Errorf("local mode serves %s only, not %s", name, t.Repo)
			}
			return e.local, nil
		})
		e.targets = func(context.Context) ([]bot.Target, error) { return []bot.Target{{Repo: name}}, nil }
	case "token":
		names, err := f.repoNames()
		if err != nil {
			return nil, err
		}
		tokenClients := map[string]*github.Client{}
		e.probe = func(ctx context.Context) ([]bot.Option, error) {
			var login string
			clients := map[string]*github.Client{}
			for _, r := range names {
				owner, name, _ := strings.Cut(r, "/")
				probe, err := github.NewTokenClient(f.token, owner, name, checkOpts)
				if err != nil {
					return nil, fmt.Errorf("--github-token: %v", err)
				}
				if login == "" {
					if login, err = probe.Login(ctx); err != nil {
						return nil, reachErr(err, ghOpts.BaseURL, "--github-token: GitHub refused it: %v (check the token and --github-url)")
					}
				}
				if _, err := probe.Repo(ctx); err != nil {
					return nil, reachErr(err, ghOpts.BaseURL, "--repos "+r+": cannot read the repository: %v (check its name and that the token may read it)")
				}
				if clients[r], err = github.NewTokenClient(f.token, owner, name, ghOpts); err != nil {
					return nil, fmt.Errorf("--github-token: %v", err)
				}
			}
			maps.Copy(tokenClients, clients)
			return []bot.Option{bot.WithCommitStatuses(), bot.WithLogin(login)}, nil
		}
		clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
			c, ok := tokenClients[t.Repo]
			if !ok {
				return nil, fmt.Errorf("%s is not among --repos", t.Repo)
			}
			return observedForge{Client: c, repo: t.Repo, events: e.events}, nil
		})
		e.targets = func(context.Context) ([]bot.Target, error) {
			out := make([]bot.Target, 0, len(names))
			for _, n := range names {
				out = append(out, bot.Target{Repo: n})
			}
			return out, nil
		}
	case "app":
		key, err := os.ReadFile(f.appKeyFile)
		if err != nil {
			return nil, fmt.Errorf("--github-app-key %s: cannot read the App's private key: %v", f.appKeyFile, unwrapPath(err))
		}
		app, err := github.NewApp(f.appID, key, ghOpts)
		if err != nil {
			return nil, fmt.Errorf("--github-app-key %s: %v (want the .pem file GitHub generated for the App)", f.appKeyFile, err)
		}
		probe, err := github.NewApp(f.appID, key, checkOpts)
		if err != nil {
			return nil, fmt.Errorf("--github-app-key %s: %v", f.appKeyFile, err)
		}
		e.probe = func(ctx context.Context) ([]bot.Option, error) {
			slug, err := probe.Slug(ctx)
			if err != nil {
				return nil, reachErr(err, ghOpts.BaseURL, fmt.Sprintf("--github-app-id %d: GitHub refused the App: %%v (check the App ID, its key and --github-url)", f.appID))
			}
			return []bot.Option{bot.WithAppSlug(slug), bot.WithLogin(slug + "[bot]")}, nil
		}
		clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
			owner, name, _ := strings.Cut(t.Repo, "/")
			c, err := app.Client(t.InstallationID, owner, name)
			if err != nil {
				return nil, err
			}
			return observedForge{Client: c, repo: t.Repo, events: e.events}, nil
		})
		e.targets = func(ctx context.Context) ([]bot.Target, error) {
			insts, err := app.Installations(ctx)
			if err != nil {
				return nil, fmt.Errorf("list installations: %w", err)
			}
			var out []bot.Target
			for _, in := range insts {
				repos, err := app.Repositories(ctx, in.ID)
				if err != nil {
					return nil, fmt.Errorf("list repositories of installation %d: %w", in.ID, err)
				}
				for _, r := range repos {
					out = append(out, bot.Target{Repo: r.FullName(), InstallationID: in.ID})
				}
			}
			return out, nil
		}
	}
	e.newBot = func(learnt []bot.Option) (*bot.Bot, error) {
		all := append(append(append([]bot.Option(nil), botOpts...), learnt...), opts...)
		return bot.New(clients, observedMirrors{cache: cache, events: e.events}, all...)
	}
	if err := e.connect(ctx); err != nil {
		var down *unreachableError
		if !waitForForge || !errors.As(err, &down) {
			return nil, err
		}
		log.Error("cannot reach GitHub at start: serving webhooks, not ready until it answers", "err", down.err.Error(), "github_url", down.url)
	}
	ok = true
	return e, nil
}

// connect reaches the forge to learn what the bot needs from it (the App's
// slug, the token's login) and builds the bot, once: after the first
// success it returns nil at once. A forge that refuses the settings gives a
// *configError, one it cannot reach an *unreachableError.
func (e *engine) connect(ctx context.Context) error {
	if e.current() != nil {
		return nil
	}
	e.connectMu.Lock()
	defer e.connectMu.Unlock()
	if e.current() != nil {
		return nil
	}
	var learnt []bot.Option
	if e.probe != nil {
		var err error
		if learnt, err = e.probe(ctx); err != nil {
			return err
		}
	}
	b, err := e.newBot(learnt)
	if err != nil {
		return err
	}
	e.bot.Store(b)
	close(e.connected)
	return nil
}

// current returns the bot, or nil while the forge has not been reached.
func (e *engine) current() *bot.Bot { return e.bot.Load() }

// Run runs the bot's background work (see bot.Run) once the forge has been
// reached, until ctx is done.
func (e *engine) Run(ctx context.Context) error {
	select {
	case <-e.connected:
	case <-ctx.Done():
		return nil
	}
	return e.current().Run(ctx)
}

// Schedule lists the schedule of every repository served; it implements
// feed.Source.
func (e *engine) Schedule(ctx context.Context) ([]feed.Entry, error) {
	b := e.current()
	if b == nil {
		return nil, errors.New("starting: GitHub has not been reached yet, the schedule is not known")
	}
	return b.Schedule(ctx)
}

// configError is a setting the forge refused: herald exits 2 with its one
// line.
type configError struct{ err error }

func (c *configError) Error() string { return c.err.Error() }
func (c *configError) Unwrap() error { return c.err }

// unreachableError is a forge that could not be reached (a network error, a
// timeout, a server error, a rate limit): nothing is wrong with the
// settings, so herald serve keeps trying, while the one-shot commands stop.
type unreachableError struct {
	url string
	err error
}

func (u *unreachableError) Error() string {
	return fmt.Sprintf("cannot reach GitHub at %s: %s (a network problem or an outage, not a setting: try again later, or check --github-url if it persists)", u.url, oneLine(u.err))
}

func (u *unreachableError) Unwrap() error { return u.err }

// reachErr classifies err, met reaching the forge with the settings: a
// configuration error gets the one line msg (a format with one %v for err),
// an outage an *unreachableError naming the API root.
func reachErr(err error, apiURL, msg string) error {
	if apiURL == "" {
		apiURL = "https://api.github.com/"
	}
	if forge.IsOutage(err) {
		return &unreachableError{url: apiURL, err: err}
	}
	return &configError{fmt.Errorf(msg, err)}
}

// remoteOf returns the repository local mode acts on for --repo. A bare
// repository or a URL is taken as it is. A work tree (a normal clone) cannot
// be published into, since Git refuses a push to its checked-out branch, so
// herald acts on the repository it was cloned from: the remote of the
// current branch's upstream, or origin. A work tree without a remote is
// used as it is in a dry run (nothing is pushed) and is an error otherwise.
func (e *engine) remoteOf(ctx context.Context, f forgeFlags) (string, error) {
	wt, err := gitrepo.InspectWorkTree(ctx, f.repo)
	if errors.Is(err, exec.ErrNotFound) {
		return "", fmt.Errorf("--repo %s: a repository given by path is read with the git command, which is not installed: install git, or give an http(s) URL", f.shownRepo())
	}
	if err != nil {
		return "", fmt.Errorf("--repo %s: %s", f.shownRepo(), oneLine(err))
	}
	switch {
	case wt == nil:
		return f.repo, nil
	case wt.AcceptsPush:
		e.log.Info("--repo is a work tree that accepts pushes to its checked-out branch (receive.denyCurrentBranch=updateInstead): publishing into it", "repo", wt.Path)
		return wt.Path, nil
	case wt.URL != "":
		e.workTree = wt
		e.log.Info("--repo is a work tree: acting on the repository it was cloned from", "repo", wt.Path, "remote", wt.Remote, "url", gitrepo.RedactURL(wt.URL))
		return wt.URL, nil
	case f.dryRun:
		e.log.Info("--repo is a work tree without a remote: reading it as it is (a dry run pushes nothing)", "repo", wt.Path)
		return wt.Path, nil
	}
	return "", fmt.Errorf("--repo %s is a work tree without a remote: Git refuses pushes to its checked-out branch, so herald cannot publish there; pass the bare repository or the URL the site deploys from (--repo URL), or add it with git remote add origin URL", f.shownRepo())
}

// Close releases the Git cache.
func (e *engine) Close() error { return e.cache.Close() }

// Reconcile handles one webhook request. In local mode every verified
// delivery is a hint that the one repository changed.
func (e *engine) Reconcile(ctx context.Context, r webhook.Request) error {
	if e.local != nil {
		r.Repo, r.PR, r.InstallationID = e.local.Name(), 0, 0
	}
	if err := e.connect(ctx); err != nil {
		return err
	}
	err := e.current().Reconcile(ctx, r)
	e.checkLocal(ctx)
	return err
}

// ReconcileAll reconciles every repository served.
func (e *engine) ReconcileAll(ctx context.Context) error {
	if err := e.connect(ctx); err != nil {
		return err
	}
	ts, err := e.targets(ctx)
	if err != nil {
		return err
	}
	err = e.current().ReconcileAll(ctx, ts)
	e.checkLocal(ctx)
	return partial(ctx, err, len(ts))
}

// partialError is a full reconcile in which some repositories failed and
// at least one did not: the forge answers, and the failures are the
// repositories' own.
type partialError struct {
	failed, total int
	err           error // the failures, one per repository
}

func (p *partialError) Error() string { return p.err.Error() }

// Unwrap returns each repository's failure.
func (p *partialError) Unwrap() []error {
	if j, ok := p.err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{p.err}
}

// partial returns err, the joined failures of a reconcile of total
// repositories, as a *partialError when fewer than total failed.
func partial(ctx context.Context, err error, total int) error {
	if err == nil || ctx.Err() != nil {
		return err
	}
	failed := 1
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		failed = len(j.Unwrap())
	}
	if failed >= total {
		return err
	}
	return &partialError{failed: failed, total: total, err: err}
}

// checkLocal checks the posts of the local repository's default branch when
// its tip changed since the last check, and logs the findings: without a
// forge there is no pull request to comment on.
func (e *engine) checkLocal(ctx context.Context) {
	if e.local == nil || !e.checks {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	commit, posts, findings, err := e.checkTip(ctx)
	if err != nil {
		e.log.Error("check the default branch", "repo", e.local.Name(), "err", err)
		return
	}
	if commit == "" {
		return
	}
	e.metrics.ObserveCheck("branch", findings)
	// Each finding is a debug line: a large site has hundreds of thousands,
	// and the operator reads the one summary line with the counts by rule.
	for _, f := range findings {
		e.log.Debug("finding", "repo", e.local.Name(), "commit", commit, "path", f.Path, "line", f.Line, "column", f.Column,
			"rule", f.Rule, "severity", f.Severity, "message", f.Message)
	}
	e.log.Info("checked the default branch", "repo", e.local.Name(), "commit", commit, "posts", posts,
		"findings", len(findings), "errors", countSeverity(findings, "error"), "by_rule", countByRule(findings))
	if e.onFinding != nil {
		e.onFinding(commit, posts, findings)
	}
}

// checkTip checks the site at the mirror's tip of the default branch;
// commit is "" when it was checked already.
func (e *engine) checkTip(ctx context.Context) (commit string, posts int, findings []check.Finding, err error) {
	auth := gitrepo.Anonymous()
	if creds, _ := e.local.GitCredentials(ctx); creds.Password != "" {
		auth = gitrepo.Basic(creds.Username, creds.Password)
	}
	m, err := e.cache.Open(ctx, e.local.Remote(), auth)
	if err != nil {
		return "", 0, nil, err
	}
	tip, err := m.Resolve(ctx, "refs/heads/"+e.branch)
	if err != nil {
		return "", 0, nil, err
	}
	if tip.String() == e.checked {
		return "", 0, nil, nil
	}
	fsys, err := m.FS(ctx, tip)
	if err != nil {
		return "", 0, nil, err
	}
	site, err := content.LoadSite(ctx, fsys)
	if err != nil {
		return "", 0, nil, err
	}
	findings, err = check.New(site.Config).CheckSite(ctx, site)
	if err != nil {
		return "", 0, nil, err
	}
	e.checked = tip.String()
	return tip.String(), len(site.Posts), findings, nil
}

// observedMirrors opens mirrors from the cache and reports herald's pushes.
type observedMirrors struct {
	cache  *gitrepo.Cache
	events *events
}

func (o observedMirrors) Open(ctx context.Context, remote string, auth gitrepo.Auth) (bot.Mirror, error) {
	m, err := o.cache.Open(ctx, remote, auth)
	if err != nil {
		return nil, err
	}
	return observedMirror{Mirror: m, dir: m.Dir(), remote: remote, events: o.events}, nil
}

// observedMirror is a mirror whose successful pushes to branches are
// reported with their commit message.
type observedMirror struct {
	bot.Mirror
	dir, remote string
	events      *events
}

func (o observedMirror) Push(ctx context.Context, branch string, newCommit, expectedOld gitrepo.Hash) error {
	if err := o.Mirror.Push(ctx, branch, newCommit, expectedOld); err != nil {
		return err
	}
	name := plumbing.ReferenceName(branch)
	if !strings.HasPrefix(branch, "refs/") {
		name = plumbing.NewBranchReferenceName(branch)
	}
	if name.IsBranch() && newCommit != expectedOld {
		o.events.push(pushed{Remote: gitrepo.RedactURL(o.remote), Branch: name.Short(), Commit: newCommit.String(), Message: commitMessage(o.dir, newCommit)})
	}
	return nil
}

// commitMessage reads a commit's message from the bare repository at dir,
// or "" when it cannot.
func commitMessage(dir string, h gitrepo.Hash) string {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return ""
	}
	c, err := r.CommitObject(h)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(c.Message)
}

// observedForge is a GitHub client whose merges are reported.
type observedForge struct {
	*github.Client
	repo   string
	events *events
}

func (o observedForge) Merge(ctx context.Context, number int, opts forge.MergeOptions) (forge.MergeResult, error) {
	res, err := o.Client.Merge(ctx, number, opts)
	if err == nil {
		o.events.merge(merged{Repo: o.repo, PR: number, SHA: res.SHA})
	}
	return res, err
}

var (
	_ bot.PullRequests    = observedForge{}
	_ bot.GitCredentialer = observedForge{}
	_ bot.Forge           = (*local.Repo)(nil)
	_ bot.GitCredentialer = (*local.Repo)(nil)
)

// countSeverity counts the findings of severity sev.
func countSeverity(findings []check.Finding, sev string) int {
	n := 0
	for _, f := range findings {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

// countByRule counts the findings of each rule, for a summary line.
func countByRule(findings []check.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range findings {
		out[f.Rule]++
	}
	return out
}
