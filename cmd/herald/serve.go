package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/internal/daemon"
	"github.com/heraldhq/herald/internal/flagconfig"
	"github.com/heraldhq/herald/publish"
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

// serveDeps is serve's outside world; tests replace parts of it.
type serveDeps struct {
	getenv func(string) string
	// stdout gets the help; stderr the logs and the errors.
	stdout, stderr io.Writer
	// listener, when set, is used instead of listening on --listen, and
	// adminListener instead of listening on --admin-listen.
	listener      net.Listener
	adminListener net.Listener
	// reconciler, when set, replaces the one serve builds.
	reconciler daemon.Reconciler
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

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return serve(ctx, args, serveDeps{getenv: os.Getenv, stdout: stdout, stderr: stderr, retryEvery: 30 * time.Second})
}

// serve runs herald serve until ctx is done and returns the exit code.
func serve(ctx context.Context, args []string, deps serveDeps) int {
	if deps.stdout == nil {
		deps.stdout = io.Discard
	}
	cfg, err := parseServeFlags(args, deps.getenv, deps.stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(deps.stderr, "herald serve: %v\n", err)
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(deps.stderr, logOptions(cfg.logLevel)))
	dc := cfg.daemonConfig()
	dc.GOGC, dc.GOMemLimit = tuneGC(deps.getenv, serveGCPercent, serveMemoryLimit)
	err = daemon.Run(ctx, dc, daemon.Deps{Log: log, Listener: deps.listener, AdminListener: deps.adminListener, Reconciler: deps.reconciler, RetryEvery: deps.retryEvery})
	var bad *daemon.SettingError
	switch {
	case errors.As(err, &bad):
		fmt.Fprintf(deps.stderr, "herald serve: %v\n", bad)
		return exitUsage
	case err != nil:
		return exitFindings // logged
	}
	return exitOK
}

// daemonConfig is what the daemon runs with.
func (c serveConfig) daemonConfig() daemon.Config {
	return daemon.Config{
		Listen: c.listen, AdminListen: c.adminListen, FeedToken: c.feedToken, FeedTokenFile: c.feedTokenFile,
		MaxInFlight: c.maxInFlight, MaxConns: c.maxConns, BodyBudget: c.bodyBudget,
		Secrets: c.secrets, SecretSource: c.secretSource, SecretVariable: envWebhookSecret, Insecure: c.insecure,
		Path: c.path, MaxBody: c.maxBody, Workers: c.workers, ShutdownTimeout: c.shutdownTimeout, ReconcileTimeout: c.reconcileTimeout,
		Forge: c.forge, ResyncSpec: c.resyncSpec(), ResyncSetting: resyncSetting(c), Poll: c.poll, Warnings: c.ignored(), Version: version,
	}
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
func parseServeFlags(args []string, getenv func(string) string, helpOut io.Writer) (serveConfig, error) {
	cfg := serveConfig{maxBody: webhook.DefaultMaxBodyBytes, bodyBudget: webhook.DefaultBodyBudget}
	fs, secrets, level := serveFlagSet(&cfg)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			serveHelp.print(helpOut, fs)
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
