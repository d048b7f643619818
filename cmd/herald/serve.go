package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/internal/flagconfig"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/dashboard"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// serveGCPercent is the GOGC herald serve runs with unless the GOGC
// environment variable says otherwise. Its live heap is a few MiB, so with
// the default of 100 the collector runs dozens of times a second under load
// and takes one of two cores each time: at 1,000 deliveries/s the handler's
// p99 was 2 to 4 times lower with 400 than with 100 (BenchmarkLoad in package
// webhook), for a heap of about 15 MiB instead of 4.
const serveGCPercent = 400

// serveMemoryLimit is the soft memory limit herald serve sets unless the
// GOMEMLIMIT environment variable says otherwise. With GOGC at 400 and no
// limit, a process serving 1,000 repositories and 10,000 scheduled posts
// grew to about 194 MB resident; with this limit it stayed at about 141 MB
// with the same publish latency (BenchmarkScale in package bot). The limit is
// soft: a larger live heap makes the collector run more often, never fail.
const serveMemoryLimit = 128 << 20

// envWebhookSecret names the environment variable holding the webhook
// secrets, comma-separated.
const envWebhookSecret = "HERALD_WEBHOOK_SECRET"

// reconciler is what serve drives: the engine (the bot with its forge and
// the list of repositories served). Reconcile handles one request from a
// webhook; ReconcileAll reconciles every repository herald serves, once at
// start (after which herald reports ready) and on the resync schedule.
type reconciler interface {
	webhook.Handler
	ReconcileAll(ctx context.Context) error
}

var _ reconciler = (*connect.Engine)(nil) // through its *bot.Service

// serveDeps is serve's outside world; tests replace parts of it.
type serveDeps struct {
	getenv func(string) string
	stderr io.Writer
	// listener, when set, is used instead of listening on --listen, and
	// adminListener instead of listening on --admin-listen.
	listener      net.Listener
	adminListener net.Listener
	// reconciler, when set, replaces the one serve builds.
	reconciler reconciler
	// retryEvery is the pause between failed start-up reconciles.
	retryEvery time.Duration
}

// serveConfig is the validated command line of herald serve.
type serveConfig struct {
	listen          string
	adminListen     string // "" or "off": no admin listener
	feedTokenFile   string
	feedToken       string // read from feedTokenFile
	maxInFlight     int
	maxConns        int
	bodyBudget      int64
	secrets         []string
	secretSource    string // where the secrets came from, for messages
	insecure        bool
	path            string
	maxBody         int64
	workers         int
	shutdownTimeout time.Duration
	// reconcileTimeout bounds one reconcile, and one resync or publication
	// of the scheduler.
	reconcileTimeout time.Duration
	logLevel         slog.Level
	forge            connect.Settings
	resync           string
	timezone         string
	poll             time.Duration
	configFile       string
	// set are the flags given, on the command line, in the environment
	// or in the file.
	set map[string]bool
}

// defaultAdminListen is the admin listener's address: loopback, so that it is
// reached only from the host (or the pod) unless the operator says otherwise.
const defaultAdminListen = "127.0.0.1:9090"

// adminOn reports whether an admin listener is wanted.
func (c serveConfig) adminOn() bool { return c.adminListen != "" && c.adminListen != "off" }

// resyncSpec is the cron spec of the full reconcile: the --poll interval in
// local mode, else --resync in the --timezone zone.
func (c serveConfig) resyncSpec() string {
	if c.forge.Repo != "" {
		return "@every " + c.poll.String()
	}
	if c.timezone != "" && !strings.HasPrefix(c.resync, "@") {
		return "CRON_TZ=" + c.timezone + " " + c.resync
	}
	return c.resync
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) int {
	return serve(ctx, args, serveDeps{getenv: os.Getenv, stderr: stderr, retryEvery: 30 * time.Second})
}

