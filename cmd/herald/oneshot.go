package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/internal/flagconfig"
)

// oneShot is the command line shared by schedule and publish: the forge
// settings of serve, a configuration file and the log level.
type oneShot struct {
	name     string
	fs       *flag.FlagSet
	forge    connect.Settings
	config   string
	logLevel string
	timeout  time.Duration
	log      *slog.Logger
}

// newOneShot defines the shared flags of the command name.
func newOneShot(name string) *oneShot {
	o := &oneShot{name: name, fs: flag.NewFlagSet("herald "+name, flag.ContinueOnError)}
	o.fs.SetOutput(io.Discard)
	o.fs.Usage = func() {}
	defineForgeFlags(o.fs, &o.forge)
	o.fs.StringVar(&o.config, "config", "", "YAML `FILE` of settings named like the flags (the file herald serve reads)")
	o.fs.StringVar(&o.logLevel, "log-level", "warn", "`LEVEL` of the logs written to stderr: debug, info, warn or error")
	o.fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this `DURATION` (a Git server or forge that stops answering cannot hold a cron job for ever)")
	return o
}

// parse reads args, the environment and the file. It prints h on stdout
// for -h and returns flag.ErrHelp; other errors are one line for the
// caller, logs go to stderr.
func (o *oneShot) parse(args []string, getenv func(string) string, stdout, stderr io.Writer, h help) error {
	if err := o.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			h.print(stdout, o.fs)
			return err
		}
		return suggestFlag(err, o.fs)
	}
	if o.fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (herald %s takes flags only)", o.fs.Arg(0), o.name)
	}
	// The configuration file is herald serve's: its settings that do not
	// apply here are ignored.
	serveFlags, _, _ := serveFlagSet(&serveConfig{})
	if err := flagconfig.Layer(o.fs, getenv, func(k string) bool { return serveFlags.Lookup(k) != nil }); err != nil {
		return err
	}
	if o.timeout <= 0 {
		return fmt.Errorf("--timeout %s: want a positive duration", o.timeout)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	o.log = slog.New(slog.NewTextHandler(stderr, logOptions(level)))
	if o.forge.Repo == "" && o.forge.AppID == 0 && o.forge.AppKeyFile == "" && o.forge.Token == "" && o.forge.Repos == "" {
		o.forge.Repo = "." // the repository of the current directory
	}
	return nil
}

// bound returns ctx bounded by --timeout.
func (o *oneShot) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, o.timeout, fmt.Errorf("--timeout %s passed", o.timeout))
}

// engine wires the bot for one run, keeping what it publishes.
func (o *oneShot) engine(ctx context.Context) (*connect.Engine, error) {
	return connect.New(ctx, o.forge, o.log, connect.Options{Record: true})
}

// fail prints one line for the command and returns the exit code.
func (o *oneShot) fail(stderr io.Writer, code int, err error) int {
	fmt.Fprintf(stderr, "herald %s: %s\n", o.name, connect.OneLine(err))
	return code
}

// failEach prints one line per error joined in err (one per repository).
func (o *oneShot) failEach(stderr io.Writer, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			o.failEach(stderr, e)
		}
		return
	}
	o.fail(stderr, exitFindings, err)
}

// refused prints, one line each, the settings of .herald.yml that keep
// herald from publishing in a repository (an unknown publish strategy),
// and returns the exit code they call for: 2, a configuration error.
func (o *oneShot) refused(stderr io.Writer, eng *connect.Engine, code int) int {
	for _, e := range eng.SettingErrors() {
		o.fail(stderr, exitUsage, e)
		code = exitUsage
	}
	return code
}

func getenvOS(k string) string { return os.Getenv(k) }
