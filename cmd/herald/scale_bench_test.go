package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// scalePosts is the number of posts of the generated sites below.
const scalePosts = 10_000

var scaleWords = strings.Fields(`the a post release community conference talk speaker schedule
	video slides room track go rust python build deploy site blog docs markdown front matter
	author tag date draft publish review approve merge branch commit push fetch mirror cache
	server client request response error retry timeout latency memory disk network packet
	year month week day morning evening summer winter spring autumn brussels berlin paris
	we you they it is was are were be been have has had do does did will would can could
	and or but if then else when while for with without about into over under between`)

// scaleSite is the generated site: configuration, registries and
// scalePosts real-sized posts (about 3 KB, one repeated word each).
func scaleSite() map[string]string {
	files := map[string]string{
		"docusaurus.config.js": "module.exports = { title: 'Bench' };\n",
		"blog/authors.yml":     "ada:\n  name: Ada\n",
		"blog/tags.yml":        "events:\n  label: Events\nnews:\n  label: News\n",
		".herald.yml":          "version: 1\ntimezone: Europe/Berlin\n",
	}
	for i := range scalePosts {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		var b strings.Builder
		year := 2016 + i*10/scalePosts
		fmt.Fprintf(&b, "---\ntitle: Post %d about %s\nauthors: [ada]\ntags: [events]\ndate: %d-%02d-%02dT10:00:00Z\n---\n\nAn opening paragraph about the the conference.\n\n<!-- truncate -->\n\n",
			i, scaleWords[r.IntN(len(scaleWords))], year, 1+i%12, 1+i%28)
		for range 5 + r.IntN(3) {
			for range 60 + r.IntN(30) {
				b.WriteString(scaleWords[r.IntN(len(scaleWords))])
				b.WriteByte(' ')
			}
			b.WriteString("\n\n")
		}
		files[fmt.Sprintf("blog/%d/%05d-post/index.md", year, i)] = b.String()
	}
	return files
}

var scaleData struct {
	once      sync.Once
	root      string // holds both
	dir, repo string // the site as a folder, and as a bare repository
}