// serve runs herald serve until ctx is done and returns the exit code.
func serve(ctx context.Context, args []string, deps serveDeps) int {
	cfg, err := parseServeFlags(args, deps.getenv, deps.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(deps.stderr, "herald serve: %v\n", err)
		return exitUsage
	}
	s := &server{cfg: cfg, deps: deps, rec: deps.reconciler, log: slog.New(slog.NewJSONHandler(deps.stderr, logOptions(cfg.logLevel)))}
	gogc, memLimit := tuneGC(deps.getenv, serveGCPercent, serveMemoryLimit)
	defer s.close()
	if err := s.build(ctx); err != nil {
		var internal *internalError
		if errors.As(err, &internal) {
			s.log.Error(internal.what, "error", internal.err)
			return exitFindings
		}
		fmt.Fprintf(deps.stderr, "herald serve: %v\n", err)
		return exitUsage
	}
	s.logStart(gogc, memLimit)
	return s.run(ctx)
}

// server is herald serve's parts: build makes them, run runs them, close
// releases what build opened.
type server struct {
	cfg  serveConfig
	deps serveDeps
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
	rec reconciler
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
		eng, err := connect.Wire(ctx, s.cfg.forge, s.log, connect.Options{
			Bot:         []bot.Option{bot.WithScheduler(s.sched), bot.WithMetrics(s.botMetrics)},
			CheckBranch: true, CheckInBackground: true, Metrics: s.botMetrics, GitHubMetrics: s.ghMetrics})
		if err != nil {
			return errors.New(connect.OneLine(err))
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
		return errors.New(connect.OneLine(err))
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
		publish.WithResyncSpec(s.cfg.resyncSpec()), publish.WithLogger(s.log), publish.WithDrainTimeout(s.cfg.shutdownTimeout),
		publish.WithJobTimeout(s.cfg.reconcileTimeout))
	if err != nil {
		return fmt.Errorf("%s: %v (want a cron spec such as \"*/5 * * * *\" or \"@every 2m\")", resyncSetting(s.cfg), err)
	}
	return nil
}

// buildHTTP makes the reconcile queue, the webhook receiver, the public
// server and the admin server.
func (s *server) buildHTTP() error {
	cfg := s.cfg
	s.queue = webhook.NewQueue(webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error { return s.rec.Reconcile(ctx, r) }),
		webhook.WithWorkers(cfg.workers),
		webhook.WithDrainTimeout(cfg.shutdownTimeout),
		webhook.WithReconcileTimeout(cfg.reconcileTimeout),
		webhook.WithQueueLogger(s.log),
		webhook.WithQueueMetrics(s.metrics))
	recv, err := s.receiver()
	if err != nil {
		return err
	}
	srvOpts := []webhook.ServerOption{
		webhook.WithPath(cfg.path),
		webhook.WithShutdownTimeout(cfg.shutdownTimeout),
		webhook.WithServerLogger(s.log),
		webhook.WithMaxConns(cfg.maxConns),
		webhook.WithServerMetrics(s.metrics),
	}
	if s.eng != nil {
		s.schedule = feed.NewHandler(s.eng, feed.WithLogger(s.log))
		s.page = dashboard.NewHandler(s.eng, time.Now, s.log)
		if cfg.feedToken != "" {
			srvOpts = append(srvOpts, webhook.WithHandler(sharedFeedPattern, feed.Shared(cfg.feedToken, s.schedule)))
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
	if len(cfg.secrets) == 0 && !cfg.insecure {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "webhooks are off: herald serve was started without a webhook secret", http.StatusForbidden)
		}), nil
	}
	opts := []webhook.ReceiverOption{
		webhook.WithMaxBodyBytes(cfg.maxBody),
		webhook.WithMaxInFlight(cfg.maxInFlight),
		webhook.WithBodyBudget(cfg.bodyBudget),
		webhook.WithLogger(s.log),
		webhook.WithMetrics(s.metrics),
	}
	if cfg.insecure {
		opts = append(opts, webhook.WithInsecureNoSignature())
	}
	return webhook.NewReceiver(s.queue, cfg.secrets, opts...)
}

