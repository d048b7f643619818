package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/forge/local"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/flagconfig"
	"github.com/heraldhq/herald/publish/adapter"
)

// engine is the bot service with what was wired for it: what serve,
// schedule, publish and demo drive.
type engine struct {
	*bot.Service
	mode  string
	cache *gitrepo.Cache
	// remote is the Git remote local mode publishes to, as messages show
	// it; workTree is set when --repo named a clone with a work tree,
	// whose remote herald then acts on.
	remote   string
	workTree *gitrepo.WorkTree
}

// Close releases the Git cache.
func (e *engine) Close() error { return e.cache.Close() }

// engineOptions are what the commands add to the wiring of newEngine.
type engineOptions struct {
	// waitForForge (herald serve) logs an unreachable GitHub and returns
	// the engine not connected: its reconciles reach GitHub first.
	waitForForge bool
	// bot are added to the bot's options.
	bot []bot.Option
	// checkBranch checks local mode's default branch after each reconcile
	// (serve and demo; the one-shot commands do without), telling onCheck.
	checkBranch bool
	// checkInBackground (serve) runs that check after the reconcile, so
	// that readiness does not wait for it.
	checkInBackground bool
	onCheck           func(commit string, posts int, findings []check.Finding)
	metrics           *bot.Metrics
	// githubMetrics counts GitHub's answers and shows the rate limits.
	githubMetrics *github.Metrics
	// record keeps the publications for the one-shot commands to print;
	// onPublished is told each.
	record      bool
	onPublished func(bot.Publication)
}

// newEngine checks the forge settings, reaches the forge to make sure they
// work, and wires the bot. Its errors are one line each, naming the setting
// (a *configError when the forge refused it), or an *unreachableError when
// GitHub could not be reached.
func newEngine(ctx context.Context, f forgeFlags, log *slog.Logger, eo engineOptions) (*engine, error) {
	e, err := wireEngine(ctx, f, log, eo)
	if err != nil {
		return nil, err
	}
	if err := e.connect(ctx, log, eo.waitForForge); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// wireEngine checks the forge settings and wires the bot, without reaching
// the forge or the repository yet.
func wireEngine(ctx context.Context, f forgeFlags, log *slog.Logger, eo engineOptions) (*engine, error) {
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
	e := &engine{mode: mode, cache: cache}
	cfg := bot.ServiceConfig{Mirrors: gitMirrors(cache), Log: log, Metrics: eo.metrics, OnCheck: eo.onCheck, CheckInBackground: eo.checkInBackground,
		Record: eo.record, OnPublished: eo.onPublished}
	switch mode {
	case "local":
		err = e.wireLocal(ctx, f, log, &cfg, eo.checkBranch)
	case "token":
		err = wireToken(f, &cfg, eo.githubMetrics)
	case "app":
		err = wireApp(f, &cfg, eo.githubMetrics)
	}
	if err == nil {
		cfg.Options = append(append([]bot.Option{bot.WithLogger(log), bot.WithDryRun(f.dryRun)}, cfg.Options...), eo.bot...)
		e.Service, err = bot.NewService(cfg)
	}
	if err != nil {
		cache.Close()
		return nil, err
	}
	return e, nil
}

// connect reaches the forge (or local mode's repository) once. With
// waitForForge (herald serve) an unreachable GitHub is logged instead, and
// the engine's reconciles reach GitHub first.
func (e *engine) connect(ctx context.Context, log *slog.Logger, waitForForge bool) error {
	err := e.Connect(ctx)
	var down *unreachableError
	if waitForForge && errors.As(err, &down) {
		log.Error("cannot reach GitHub at start: serving webhooks, not ready until it answers", "err", down.err.Error(), "github_url", down.url)
		return nil
	}
	return err
}

// githubOptions are the options of the GitHub clients that serve, and of
// the quiet ones that give up soon with which the settings are checked:
// one line says what is wrong, not a page of retries. All of them keep
// GitHub's answers in one cache, for conditional requests.
func githubOptions(f forgeFlags, log *slog.Logger, m *github.Metrics) (serve, probe github.Options) {
	serve = github.Options{BaseURL: github.APIRoot(f.githubURL), Logger: log, Cache: github.NewCache(github.DefaultCacheBytes), Metrics: m}
	probe = serve
	probe.Logger = slog.New(slog.DiscardHandler)
	probe.Retry = github.RetryPolicy{MaxAttempts: 2, AttemptTimeout: 15 * time.Second}
	return serve, probe
}

// wireLocal wires local mode: the plain Git repository of --repo, reached
// at connect to learn its default branch.
func (e *engine) wireLocal(ctx context.Context, f forgeFlags, log *slog.Logger, cfg *bot.ServiceConfig, checkBranch bool) error {
	var lopts []local.Option
	if f.repoToken != "" {
		lopts = append(lopts, local.WithToken(f.repoUser, f.repoToken))
	}
	remote, err := e.remoteOf(ctx, f, log)
	if err != nil {
		return err
	}
	repo, err := local.New(remote, lopts...)
	if err != nil {
		if e.workTree != nil {
			return fmt.Errorf("--repo %s: remote %s of the work tree: %v", f.shownRepo(), e.workTree.Remote, err)
		}
		return fmt.Errorf("--repo: %v", err)
	}
	e.remote = gitrepo.RedactURL(repo.Remote())
	name := repo.Name()
	cfg.Clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
		if t.Repo != name {
			return nil, fmt.Errorf("local mode serves %s only, not %s", name, t.Repo)
		}
		return repo, nil
	})
	cfg.Targets = bot.TargetList{{Repo: name}}
	cfg.Local = name
	auth := gitrepo.Anonymous()
	if creds, _ := repo.GitCredentials(ctx); creds.Password != "" {
		auth = gitrepo.Basic(creds.Username, creds.Password)
	}
	branch := &gitrepo.BranchReader{Cache: e.cache, Remote: repo.Remote(), Auth: auth}
	if checkBranch {
		cfg.Branch = branch
	}
	// Reaching the repository checks --repo and learns the branch to check.
	cfg.Connect = func(ctx context.Context) ([]bot.Option, error) {
		facts, err := repo.Repo(ctx)
		if err != nil {
			return nil, e.localUnreachable(f, err)
		}
		branch.Branch = facts.DefaultBranch
		return nil, nil
	}
	return nil
}

