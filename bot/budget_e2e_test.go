package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// budgetWorld is a world whose bot reaches the fake through an App that a
// test can replace, as the hourly token rotation or a restart does.
type budgetWorld struct {
	*world
	mu  sync.Mutex
	app *github.App
	b   *bot.Bot
	n   int // open pull requests
}

func newBudgetWorld(t *testing.T, n int, opts ...bot.Option) *budgetWorld {
	t.Helper()
	base, post := cleanPost(t)
	bw := &budgetWorld{world: newWorld(t, base), n: n}
	bw.newApp()
	bw.b = bw.freshBot(opts...)
	for i := 1; i <= n; i++ {
		bw.openPost(i, post)
	}
	return bw
}

// openPost opens pull request n adding its own copy of post.
func (bw *budgetWorld) openPost(n int, post map[string]string) string {
	path := strings.Replace(postPath, "fosdem-recap", fmt.Sprintf("fosdem-recap-%d", n), 1)
	files := map[string]string{path: strings.Replace(post[postPath], "title: ", fmt.Sprintf("slug: recap-%d\ntitle: %d ", n, n), 1)}
	baseSHA := bw.git.Ref("refs/heads/main")
	head := bw.git.CreatePullRef(n, baseSHA, files)
	mergeable := true
	bw.fake.AddPR(fullName, fakegithub.PR{Number: n, Title: "Post " + fmt.Sprint(n), Author: "gerrit91", HeadRef: fmt.Sprintf("post-%d", n),
		HeadSHA: head, BaseRef: "main", BaseSHA: baseSHA, Mergeable: &mergeable,
		Files: []fakegithub.File{{Path: path, Status: "added", Additions: strings.Count(files[path], "\n"), Patch: bw.patch(baseSHA, head, path)}}})
	return head
}

// newApp replaces the App: a new installation token and no kept answers.
func (bw *budgetWorld) newApp() {
	_, pemKey := appKey(bw.t)
	app, err := github.NewApp(appID, pemKey, github.Options{BaseURL: bw.fake.URL(), Transport: bw.fake.Client().Transport,
		Retry: github.RetryPolicy{BaseDelay: 2 * time.Millisecond, MaxDelay: 10 * time.Millisecond, MaxWait: 3 * time.Second, AttemptTimeout: 5 * time.Second}})
	if err != nil {
		bw.t.Fatal(err)
	}
	bw.mu.Lock()
	bw.app = app
	bw.mu.Unlock()
}

// freshBot is a bot as just started: it remembers nothing.
func (bw *budgetWorld) freshBot(opts ...bot.Option) *bot.Bot {
	clients := bot.ClientsFunc(func(_ context.Context, tg bot.Target) (bot.Forge, error) {
		o, n, _ := strings.Cut(tg.Repo, "/")
		bw.mu.Lock()
		defer bw.mu.Unlock()
		return bw.app.Client(tg.InstallationID, o, n)
	})
	cache, err := gitrepo.NewCache(bw.t.TempDir(), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		bw.t.Fatal(err)
	}
	bw.t.Cleanup(func() { cache.Close() })
	all := append([]bot.Option{bot.WithClock(bw.clock.Now), bot.WithLogin("herald[bot]"), bot.WithAppSlug("herald")}, opts...)
	b, err := bot.New(clients, gitMirrors(cache), all...)
	if err != nil {
		bw.t.Fatal(err)
	}
	return b
}

// resync runs one resync with b and returns its cost per open pull request.
func (bw *budgetWorld) resync(b *bot.Bot) (costly, free float64) {
	bw.t.Helper()
	before := bw.fake.Cost()
	if err := b.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName, InstallationID: instID}}); err != nil {
		bw.t.Fatal(err)
	}
	after := bw.fake.Cost()
	return float64(after.Costly-before.Costly) / float64(bw.n), float64(after.Free-before.Free) / float64(bw.n)
}

