package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/webhook"
)

// benchPosts is the size of the benchmark site.
const benchPosts = 10_000

var benchWords = strings.Fields(`the a post release community conference talk speaker schedule
	video slides room track go rust python build deploy site blog docs markdown front matter
	author tag date draft publish review approve merge branch commit push fetch mirror cache
	server client request response error retry timeout latency memory disk network packet
	year month week day morning evening summer winter spring autumn brussels berlin paris
	we you they it is was are were be been have has had do does did will would can could
	and or but if then else when while for with without about into over under between`)

var benchSiteFiles = map[string]string{
	"docusaurus.config.js": "module.exports = { title: 'Bench' };\n",
	"blog/authors.yml":     "ada:\n  name: Ada\n",
	"blog/tags.yml":        "events:\n  label: Events\nnews:\n  label: News\n",
	".herald.yml":          "version: 1\ntimezone: Europe/Berlin\n",
}

func benchPostPath(i int) string {
	return fmt.Sprintf("blog/%d/%05d-post/index.md", 2016+i*10/benchPosts, i)
}

// benchPost is a real-sized post (about 3 KB) with a repeated word, so the
// check has a finding with a fix.
func benchPost(i int, date string) string {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Post %d about %s\nauthors: [ada]\ntags: [events]\ndate: %s\n---\n\nAn opening paragraph about the the conference.\n\n<!-- truncate -->\n\n", i, benchWords[r.IntN(len(benchWords))], date)
	for range 5 + r.IntN(3) {
		for range 60 + r.IntN(30) {
			b.WriteString(benchWords[r.IntN(len(benchWords))])
			b.WriteByte(' ')
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

var benchRepo struct {
	once sync.Once
	dir  string
}

// benchCorpus generates the 10,000-post repository once per test binary.
func benchCorpus(b *testing.B) string {
	b.Helper()
	benchRepo.once.Do(func() {
		dir, err := os.MkdirTemp("", "herald-bot-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchRepo.dir = dir
		repo := gittest.InitBareRepo(b, filepath.Join(dir, "blog.git"))
		var s bytes.Buffer
		fmt.Fprintf(&s, "commit refs/heads/main\ncommitter %s 1700000000 +0000\ndata 5\nposts\n", gittest.Author)
		for p, c := range benchSiteFiles {
			fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", p, len(c), c)
		}
		for i := range benchPosts {
			c := benchPost(i, fmt.Sprintf("%d-%02d-%02dT10:00:00Z", 2016+i*10/benchPosts, 1+i%12, 1+i%28))
			fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", benchPostPath(i), len(c), c)
		}
		repo.FastImport(&s)
		repo.Git("gc", "--quiet")
	})
	return filepath.Join(benchRepo.dir, "blog.git")
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(replicaEnv); cfg != "" {
		os.Exit(runReplica(cfg))
	}
	code := m.Run()
	if benchRepo.dir != "" {
		os.RemoveAll(benchRepo.dir)
	}
	removeScaleCorpus()
	os.Exit(code)
}

func p50(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func p90(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)*9/10]
}

// BenchmarkPRFeedback measures a reconcile from a pull_request delivery to
// the check run and the summary comment, for a one-post pull request in a
// repository of 10,000 posts with a warm mirror (each iteration pushes a new
// head, fetched incrementally). The baseline is checking the one post alone
// on a site holding only it.
//
// The fetch of the new commit is timed apart (fetch-p50-ms), and so is the
// rest of each reconcile (beyond-fetch-p50-ms, the reconcile's time less its
// fetches): the target is that a new commit costs what it changed, so what
// follows the fetch stays near the baseline however large the repository.
// Of that rest, the GitHub API calls to the in-process fake are timed too
// (api-p50-ms, calls-per-op), and what is left is herald's own work on the
// commit: loading the site at the head, checking, rendering
// (load-check-p50-ms, against baseline-p50-ms).
func BenchmarkPRFeedback(b *testing.B) {
	b.Run("index-cache", func(b *testing.B) { benchFeedback(b) })
	b.Run("no-index-cache", func(b *testing.B) { benchFeedback(b, bot.WithIndexCache(0)) })
}

// fetchTimer is a mirror that adds up the time its Fetch calls take.
type fetchTimer struct {
	bot.Mirror
	mu      sync.Mutex
	fetched time.Duration
}

// apiTimer is an HTTP transport that counts its round trips and adds up
// their time.
type apiTimer struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls int
	took  time.Duration
}

func (t *apiTimer) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	t.mu.Lock()
	t.calls++
	t.took += time.Since(start)
	t.mu.Unlock()
	return resp, err
}

// take returns the calls and their time since the last call.
func (t *apiTimer) take() (int, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, d := t.calls, t.took
	t.calls, t.took = 0, 0
	return n, d
}

func (m *fetchTimer) Fetch(ctx context.Context, refs ...string) error {
	start := time.Now()
	err := m.Mirror.Fetch(ctx, refs...)
	m.mu.Lock()
	m.fetched += time.Since(start)
	m.mu.Unlock()
	return err
}

// take returns the fetch time added up since the last call.
func (m *fetchTimer) take() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.fetched
	m.fetched = 0
	return d
}

