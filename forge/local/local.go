package local

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/heraldhq/herald/forge"
)

// Owner is the owner of every local repository.
const Owner = "local"

// ErrEmpty means the repository has no branch yet.
var ErrEmpty = errors.New("the repository has no branch")

// DefaultUser is the HTTP user sent with a token when none is given, as
// GitHub expects for tokens; GitLab and Gitea accept any user with a token.
const DefaultUser = "x-access-token"

// Repo is a plain Git repository. It is safe for concurrent use.
type Repo struct {
	remote string
	shown  string // remote as messages show it: without a token in its URL
	name   string
	creds  forge.GitCredentials
}

// Option configures New.
type Option func(*Repo)

// WithToken makes herald authenticate to an https remote with HTTP basic
// auth: user (DefaultUser when empty) and token as the password.
func WithToken(user, token string) Option {
	return func(r *Repo) {
		if user == "" {
			user = DefaultUser
		}
		r.creds = forge.GitCredentials{Username: user, Password: token}
	}
}

// New returns the forge of the repository at remote: a path (relative paths
// are made absolute) or a URL. It does no I/O; Repo reaches the remote.
// A URL must not carry a password: give it with WithToken.
func New(remote string, opts ...Option) (*Repo, error) {
	if strings.TrimSpace(remote) == "" {
		return nil, errors.New("no repository given")
	}
	if u, err := url.Parse(remote); err == nil && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			return nil, errors.New("the repository URL carries a password: give the URL without it and the token separately")
		}
	}
	r := remote
	if !isURL(remote) {
		abs, err := filepath.Abs(remote)
		if err != nil {
			return nil, fmt.Errorf("repository path %s: %w", remote, err)
		}
		r = abs
	}
	repo := &Repo{remote: r, shown: redactURL(r), name: nameOf(r)}
	for _, o := range opts {
		o(repo)
	}
	return repo, nil
}

// GitCredentials returns the credentials given with WithToken, or none.
func (r *Repo) GitCredentials(context.Context) (forge.GitCredentials, error) { return r.creds, nil }

// Remote returns the path or URL the repository is reached at. It may hold
// a token (as the user of an https URL): show String instead.
func (r *Repo) Remote() string { return r.remote }

// String returns the path or URL of the repository with any token in it
// replaced by "redacted", for messages and logs.
func (r *Repo) String() string { return r.shown }

// Name returns the repository's name: the last element of its path, without
// ".git".
func (r *Repo) Name() string { return r.name }

// Repo reads the remote's references and returns the repository's facts.
// The default branch is the branch the remote's HEAD names; a remote that
// does not say (an old server) gets the branch HEAD's commit is on,
// preferring main and master.
func (r *Repo) Repo(ctx context.Context) (forge.Repo, error) {
	branch, err := r.defaultBranch(ctx)
	if err != nil {
		return forge.Repo{}, err
	}
	return forge.Repo{Owner: Owner, Name: r.name, DefaultBranch: branch, CloneURL: r.remote}, nil
}

// ListOpenPRs returns no pull requests: a plain repository has none.
func (r *Repo) ListOpenPRs(context.Context) ([]forge.PullRequest, error) { return nil, nil }

func (r *Repo) defaultBranch(ctx context.Context) (string, error) {
	if !isURL(r.remote) {
		if _, err := os.Stat(r.remote); err != nil {
			return "", fmt.Errorf("repository %s: %w", r.shown, err)
		}
	}
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{r.remote}})
	opts := &git.ListOptions{}
	if r.creds.Password != "" {
		opts.Auth = &githttp.BasicAuth{Username: r.creds.Username, Password: r.creds.Password}
	}
	refs, err := rem.ListContext(ctx, opts)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return "", fmt.Errorf("repository %s: %w", r.shown, ErrEmpty)
	}
	if err != nil {
		return "", fmt.Errorf("list the references of %s: %w", r.shown, r.scrub(err))
	}
	var head plumbing.Hash
	var branches []*plumbing.Reference
	for _, ref := range refs {
		switch {
		case ref.Name() == plumbing.HEAD && ref.Type() == plumbing.SymbolicReference:
			if ref.Target().IsBranch() {
				return ref.Target().Short(), nil
			}
		case ref.Name() == plumbing.HEAD:
			head = ref.Hash()
		case ref.Name().IsBranch():
			branches = append(branches, ref)
		}
	}
	if len(branches) == 0 {
		return "", fmt.Errorf("repository %s: %w", r.shown, ErrEmpty)
	}
	slices.SortFunc(branches, func(a, b *plumbing.Reference) int {
		return rank(a.Name().Short()) - rank(b.Name().Short())
	})
	for _, b := range branches {
		if b.Hash() == head {
			return b.Name().Short(), nil
		}
	}
	if n := branches[0].Name().Short(); rank(n) < 2 {
		return n, nil
	}
	return "", fmt.Errorf("repository %s: HEAD names no branch and there is no main or master", r.shown)
}

func rank(branch string) int {
	switch branch {
	case "main":
		return 0
	case "master":
		return 1
	}
	return 2
}

// isURL reports whether remote is a URL (scheme://...) or an scp-like
// address (user@host:path) rather than a path.
func isURL(remote string) bool {
	if strings.Contains(remote, "://") {
		return true
	}
	at, colon := strings.Index(remote, "@"), strings.Index(remote, ":")
	return at > 0 && colon > at && !strings.ContainsAny(remote[:at], `/\`)
}

// redactURL returns remote with a token it carries replaced by "redacted":
// the password of any URL, and the user of an http(s) URL, where a token is
// often given as the user ("https://TOKEN@github.com/o/r.git"). Paths and
// scp-like addresses ("git@host:o/r") are returned as they are.
func redactURL(remote string) string {
	u, err := url.Parse(remote)
	if err != nil || u.User == nil || u.Scheme == "" {
		return remote
	}
	if _, hasPass := u.User.Password(); hasPass {
		u.User = url.UserPassword(u.User.Username(), "redacted")
		return u.String()
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		u.User = url.User("redacted")
		return u.String()
	}
	return remote
}

// scrub returns err with the token given with WithToken or in the remote's
// URL replaced by "redacted" in its message (Git's HTTP errors quote the URL
// they requested), keeping the chain for errors.Is.
func (r *Repo) scrub(err error) error {
	secrets := []string{r.creds.Password}
	if u, perr := url.Parse(r.remote); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p)
		} else if u.Scheme == "http" || u.Scheme == "https" {
			secrets = append(secrets, u.User.Username())
		}
	}
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		if s != "" {
			clean = strings.ReplaceAll(clean, s, "redacted")
		}
	}
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

// scrubbedError is an error whose message had a secret removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// nameOf returns the last element of remote's path without ".git".
func nameOf(remote string) string {
	p := remote
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		p = u.Path
	} else if isURL(remote) {
		_, p, _ = strings.Cut(remote, ":")
	} else {
		p = filepath.ToSlash(remote)
	}
	p = strings.TrimSuffix(strings.TrimRight(p, "/"), "/.git")
	n := strings.TrimSuffix(path.Base(p), ".git")
	if n == "" || n == "." || n == "/" {
		return "repo"
	}
	return n
}