// reads returns how often each pull request's reviews were read: a full read.
func (bw *budgetWorld) reads(since int) map[int]int {
	out := map[int]int{}
	for _, r := range bw.fake.Requests()[since:] {
		var n int
		if _, err := fmt.Sscanf(r.Path, "/repos/"+fullName+"/pulls/%d/reviews", &n); err == nil && strings.HasSuffix(r.Path, "/reviews") {
			out[n]++
		}
	}
	return out
}

// nextSecond waits for the next whole second: GitHub's updated_at (and the
// fake's) has whole seconds, and a change must be seen as one.
func nextSecond() { time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) }

// TestResyncCostOverUnchangedPRs counts the calls that spend rate limit in
// a resync over pull requests that did not change: at most 0.2 per pull
// request once herald has read them (DESIGN.md), against what a resync
// cost when every one was read in full (a herald just started: nothing
// remembered, no answer kept). The figures are logged: go test ./bot -run
// TestResyncCostOverUnchangedPRs -v.
func TestResyncCostOverUnchangedPRs(t *testing.T) {
	const n = 10
	bw := newBudgetWorld(t, n)
	first, _ := bw.resync(bw.b) // checks every pull request
	second, _ := bw.resync(bw.b)
	steady, steadyFree := bw.resync(bw.b)
	if steady > 0.2 {
		t.Errorf("a resync over %d unchanged pull requests cost %.2f calls each, want at most 0.2", n, steady)
	}

	// The old cost: read everything again, every time.
	bw.newApp()
	full, _ := bw.resync(bw.freshBot())
	if full < 3 {
		t.Errorf("a resync by a fresh herald cost %.2f calls per pull request; the baseline measures nothing", full)
	}
	// A new token (every hour for an App) makes every kept answer cost
	// once more; what was read and remembered is still used.
	bw.newApp()
	rotated, _ := bw.resync(bw.b)
	if rotated > 1.5 {
		t.Errorf("the resync after a new token cost %.2f calls per pull request, want about one (the comments)", rotated)
	}
	t.Logf("costly calls per pull request and resync, %d open pull requests: first %.2f, second %.2f, unchanged %.2f (plus %.2f free 304s); "+
		"every pull request read in full (before) %.2f; after a new token %.2f; averaged over an hour of 5-minute resyncs with one new token: %.2f",
		n, first, second, steady, steadyFree, full, rotated, (11*steady+rotated)/12)
}

// TestResyncReadsWhatMoved: a pull request the resync remembers is read in
// full again when it moves (a force-push, a review, a label, a comment
// command), all of them when the default branch (its .herald.yml) changes,
// and a due one always, so the publish happens at its time.
func TestResyncReadsWhatMoved(t *testing.T) {
	bw := newBudgetWorld(t, 5)
	bw.fake.SetPermission(fullName, "maintainer", "write")
	bw.resync(bw.b)
	bw.resync(bw.b)
	since := len(bw.fake.Requests())
	bw.resync(bw.b)
	if got := bw.reads(since); len(got) != 0 {
		t.Fatalf("unchanged pull requests read in full: %v", got)
	}

	nextSecond()
	_, post := cleanPost(t)
	pushed := bw.git.CreatePullRef(1, bw.git.Ref("refs/heads/main"), map[string]string{
		strings.Replace(postPath, "fosdem-recap", "fosdem-recap-1", 1): strings.Replace(post[postPath], "title: ", "slug: recap-1\ntitle: Pushed ", 1)})
	bw.fake.SetHead(fullName, 1, pushed, bw.fake.PR(fullName, 1).Files)
	bw.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: bw.fake.PR(fullName, 2).HeadSHA})
	bw.fake.AddLabel(fullName, 3, "needs-images")
	bw.fake.AddComment(fullName, fakegithub.Comment{Issue: 4, User: "maintainer", Body: "/herald hold"})
	since = len(bw.fake.Requests())
	bw.resync(bw.b)
	if got, want := bw.reads(since), map[int]int{1: 1, 2: 1, 3: 1, 4: 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pull requests read in full after a push (1), a review (2), a label (3), a command (4): %v, want %v", got, want)
	}
	if runs := bw.fake.CheckRuns(fullName, pushed); len(runs) == 0 {
		t.Error("the force-pushed head was not checked")
	}
	if labels := bw.fake.PR(fullName, 4).Labels; !strings.Contains(strings.Join(labels, ","), "herald/hold") {
		t.Errorf("/herald hold not handled: labels %q", labels)
	}

	// Settle, then change the configuration on the default branch.
	bw.resync(bw.b)
	bw.resync(bw.b)
	bw.git.Commit("refs/heads/main", map[string]string{".herald.yml": "version: 1\ntimezone: Europe/Berlin\napprovals: 0\n"})
	since = len(bw.fake.Requests())
	bw.resync(bw.b)
	if got := bw.reads(since); len(got) != 5 {
		t.Errorf("after a .herald.yml change on the default branch, pull requests read in full: %v, want all 5", got)
	}

	// At the due time (no approval needed now) each one is read and merged
	// (all but the one on hold).
	bw.resync(bw.b)
	bw.clock.Set(time.Date(2026, 2, 3, 9, 0, 1, 0, time.UTC))
	bw.resync(bw.b)
	if m := bw.fake.Merges(); len(m) != 4 {
		t.Errorf("merges at the due time = %+v, want the four not on hold", m)
	}
}

