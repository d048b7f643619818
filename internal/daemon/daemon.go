// Package daemon runs herald serve's process: it builds the metrics, the
// scheduler of publications and resyncs, the reconcile queue, the webhook
// receiver, the public and admin HTTP servers and their listeners around one
// reconciler (the bot's service, wired by package connect), runs them, and
// stops them in order on SIGTERM.
//
// The command line and the configuration layering stay in cmd/herald; this
// package takes their checked result as a Config.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/dashboard"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// Reconciler is what the daemon drives: the engine (the bot with its forge
// and the list of repositories served). Reconcile handles one request from
// a webhook; ReconcileAll reconciles every repository herald serves, once at
// start (after which herald reports ready) and on the resync schedule.
type Reconciler interface {
	webhook.Handler
	ReconcileAll(ctx context.Context) error
}

var _ Reconciler = (*connect.Engine)(nil) // through its *bot.Service

// Config is herald serve's checked settings.
type Config struct {
	Listen      string
	AdminListen string // "" or "off": no admin listener
	// FeedToken, when set, serves the shared calendar on the public
	// listener; FeedTokenFile is the file it came from, for the log.
	FeedToken, FeedTokenFile string
	MaxInFlight              int
	MaxConns                 int
	BodyBudget               int64
	Secrets                  []string
	SecretSource             string // where the secrets came from, for messages
	SecretVariable           string // the environment variable of the secrets, for messages
	Insecure                 bool
	Path                     string
	MaxBody                  int64
	Workers                  int
	ShutdownTimeout          time.Duration
	// ReconcileTimeout bounds one reconcile, and one resync or publication
	// of the scheduler.
	ReconcileTimeout time.Duration
	Forge            connect.Settings
	// ResyncSpec is the cron spec of the full reconcile, ResyncSetting the
	// settings it came from, as a message names them.
	ResyncSpec, ResyncSetting string
	Poll                      time.Duration
	// Warnings are logged at start, one line each (settings the mode
	// ignores).
	Warnings []string
	// GOGC and GOMemLimit are the collector's settings, for the log.
	GOGC, GOMemLimit string
	Version          string
}

// AdminOn reports whether an admin listener is wanted.
func (c Config) AdminOn() bool { return c.AdminListen != "" && c.AdminListen != "off" }

// Deps is the daemon's outside world; tests replace parts of it.
type Deps struct {
	Log *slog.Logger
	// Listener, when set, is used instead of listening on Listen, and
	// AdminListener instead of listening on AdminListen.
	Listener      net.Listener
	AdminListener net.Listener
	// Reconciler, when set, replaces the engine the daemon wires.
	Reconciler Reconciler
	// RetryEvery is the pause between failed start-up reconciles.
	RetryEvery time.Duration
}

// SettingError is a setting that is wrong, or that the forge refused once
// it answered: herald serve exits 2 with its one line.
type SettingError struct{ Err error }

func (e *SettingError) Error() string { return connect.OneLine(e.Err) }
func (e *SettingError) Unwrap() error { return e.Err }

// ErrFailed is returned when a part of herald itself failed; what failed
// has been logged.
var ErrFailed = errors.New("herald serve failed")

// Run builds every part and runs them until ctx is done. It returns nil
// after a clean stop, a *SettingError for a wrong setting, and ErrFailed
// (wrapped) when a part failed.
func Run(ctx context.Context, cfg Config, deps Deps) error {
	s := &server{cfg: cfg, deps: deps, rec: deps.Reconciler, log: deps.Log}
	defer s.close()
	if err := s.build(ctx); err != nil {
		var internal *internalError
		if errors.As(err, &internal) {
			s.log.Error(internal.what, "error", internal.err)
			return fmt.Errorf("%w: %v", ErrFailed, err)
		}
		return &SettingError{err}
	}
	s.logStart()
	return s.run(ctx)
}

// server is herald serve's parts: build makes them, run runs them, close
// releases what build opened.
type server struct {
	cfg  Config
	deps Deps
	log  *slog.Logger

	reg        *prometheus.Registry
	metrics    *webhook.Metrics
	botMetrics *bot.Metrics
	ghMetrics  *github.Metrics
	sched      *publish.Scheduler
	queue      *webhook.Queue
	srv        *webhook.Server
	admin      *webhook.Admin
	// schedule serves the schedule feed and page the dashboard (nil with
	// a custom reconciler).
	schedule, page http.Handler
	ln, adminLn    net.Listener
	// The scheduler and the queue call rec, the engine unless the tests
	// give another; eng and rec are set before any of them runs. The engine
	// reaches the forge last: it is the slow part of checking the settings.
	eng *connect.Engine
	rec Reconciler
}

// internalError is a failure of herald itself, logged as what and exiting
// 1; the other errors of build are settings, exiting 2.
type internalError struct {
	what string
	err  error
}

func (e *internalError) Error() string { return e.what + ": " + e.err.Error() }

