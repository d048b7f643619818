package adapter_test

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

const (
	ownerRepo = "acme/blog"
	token     = "ghp_publisherTEST0123456789"
)

var (
	// now is the injected clock of every test: 2026-03-02 11:13 UTC.
	now = time.Date(2026, 3, 2, 11, 13, 0, 0, time.UTC)
	// due is when the test posts fall due: 2h13m before now.
	due = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// herald is the identity every test branch commits as.
	herald = gitrepo.Signature{Name: "herald", Email: "herald@example.com"}
)

func docusaurus(t *testing.T) *content.Profile {
	t.Helper()
	p, err := content.ProfileByName("docusaurus")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// openMirror opens remote in a fresh data directory: one per replica.
func openMirror(t *testing.T, remote string) *gitrepo.Mirror {
	t.Helper()
	c, err := gitrepo.NewCache(t.TempDir(), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	m, err := c.Open(context.Background(), remote, gitrepo.Anonymous())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// draftState reads the posts under blog/ at the remote's main, as the
// reconcile loop would.
func draftState(t *testing.T, m *gitrepo.Mirror, prof *content.Profile) publish.State {
	t.Helper()
	ctx := context.Background()
	b := adapter.NewBranch(m, "main", herald)
	tip, err := b.Tip(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := gitrepo.ParseHash(tip)
	fsys, err := m.FS(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	s := publish.State{Config: publish.Config{Strategy: publish.StrategyDraft}}
	err = fs.WalkDir(fsys, "blog", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		s.Posts = append(s.Posts, publish.PostOf(content.ParsePost(p, raw, prof, time.UTC)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// forgeEnv is the fake GitHub with one repository and a client for it.
type forgeEnv struct {
	fake   *fakegithub.Server
	client *github.Client
}

func newForge(t *testing.T) *forgeEnv {
	t.Helper()
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	c, err := github.NewTokenClient(token, "acme", "blog", github.Options{
		BaseURL:   fake.URL(),
		Transport: fake.Client().Transport,
		Logger:    slog.New(slog.DiscardHandler),
		Retry:     github.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxWait: 5 * time.Second, AttemptTimeout: 2 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &forgeEnv{fake: fake, client: c}
}

// writes counts the requests that change something on the fake.
func (f *forgeEnv) writes() int {
	n := 0
	for _, r := range f.fake.Requests() {
		if r.Method != "GET" {
			n++
		}
	}
	return n
}

// prState reads an open pull request from the fake as the reconcile loop
// would: approved, checked at its head, with one post due at due.
func (f *forgeEnv) prState(t *testing.T, number int) publish.State {
	t.Helper()
	s := publish.State{Config: publish.Config{ApprovalsRequired: publish.NoApprovalRequired}}
	pr := f.fake.PR(ownerRepo, number)
	if pr.State != "open" {
		return s
	}
	var st forge.Status
	for _, x := range f.fake.Statuses(ownerRepo, pr.HeadSHA) {
		if x.Context == publish.StatusContext {
			st = forge.Status{State: forge.StatusState(x.State), Description: x.Description}
		}
	}
	s.PRs = append(s.PRs, publish.PR{
		Number: number, HeadSHA: pr.HeadSHA, CheckedSHA: pr.HeadSHA, Labels: pr.Labels,
		Mergeable: forge.MergeableClean, Status: st,
		Posts: []publish.Post{{Path: "blog/a.md", Title: "Hello", PublishAt: due}},
	})
	return s
}

// errKilled is what a dependency returns once the simulated process died.
var errKilled = errors.New("killed")

// dying counts side effects and makes every one after the first k fail, as
// if the process had been killed right after its k-th side effect.
type dying struct {
	mu   sync.Mutex
	k, n int
}

func (d *dying) step() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n >= d.k {
		return errKilled
	}
	d.n++
	return nil
}

type dyingForge struct {
	*dying
	inner publish.PullRequests
}

func (f dyingForge) Merge(ctx context.Context, pr int, head string, m forge.MergeMethod) (string, error) {
	if err := f.step(); err != nil {
		return "", err
	}
	return f.inner.Merge(ctx, pr, head, m)
}

func (f dyingForge) SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error) {
	if err := f.step(); err != nil {
		return false, err
	}
	return f.inner.SetStatus(ctx, sha, st)
}

func (f dyingForge) AddLabel(ctx context.Context, pr int, l string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.inner.AddLabel(ctx, pr, l)
}

func (f dyingForge) RemoveLabel(ctx context.Context, pr int, l string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.inner.RemoveLabel(ctx, pr, l)
}

func (f dyingForge) UpsertComment(ctx context.Context, pr int, key, body string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.inner.UpsertComment(ctx, pr, key, body)
}

// dyingBranch fails commits and pushes after k side effects.
type dyingBranch struct {
	*dying
	publish.Branch
}

func (b dyingBranch) Commit(ctx context.Context, parent string, files map[string][]byte, message string, when time.Time) (string, error) {
	if err := b.step(); err != nil {
		return "", err
	}
	return b.Branch.Commit(ctx, parent, files, message, when)
}

func (b dyingBranch) Push(ctx context.Context, c, old string) error {
	if err := b.step(); err != nil {
		return err
	}
	return b.Branch.Push(ctx, c, old)
}

// hookBranch runs before once, right before the first push.
type hookBranch struct {
	publish.Branch
	once   sync.Once
	before func()
}

func (b *hookBranch) Push(ctx context.Context, c, old string) error {
	b.once.Do(b.before)
	return b.Branch.Push(ctx, c, old)
}

// plannedDrafts serves the draft site, opens a mirror of it and plans its
// publication at now.
func plannedDrafts(t *testing.T) (*gittest.Repo, *gitrepo.Mirror, []publish.Action) {
	t.Helper()
	_, repo := newRepo(t, draftFiles())
	m := openMirror(t, repo.URL)
	return repo, m, publish.Plan(draftState(t, m, docusaurus(t)), now)
}

func newRepo(t *testing.T, files map[string]string) (*gittest.Server, *gittest.Repo) {
	t.Helper()
	srv := gittest.NewServer(t)
	return srv, srv.NewRepo("site", files)
}

func clock() time.Time { return now }

func gittestChange(ref string, files map[string]string) gittest.Change {
	return gittest.Change{Ref: ref, From: "refs/heads/main", Files: files, Message: "add a post"}
}
