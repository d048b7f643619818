package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// help is what a command prints for --help, on stdout so that it can be
// paged or searched: its usage line, what it does, examples to copy and
// its flags with their defaults.
type help struct {
	usage    string // after "usage: "
	about    string // paragraphs, wrapped
	examples []example
}

// example is one command line of a help and what it does.
type example struct{ cmd, what string }

// print writes h to w, then the flags of fs (none when fs is nil).
func (h help) print(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n", h.usage)
	if h.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(h.about))
	}
	if len(h.examples) > 0 {
		fmt.Fprintln(w, "\nexamples:")
		for _, e := range h.examples {
			fmt.Fprintf(w, "  %s\n      %s\n", e.cmd, e.what)
		}
	}
	if fs != nil {
		fmt.Fprintln(w, "\nflags:")
		// PrintDefaults writes to the flag set's output; it is put back
		// so that parse errors still go where they went.
		out := fs.Output()
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
}

// serveHelp is herald serve's help.
var serveHelp = help{
	usage: "herald serve [flags]",
	about: `Receives GitHub webhooks and reconciles the repositories they name: checks pull
requests, gives feedback and publishes each post at its time. With --repo it
serves a plain Git repository instead (local mode). It runs in one of three
modes: local (--repo), a GitHub App (--github-app-id and --github-app-key) or
a GitHub token (--github-token and --repos). Every flag can be set with an
environment variable (--github-app-id: HERALD_GITHUB_APP_ID) or in --config.`,
	examples: []example{
		{"herald serve --repo /srv/git/blog.git", "local mode: publish the drafts of a plain Git repository at their time, no forge and no webhook"},
		{"HERALD_WEBHOOK_SECRET=... herald serve --github-app-id 12345 --github-app-key app.pem", "a GitHub App: check runs on pull requests of every repository it is installed on"},
		{"HERALD_WEBHOOK_SECRET=... HERALD_GITHUB_TOKEN=... herald serve --repos acme/blog", "a token: commit statuses instead of check runs, for the repositories named"},
		{"herald serve --config /etc/herald.yml", "settings from a YAML file, keys named like the flags (listen: :8080)"},
	},
}
