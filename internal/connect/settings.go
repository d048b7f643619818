// Package connect builds the bot's service from the settings that choose
// and reach the forge, which herald serve, schedule, publish and demo
// share: a plain Git repository (--repo, local mode), a GitHub App
// (--github-app-id and --github-app-key) or a token (--github-token and
// --repos).
//
// It checks the settings, reaches the forge once to prove them, and says in
// one line which setting is wrong: a *ConfigError when the forge refused
// one, an *UnreachableError when GitHub could not be reached (nothing is
// wrong with the settings, so herald serve keeps trying while the one-shot
// commands stop). Messages name the settings by their flags, since that is
// how a person gives them (or as HERALD_* variables named after them).
package connect

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/flagconfig"
)

// The forges Settings can choose.
const (
	ModeLocal = "local"
	ModeToken = "token"
	ModeApp   = "app"
)

// Settings choose and reach the forge.
type Settings struct {
	Repo       string // local mode: a plain Git repository, path or URL
	RepoUser   string // local mode: the user sent with RepoToken
	RepoToken  string
	GitHubURL  string // GitHub Enterprise Server's API root or bare host; empty for github.com
	AppID      int64
	AppKeyFile string
	Token      string
	Repos      string // token mode: owner/a,owner/b
	DataDir    string // mirror cache; empty: herald under the user cache directory
	DryRun     bool
}

// Mode names the forge the settings chose: ModeApp, ModeToken or
// ModeLocal. A contradiction or a missing companion setting is an error
// naming both.
func (s Settings) Mode() (string, error) {
	app := s.AppID != 0 || s.AppKeyFile != ""
	switch {
	case s.Repo != "" && (app || s.Token != "" || s.Repos != ""):
		return "", errors.New("--repo (local mode) cannot be combined with GitHub settings: drop --repo or the --github-* and --repos settings")
	case s.Repo != "":
		return ModeLocal, nil
	case s.RepoToken != "":
		return "", errors.New("--repo-token is for local mode: pass --repo URL too")
	case app && s.Token != "":
		return "", errors.New("both --github-token and a GitHub App (--github-app-id) are set: use one (an App gives check runs, a token commit statuses)")
	case s.AppID != 0 && s.AppKeyFile == "":
		return "", fmt.Errorf("--github-app-id %d has no key: pass the App's private key file with --github-app-key or %s", s.AppID, flagconfig.EnvName("github-app-key"))
	case s.AppID == 0 && s.AppKeyFile != "":
		return "", fmt.Errorf("--github-app-key is set but --github-app-id is not: pass the App's numeric ID with --github-app-id or %s", flagconfig.EnvName("github-app-id"))
	case s.AppID < 0:
		return "", fmt.Errorf("--github-app-id %d: want the App's positive numeric ID", s.AppID)
	case app && s.Repos != "":
		return "", errors.New("--repos is for token mode: a GitHub App serves the repositories it is installed on; drop --repos")
	case app:
		return ModeApp, nil
	case s.Token != "" && s.Repos == "":
		return "", fmt.Errorf("--github-token needs --repos owner/a,owner/b (or %s): the repositories to serve", flagconfig.EnvName("repos"))
	case s.Token == "" && s.Repos != "":
		return "", fmt.Errorf("--repos needs --github-token (or %s)", flagconfig.EnvName("github-token"))
	case s.Token != "":
		if _, err := s.RepoNames(); err != nil {
			return "", err
		}
		return ModeToken, nil
	}
	return "", errors.New("no repository to serve: pass --repo PATH|URL (a plain Git repository), or --github-app-id and --github-app-key (a GitHub App), or --github-token and --repos")
}

// ShownRepo is Repo as messages and logs show it: a token written into
// its URL is replaced by "redacted".
func (s Settings) ShownRepo() string { return gitrepo.RedactURL(s.Repo) }

// RepoNames splits Repos into owner/name items.
func (s Settings) RepoNames() ([]string, error) {
	var out []string
	for _, r := range strings.Split(s.Repos, ",") {
		r = strings.TrimSpace(r)
		owner, name, ok := strings.Cut(r, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("--repos %q: %q is not owner/name (want owner/a,owner/b)", s.Repos, r)
		}
		out = append(out, r)
	}
	return out, nil
}

// dataDir is DataDir, or herald under the user cache directory.
func (s Settings) dataDir() (string, error) {
	if s.DataDir != "" {
		return s.DataDir, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no --data-dir and no user cache directory (%v): pass --data-dir", err)
	}
	return filepath.Join(d, "herald"), nil
}

// OneLine puts an error's text on one line: a Git server's message may
// hold newlines.
func OneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// ConfigError is a setting the forge refused: herald exits 2 with its one
// line.
type ConfigError struct{ Err error }

func (c *ConfigError) Error() string { return c.Err.Error() }
func (c *ConfigError) Unwrap() error { return c.Err }

// UnreachableError is a forge that could not be reached (a network error, a
// timeout, a server error, a rate limit): nothing is wrong with the
// settings, so herald serve keeps trying, while the one-shot commands stop.
type UnreachableError struct {
	URL string
	Err error
}

func (u *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach GitHub at %s: %s (a network problem or an outage, not a setting: try again later, or check --github-url if it persists)", u.URL, OneLine(u.Err))
}

func (u *UnreachableError) Unwrap() error { return u.Err }

// reachErr classifies err, met reaching the forge with the settings: a
// configuration error gets the one line msg (a format with one %v for err),
// an outage an *UnreachableError naming the API root.
func reachErr(err error, apiURL, msg string) error {
	if apiURL == "" {
		apiURL = "https://api.github.com/"
	}
	if forge.IsOutage(err) {
		return &UnreachableError{URL: apiURL, Err: err}
	}
	return &ConfigError{fmt.Errorf(msg, err)}
}
