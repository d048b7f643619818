package connect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/local"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/flagconfig"
)

// wireLocal wires local mode: the plain Git repository of --repo, reached
// at connect to learn its default branch.
func (e *Engine) wireLocal(ctx context.Context, s Settings, log *slog.Logger, cfg *bot.ServiceConfig, checkBranch bool) error {
	var lopts []local.Option
	if s.RepoToken != "" {
		lopts = append(lopts, local.WithToken(s.RepoUser, s.RepoToken))
	}
	remote, err := e.remoteOf(ctx, s, log)
	if err != nil {
		return err
	}
	repo, err := local.New(remote, lopts...)
	if err != nil {
		if e.WorkTree != nil {
			return fmt.Errorf("--repo %s: remote %s of the work tree: %v", s.ShownRepo(), e.WorkTree.Remote, err)
		}
		return fmt.Errorf("--repo: %v", err)
	}
	e.Remote = gitrepo.RedactURL(repo.Remote())
	name := repo.Name()
	cfg.Clients = bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
		if t.Repo != name {
			return nil, fmt.Errorf("local mode serves %s only, not %s", name, t.Repo)
		}
		return repo, nil
	})
	cfg.Targets = bot.TargetList{{Repo: name}}
	cfg.Local = name
	auth := gitrepo.Anonymous()
	if creds, _ := repo.GitCredentials(ctx); creds.Password != "" {
		auth = gitrepo.Basic(creds.Username, creds.Password)
	}
	branch := &gitrepo.BranchReader{Cache: e.cache, Remote: repo.Remote(), Auth: auth}
	if checkBranch {
		cfg.Branch = branch
	}
	// Reaching the repository checks --repo and learns the branch to check.
	cfg.Connect = func(ctx context.Context) ([]bot.Option, error) {
		facts, err := repo.Repo(ctx)
		if err != nil {
			return nil, e.localUnreachable(s, err)
		}
		branch.Branch = facts.DefaultBranch
		return nil, nil
	}
	return nil
}

// localUnreachable says why the repository of --repo could not be read.
func (e *Engine) localUnreachable(s Settings, err error) error {
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return fmt.Errorf("--repo %s: a repository given by path is read with the git command, which is not installed: install git, or give an http(s) URL", s.ShownRepo())
	case errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("--repo %s: the repository refused herald: %s (give a token that may push with --repo-token or %s)", s.ShownRepo(), OneLine(err), flagconfig.EnvName("repo-token"))
	case e.WorkTree != nil && e.WorkTree.URL != "":
		return fmt.Errorf("--repo %s is a work tree: cannot reach %s, the repository of its remote %s: %s (check the remote with git remote -v, or pass the repository's URL with --repo)",
			s.ShownRepo(), gitrepo.RedactURL(e.WorkTree.URL), e.WorkTree.Remote, OneLine(err))
	}
	return fmt.Errorf("--repo %s: cannot reach the repository: %s (check the path or URL, and that it has a branch)", s.ShownRepo(), OneLine(err))
}

// remoteOf returns the repository local mode acts on for --repo. A bare
// repository or a URL is taken as it is. A work tree (a normal clone) cannot
// be published into, since Git refuses a push to its checked-out branch, so
// herald acts on the repository it was cloned from: the remote of the
// current branch's upstream, or origin. A work tree without a remote is
// used as it is in a dry run (nothing is pushed) and is an error otherwise.
func (e *Engine) remoteOf(ctx context.Context, s Settings, log *slog.Logger) (string, error) {
	wt, err := gitrepo.InspectWorkTree(ctx, s.Repo)
	if errors.Is(err, exec.ErrNotFound) {
		return "", fmt.Errorf("--repo %s: a repository given by path is read with the git command, which is not installed: install git, or give an http(s) URL", s.ShownRepo())
	}
	if err != nil {
		return "", fmt.Errorf("--repo %s: %s", s.ShownRepo(), OneLine(err))
	}
	switch {
	case wt == nil:
		return s.Repo, nil
	case wt.AcceptsPush:
		log.Info("--repo is a work tree that accepts pushes to its checked-out branch (receive.denyCurrentBranch=updateInstead): publishing into it", "repo", wt.Path)
		return wt.Path, nil
	case wt.URL != "":
		e.WorkTree = wt
		log.Info("--repo is a work tree: acting on the repository it was cloned from", "repo", wt.Path, "remote", wt.Remote, "url", gitrepo.RedactURL(wt.URL))
		return wt.URL, nil
	case s.DryRun:
		log.Info("--repo is a work tree without a remote: reading it as it is (a dry run pushes nothing)", "repo", wt.Path)
		return wt.Path, nil
	}
	return "", fmt.Errorf("--repo %s is a work tree without a remote: Git refuses pushes to its checked-out branch, so herald cannot publish there; pass the bare repository or the URL the site deploys from (--repo URL), or add it with git remote add origin URL", s.ShownRepo())
}

var (
	_ bot.Branch          = (*gitrepo.BranchReader)(nil)
	_ bot.Forge           = (*local.Repo)(nil)
	_ bot.GitCredentialer = (*local.Repo)(nil)
)