// localUnreachable says why the repository of --repo could not be read.
func (e *engine) localUnreachable(f forgeFlags, err error) error {
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return fmt.Errorf("--repo %s: a repository given by path is read with the git command, which is not installed: install git, or give an http(s) URL", f.shownRepo())
	case errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("--repo %s: the repository refused herald: %s (give a token that may push with --repo-token or %s)", f.shownRepo(), oneLine(err), flagconfig.EnvName("repo-token"))
	case e.workTree != nil && e.workTree.URL != "":
		return fmt.Errorf("--repo %s is a work tree: cannot reach %s, the repository of its remote %s: %s (check the remote with git remote -v, or pass the repository's URL with --repo)",
			f.shownRepo(), gitrepo.RedactURL(e.workTree.URL), e.workTree.Remote, oneLine(err))
	}
	return fmt.Errorf("--repo %s: cannot reach the repository: %s (check the path or URL, and that it has a branch)", f.shownRepo(), oneLine(err))
}

// remoteOf returns the repository local mode acts on for --repo. A bare
// repository or a URL is taken as it is. A work tree (a normal clone) cannot
// be published into, since Git refuses a push to its checked-out branch, so
// herald acts on the repository it was cloned from: the remote of the
// current branch's upstream, or origin. A work tree without a remote is
// used as it is in a dry run (nothing is pushed) and is an error otherwise.
func (e *engine) remoteOf(ctx context.Context, f forgeFlags, log *slog.Logger) (string, error) {
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
		log.Info("--repo is a work tree that accepts pushes to its checked-out branch (receive.denyCurrentBranch=updateInstead): publishing into it", "repo", wt.Path)
		return wt.Path, nil
	case wt.URL != "":
		e.workTree = wt
		log.Info("--repo is a work tree: acting on the repository it was cloned from", "repo", wt.Path, "remote", wt.Remote, "url", gitrepo.RedactURL(wt.URL))
		return wt.URL, nil
	case f.dryRun:
		log.Info("--repo is a work tree without a remote: reading it as it is (a dry run pushes nothing)", "repo", wt.Path)
		return wt.Path, nil
	}
	return "", fmt.Errorf("--repo %s is a work tree without a remote: Git refuses pushes to its checked-out branch, so herald cannot publish there; pass the bare repository or the URL the site deploys from (--repo URL), or add it with git remote add origin URL", f.shownRepo())
}

// wireToken wires token mode: the repositories of --repos, each reached
// with the token at connect to check it.
func wireToken(f forgeFlags, cfg *bot.ServiceConfig, m *github.Metrics) error {
	names, err := f.repoNames()
	if err != nil {
		return err
	}
	serveOpts, probeOpts := githubOptions(f, cfg.Log, m)
	clients := map[string]*github.Client{}
	cfg.Connect = func(ctx context.Context) ([]bot.Option, error) {
		login, reached, err := probeToken(ctx, f.token, names, serveOpts, probeOpts)
		if err != nil {
			return nil, err
		}
		maps.Copy(clients, reached)
		return []bot.Option{bot.WithCommitStatuses(), bot.WithLogin(login)}, nil
	}
	cfg.Clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
		c, ok := clients[t.Repo]
		if !ok {
			return nil, fmt.Errorf("%s is not among --repos", t.Repo)
		}
		return c, nil
	})
	targets := make(bot.TargetList, 0, len(names))
	for _, n := range names {
		targets = append(targets, bot.Target{Repo: n})
	}
	cfg.Targets = targets
	return nil
}