// listen opens the public and the admin listeners, unless the tests gave
// them.
func (s *server) listen(ctx context.Context) error {
	var lc net.ListenConfig
	var err error
	if s.ln = s.deps.listener; s.ln == nil {
		if s.ln, err = lc.Listen(ctx, "tcp", s.cfg.listen); err != nil {
			return fmt.Errorf("--listen %s: %v", s.cfg.listen, err)
		}
	}
	if s.adminLn = s.deps.adminListener; s.adminLn == nil && s.cfg.adminOn() {
		if s.adminLn, err = lc.Listen(ctx, "tcp", s.cfg.adminListen); err != nil {
			return fmt.Errorf("--admin-listen %s: %v (another herald on this host? give each its own port, or --admin-listen off)", s.cfg.adminListen, err)
		}
	}
	return nil
}

// logStart logs what herald serve starts with.
func (s *server) logStart(gogc, memLimit string) {
	cfg := s.cfg
	mode := "custom"
	if s.eng != nil {
		mode = s.eng.Mode
	}
	adminAddr := "off"
	if s.adminLn != nil {
		adminAddr = s.adminLn.Addr().String()
	}
	s.log.Info("herald serve starting", "version", version, "listen", s.ln.Addr().String(), "admin_listen", adminAddr, "webhook_path", cfg.path,
		"max_body", cfg.maxBody, "secrets", len(cfg.secrets), "secret_source", cfg.secretSource,
		"workers", cfg.workers, "mode", mode, "repo", cfg.forge.ShownRepo(), "resync", cfg.resyncSpec(), "dry_run", cfg.forge.DryRun, "gogc", gogc, "gomemlimit", memLimit)
	if len(cfg.secrets) == 0 && !cfg.insecure {
		s.log.Info("webhooks are off (no "+envWebhookSecret+"): pushes are seen by polling", "poll", cfg.poll.String())
	}
	if s.adminLn != nil && s.page != nil {
		s.log.Info("dashboard served on the admin listener at http://" + adminAddr + "/")
	}
	if cfg.feedToken != "" && s.schedule != nil {
		s.log.Info("shared calendar served on the public listener at " + strings.Replace(sharedFeedPattern[len("GET "):], "{token}", "<token of "+cfg.feedTokenFile+">", 1))
	}
	for _, w := range cfg.ignored() {
		s.log.Warn(w)
	}
	if cfg.insecure {
		s.log.Warn("webhook signatures are NOT checked (--insecure-no-signature): anyone who can reach " + cfg.path + " can trigger work")
	}
}

// run runs every part until ctx is done, and returns the exit code. One
// owner for every goroutine. On SIGTERM the HTTP server stops first
// (answering what is in flight); then the start-up reconcile stops, and
// the scheduler (its running jobs) and the queue drain side by side, each
// within the shutdown timeout; the bot's background checks stop last.
func (s *server) run(ctx context.Context) int {
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
		start := bot.StartUp{Ready: func() { s.srv.SetReady(true) }, Fatal: settingRefused, RetryEvery: s.deps.retryEvery, Log: s.log}
		err := start.Run(runCtx, s.rec)
		if err != nil {
			stopRun()
		}
		return err // a setting GitHub refused once it answered
	})

	code := exitOK
	failed := func(what string, err error) {
		if err != nil {
			s.log.Error(what, "error", err)
			code = exitFindings
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
		fmt.Fprintf(s.deps.stderr, "herald serve: %s\n", connect.OneLine(fatal))
		return exitUsage
	}
	return code
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

// logOptions are the options of herald's log handlers: the level, and
// durations written as text ("1.5s") wherever they come from, so that a key
// such as "duration" has one type in every line (JSON would otherwise hold
// nanoseconds in some lines and text in others, which log stores refuse).
func logOptions(level slog.Leveler) *slog.HandlerOptions {
	return &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindDuration {
			return slog.String(a.Key, a.Value.Duration().String())
		}
		return a
	}}
}

// setFlags returns the names of the flags of fs that were set.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// ignored says which of the settings given the mode does not use, one
// line each, so that a person does not wait for them to take effect.
func (c serveConfig) ignored() []string {
	var out []string
	ignore := func(name, why string) {
		if c.set[name] {
			out = append(out, "--"+name+" is ignored: "+why)
		}
	}
	if c.forge.Repo != "" {
		ignore("resync", "local mode reads the branch again every --poll")
		ignore("timezone", "it is the zone of --resync, which local mode does not use")
		ignore("github-url", "local mode serves a plain Git repository, not GitHub")
	} else {
		ignore("poll", "it is local mode's; with GitHub herald resyncs on --resync")
		ignore("repo-user", "it goes with --repo-token, in local mode")
	}
	return out
}

