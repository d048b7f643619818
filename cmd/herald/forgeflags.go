package main

import (
	"github.com/heraldhq/herald/forge/local"
	"github.com/heraldhq/herald/internal/connect"
)

// defineForgeFlags registers the flags that choose and reach the forge,
// shared by serve, schedule and publish, over s.
func defineForgeFlags(fs interface {
	StringVar(*string, string, string, string)
	Int64Var(*int64, string, int64, string)
	BoolVar(*bool, string, bool, string)
}, s *connect.Settings) {
	fs.StringVar(&s.Repo, "repo", "", "plain Git repository (`PATH|URL`) to serve without a forge (local mode)")
	fs.StringVar(&s.RepoToken, "repo-token", "", "local mode: `TOKEN` for an https --repo that needs one (prefer HERALD_REPO_TOKEN)")
	fs.StringVar(&s.RepoUser, "repo-user", local.DefaultUser, "local mode: `USER` sent with --repo-token")
	fs.StringVar(&s.GitHubURL, "github-url", "", "REST API root of GitHub Enterprise Server (`URL`, such as https://github.example.com/api/v3/, or its bare host github.example.com); empty for github.com")
	fs.Int64Var(&s.AppID, "github-app-id", 0, "GitHub App `ID` (with --github-app-key): check runs, every installed repository")
	fs.StringVar(&s.AppKeyFile, "github-app-key", "", "`FILE` holding the GitHub App's private key (PEM)")
	fs.StringVar(&s.Token, "github-token", "", "GitHub `TOKEN` (with --repos): commit statuses instead of check runs; prefer HERALD_GITHUB_TOKEN")
	fs.StringVar(&s.Repos, "repos", "", "repositories to serve in token mode, `owner/a,owner/b`")
	fs.StringVar(&s.DataDir, "data-dir", "", "`DIR` caching repository mirrors; deleting it loses nothing (default: herald under the user cache directory)")
	fs.BoolVar(&s.DryRun, "dry-run", false, "decide everything, log each side effect instead of doing it")
}
