package bot_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// The scale of BenchmarkScale: repositories, and scheduled drafts in each.
const (
	scaleRepos   = 1000
	scalePerRepo = 10
	// scaleSamples posts fall due while the benchmark runs, scaleRate a
	// second.
	scaleSamples = 30
	scaleRate    = 5
)

var scaleSite = map[string]string{
	"docusaurus.config.js": "module.exports = { title: 'Site' };\n",
	"blog/authors.yml":     "ada:\n  name: Ada\n",
	"blog/tags.yml":        "news:\n  label: News\n",
	".herald.yml":          "version: 1\ntimezone: UTC\npublish:\n  strategy: draft\n",
}

// scaleDraft is a small scheduled draft.
func scaleDraft(title string, at time.Time) string {
	return fmt.Sprintf("---\ntitle: %s\nauthors: [ada]\ntags: [news]\ndate: %s\ndraft: true\n---\n\nWhat is coming.\n\n<!-- truncate -->\n\nThe rest of it.\n",
		title, at.UTC().Format(time.RFC3339))
}

func scaleRepoName(r int) string { return fmt.Sprintf("site-%04d", r) }

var scaleCorpusDir struct {
	once sync.Once
	dir  string
}

// scaleCorpus generates, once per test binary, 1,000 bare repositories
// with ten drafts each scheduled years ahead. One git fast-import writes
// every commit into a shared object store; each repository is a bare
// repository of its own (HEAD, refs, config) that borrows those objects
// through objects/info/alternates, which git's upload-pack and receive-pack
// honour. It returns the directory holding site-NNNN.git.
func scaleCorpus(b *testing.B) string {
	b.Helper()
	scaleCorpusDir.once.Do(func() {
		dir, err := os.MkdirTemp("", "herald-bot-scale-")
		if err != nil {
			b.Fatal(err)
		}
		scaleCorpusDir.dir = dir
		shared := gittest.InitBareRepo(b, filepath.Join(dir, "objects.git"))
		var s bytes.Buffer
		first := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		for r := range scaleRepos {
			fmt.Fprintf(&s, "commit refs/heads/%s\ncommitter %s 1700000000 +0000\ndata 5\nposts\n", scaleRepoName(r), gittest.Author)
			for p, c := range scaleSite {
				fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", p, len(c), c)
			}
			for p := range scalePerRepo {
				c := scaleDraft(fmt.Sprintf("Post %d of site %d", p, r), first.Add(time.Duration(r*scalePerRepo+p)*time.Hour))
				fmt.Fprintf(&s, "M 100644 inline blog/post-%02d/index.md\ndata %d\n%s\n", p, len(c), c)
			}
		}
		shared.FastImport(&s)
		objects := filepath.Join(shared.Dir, "objects")
		for _, line := range strings.Split(shared.Git("for-each-ref", "--format=%(objectname) %(refname:short)", "refs/heads/"), "\n") {
			hash, repo, _ := strings.Cut(line, " ")
			rd := filepath.Join(dir, repo+".git")
			for _, d := range []string{"objects/info", "objects/pack", "refs/heads", "refs/tags"} {
				if err := os.MkdirAll(filepath.Join(rd, d), 0o755); err != nil {
					b.Fatal(err)
				}
			}
			for name, content := range map[string]string{
				"HEAD":                    "ref: refs/heads/main\n",
				"config":                  "[core]\n\trepositoryformatversion = 0\n\tbare = true\n",
				"objects/info/alternates": objects + "\n",
				"refs/heads/main":         hash + "\n",
			} {
				if err := os.WriteFile(filepath.Join(rd, name), []byte(content), 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	return scaleCorpusDir.dir
}

func removeScaleCorpus() {
	if scaleCorpusDir.dir != "" {
		os.RemoveAll(scaleCorpusDir.dir)
	}
}

// pushTimes records when each repository's publish commit was pushed.
type pushTimes struct {
	bot.Mirrors
	mu     sync.Mutex
	pushed map[string]time.Time // by remote
}

func (p *pushTimes) Open(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
	m, err := p.Mirrors.Open(ctx, remote, creds)
	if err != nil {
		return nil, err
	}
	return &timedMirror{Mirror: m, remote: remote, p: p}, nil
}

type timedMirror struct {
	bot.Mirror
	remote string
	p      *pushTimes
}

func (m *timedMirror) Branch(ref string) publish.Branch {
	return timedBranch{Branch: m.Mirror.Branch(ref), m: m}
}

// timedBranch records its first successful push.
type timedBranch struct {
	publish.Branch
	m *timedMirror
}

func (b timedBranch) Push(ctx context.Context, commit, expectedOld string) error {
	err := b.Branch.Push(ctx, commit, expectedOld)
	if err == nil {
		b.m.p.mu.Lock()
		if _, ok := b.m.p.pushed[b.m.remote]; !ok {
			b.m.p.pushed[b.m.remote] = time.Now()
		}
		b.m.p.mu.Unlock()
	}
	return err
}

// memory is the process's memory as the kernel and the Go runtime see it,
// after a collection.
type memory struct {
	rss, hwm          float64 // MiB: VmRSS, VmHWM (peak)
	heapInuse, sysMiB float64
}

func readMemory(b *testing.B) memory {
	b.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{heapInuse: float64(ms.HeapInuse) / (1 << 20), sysMiB: float64(ms.Sys) / (1 << 20)}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			m.rss = kb / 1024
		case "VmHWM":
			m.hwm = kb / 1024
		}
	}
	return m
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}

// BenchmarkScale serves 1,000 repositories with ten scheduled drafts each
// (10,000 entries on a real scheduler), reached as file:// bare
// repositories. Memory depends on the collector's settings, so it runs with
// Go's default GOGC (100), with the GOGC herald serve sets (400), and with
// 400 and a soft memory limit of 128 MiB (GOMEMLIMIT). Each reports:
//
//   - cold-rebuild-s: the first reconcile of every repository (clone, read
//     the site and its drafts, plan, hand the entries to the scheduler);
//   - ns/op: rebuilding the whole schedule again (fetch, nothing new);
//   - rss-MB, heap-inuse-MB and sys-MB after a collection, and peak-rss-MB,
//     against the process before the bot was built (the x-baseline
//     ratios; the memory of an earlier run is returned to the system first);
//   - fired-p50/p99-ms and published-p50/p99-ms: for 30 drafts pushed to
//     30 of the repositories and falling due during the run, five a
//     second, how long after the due time the scheduler fired and the
//     publish commit was pushed.
//
// Run it with: go test ./bot -run '^$' -bench BenchmarkScale -benchtime 1x
// (about 90 s; pick one with -bench 'BenchmarkScale/gogc=100$').
func BenchmarkScale(b *testing.B) {
	for _, c := range []struct {
		name     string
		gogc     int
		memLimit int64
	}{
		{"gogc=100", 100, math.MaxInt64},
		{"gogc=400", 400, math.MaxInt64},
		{"gogc=400,memlimit=128MiB", 400, 128 << 20},
	} {
		b.Run(c.name, func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(c.gogc))
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(c.memLimit))
			benchScale(b, strings.NewReplacer("=", "-", ",", "-").Replace(c.name))
		})
	}
}

