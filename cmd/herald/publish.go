package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
)

// publishHelp is herald publish's help.
var publishHelp = help{
	usage: "herald publish --due [--repo PATH|URL] [--dry-run] [flags]",
	about: `Publishes what is due now in the repository at --repo (default: the one of
the current directory), or in the GitHub repositories the App or token
settings name, and exits: for running herald from cron instead of as a
service. A --repo that is a clone with a work tree stands for the
repository it was cloned from (its upstream's remote, or origin), since Git
refuses a push to a checked-out branch; pull to see the commit there. It
prints each publication on stdout, and why each due post that did not go
out was held back; with nothing due it says so, and when the next post is.
Exit status: 0 when everything due went out, 1 when something due could not
be published (the reason is on stderr), 2 for usage or configuration errors
and when GitHub cannot be reached (nothing is published; run it again
later).`,
	examples: []example{
		{"herald publish --due", "publish what is due in the repository of the current directory"},
		{"herald publish --due --dry-run", "say what would go out, change nothing"},
		{"*/5 * * * * herald publish --due --quiet --repo /srv/git/blog.git", "a crontab line: every five minutes; cron mails what went out and what went wrong, nothing when nothing was due"},
		{"HERALD_GITHUB_TOKEN=... herald publish --due --repos acme/blog", "merge the due pull requests of a GitHub repository"},
	},
}

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return publishDue(ctx, args, getenvOS, stdout, stderr)
}

func publishDue(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o := newOneShot("publish")
	due := o.fs.Bool("due", false, "publish what is due now (required: the only mode there is)")
	quiet := o.fs.Bool("quiet", false, "say nothing when nothing is due (for cron, which mails any output); what went out and what was held back are still said")
	if err := o.parse(args, getenv, stdout, stderr, publishHelp); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return o.fail(stderr, exitUsage, err)
	}
	if !*due {
		return o.fail(stderr, exitUsage, errors.New("--due is required: herald publish --due publishes what is due now (see herald publish -h)"))
	}
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
	published := printPublished(stdout, eng)
	entries, err := eng.Schedule(ctx)
	if err != nil {
		return o.fail(stderr, exitFindings, err)
	}
	now := time.Now()
	held := 0 // due posts that did not go out
	for _, e := range entries {
		if e.At.After(now) {
			continue
		}
		switch {
		case e.Status == publish.ItemLate && o.forge.DryRun:
			fmt.Fprintf(stdout, "would publish %s %s (due %s)\n", e.Repo, e.Path, publish.FormatTime(e.At, e.Location))
			held++
		case e.Status == publish.ItemLate:
			fmt.Fprintf(stderr, "herald publish: %s %s was due %s and is not out yet\n", e.Repo, e.Path, publish.Humanize(e.At.Sub(now)))
			code, held = max(code, exitFindings), held+1
		case e.Status == publish.ItemBlocked:
			fmt.Fprintf(stderr, "herald publish: %s %s cannot go out: %s\n", e.Repo, e.Path, publish.ItemReason(e.Item))
			code, held = max(code, exitFindings), held+1
		}
	}
	if published == 0 && held == 0 && code != exitUsage && !*quiet {
		repos, err := eng.Dashboard(ctx)
		if err != nil {
			return o.fail(stderr, exitFindings, err)
		}
		for _, r := range repos {
			why := feed.NothingDue(entries, r.Name, publish.Strategy(r.Strategy), eng.Mode == connect.ModeLocal, now)
			line := "Nothing due: " + why
			if len(repos) > 1 {
				line = "Nothing due in " + r.Name + ": " + why
			}
			fmt.Fprintln(stdout, line)
		}
	}
	return code
}

// printPublished prints the commits pushed, then the pull requests merged,
// and returns how many there were.
func printPublished(stdout io.Writer, eng *connect.Engine) int {
	published := eng.Published()
	for _, p := range published {
		if p.PR != 0 {
			continue
		}
		subject, _, _ := strings.Cut(p.Message, "\n")
		if eng.WorkTree != nil {
			// --repo named a clone: say which repository got the commit
			// (the clone itself has it after a git pull).
			fmt.Fprintf(stdout, "%s  %s (%s of %s)\n", short(p.Commit), subject, p.Branch, eng.Remote)
			continue
		}
		fmt.Fprintf(stdout, "%s  %s (%s)\n", short(p.Commit), subject, p.Branch)
	}
	for _, p := range published {
		if p.PR != 0 {
			fmt.Fprintf(stdout, "%s  merged %s#%d\n", short(p.Commit), p.Repo, p.PR)
		}
	}
	return len(published)
}

// short abbreviates a commit hash.
func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