func benchFeedback(b *testing.B, opts ...bot.Option) {
	dir := benchCorpus(b)
	var mu sync.Mutex
	var mirrors []*fetchTimer
	wrap := func(m bot.Mirror) bot.Mirror {
		t := &fetchTimer{Mirror: m}
		mu.Lock()
		mirrors = append(mirrors, t)
		mu.Unlock()
		return t
	}
	fetched := func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		var d time.Duration
		for _, m := range mirrors {
			d += m.take()
		}
		return d
	}
	api := &apiTimer{}
	hooks := worldHooks{mirror: wrap, transport: func(rt http.RoundTripper) http.RoundTripper { api.next = rt; return api }}
	w := newWorldHooked(b, func(srv *gittest.Server) *gittest.Repo { return srv.Mount(name, gittest.OpenRepo(b, dir)) }, hooks,
		append([]bot.Option{bot.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)...)
	w.fake.SetPermission(fullName, "maintainer", "write")
	baseSHA := w.git.Ref("refs/heads/main")
	date := "2026-02-03T10:00:00+01:00"
	head := w.openPR(1, map[string]string{newPath: benchPost(benchPosts, date)})
	ctx := context.Background()
	req := webhook.Request{Repo: fullName, PR: 1, InstallationID: instID, Event: "pull_request", Action: "synchronize"}
	cold := time.Now()
	if err := w.bot.Reconcile(ctx, req); err != nil { // clone: the mirror is warm from here on
		b.Fatal(err)
	}
	coldTook := time.Since(cold)
	if runs := w.fake.CheckRuns(fullName, head); len(runs) != 1 {
		b.Fatalf("check runs on %s after the first reconcile = %d", head, len(runs))
	}

	// Baseline: the one post checked alone.
	base := baselineOnePost(b, benchPost(benchPosts, date))

	var took, fetch, beyond, apiTook, rest []time.Duration
	calls := 0
	fetched()
	api.take()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		text := benchPost(benchPosts+i+1, date)
		head = w.git.Apply(gittest.Change{Ref: "refs/pull/1/head", From: baseSHA, Files: map[string]string{newPath: text}, Message: "push"})
		w.fake.SetHead(fullName, 1, head, []fakegithub.File{{Path: newPath, Status: "added", Patch: w.patch(baseSHA, head, newPath)}})
		b.StartTimer()
		start := time.Now()
		if err := w.bot.Reconcile(ctx, req); err != nil {
			b.Fatal(err)
		}
		d, f := time.Since(start), fetched()
		n, a := api.take()
		calls += n
		took, fetch, beyond = append(took, d), append(fetch, f), append(beyond, d-f)
		apiTook, rest = append(apiTook, a), append(rest, d-f-a)
		b.StopTimer()
		if runs := w.fake.CheckRuns(fullName, head); len(runs) != 1 {
			b.Fatalf("check runs on %s = %d", head, len(runs))
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(coldTook.Milliseconds()), "first-incl-clone-ms")
	b.ReportMetric(float64(p50(took).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p90(took).Microseconds())/1000, "p90-ms")
	b.ReportMetric(float64(p50(fetch).Microseconds())/1000, "fetch-p50-ms")
	b.ReportMetric(float64(p50(beyond).Microseconds())/1000, "beyond-fetch-p50-ms")
	b.ReportMetric(float64(p50(apiTook).Microseconds())/1000, "api-p50-ms")
	b.ReportMetric(float64(calls)/float64(b.N), "calls-per-op")
	b.ReportMetric(float64(p50(rest).Microseconds())/1000, "load-check-p50-ms")
	b.ReportMetric(float64(p50(base).Microseconds())/1000, "baseline-p50-ms")
	b.ReportMetric(float64(p50(took))/float64(p50(base)), "x-baseline")
}

