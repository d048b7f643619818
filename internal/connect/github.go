package connect

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/flagconfig"
)

// githubOptions are the options of the GitHub clients that serve, and of
// the quiet ones that give up soon with which the settings are checked:
// one line says what is wrong, not a page of retries. All of them keep
// GitHub's answers in one cache, for conditional requests.
func githubOptions(s Settings, log *slog.Logger, m *github.Metrics) (serve, probe github.Options) {
	serve = github.Options{BaseURL: github.APIRoot(s.GitHubURL), Logger: log, Cache: github.NewCache(github.DefaultCacheBytes), Metrics: m}
	probe = serve
	probe.Logger = slog.New(slog.DiscardHandler)
	probe.Retry = github.RetryPolicy{MaxAttempts: 2, AttemptTimeout: 15 * time.Second}
	return serve, probe
}

// wireToken wires token mode: the repositories of --repos, each reached
// with the token at connect to check it.
func wireToken(s Settings, cfg *bot.ServiceConfig, m *github.Metrics) error {
	names, err := s.RepoNames()
	if err != nil {
		return err
	}
	serveOpts, probeOpts := githubOptions(s, cfg.Log, m)
	clients := map[string]*github.Client{}
	cfg.Connect = func(ctx context.Context) ([]bot.Option, error) {
		login, reached, err := probeToken(ctx, s.Token, names, serveOpts, probeOpts)
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
func wireApp(s Settings, cfg *bot.ServiceConfig, m *github.Metrics) error {
	key, err := os.ReadFile(s.AppKeyFile)
	if err != nil {
		return fmt.Errorf("--github-app-key %s: cannot read the App's private key: %v", s.AppKeyFile, flagconfig.UnwrapPath(err))
	}
	serveOpts, probeOpts := githubOptions(s, cfg.Log, m)
	app, err := github.NewApp(s.AppID, key, serveOpts)
	if err != nil {
		return fmt.Errorf("--github-app-key %s: %v (want the .pem file GitHub generated for the App)", s.AppKeyFile, err)
	}
	probe, err := github.NewApp(s.AppID, key, probeOpts)
	if err != nil {
		return fmt.Errorf("--github-app-key %s: %v", s.AppKeyFile, err)
	}
	cfg.Connect = func(ctx context.Context) ([]bot.Option, error) {
		slug, err := probe.Slug(ctx)
		if err != nil {
			return nil, reachErr(err, serveOpts.BaseURL, fmt.Sprintf("--github-app-id %d: GitHub refused the App: %%v (check the App ID, its key and --github-url)", s.AppID))
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
	_ bot.PullRequests    = (*github.Client)(nil)
	_ bot.GitCredentialer = (*github.Client)(nil)
)
