package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/local"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/flagconfig"
)

// forgeFlags are the settings that choose and reach the forge, shared by
// serve, schedule and publish.
type forgeFlags struct {
	repo       string // local mode: a plain Git repository
	repoUser   string
	repoToken  string
	githubURL  string
	appID      int64
	appKeyFile string
	token      string
	repos      string // token mode: owner/a,owner/b
	dataDir    string
	dryRun     bool
}

// define registers the flags on fs.
func (f *forgeFlags) define(fs interface {
	StringVar(*string, string, string, string)
	Int64Var(*int64, string, int64, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.repo, "repo", "", "plain Git repository (`PATH|URL`) to serve without a forge (local mode)")
	fs.StringVar(&f.repoToken, "repo-token", "", "local mode: `TOKEN` for an https --repo that needs one (prefer HERALD_REPO_TOKEN)")
	fs.StringVar(&f.repoUser, "repo-user", local.DefaultUser, "local mode: `USER` sent with --repo-token")
	fs.StringVar(&f.githubURL, "github-url", "", "REST API root of GitHub Enterprise Server (`URL`, such as https://github.example.com/api/v3/, or its bare host github.example.com); empty for github.com")
	fs.Int64Var(&f.appID, "github-app-id", 0, "GitHub App `ID` (with --github-app-key): check runs, every installed repository")
	fs.StringVar(&f.appKeyFile, "github-app-key", "", "`FILE` holding the GitHub App's private key (PEM)")
	fs.StringVar(&f.token, "github-token", "", "GitHub `TOKEN` (with --repos): commit statuses instead of check runs; prefer HERALD_GITHUB_TOKEN")
	fs.StringVar(&f.repos, "repos", "", "repositories to serve in token mode, `owner/a,owner/b`")
	fs.StringVar(&f.dataDir, "data-dir", "", "`DIR` caching repository mirrors; deleting it loses nothing (default: herald under the user cache directory)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "decide everything, log each side effect instead of doing it")
}

// mode names the forge the flags chose: "app", "token" or "local". A
// contradiction or a missing companion setting is an error naming both.
func (f *forgeFlags) mode() (string, error) {
	app := f.appID != 0 || f.appKeyFile != ""
	switch {
	case f.repo != "" && (app || f.token != "" || f.repos != ""):
		return "", errors.New("--repo (local mode) cannot be combined with GitHub settings: drop --repo or the --github-* and --repos settings")
	case f.repo != "":
		return "local", nil
	case f.repoToken != "":
		return "", errors.New("--repo-token is for local mode: pass --repo URL too")
	case app && f.token != "":
		return "", errors.New("both --github-token and a GitHub App (--github-app-id) are set: use one (an App gives check runs, a token commit statuses)")
	case f.appID != 0 && f.appKeyFile == "":
		return "", fmt.Errorf("--github-app-id %d has no key: pass the App's private key file with --github-app-key or %s", f.appID, flagconfig.EnvName("github-app-key"))
	case f.appID == 0 && f.appKeyFile != "":
		return "", fmt.Errorf("--github-app-key is set but --github-app-id is not: pass the App's numeric ID with --github-app-id or %s", flagconfig.EnvName("github-app-id"))
	case f.appID < 0:
		return "", fmt.Errorf("--github-app-id %d: want the App's positive numeric ID", f.appID)
	case app && f.repos != "":
		return "", errors.New("--repos is for token mode: a GitHub App serves the repositories it is installed on; drop --repos")
	case app:
		return "app", nil
	case f.token != "" && f.repos == "":
		return "", fmt.Errorf("--github-token needs --repos owner/a,owner/b (or %s): the repositories to serve", flagconfig.EnvName("repos"))
	case f.token == "" && f.repos != "":
		return "", fmt.Errorf("--repos needs --github-token (or %s)", flagconfig.EnvName("github-token"))
	case f.token != "":
		if _, err := f.repoNames(); err != nil {
			return "", err
		}
		return "token", nil
	}
	return "", errors.New("no repository to serve: pass --repo PATH|URL (a plain Git repository), or --github-app-id and --github-app-key (a GitHub App), or --github-token and --repos")
}

// shownRepo is --repo as messages and logs show it: a token written into
// its URL is replaced by "redacted".
func (f *forgeFlags) shownRepo() string { return gitrepo.RedactURL(f.repo) }

// oneLine puts an error's text on one line: a Git server's message may
// hold newlines.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// repoNames splits --repos into owner/name items.
func (f *forgeFlags) repoNames() ([]string, error) {
	var out []string
	for _, r := range strings.Split(f.repos, ",") {
		r = strings.TrimSpace(r)
		owner, name, ok := strings.Cut(r, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("--repos %q: %q is not owner/name (want owner/a,owner/b)", f.repos, r)
		}
		out = append(out, r)
	}
	return out, nil
}

// defaultDataDir is herald under the user cache directory.
func defaultDataDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no --data-dir and no user cache directory (%v): pass --data-dir", err)
	}
	return filepath.Join(d, "herald"), nil
}

// configError is a setting the forge refused: herald exits 2 with its one
// line.
type configError struct{ err error }

func (c *configError) Error() string { return c.err.Error() }
func (c *configError) Unwrap() error { return c.err }

// unreachableError is a forge that could not be reached (a network error, a
// timeout, a server error, a rate limit): nothing is wrong with the
// settings, so herald serve keeps trying, while the one-shot commands stop.
type unreachableError struct {
	url string
	err error
}

func (u *unreachableError) Error() string {
	return fmt.Sprintf("cannot reach GitHub at %s: %s (a network problem or an outage, not a setting: try again later, or check --github-url if it persists)", u.url, oneLine(u.err))
}

func (u *unreachableError) Unwrap() error { return u.err }

// reachErr classifies err, met reaching the forge with the settings: a
// configuration error gets the one line msg (a format with one %v for err),
// an outage an *unreachableError naming the API root.
func reachErr(err error, apiURL, msg string) error {
	if apiURL == "" {
		apiURL = "https://api.github.com/"
	}
	if forge.IsOutage(err) {
		return &unreachableError{url: apiURL, err: err}
	}
	return &configError{fmt.Errorf(msg, err)}
}