// build makes every part in the order their settings are checked: the
// metrics, the scheduler, the HTTP servers, the listeners, then the engine.
func (s *server) build(ctx context.Context) error {
	if err := s.registerMetrics(); err != nil {
		return &internalError{"register metrics", err}
	}
	if err := s.buildScheduler(); err != nil {
		return err
	}
	if s.rec == nil {
		eng, err := connect.Wire(ctx, s.cfg.Forge, s.log, connect.Options{
			Bot:         []bot.Option{bot.WithScheduler(s.sched), bot.WithMetrics(s.botMetrics)},
			CheckBranch: true, CheckInBackground: true, Metrics: s.botMetrics, GitHubMetrics: s.ghMetrics})
		if err != nil {
			return err
		}
		s.eng, s.rec = eng, eng
	}
	if err := s.buildHTTP(); err != nil {
		return err
	}
	if err := s.listen(ctx); err != nil {
		return err
	}
	if s.eng == nil {
		return nil
	}
	if err := s.eng.Reach(ctx, s.log, true); err != nil {
		return err
	}
	return nil
}

// close releases the engine and the listeners.
func (s *server) close() {
	if s.eng != nil {
		s.eng.Close()
	}
	if s.adminLn != nil {
		s.adminLn.Close()
	}
	if s.ln != nil {
		s.ln.Close()
	}
}

// registerMetrics makes the registry of /metrics.
func (s *server) registerMetrics() error {
	s.reg = prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := s.reg.Register(c); err != nil {
			return err
		}
	}
	var err error
	if s.metrics, err = webhook.NewMetrics(s.reg); err != nil {
		return err
	}
	if s.botMetrics, err = bot.NewMetrics(s.reg); err != nil {
		return err
	}
	s.ghMetrics, err = github.NewMetrics(s.reg)
	return err
}

// buildScheduler makes the scheduler of publications and resyncs.
func (s *server) buildScheduler() error {
	var err error
	s.sched, err = publish.NewScheduler(
		func(ctx context.Context, f publish.Firing) {
			if s.eng != nil {
				s.eng.OnFire(ctx, f)
			}
		},
		func(ctx context.Context) {
			if err := s.rec.ReconcileAll(ctx); err != nil {
				s.log.Error("resync failed", "err", err)
			}
		},
		publish.WithResyncSpec(s.cfg.ResyncSpec), publish.WithLogger(s.log), publish.WithDrainTimeout(s.cfg.ShutdownTimeout),
		publish.WithJobTimeout(s.cfg.ReconcileTimeout))
	if err != nil {
		return fmt.Errorf("%s: %v", s.cfg.ResyncSetting, err) // the scheduler's error says what a spec looks like
	}
	return nil
}

// buildHTTP makes the reconcile queue, the webhook receiver, the public
// server and the admin server.
func (s *server) buildHTTP() error {
	cfg := s.cfg
	s.queue = webhook.NewQueue(webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error { return s.rec.Reconcile(ctx, r) }),
		webhook.WithWorkers(cfg.Workers),
		webhook.WithDrainTimeout(cfg.ShutdownTimeout),
		webhook.WithReconcileTimeout(cfg.ReconcileTimeout),
		webhook.WithQueueLogger(s.log),
		webhook.WithQueueMetrics(s.metrics))
	recv, err := s.receiver()
	if err != nil {
		return err
	}
	srvOpts := []webhook.ServerOption{
		webhook.WithPath(cfg.Path),
		webhook.WithShutdownTimeout(cfg.ShutdownTimeout),
		webhook.WithServerLogger(s.log),
		webhook.WithMaxConns(cfg.MaxConns),
		webhook.WithServerMetrics(s.metrics),
	}
	if s.eng != nil {
		s.schedule = feed.NewHandler(s.eng, feed.WithLogger(s.log))
		s.page = dashboard.NewHandler(s.eng, time.Now, s.log)
		if cfg.FeedToken != "" {
			srvOpts = append(srvOpts, webhook.WithHandler(sharedFeedPattern, feed.Shared(cfg.FeedToken, s.schedule)))
		}
	}
	if s.srv, err = webhook.NewServer(recv, srvOpts...); err != nil {
		return fmt.Errorf("--webhook-path: %v", err)
	}
	s.admin, err = newAdmin(s.srv, s.reg, s.schedule, s.page)
	return err
}

// receiver makes the webhook receiver, or without a secret a handler that
// refuses every delivery.
func (s *server) receiver() (http.Handler, error) {
	cfg := s.cfg
	if len(cfg.Secrets) == 0 && !cfg.Insecure {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "webhooks are off: herald serve was started without a webhook secret", http.StatusForbidden)
		}), nil
	}
	opts := []webhook.ReceiverOption{
		webhook.WithMaxBodyBytes(cfg.MaxBody),
		webhook.WithMaxInFlight(cfg.MaxInFlight),
		webhook.WithBodyBudget(cfg.BodyBudget),
		webhook.WithLogger(s.log),
		webhook.WithMetrics(s.metrics),
	}
	if cfg.Insecure {
		opts = append(opts, webhook.WithInsecureNoSignature())
	}
	return webhook.NewReceiver(s.queue, cfg.Secrets, opts...)
}