// BenchmarkDefaultBranchPush measures a reconcile after a push that
// changes one post on the default branch of a 10,000-post repository in
// local mode with the draft strategy, where the plan reads the branch's
// posts (their dates and drafts) and checks those it would publish, with a
// warm mirror and check index. The fetch is timed
// apart (fetch-p50-ms); beyond-fetch-p50-ms is the rest, against the
// baseline of checking the one post alone on a site holding only it.
func BenchmarkDefaultBranchPush(b *testing.B) {
	dir := benchCorpus(b)
	srv := gittest.NewServer(b)
	repo := srv.Mount("drafts", gittest.OpenRepo(b, dir))
	const branch = "bench-drafts"
	repo.Apply(gittest.Change{Ref: "refs/heads/" + branch, From: "refs/heads/main",
		Files: map[string]string{".herald.yml": "version: 1\ntimezone: Europe/Berlin\npublish:\n  strategy: draft\n"}})
	clients := bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) {
		return plainGit{forge.Repo{Owner: "local", Name: "drafts", DefaultBranch: branch, CloneURL: repo.URL}}, nil
	})
	cache, err := gitrepo.NewCache(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer cache.Close()
	timer := &fetchTimer{}
	mirrors := bot.MirrorsFunc(func(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
		m, err := gitMirrors(cache).Open(ctx, remote, creds)
		timer.Mirror = m
		return timer, err
	})
	now := time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)
	bt, err := bot.New(clients, mirrors, bot.WithClock(func() time.Time { return now }),
		bot.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	targets := []bot.Target{{Repo: "local/drafts"}}
	cold := time.Now()
	if err := bt.ReconcileAll(ctx, targets); err != nil { // clone: the mirror is warm from here on
		b.Fatal(err)
	}
	coldTook := time.Since(cold)
	base := baselineOnePost(b, benchPost(benchPosts, "2026-02-03T10:00:00+01:00"))
	// Each push turns one of five posts into a draft due ahead, which the
	// plan checks; the first push builds the check index of the branch, as
	// a bot serving the repository has.
	push := func(i int) {
		p := benchPostPath(i % 5 * 1999)
		repo.Commit("refs/heads/"+branch, map[string]string{p: strings.Replace(benchPost(benchPosts+i+1, "2026-03-01T10:00:00+01:00"), "tags: [events]\n", "tags: [events]\ndraft: true\n", 1)})
	}
	push(0)
	if err := bt.ReconcileAll(ctx, targets); err != nil {
		b.Fatal(err)
	}

	var took, fetch, beyond []time.Duration
	timer.take()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		push(i + 1)
		b.StartTimer()
		start := time.Now()
		if err := bt.ReconcileAll(ctx, targets); err != nil {
			b.Fatal(err)
		}
		d, f := time.Since(start), timer.take()
		took, fetch, beyond = append(took, d), append(fetch, f), append(beyond, d-f)
	}
	b.StopTimer()
	b.ReportMetric(float64(coldTook.Milliseconds()), "first-incl-clone-ms")
	b.ReportMetric(float64(p50(took).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p90(took).Microseconds())/1000, "p90-ms")
	b.ReportMetric(float64(p50(fetch).Microseconds())/1000, "fetch-p50-ms")
	b.ReportMetric(float64(p50(beyond).Microseconds())/1000, "beyond-fetch-p50-ms")
	b.ReportMetric(float64(p90(beyond).Microseconds())/1000, "beyond-fetch-p90-ms")
	b.ReportMetric(float64(p50(base).Microseconds())/1000, "baseline-p50-ms")
	b.ReportMetric(float64(p50(beyond))/float64(p50(base)), "x-baseline")
}

// newPath is where the benchmarks' pull request adds its post.
const newPath = "blog/2026/02-new-post/index.md"

// baselineOnePost times loading a site holding only the post text at
// newPath and checking it, 30 times.
func baselineOnePost(b *testing.B, text string) []time.Duration {
	b.Helper()
	single := fstest.MapFS{}
	for p, c := range benchSiteFiles {
		single[p] = &fstest.MapFile{Data: []byte(c)}
	}
	single[newPath] = &fstest.MapFile{Data: []byte(text)}
	ctx := context.Background()
	var base []time.Duration
	for range 30 {
		start := time.Now()
		site, err := content.LoadSite(ctx, single)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := check.New(site.Config).CheckPaths(ctx, site, []string{newPath}); err != nil {
			b.Fatal(err)
		}
		base = append(base, time.Since(start))
	}
	return base
}
