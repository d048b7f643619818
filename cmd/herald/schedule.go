package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
)

// scheduleHelp is herald schedule's help.
var scheduleHelp = help{
	usage: "herald schedule [--repo PATH|URL] [--format text|json|ics] [flags]",
	about: `Prints the upcoming publications of the repository at --repo (default: the
one of the current directory), or of the GitHub repositories the App or
token settings name: when each post goes out, in UTC, in the site's time
zone and relative to now, and what blocks the ones that cannot. Nothing is
published or written. Exit status: 0, 1 when a repository could not be read,
2 for usage or configuration errors and when GitHub cannot be reached.`,
	examples: []example{
		{"herald schedule", "the repository of the current directory"},
		{"herald schedule --repo https://git.example.com/blog.git --format ics > blog.ics", "a calendar of a repository served over HTTPS"},
		{"HERALD_GITHUB_TOKEN=... herald schedule --repos acme/blog --format json", "the drafts and pull requests of a GitHub repository, as JSON"},
	},
}

func runSchedule(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return schedule(ctx, args, getenvOS, stdout, stderr)
}

func schedule(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o := newOneShot("schedule")
	format := o.fs.String("format", "text", "output `FORMAT`: text, json or ics")
	if err := o.parse(args, getenv, stdout, stderr, scheduleHelp); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return o.fail(stderr, exitUsage, err)
	}
	write := map[string]func(io.Writer, []feed.Entry, time.Time) error{"text": feed.WriteText, "json": feed.WriteJSON, "ics": feed.WriteICS}[*format]
	if write == nil {
		return o.fail(stderr, exitUsage, fmt.Errorf("--format %q: want text, json or ics", *format))
	}
	// A dry run: the schedule is derived as the bot derives it, and
	// nothing is published, commented or pushed.
	o.forge.DryRun = true
	ctx, cancel := o.bound(ctx)
	defer cancel()
	eng, err := o.engine(ctx)
	if err != nil {
		return o.fail(stderr, exitUsage, err)
	}
	defer eng.Close()
	code := exitOK
	if err := eng.ReconcileAll(ctx); err != nil {
		o.failEach(stderr, err)
		code = exitFindings
	}
	code = o.refused(stderr, eng, code)
	entries, err := eng.Schedule(ctx)
	if err != nil {
		return o.fail(stderr, exitFindings, err)
	}
	if *format == "text" && code != exitUsage && !upcoming(entries) {
		// A table with no rows says nothing: say why there are none.
		repos, err := eng.Dashboard(ctx)
		if err != nil {
			return o.fail(stderr, exitFindings, err)
		}
		for _, r := range repos {
			fmt.Fprintf(stdout, "No upcoming posts in %s: %s\n", r.Name, feed.NoPosts(publish.Strategy(r.Strategy), eng.Mode == connect.ModeLocal))
		}
		return code
	}
	if err := write(stdout, entries, time.Now()); err != nil {
		return o.fail(stderr, exitUsage, fmt.Errorf("write: %w", err))
	}
	return code
}

// upcoming reports whether entries hold a post not out yet.
func upcoming(entries []feed.Entry) bool {
	for _, e := range entries {
		if e.Status != publish.ItemPublished {
			return true
		}
	}
	return false
}

var _ feed.Source = (*bot.Bot)(nil)