// resyncSetting names the settings the resync spec came from.
func resyncSetting(c serveConfig) string {
	switch {
	case c.forge.Repo != "":
		return fmt.Sprintf("--poll %s", c.poll)
	case c.timezone != "":
		return fmt.Sprintf("--resync %q with --timezone %s", c.resync, c.timezone)
	}
	return fmt.Sprintf("--resync %q", c.resync)
}

// serveFlagSet defines herald serve's flags over cfg; the webhook secrets
// and the log level are returned for the caller to check.
func serveFlagSet(cfg *serveConfig) (*flag.FlagSet, *flagconfig.List, *string) {
	fs := flag.NewFlagSet("herald serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by the caller
	secrets := &flagconfig.List{}
	fs.StringVar(&cfg.listen, "listen", ":8080", "host:port `ADDR` of the public listener: the webhook, /healthz and /readyz, nothing else (the port an Ingress exposes)")
	fs.StringVar(&cfg.adminListen, "admin-listen", defaultAdminListen, "host:port `ADDR` of the admin listener: /metrics, /schedule, /schedule.ics, /healthz, /readyz; keep it inside the cluster, the schedule names embargoed posts (off: none)")
	fs.StringVar(&cfg.feedTokenFile, "feed-token-file", "", "`FILE` holding a secret token (at least 32 characters, such as from openssl rand -hex 32); the calendar is then also served on the public listener at /feeds/TOKEN/schedule.ics, to share with calendar apps")
	fs.IntVar(&cfg.maxInFlight, "max-in-flight", webhook.DefaultMaxInFlight, "how many (`N`) webhook requests are handled at once; past it they are answered 503 with Retry-After")
	fs.IntVar(&cfg.maxConns, "max-connections", webhook.DefaultMaxConns, "how many (`N`) connections the public listener keeps open at once; at the cap, the oldest one not being answered makes way for a new one")
	bodyBudget := flagconfig.Size{N: &cfg.bodyBudget}
	fs.Var(bodyBudget, "body-budget", "`SIZE` of all webhook bodies held at once before their signature is checked (past it: 503 with Retry-After); at least --max-body plus 16MiB")
	fs.Var(secrets, "webhook-secret", "`SECRET` to verify X-Hub-Signature-256 with; repeat it to accept several while rotating; when given, "+envWebhookSecret+" (comma-separated, preferred: flags show in the process list) is not read")
	fs.BoolVar(&cfg.insecure, "insecure-no-signature", false, "accept webhook deliveries without checking their signature (local testing only)")
	fs.StringVar(&cfg.path, "webhook-path", webhook.DefaultPath, "`PATH` of the webhook endpoint's URL")
	maxBody := flagconfig.Size{N: &cfg.maxBody}
	fs.Var(maxBody, "max-body", "`SIZE` of the largest webhook body accepted, such as 25MiB or 1048576 (longer ones get 413)")
	defineForgeFlags(fs, &cfg.forge)
	fs.StringVar(&cfg.resync, "resync", publish.DefaultResyncSpec, "cron `SPEC` of the full reconcile of every repository (UTC unless --timezone; local mode polls with --poll instead)")
	fs.StringVar(&cfg.timezone, "timezone", "", "time `ZONE` of the --resync spec, such as Europe/Berlin")
	fs.DurationVar(&cfg.poll, "poll", 30*time.Second, "local mode: how often to read the branch again (`DURATION`)")
	fs.StringVar(&cfg.configFile, "config", "", "YAML `FILE` of settings named like the flags; flags win over "+flagconfig.EnvName("")+"* variables, which win over the file")
	fs.IntVar(&cfg.workers, "workers", webhook.DefaultWorkers, "how many (`N`) reconciles run at once (one per repository at a time)")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 25*time.Second, "on SIGTERM, how long to answer requests in flight, then to finish queued reconciles and running publications and resyncs (past it they are cancelled)")
	fs.DurationVar(&cfg.reconcileTimeout, "reconcile-timeout", webhook.DefaultReconcileTimeout, "how long one reconcile, one scheduled publication or one resync may take before it is cancelled (the next resync retries)")
	level := fs.String("log-level", "info", "`LEVEL` of logs: debug, info, warn or error")
	return fs, secrets, level
}