// TestResyncWaitsForTheRateLimit: when what is left of the installation's
// rate limit would not cover the next resync and a reserve for webhooks,
// the resync waits for the reset instead of running into the limit; it
// says so once, counts it, and goes on after the reset.
func TestResyncWaitsForTheRateLimit(t *testing.T) {
	logs := &syncWriter{w: &bytes.Buffer{}}
	reg := prometheus.NewRegistry()
	m, err := bot.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	bw := newBudgetWorld(t, 3, bot.WithLogger(slog.New(slog.NewTextHandler(logs, nil))), bot.WithMetrics(m))
	bw.fake.SetRateLimit(60, 5*time.Second)
	deferred := 0
	for range 8 {
		before := len(bw.fake.Requests())
		if err := bw.b.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName, InstallationID: instID}}); err != nil {
			t.Fatal(err)
		}
		if len(bw.fake.Requests()) == before {
			deferred++
		}
	}
	for _, r := range bw.fake.Requests() {
		if r.Status == http.StatusForbidden || r.Status == http.StatusTooManyRequests {
			t.Fatalf("herald ran into the rate limit: %+v", r)
		}
	}
	if deferred == 0 {
		t.Fatalf("no resync waited; logs:\n%s", logs.w.String())
	}
	for _, want := range []string{"level=WARN", "remaining=", "limit=60", "reset=", "webhooks are still answered"} {
		if !strings.Contains(logs.w.String(), want) {
			t.Errorf("the wait's log line lacks %q:\n%s", want, logs.w.String())
		}
	}
	if n := strings.Count(logs.w.String(), "GitHub rate limit low"); n != 1 {
		t.Errorf("the wait was logged %d times, want once:\n%s", n, logs.w.String())
	}
	if got := sample(t, reg, "herald_reconciles_total", "trigger=resync", "outcome=deferred"); int(got) != deferred {
		t.Errorf("deferred resyncs counted %v, want %d", got, deferred)
	}

	// After the reset the resync runs again.
	c, err := bw.app.Client(instID, owner, name)
	if err != nil {
		t.Fatal(err)
	}
	rl, _ := c.RateLimit()
	time.Sleep(time.Until(rl.Reset.Add(time.Second)))
	before := len(bw.fake.Requests())
	if err := bw.b.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName, InstallationID: instID}}); err != nil {
		t.Fatal(err)
	}
	if len(bw.fake.Requests()) == before {
		t.Error("the resync still waits after the reset")
	}
}