// probeToken checks the token and each repository of --repos with quiet
// clients, and returns the token's login and a client for each repository.
func probeToken(ctx context.Context, token string, names []string, serveOpts, probeOpts github.Options) (string, map[string]*github.Client, error) {
	var login string
	clients := map[string]*github.Client{}
	for _, r := range names {
		owner, name, _ := strings.Cut(r, "/")
		probe, err := github.NewTokenClient(token, owner, name, probeOpts)
		if err != nil {
			return "", nil, fmt.Errorf("--github-token: %v", err)
		}
		if login == "" {
			if login, err = probe.Login(ctx); err != nil {
				return "", nil, reachErr(err, serveOpts.BaseURL, "--github-token: GitHub refused it: %v (check the token and --github-url)")
			}
		}
		if _, err := probe.Repo(ctx); err != nil {
			return "", nil, reachErr(err, serveOpts.BaseURL, "--repos "+r+": cannot read the repository: %v (check its name and that the token may read it)")
		}
		if clients[r], err = github.NewTokenClient(token, owner, name, serveOpts); err != nil {
			return "", nil, fmt.Errorf("--github-token: %v", err)
		}
	}
	return login, clients, nil
}

// wireApp wires the GitHub App of --github-app-id and --github-app-key:
// every repository it is installed on.
func wireApp(f forgeFlags, cfg *bot.ServiceConfig, m *github.Metrics) error {
	key, err := os.ReadFile(f.appKeyFile)
	if err != nil {
		return fmt.Errorf("--github-app-key %s: cannot read the App's private key: %v", f.appKeyFile, flagconfig.UnwrapPath(err))
	}
	serveOpts, probeOpts := githubOptions(f, cfg.Log, m)
	app, err := github.NewApp(f.appID, key, serveOpts)
	if err != nil {
		return fmt.Errorf("--github-app-key %s: %v (want the .pem file GitHub generated for the App)", f.appKeyFile, err)
	}
	probe, err := github.NewApp(f.appID, key, probeOpts)
	if err != nil {
		return fmt.Errorf("--github-app-key %s: %v", f.appKeyFile, err)
	}
	cfg.Connect = func(ctx context.Context) ([]bot.Option, error) {
		slug, err := probe.Slug(ctx)
		if err != nil {
			return nil, reachErr(err, serveOpts.BaseURL, fmt.Sprintf("--github-app-id %d: GitHub refused the App: %%v (check the App ID, its key and --github-url)", f.appID))
		}
		return []bot.Option{bot.WithAppSlug(slug), bot.WithLogin(slug + "[bot]")}, nil
	}
	cfg.Clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
		owner, name, _ := strings.Cut(t.Repo, "/")
		c, err := app.Client(t.InstallationID, owner, name)
		if err != nil {
			return nil, err
		}
		return c, nil
	})
	cfg.Targets = appTargets{app}
	return nil
}

// appTargets are the repositories of every installation of the App.
type appTargets struct{ app *github.App }

// Targets lists the installations and their repositories.
func (a appTargets) Targets(ctx context.Context) ([]bot.Target, error) {
	insts, err := a.app.Installations(ctx)
	if err != nil {
		return nil, fmt.Errorf("list installations: %w", err)
	}
	var out []bot.Target
	for _, in := range insts {
		repos, err := a.app.Repositories(ctx, in.ID)
		if err != nil {
			return nil, fmt.Errorf("list repositories of installation %d: %w", in.ID, err)
		}
		for _, r := range repos {
			out = append(out, bot.Target{Repo: r.FullName(), InstallationID: in.ID})
		}
	}
	return out, nil
}

var (
	_ bot.Targets         = appTargets{}
	_ bot.Branch          = (*gitrepo.BranchReader)(nil)
	_ bot.PullRequests    = (*github.Client)(nil)
	_ bot.GitCredentialer = (*github.Client)(nil)
	_ bot.Forge           = (*local.Repo)(nil)
	_ bot.GitCredentialer = (*local.Repo)(nil)
)

// gitMirrors opens the bot's mirrors in cache, seen through the adapter:
// the bot speaks no gitrepo type.
func gitMirrors(cache *gitrepo.Cache) bot.Mirrors {
	return bot.MirrorsFunc(func(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
		return adapter.OpenGit(ctx, cache, remote, creds, gitrepo.Signature{})
	})
}
