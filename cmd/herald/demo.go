package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/internal/demo"
	"github.com/heraldhq/herald/publish"
)

// demoHelp is herald demo's help.
var demoHelp = help{
	usage: "herald demo [--keep] [--timeout DURATION] [--due-in DURATION]",
	about: `Runs herald on a throwaway example site, with no credentials and no network:
it creates a Git repository from an example Docusaurus blog, serves it in
local mode (as herald serve --repo does), prints what the checks found and
when each post goes out, waits for the draft due in a few seconds to be
published by a commit, shows that commit and exits. Nothing is left behind
unless --keep is given.`,
	examples: []example{
		{"herald demo", "the whole tour in about half a minute"},
		{"herald demo --due-in 5s", "a shorter wait for the draft to go out"},
		{"herald demo --keep", "keep the example repository and the logs, to look at them or run herald check on them"},
	},
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("herald demo", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	keep := fl.Bool("keep", false, "keep the example repository and herald's logs, and print where they are")
	timeout := fl.Duration("timeout", 2*time.Minute, "give up (exit 1) when the post has not gone out after this long")
	dueIn := fl.Duration("due-in", 20*time.Second, "how long after the start the example draft is due")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			demoHelp.print(stdout, fl)
			return exitOK
		}
		fmt.Fprintf(stderr, "herald demo: %v\n", suggestFlag(err, fl))
		return exitUsage
	}
	switch {
	case fl.NArg() > 0:
		fmt.Fprintf(stderr, "herald demo: unexpected argument %q (herald demo takes flags only)\n", fl.Arg(0))
		return exitUsage
	case *timeout <= 0:
		fmt.Fprintf(stderr, "herald demo: --timeout %s: want a positive duration\n", *timeout)
		return exitUsage
	case *dueIn < time.Second || *dueIn >= *timeout:
		fmt.Fprintf(stderr, "herald demo: --due-in %s: want at least 1s and less than --timeout (%s)\n", *dueIn, *timeout)
		return exitUsage
	}
	// The example repository is a bare repository on disk, which Git
	// reaches through the git command.
	if _, err := exec.LookPath("git"); err != nil {
		fmt.Fprintln(stderr, "herald demo: the example repository is served with the git command, which is not installed: install git and run herald demo again")
		return exitUsage
	}
	err := demo.Run(ctx, demo.Config{Out: stdout, Stderr: stderr, Keep: *keep, Timeout: *timeout, DueIn: *dueIn,
		Color: useColor("auto", stdout), Start: startDemo, LogOptions: logOptions(slog.LevelDebug)})
	switch {
	case errors.Is(err, demo.ErrSetup):
		return exitUsage
	case err != nil:
		return exitFindings
	}
	return exitOK
}

// startDemo wires herald on the demo's repository as herald serve --repo
// does, without a listener, and starts its scheduler.
func startDemo(ctx context.Context, repo, cacheDir string, log *slog.Logger, hooks demo.Hooks) (demo.Engine, func(), error) {
	var eng *connect.Engine
	sched, err := publish.NewScheduler(
		func(ctx context.Context, f publish.Firing) { eng.OnFire(ctx, f) },
		func(ctx context.Context) {
			if err := eng.ReconcileAll(ctx); err != nil {
				log.Error("resync failed", "err", err)
			}
		},
		publish.WithResyncSpec("@every 30s"), publish.WithLogger(log))
	if err != nil {
		return nil, nil, err
	}
	eng, err = connect.New(ctx, connect.Settings{Repo: repo, DataDir: cacheDir}, log, connect.Options{
		Bot: []bot.Option{bot.WithScheduler(sched)}, CheckBranch: true, OnCheck: hooks.OnCheck,
		OnPublished: func(p bot.Publication) { hooks.OnPublished(p.Commit) },
	})
	if err != nil {
		return nil, nil, err
	}
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		if err := sched.Run(runCtx); err != nil {
			log.Error("scheduler", "error", err)
		}
	}()
	return eng, func() {
		stopRun()
		<-schedDone
		eng.Close()
	}, nil
}
