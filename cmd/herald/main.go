package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/heraldhq/herald/content"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0 // nothing wrong
	exitFindings = 1 // the command ran and found something wrong (findings, unpublished posts)
	exitUsage    = 2 // bad usage, bad configuration or an I/O error
)

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists every subcommand in one place.
func commands() map[string]command {
	return map[string]command{
		"check":       {"check posts for defects, as the bot does on pull requests", runCheck},
		"serve":       {"run the bot: webhooks, checks, scheduling and publishing", runServe},
		"schedule":    {"print the upcoming publications of a repository", runSchedule},
		"publish":     {"publish what is due now and exit (for cron users)", runPublish},
		"demo":        {"run herald on a throwaway example site, no credentials needed", runDemo},
		"version":     {"print the version", runVersion},
		"healthcheck": {"probe a running herald's /healthz (for container health checks)", runHealthcheck},
	}
}

// exitForced is the exit code after a second interrupt cut a graceful stop
// short (128 + SIGINT, as shells report it).
const exitForced = 130

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	// The first signal stops gracefully; a second one forces the exit.
	// This goroutine lives as long as the process.
	go func() {
		s := <-sigs
		fmt.Fprintf(os.Stderr, "herald: %v: stopping (send it again to stop at once)\n", s)
		cancel()
		s = <-sigs
		fmt.Fprintf(os.Stderr, "herald: %v again: stopping now\n", s)
		os.Exit(exitForced)
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 {
		// No command is a usage error: the usage goes where errors go.
		usage(stderr, cmds)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		// herald help check is herald check --help.
		if c, ok := cmds[arg(args, 1)]; ok && args[0] == "help" {
			return c.run(ctx, []string{"--help"}, stdout, stderr)
		}
		usage(stdout, cmds)
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		names := make([]string, 0, len(cmds))
		for n := range cmds {
			names = append(names, n)
		}
		if near := content.Nearest(args[0], names); near != "" {
			fmt.Fprintf(stderr, "herald: unknown command %q (did you mean %s? run 'herald help')\n", args[0], near)
			return exitUsage
		}
		fmt.Fprintf(stderr, "herald: unknown command %q (run 'herald help')\n", args[0])
		return exitUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// arg is args[i], or "" past the end.
func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// topHelp is herald's own help: what it is and the first commands to run.
var topHelp = help{
	usage: "herald <command> [flags]",
	about: `herald checks the posts of a Git-backed blog or docs site (Docusaurus, Hugo,
Jekyll) and publishes each one at the time its front matter names.`,
	examples: []example{
		{"herald demo", "see it work on a throwaway example site, no credentials needed"},
		{"herald check", "check the posts of the site in this folder, as the bot does on pull requests"},
		{"herald schedule", "list what goes out when in the repository of this folder"},
		{"herald publish --due", "publish what is due now and exit (from cron)"},
		{"herald serve --repo /srv/git/blog.git", "run the bot on a plain Git repository, no forge needed"},
	},
}

func usage(w io.Writer, cmds map[string]command) {
	topHelp.print(w, nil)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'herald <command> --help' for the flags and examples of a command. Every")
	fmt.Fprintln(w, "flag of serve, schedule and publish can also be set as HERALD_<FLAG>")
	fmt.Fprintln(w, "(--github-app-id: HERALD_GITHUB_APP_ID) or in a YAML file named by --config.")
}

// suggestFlag adds to err, an unknown flag met parsing fs, the flag it was
// likely meant to be: "flag provided but not defined: -fromat (did you
// mean --format?)". Other errors are returned as they are.
func suggestFlag(err error, fs *flag.FlagSet) error {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return err
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if near := content.Nearest(strings.TrimPrefix(name, "-"), names); near != "" {
		return fmt.Errorf("%w (did you mean --%s?)", err, near)
	}
	return err
}