// scaleCorpus writes the generated site once per test binary, as a folder
// and as a bare repository (one commit, packed).
func scaleCorpus(b *testing.B) (dir, repo string) {
	b.Helper()
	scaleData.once.Do(func() {
		root, err := os.MkdirTemp("", "herald-scale-")
		if err != nil {
			b.Fatal(err)
		}
		scaleData.root = root
		files := scaleSite()
		site := filepath.Join(root, "site")
		for p, c := range files {
			if err := os.MkdirAll(filepath.Join(site, filepath.Dir(p)), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(site, p), []byte(c), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		r := gittest.InitBareRepo(b, filepath.Join(root, "site.git"))
		var s bytes.Buffer
		fmt.Fprintf(&s, "commit refs/heads/main\ncommitter %s 1700000000 +0000\ndata 5\nposts\n", gittest.Author)
		for p, c := range files {
			fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", p, len(c), c)
		}
		r.FastImport(&s)
		r.Git("gc", "--quiet")
		scaleData.root, scaleData.dir, scaleData.repo = root, site, r.Dir
	})
	if scaleData.dir == "" {
		b.Fatal("the corpus could not be written")
	}
	return scaleData.dir, scaleData.repo
}

// removeScaleCorpus removes what scaleCorpus wrote.
func removeScaleCorpus() {
	if scaleData.root != "" {
		os.RemoveAll(scaleData.root)
	}
}

// benchBinaries are the binaries a scale benchmark runs: herald as built
// for this test, and the one HERALD_BENCH_BASELINE names (an earlier
// build, to compare before and after in one run) when set.
func benchBinaries() map[string]string {
	bins := map[string]string{"herald": heraldBin}
	if base := os.Getenv("HERALD_BENCH_BASELINE"); base != "" {
		bins["baseline"] = base
	}
	return bins
}

// procUsage is what a finished process used.
type procUsage struct {
	peakMB float64
	cpu    time.Duration
}

func usageOf(ps *os.ProcessState) procUsage {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return procUsage{}
	}
	return procUsage{
		peakMB: float64(ru.Maxrss) / 1024, // kilobytes on Linux
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
	}
}

// runMeasured runs herald with args (exit 0 or 1) and returns its CPU time
// and peak RSS. The peak is read through /usr/bin/time when it is
// installed: a child's own rusage cannot tell it, since Linux starts a
// process that the Go runtime forks and execs with the parent's peak (the
// benchmark's own 100+ MB), while time forks herald from its own small
// memory. Without it, the peak reported is an upper bound.
func runMeasured(b *testing.B, bin string, args ...string) (procUsage, error) {
	b.Helper()
	timeOut := filepath.Join(b.TempDir(), "rss")
	name, argv := bin, args
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		name, argv = "/usr/bin/time", append([]string{"-f", "%M", "-o", timeOut, bin}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Env = cleanEnv()
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); err != nil && code != exitFindings {
		return procUsage{}, fmt.Errorf("herald %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	u := usageOf(cmd.ProcessState)
	if kb, err := os.ReadFile(timeOut); err == nil {
		// The last line is the figure; time writes a line before it when
		// herald exits 1 (findings).
		lines := strings.Split(strings.TrimSpace(string(kb)), "\n")
		var n float64
		if _, err := fmt.Sscan(lines[len(lines)-1], &n); err != nil {
			return procUsage{}, fmt.Errorf("read the peak RSS /usr/bin/time wrote: %q: %v", kb, err)
		}
		u.peakMB = n / 1024
	}
	return u, nil
}

// BenchmarkCheck10000 runs `herald check` on a folder of 10,000 generated
// posts and reports its peak RSS and posts per CPU second (target: <= 200
// MB, flat in the number of posts).
//
//	go test -run '^$' -bench Check10000 -benchtime 3x ./cmd/herald
//	HERALD_BENCH_BASELINE=/tmp/herald-before go test -run '^$' -bench Check10000 -benchtime 3x ./cmd/herald
func BenchmarkCheck10000(b *testing.B) {
	dir, _ := scaleCorpus(b)
	for name, bin := range benchBinaries() {
		b.Run(name, func(b *testing.B) {
			var peak float64
			var cpu time.Duration
			for b.Loop() {
				u, err := runMeasured(b, bin, "check", "--format", "json", dir)
				if err != nil {
					b.Fatal(err)
				}
				peak, cpu = max(peak, u.peakMB), cpu+u.cpu
			}
			b.ReportMetric(peak, "peak-MB")
			b.ReportMetric(float64(scalePosts*b.N)/cpu.Seconds(), "posts/cpu-s")
		})
	}
}

// BenchmarkServeRepo10000 serves a generated 10,000-post repository in local
// mode from a real Git server and measures, in each iteration, a bare
// `git clone --bare` of the same repository (the baseline) and herald serve
// --repo until /readyz answers 200: the ratio of the two (target <= 1.3),
// herald's peak RSS until ready (<= 150 MB; its own, not that of the git
// commands it runs) and the log lines it wrote until ready (< 200); and
// the time to ready of a restart on the same data directory.
//
//	go test -run '^$' -bench ServeRepo10000 -benchtime 3x ./cmd/herald
//	HERALD_BENCH_BASELINE=/tmp/herald-before go test -run '^$' -bench ServeRepo10000 -benchtime 3x ./cmd/herald
func BenchmarkServeRepo10000(b *testing.B) {
	_, bare := scaleCorpus(b)
	srv := gittest.NewServer(b)
	repo := srv.Mount("site", gittest.OpenRepo(b, bare))
	for name, bin := range benchBinaries() {
		b.Run(name, func(b *testing.B) {
			var clone, ready, restart time.Duration
			var peak float64
			lines := 0
			for b.Loop() {
				t0 := time.Now()
				gittest.OpenRepo(b, bare).Git("clone", "--bare", "--quiet", repo.URL, filepath.Join(b.TempDir(), "clone.git"))
				clone += time.Since(t0)
				data := b.TempDir()
				d, n, u := serveUntilReady(b, bin, repo.URL, data)
				ready += d
				lines = max(lines, n)
				peak = max(peak, u.peakMB)
				// Started again on the same data directory: the mirror is
				// there, and only what the remote has new is fetched.
				d, _, _ = serveUntilReady(b, bin, repo.URL, data)
				restart += d
			}
			b.ReportMetric(float64(ready)/float64(clone), "ready/clone")
			b.ReportMetric(ready.Seconds()/float64(b.N), "ready-s")
			b.ReportMetric(restart.Seconds()/float64(b.N), "restart-ready-s")
			b.ReportMetric(clone.Seconds()/float64(b.N), "clone-s")
			b.ReportMetric(peak, "peak-MB")
			b.ReportMetric(float64(lines), "log-lines")
		})
	}
}

// serveUntilReady starts herald serve --repo url with the data directory
// data, waits for /readyz, and stops it. It returns the time to ready, the
// log lines written until then and what the process used in all.
func serveUntilReady(b *testing.B, bin, url, data string) (time.Duration, int, procUsage) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off",
		"--data-dir", data, "--repo", url)
	cmd.Env = append(cleanEnv(), "HERALD_WEBHOOK_SECRET=bench-secret")
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	listen := regexp.MustCompile(`"listen":"([^"]+)"`)
	var mu sync.Mutex
	var addr string
	lines := 0
	readLog := make(chan struct{})
	go func() {
		defer close(readLog)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			mu.Lock()
			lines++
			if m := listen.FindStringSubmatch(sc.Text()); m != nil && addr == "" {
				addr = m[1]
			}
			mu.Unlock()
		}
	}()
	var took time.Duration
	var linesAtReady int
	for {
		if ctx.Err() != nil {
			b.Fatal("herald serve was not ready within 5 minutes")
		}
		mu.Lock()
		a := addr
		mu.Unlock()
		if a != "" {
			if resp, err := http.Get("http://" + a + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					took = time.Since(start)
					mu.Lock()
					linesAtReady = lines
					mu.Unlock()
					break
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	hwm, hwmErr := peakRSSOf(cmd.Process.Pid)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	<-readLog
	_ = cmd.Wait()
	u := usageOf(cmd.ProcessState)
	if hwmErr == nil {
		u.peakMB = hwm
	}
	return took, linesAtReady, u
}

// peakRSSOf reads the peak RSS of a running process (VmHWM, Linux only).
// The rusage of a finished process is no use for it: Linux carries the
// peak RSS of the process that forked it across exec, so every process this
// benchmark starts would report at least the test binary's own RSS (the
// generated corpus, about 180 MB).
func peakRSSOf(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", v, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
