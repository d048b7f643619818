package connect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish/adapter"
)

// Engine is the bot's service with what was wired for it: what serve,
// schedule, publish and demo drive.
type Engine struct {
	*bot.Service
	// Mode is the forge the settings chose (ModeLocal, ModeToken, ModeApp).
	Mode  string
	cache *gitrepo.Cache
	// Remote is the Git remote local mode publishes to, as messages show
	// it; WorkTree is set when --repo named a clone with a work tree,
	// whose remote herald then acts on.
	Remote   string
	WorkTree *gitrepo.WorkTree
}

// Close releases the Git cache.
func (e *Engine) Close() error { return e.cache.Close() }

// Options are what the commands add to the wiring.
type Options struct {
	// WaitForForge (herald serve) logs an unreachable GitHub and returns
	// the engine not connected: its reconciles reach GitHub first.
	WaitForForge bool
	// Bot are added to the bot's options.
	Bot []bot.Option
	// CheckBranch checks local mode's default branch after each reconcile
	// (serve and demo; the one-shot commands do without), telling OnCheck.
	CheckBranch bool
	// CheckInBackground (serve) runs that check after the reconcile, so
	// that readiness does not wait for it.
	CheckInBackground bool
	OnCheck           func(commit string, posts int, findings []check.Finding)
	Metrics           *bot.Metrics
	// GitHubMetrics counts GitHub's answers and shows the rate limits.
	GitHubMetrics *github.Metrics
	// Record keeps the publications for the one-shot commands to print;
	// OnPublished is told each.
	Record      bool
	OnPublished func(bot.Publication)
}

// New checks the settings, reaches the forge to make sure they work, and
// wires the bot. Its errors are one line each, naming the setting (a
// *ConfigError when the forge refused it), or an *UnreachableError when
// GitHub could not be reached.
func New(ctx context.Context, s Settings, log *slog.Logger, o Options) (*Engine, error) {
	e, err := Wire(ctx, s, log, o)
	if err != nil {
		return nil, err
	}
	if err := e.Reach(ctx, log, o.WaitForForge); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Wire checks the settings and wires the bot, without reaching the forge
// or the repository yet.
func Wire(ctx context.Context, s Settings, log *slog.Logger, o Options) (*Engine, error) {
	mode, err := s.Mode()
	if err != nil {
		return nil, err
	}
	dir, err := s.dataDir()
	if err != nil {
		return nil, err
	}
	cache, err := gitrepo.NewCache(dir, gitrepo.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("--data-dir %s: %v", dir, err)
	}
	e := &Engine{Mode: mode, cache: cache}
	cfg := bot.ServiceConfig{Mirrors: gitMirrors(cache), Log: log, Metrics: o.Metrics, OnCheck: o.OnCheck, CheckInBackground: o.CheckInBackground,
		Record: o.Record, OnPublished: o.OnPublished}
	switch mode {
	case ModeLocal:
		err = e.wireLocal(ctx, s, log, &cfg, o.CheckBranch)
	case ModeToken:
		err = wireToken(s, &cfg, o.GitHubMetrics)
	case ModeApp:
		err = wireApp(s, &cfg, o.GitHubMetrics)
	}
	if err == nil {
		cfg.Options = append(append([]bot.Option{bot.WithLogger(log), bot.WithDryRun(s.DryRun)}, cfg.Options...), o.Bot...)
		e.Service, err = bot.NewService(cfg)
	}
	if err != nil {
		cache.Close()
		return nil, err
	}
	return e, nil
}

// Reach reaches the forge (or local mode's repository) once. With
// waitForForge (herald serve) an unreachable GitHub is logged instead, and
// the engine's reconciles reach GitHub first.
func (e *Engine) Reach(ctx context.Context, log *slog.Logger, waitForForge bool) error {
	err := e.Connect(ctx)
	var down *UnreachableError
	if waitForForge && errors.As(err, &down) {
		log.Error("cannot reach GitHub at start: serving webhooks, not ready until it answers", "err", down.Err.Error(), "github_url", down.URL)
		return nil
	}
	return err
}

// gitMirrors opens the bot's mirrors in cache, seen through the adapter:
// the bot speaks no gitrepo type.
func gitMirrors(cache *gitrepo.Cache) bot.Mirrors {
	return bot.MirrorsFunc(func(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
		return adapter.OpenGit(ctx, cache, remote, creds, gitrepo.Signature{})
	})
}