// benchScale is one run of BenchmarkScale; tag names its sample posts.
func benchScale(b *testing.B, tag string) {
	dir := scaleCorpus(b)
	ctx := context.Background()
	debug.FreeOSMemory()
	// Reset the peak (VmHWM) so that it is this run's.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("the peak RSS is the process's, not this run's: %v", err)
	}
	baseline := readMemory(b)

	targets := make([]bot.Target, scaleRepos)
	byName := make(map[string]forge.Repo, scaleRepos)
	for r := range scaleRepos {
		name := scaleRepoName(r)
		targets[r] = bot.Target{Repo: "org/" + name}
		byName["org/"+name] = forge.Repo{Owner: "org", Name: name, DefaultBranch: "main", CloneURL: "file://" + filepath.Join(dir, name+".git")}
	}
	clients := bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) { return plainGit{byName[t.Repo]}, nil })
	cache, err := gitrepo.NewCache(b.TempDir(), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	defer cache.Close()
	mirrors := &pushTimes{Mirrors: gitMirrors(cache), pushed: map[string]time.Time{}}

	var lateMu sync.Mutex
	fired := map[string]time.Duration{}
	var bt *bot.Bot
	sched, err := publish.NewScheduler(func(ctx context.Context, f publish.Firing) {
		lateMu.Lock()
		if _, ok := fired[f.Repo]; !ok {
			fired[f.Repo] = f.Late
		}
		lateMu.Unlock()
		bt.OnFire(ctx, f)
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	bt, err = bot.New(clients, mirrors, bot.WithScheduler(sched))
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sched.Run(runCtx) }()
	defer func() {
		stop()
		<-done
	}()

	start := time.Now()
	if err := bt.ReconcileAll(ctx, targets); err != nil {
		b.Fatal(err)
	}
	cold := time.Since(start)
	if n := len(sched.Entries()); n != scaleRepos*scalePerRepo {
		b.Fatalf("%d scheduler entries, want %d", n, scaleRepos*scalePerRepo)
	}
	for b.Loop() {
		if err := bt.ReconcileAll(ctx, targets); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	served := readMemory(b)
	es, err := bt.Schedule(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n := len(slices.DeleteFunc(es, func(e feed.Entry) bool { return e.Status != publish.ItemScheduled })); n != scaleRepos*scalePerRepo {
		b.Fatalf("schedule: %d scheduled entries, want %d", n, scaleRepos*scalePerRepo)
	}

	// Drafts falling due during the run: pushed to 30 repositories (as a
	// push to the default branch would, followed by its webhook).
	setup := time.Now()
	firstDue := setup.Add(4 * time.Second).Truncate(time.Second)
	due := map[string]time.Time{}
	for i := range scaleSamples {
		r := i * (scaleRepos / scaleSamples)
		at := firstDue.Add(time.Duration(i/scaleRate) * time.Second)
		repo := gittest.OpenRepo(b, filepath.Join(dir, scaleRepoName(r)+".git"))
		repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: map[string]string{"blog/soon-" + tag + "/index.md": scaleDraft(fmt.Sprintf("Soon %d", i), at)}})
		if err := bt.Reconcile(ctx, webhook.Request{Repo: targets[r].Repo, Event: "push"}); err != nil {
			b.Fatal(err)
		}
		due[byName[targets[r].Repo].CloneURL] = at
	}
	if time.Now().After(firstDue) {
		b.Fatalf("setting up the samples took %s, past the first due time", time.Since(setup))
	}
	deadline := firstDue.Add(scaleSamples/scaleRate*time.Second + 30*time.Second)
	for time.Now().Before(deadline) {
		mirrors.mu.Lock()
		n := len(mirrors.pushed)
		mirrors.mu.Unlock()
		if n == scaleSamples {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var published, late []time.Duration
	mirrors.mu.Lock()
	for remote, at := range due {
		p, ok := mirrors.pushed[remote]
		if !ok {
			b.Errorf("%s: due %s, never published", remote, at.Format(time.RFC3339))
			continue
		}
		if p.Before(at) {
			b.Errorf("%s: published %s before its time", remote, at.Sub(p))
		}
		published = append(published, p.Sub(at))
	}
	mirrors.mu.Unlock()
	lateMu.Lock()
	for _, l := range fired {
		late = append(late, l)
	}
	lateMu.Unlock()
	if len(published) == 0 || len(late) == 0 {
		b.Fatal("nothing published")
	}
	peak := readMemory(b).hwm

	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(cold.Seconds(), "cold-rebuild-s")
	b.ReportMetric(served.rss, "rss-MB")
	b.ReportMetric(baseline.rss, "baseline-rss-MB")
	b.ReportMetric(served.rss/baseline.rss, "rss-x-baseline")
	b.ReportMetric(peak, "peak-rss-MB")
	b.ReportMetric(served.heapInuse, "heap-inuse-MB")
	b.ReportMetric(served.heapInuse/baseline.heapInuse, "heap-x-baseline")
	b.ReportMetric(served.sysMiB, "sys-MB")
	b.ReportMetric(ms(percentile(late, 0.5)), "fired-p50-ms")
	b.ReportMetric(ms(percentile(late, 0.99)), "fired-p99-ms")
	b.ReportMetric(ms(percentile(published, 0.5)), "published-p50-ms")
	b.ReportMetric(ms(percentile(published, 0.99)), "published-p99-ms")
	b.Logf("baseline before the bot: rss %.1f MB, heap in use %.1f MB; serving %d repositories, %d entries: rss %.1f MB, heap in use %.1f MB, sys %.1f MB, peak rss %.1f MB",
		baseline.rss, baseline.heapInuse, scaleRepos, scaleRepos*scalePerRepo, served.rss, served.heapInuse, served.sysMiB, peak)
}