// parseServeFlags parses and checks herald serve's command line.
func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	cfg := serveConfig{maxBody: webhook.DefaultMaxBodyBytes, bodyBudget: webhook.DefaultBodyBudget}
	fs, secrets, level := serveFlagSet(&cfg)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			serveHelp.print(stderr, fs)
			return cfg, err
		}
		return cfg, suggestFlag(err, fs)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (herald serve takes flags only)", fs.Arg(0))
	}
	if err := flagconfig.Layer(fs, getenv, nil, "webhook-secret"); err != nil {
		return cfg, err
	}
	cfg.set = setFlags(fs)
	if cfg.timezone != "" {
		if _, err := time.LoadLocation(cfg.timezone); err != nil {
			return cfg, fmt.Errorf("--timezone %q: unknown time zone (use an IANA name such as Europe/Berlin or UTC)", cfg.timezone)
		}
	}
	if cfg.poll < time.Second {
		return cfg, fmt.Errorf("--poll %s: want at least 1s", cfg.poll)
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return cfg, fmt.Errorf("--log-level %q: want debug, info, warn or error", *level)
	}
	if cfg.workers < 1 {
		return cfg, fmt.Errorf("--workers %d: want at least 1", cfg.workers)
	}
	if cfg.maxInFlight < 1 {
		return cfg, fmt.Errorf("--max-in-flight %d: want at least 1", cfg.maxInFlight)
	}
	if cfg.maxConns < 1 {
		return cfg, fmt.Errorf("--max-connections %d: want at least 1", cfg.maxConns)
	}
	if cfg.adminOn() && cfg.adminListen == cfg.listen && !strings.HasSuffix(cfg.listen, ":0") {
		return cfg, fmt.Errorf("--admin-listen %s is the --listen address: the admin listener must be another one (or off)", cfg.adminListen)
	}
	if cfg.feedTokenFile != "" {
		tok, err := readFeedToken(cfg.feedTokenFile)
		if err != nil {
			return cfg, err
		}
		cfg.feedToken = tok
	}
	if cfg.shutdownTimeout <= 0 {
		return cfg, fmt.Errorf("--shutdown-timeout %s: want a positive duration", cfg.shutdownTimeout)
	}
	if cfg.reconcileTimeout <= 0 {
		return cfg, fmt.Errorf("--reconcile-timeout %s: want a positive duration", cfg.reconcileTimeout)
	}

	cfg.secrets, cfg.secretSource = *secrets, "--webhook-secret"
	if len(*secrets) == 0 {
		cfg.secrets, cfg.secretSource = splitSecrets(getenv(envWebhookSecret)), envWebhookSecret
	}
	for i, s := range cfg.secrets {
		if s == "" {
			return cfg, fmt.Errorf("webhook secret %d from %s is empty", i+1, cfg.secretSource)
		}
	}
	switch {
	case len(cfg.secrets) == 0 && !cfg.insecure && cfg.forge.Repo == "":
		// With no mode at all, the three modes are the first thing to say.
		if _, err := cfg.forge.Mode(); err != nil {
			return cfg, err
		}
		return cfg, fmt.Errorf("no webhook secret: set %s or pass --webhook-secret (the secret of the GitHub App or repository webhook)", envWebhookSecret)
	case len(cfg.secrets) > 0 && cfg.insecure:
		return cfg, fmt.Errorf("--insecure-no-signature contradicts the webhook secret given by %s: drop one of them", cfg.secretSource)
	}
	return cfg, nil
}

// splitSecrets splits a comma-separated list, trimming spaces; an empty
// value gives none, an empty item stays to be reported.
func splitSecrets(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