// listen opens the public and the admin listeners, unless the tests gave
// them.
func (s *server) listen(ctx context.Context) error {
	var lc net.ListenConfig
	var err error
	if s.ln = s.deps.Listener; s.ln == nil {
		if s.ln, err = lc.Listen(ctx, "tcp", s.cfg.Listen); err != nil {
			return fmt.Errorf("--listen %s: %v", s.cfg.Listen, err)
		}
	}
	if s.adminLn = s.deps.AdminListener; s.adminLn == nil && s.cfg.AdminOn() {
		if s.adminLn, err = lc.Listen(ctx, "tcp", s.cfg.AdminListen); err != nil {
			return fmt.Errorf("--admin-listen %s: %v (another herald on this host? give each its own port, or --admin-listen off)", s.cfg.AdminListen, err)
		}
	}
	return nil
}

// logStart logs what herald serve starts with.
func (s *server) logStart() {
	cfg := s.cfg
	mode := "custom"
	if s.eng != nil {
		mode = s.eng.Mode
	}
	adminAddr := "off"
	if s.adminLn != nil {
		adminAddr = s.adminLn.Addr().String()
	}
	s.log.Info("herald serve starting", "version", cfg.Version, "listen", s.ln.Addr().String(), "admin_listen", adminAddr, "webhook_path", cfg.Path,
		"max_body", cfg.MaxBody, "secrets", len(cfg.Secrets), "secret_source", cfg.SecretSource,
		"workers", cfg.Workers, "mode", mode, "repo", cfg.Forge.ShownRepo(), "resync", cfg.ResyncSpec, "dry_run", cfg.Forge.DryRun, "gogc", cfg.GOGC, "gomemlimit", cfg.GOMemLimit)
	if len(cfg.Secrets) == 0 && !cfg.Insecure {
		s.log.Info("webhooks are off (no "+cfg.SecretVariable+"): pushes are seen by polling", "poll", cfg.Poll.String())
	}
	if s.adminLn != nil && s.page != nil {
		s.log.Info("dashboard served on the admin listener at http://" + adminAddr + "/")
	}
	if cfg.FeedToken != "" && s.schedule != nil {
		s.log.Info("shared calendar served on the public listener at " + strings.Replace(sharedFeedPattern[len("GET "):], "{token}", "<token of "+cfg.FeedTokenFile+">", 1))
	}
	for _, w := range cfg.Warnings {
		s.log.Warn(w)
	}
	if cfg.Insecure {
		s.log.Warn("webhook signatures are NOT checked (--insecure-no-signature): anyone who can reach " + cfg.Path + " can trigger work")
	}
}

// run runs every part until ctx is done, and returns what Run returns. One
// owner for every goroutine. On SIGTERM the HTTP server stops first
// (answering what is in flight); then the start-up reconcile stops, and
// the scheduler (its running jobs) and the queue drain side by side, each
// within the shutdown timeout; the bot's background checks stop last.
func (s *server) run(ctx context.Context) error {
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	queueCtx, stopQueue := context.WithCancel(context.WithoutCancel(ctx))
	defer stopQueue()
	bgCtx, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	queueDone := goRun(func() error { return s.queue.Run(queueCtx) })
	schedDone := goRun(func() error { return s.sched.Run(runCtx) })
	bgDone := goRun(func() error {
		if s.eng == nil {
			return nil
		}
		return s.eng.Run(bgCtx)
	})
	adminDone := goRun(func() error {
		if s.adminLn == nil {
			return nil
		}
		err := s.admin.Serve(runCtx, s.adminLn)
		if err != nil {
			stopRun() // the admin listener failed: stop rather than run half seen
		}
		return err
	})
	startDone := goRun(func() error {
		start := bot.StartUp{Ready: func() { s.srv.SetReady(true) }, Fatal: settingRefused, RetryEvery: s.deps.RetryEvery, Log: s.log}
		err := start.Run(runCtx, s.rec)
		if err != nil {
			stopRun()
		}
		return err // a setting GitHub refused once it answered
	})

	var failures []string
	failed := func(what string, err error) {
		if err != nil {
			s.log.Error(what, "error", err)
			failures = append(failures, what)
		}
	}
	failed("HTTP server", s.srv.Serve(runCtx, s.ln))
	stopRun()
	failed("admin HTTP server", <-adminDone)
	stopQueue()
	fatal := <-startDone
	failed("scheduler", <-schedDone)
	failed("reconcile queue", <-queueDone)
	stopBg()
	if err := <-bgDone; err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("background checks", "error", err)
	}
	st := s.queue.Stats()
	s.log.Info("herald serve stopped", "reconciled", st.Reconciled, "failed", st.Failed, "coalesced", st.Coalesced, "rejected", st.Rejected)
	if fatal != nil {
		// Last, so that it is the line a person reads.
		return &SettingError{fatal}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%w: %s", ErrFailed, strings.Join(failures, ", "))
	}
	return nil
}

// settingRefused returns the setting the forge refused once it could be
// reached, which stops herald serve with exit status 2.
func settingRefused(err error) error {
	var bad *connect.ConfigError
	if errors.As(err, &bad) {
		return bad
	}
	return nil
}

// goRun runs f on a goroutine and returns where its error arrives.
func goRun(f func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	return done
}
