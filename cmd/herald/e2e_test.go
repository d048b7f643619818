package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/demo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/webhook"
)

// heraldBin is the binary built once for the end-to-end tests.
var heraldBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "herald-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	heraldBin = filepath.Join(dir, "herald")
	args := []string{"build", "-o", heraldBin}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build herald:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	removeScaleCorpus()
	os.Exit(code)
}

// result is what one run of the binary left.
type result struct {
	stdout, stderr string
	code           int
}

// herald runs the binary to completion with a clean HERALD_* environment.
func herald(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, heraldBin, args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run herald %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// cleanEnv is the test's environment without HERALD_* variables.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HERALD_") {
			out = append(out, kv)
		}
	}
	return out
}

// proc is a herald serve running as a process.
type proc struct {
	t        *testing.T
	cmd      *exec.Cmd
	logs     *syncBuffer
	done     chan struct{}
	code     int
	url      string // the public listener
	adminURL string // the admin listener
	secret   string
}

// startServe starts herald serve on a free loopback port and waits until
// it listens.
func startServeProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, logs: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(heraldBin, append([]string{"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", t.TempDir()}, args...)...)
	p.cmd.Env = append(cleanEnv(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		err := p.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		}
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("herald serve logs:\n%s", p.logs.String())
		}
	})
	listen := regexp.MustCompile(`"msg":"herald serve starting".*?"listen":"([^"]+)","admin_listen":"([^"]+)"`)
	p.waitFor("herald serve to listen", time.Minute, func() bool {
		select {
		case <-p.done:
			t.Fatalf("herald serve exited with %d:\n%s", p.code, p.logs.String())
		default:
		}
		m := listen.FindStringSubmatch(p.logs.String())
		if m == nil {
			return false
		}
		p.url, p.adminURL = "http://"+m[1], "http://"+m[2]
		return true
	})
	return p
}

// stop sends SIGTERM and returns the exit code.
func (p *proc) stop() int {
	select {
	case <-p.done:
		return p.code
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("herald serve did not stop within 30s of SIGTERM")
	}
	return p.code
}

func (p *proc) waitFor(what string, d time.Duration, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// get fetches path from the public listener.
func (p *proc) get(path string) (int, string) {
	p.t.Helper()
	return p.getURL(p.url + path)
}

// getAdmin fetches path from the admin listener.
func (p *proc) getAdmin(path string) (int, string) {
	p.t.Helper()
	return p.getURL(p.adminURL + path)
}

func (p *proc) getURL(url string) (int, string) {
	p.t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// deliver sends a signed webhook delivery and checks it was accepted.
func (p *proc) deliver(event string, body []byte) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.url+"/webhook", bytes.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("%s-%d", event, time.Now().UnixNano()))
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(p.secret), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted {
		p.t.Fatalf("delivery %s answered %d: %s", event, resp.StatusCode, b)
	}
}

// siteFiles returns the example site of herald demo with its drafts dated
// by dates (path -> front-matter date line value) and .herald.yml replaced
// by config when given.
func siteFiles(config string, dates map[string]string) map[string]string {
	files := map[string]string{}
	err := fs.WalkDir(demo.Site(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(demo.Site(), p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		panic(err) // the example site is embedded
	}
	for p, v := range dates {
		files[p] = demo.DateLine.ReplaceAllString(files[p], "date: "+v)
	}
	if config != "" {
		files[".herald.yml"] = config
	}
	return files
}

// withoutErrors returns the example site's files with the error findings
// of its FOSDEM draft fixed: an error blocks publishing, and the tests that
// publish every draft want them all to go out.
func withoutErrors(files map[string]string) map[string]string {
	const p = "blog/fosdem-recap/index.md"
	files[p] = strings.NewReplacer("the the internet", "the internet", "ðŸ˜›", "😛",
		"(our website)[https://example.org/talks/fosdem]", "[our website](https://example.org/talks/fosdem)").Replace(files[p])
	return files
}

// rfc writes t as a front-matter date in the example site's zone.
func rfc(t time.Time) string {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return t.In(berlin).Format(time.RFC3339)
}

func TestBinaryBasics(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"version", []string{"version"}, 0, "herald ", ""},
		{"help", []string{"help"}, 0, "usage: herald <command> [flags]", ""},
		{"no command", nil, 2, "", "usage: herald <command> [flags]"},
		{"unknown command", []string{"frobnicate"}, 2, "", "herald: unknown command \"frobnicate\" (run 'herald help')\n"},
		{"mistyped command", []string{"chek"}, 2, "", "herald: unknown command \"chek\" (did you mean check? run 'herald help')\n"},
		{"mistyped flag", []string{"schedule", "--fromat", "json"}, 2, "", "herald schedule: flag provided but not defined: -fromat (did you mean --format?)\n"},
		{"mistyped check flag", []string{"check", "--fromat", "json"}, 2, "", "herald check: flag provided but not defined: -fromat (did you mean --format?)\n"},
		{"serve with no mode", []string{"serve"}, 2, "", "herald serve: no repository to serve: pass --repo PATH|URL (a plain Git repository), or --github-app-id and --github-app-key (a GitHub App), or --github-token and --repos\n"},
		{"publish without --due", []string{"publish", "--repo", "."}, 2, "", "herald publish: --due is required"},
		{"schedule of a missing repository", []string{"schedule", "--repo", "/nonexistent/site.git"}, 2, "", "herald schedule: --repo /nonexistent/site.git: cannot reach the repository"},
		{"schedule in an unknown format", []string{"schedule", "--format", "xml"}, 2, "", "herald schedule: --format \"xml\": want text, json or ics\n"},
		{"demo with a due time past the timeout", []string{"demo", "--due-in", "5s", "--timeout", "2s"}, 2, "", "herald demo: --due-in 5s: want at least 1s and less than --timeout (2s)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := herald(t, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("herald %v: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					tt.args, r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
			// A mistake is said in one line, not buried in the usage.
			if strings.HasPrefix(tt.name, "mistyped") && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("herald %v: stderr has %d lines, want one:\n%s", tt.args, strings.Count(r.stderr, "\n"), r.stderr)
			}
		})
	}
}

// TestHelp asks each command for its help as a person would: the usage,
// examples and the flags come on stdout (so that | less shows them), with
// nothing on stderr and exit 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"usage: herald <command> [flags]", "examples:\n  herald demo\n", "  herald check\n", "commands:\n  check "}},
		{[]string{"help"}, []string{"usage: herald <command> [flags]", "examples:\n  herald demo\n"}},
		{[]string{"-h"}, []string{"usage: herald <command> [flags]"}},
		{[]string{"help", "check"}, []string{"usage: herald check [PATH]", "  herald check --diff origin/main...HEAD\n"}},
		{[]string{"check", "--help"}, []string{"usage: herald check [PATH]", "examples:\n  herald check\n      every post of the site in the current directory\n", "flags:\n  -color string\n", `(default "text")`}},
		{[]string{"publish", "--help"}, []string{"usage: herald publish --due", "  herald publish --due --dry-run\n      say what would go out, change nothing\n", "flags:\n", "  -due\n"}},
		{[]string{"schedule", "--help"}, []string{"usage: herald schedule [--repo PATH|URL]", "--format ics > blog.ics\n", "  -format FORMAT\n"}},
		{[]string{"demo", "--help"}, []string{"usage: herald demo [--keep]", "  herald demo --keep\n", "(default 20s)"}},
		{[]string{"serve", "--help"}, []string{"usage: herald serve [flags]", "three\nmodes: local (--repo), a GitHub App", "  herald serve --repo /srv/git/blog.git\n", "  -webhook-secret SECRET\n"}},
		{[]string{"help", "serve"}, []string{"usage: herald serve [flags]"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := herald(t, nil, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("herald %v: exit %d, stderr %q; want exit 0 and nothing on stderr", tt.args, r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("herald %v: stdout lacks %q:\n%s", tt.args, w, r.stdout)
				}
			}
		})
	}
}

// TestDemo runs the README's first command as a user would, with the draft
// due two seconds after the start.
func TestDemo(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := herald(t, nil, "demo", "--due-in", "2s", "--timeout", "45s")
	if r.code != 0 {
		t.Fatalf("herald demo exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("herald demo took %s:\n%s", time.Since(start).Round(time.Millisecond), r.stdout)
	for _, want := range []string{
		"Checked 4 posts: 3 errors, 1 warning in 1 post",
		"blog/fosdem-recap/index.md:11:17: error repeated-word:",
		"error mojibake:", "warning misspelling:", "error link-syntax: reversed link syntax",
		"in 3 days", "in 1 month", "Waiting for \"Example Project 1.4 is out\" to go out in ",
		"blocked    blog/fosdem-recap/index.md", "blocked by link-syntax, mojibake, repeated-word: herald found 3 errors in the post",
		"An error blocks publishing",
		"Published ", "publish: Example Project 1.4 is out",
		"  blog/release-1-4/index.md\n  - draft: true\n  + draft: false\n",
		"Done in ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	m := regexp.MustCompile(`throwaway Git repository \(([^,]+)/site.git,`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("output names no repository:\n%s", r.stdout)
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("herald demo left %s behind (stat: %v)", m[1], err)
	}
}

// TestServeLocalMode serves a plain repository on a real Git server over
// HTTP: a draft is published at its time by exactly one commit, a signed
// push delivery makes herald publish a newly pushed draft at once (the
// poll is a minute), and the schedule is served as JSON and iCalendar.
func TestServeLocalMode(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	due := time.Now().Add(4 * time.Second).Truncate(time.Second)
	far := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	// The drafts are free of errors (an error would block the FOSDEM one);
	// the published welcome post keeps one for the log's count by rule.
	files := withoutErrors(siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(due),
		"blog/fosdem-recap/index.md": rfc(far),
		"blog/roadmap-2027/index.md": rfc(far.Add(time.Hour)),
	}))
	files["blog/welcome/index.md"] += "\nSee the the notes.\n"
	repo := srv.NewRepo("site", files)
	seed := repo.Ref("refs/heads/main")
	p := startServeProc(t, []string{"HERALD_WEBHOOK_SECRET=local-secret"}, "--repo", repo.URL, "--poll", "1m")
	p.secret = "local-secret"
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })

	code, body := p.getAdmin("/schedule")
	var doc struct {
		Entries []struct{ Path, Status, Zone string }
	}
	if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil || len(doc.Entries) != 3 ||
		doc.Entries[0].Path != "blog/release-1-4/index.md" || doc.Entries[0].Status != "scheduled" || doc.Entries[0].Zone != "Europe/Berlin" {
		t.Errorf("/schedule: %d %v\n%s", code, err, body)
	}
	if code, ics := p.getAdmin("/schedule.ics"); code != 200 || !strings.Contains(ics, "BEGIN:VCALENDAR") || strings.Count(ics, "BEGIN:VEVENT") != 3 {
		t.Errorf("/schedule.ics: %d\n%s", code, ics)
	}
	// The process's log reaches the buffer through a pipe, so it may lag
	// behind what /readyz already says.
	// Findings are counted by rule on one line; each is a debug line only.
	p.waitFor("the findings of the default branch in the log", time.Minute, func() bool {
		logs := p.logs.String()
		return strings.Contains(logs, `"msg":"checked the default branch"`) && strings.Contains(logs, `"repeated-word":`)
	})
	if strings.Contains(p.logs.String(), `"msg":"finding"`) {
		t.Errorf("a finding was logged at info level or above:\n%s", p.logs.String())
	}

	// At its time: one publish commit.
	p.waitFor("the publish commit", time.Minute, func() bool { return repo.Ref("refs/heads/main") != seed })
	latency := time.Since(due)
	published := repo.Ref("refs/heads/main")
	t.Logf("publish commit seen %s after the due time", latency.Round(time.Millisecond))
	if msg := repo.Git("log", "-1", "--format=%s", published); msg != "publish: Example Project 1.4 is out" {
		t.Errorf("commit message = %q", msg)
	}
	if diff := repo.Git("diff", seed, published); !strings.Contains(diff, "-draft: true\n+draft: false") || strings.Count(diff, "\n+") != 2 {
		t.Errorf("the publish commit is not the one-line change:\n%s", diff)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("commits on main = %d, want 2", n)
	}

	// A draft already due is pushed; the push delivery publishes it.
	pushed := repo.Commit("refs/heads/main", map[string]string{"blog/hotfix/index.md": "---\ntitle: Hotfix 1.4.1\ndate: " + rfc(time.Now().Add(-time.Minute)) +
		"\ndraft: true\nauthors: [ada]\ntags: [releases]\n---\n\nVersion 1.4.1 fixes the upgrade of old configurations.\n\n<!-- truncate -->\n\nUpgrade as before.\n"})
	body2, err := os.ReadFile("../../testdata/github/webhooks/push/payload.json")
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	p.deliver("push", body2)
	p.waitFor("the publish commit of the pushed draft", time.Minute, func() bool { return repo.Ref("refs/heads/main") != pushed })
	t.Logf("pushed draft published %s after the delivery", time.Since(sent).Round(time.Millisecond))
	if msg := repo.Git("log", "-1", "--format=%s", "refs/heads/main"); msg != "publish: Hotfix 1.4.1" {
		t.Errorf("commit message = %q", msg)
	}

	// Exactly once: nothing more while herald keeps running.
	time.Sleep(1500 * time.Millisecond)
	if n := repo.CommitCount("refs/heads/main"); n != 4 {
		t.Errorf("commits on main = %d, want 4 (seed, publish, push, publish)", n)
	}
	// The operator sees it on /metrics, next to the webhook's metrics.
	code, metrics := p.getAdmin("/metrics")
	if code != 200 {
		t.Fatalf("/metrics answered %d", code)
	}
	for series, want := range map[string]func(float64) bool{
		`herald_publications_total{outcome="done",strategy="draft"}`:       func(v float64) bool { return v == 2 },
		`herald_publications_total{outcome="failed",strategy="draft"}`:     func(v float64) bool { return v == 0 },
		`herald_publish_lateness_seconds_count{strategy="draft"}`:          func(v float64) bool { return v == 2 },
		`herald_scheduled_posts{strategy="draft"}`:                         func(v float64) bool { return v == 2 },
		`herald_blocked_posts`:                                             func(v float64) bool { return v == 0 },
		`herald_reconciles_total{outcome="ok",trigger="timer"}`:            func(v float64) bool { return v >= 1 },
		`herald_reconciles_total{outcome="ok",trigger="webhook"}`:          func(v float64) bool { return v == 1 },
		`herald_reconciles_total{outcome="ok",trigger="resync"}`:           func(v float64) bool { return v >= 1 },
		`herald_checks_total{scope="branch"}`:                              func(v float64) bool { return v >= 2 },
		`herald_check_findings_total{severity="warning"}`:                  func(v float64) bool { return v > 0 },
		`herald_webhook_deliveries_total{event="push",outcome="accepted"}`: func(v float64) bool { return v == 1 },
	} {
		v, ok := metricValue(metrics, series)
		if !ok || !want(v) {
			t.Errorf("/metrics: %s = %v (found: %v)", series, v, ok)
		}
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	if !strings.Contains(p.logs.String(), `"msg":"herald serve stopped"`) {
		t.Errorf("no clean stop in the logs")
	}
}

// metricValue finds one series in a Prometheus text exposition.
func metricValue(exposition, series string) (float64, bool) {
	for _, line := range strings.Split(exposition, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err == nil {
				return f, true
			}
		}
	}
	return 0, false
}

// TestPublishDue runs herald publish --due as cron would.
func TestPublishDue(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	far := rfc(time.Now().Add(72 * time.Hour))
	repo := srv.NewRepo("site", siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Hour)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	}))
	data := t.TempDir()

	r := herald(t, nil, "schedule", "--repo", repo.URL, "--data-dir", data)
	if r.code != 0 || !strings.Contains(r.stdout, "late") || !strings.Contains(r.stdout, "blog/fosdem-recap/index.md") || !strings.Contains(r.stdout, "in 3 days") {
		t.Errorf("herald schedule: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The settings file of herald serve serves the one-shot commands too.
	cfgFile := filepath.Join(t.TempDir(), "herald.yml")
	if err := os.WriteFile(cfgFile, []byte("listen: 127.0.0.1:9999\nwebhook-secret: s\nrepo: "+repo.URL+"\ndata-dir: "+data+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = herald(t, []string{"HERALD_CONFIG=" + cfgFile}, "schedule", "--format", "ics")
	if r.code != 0 || strings.Count(r.stdout, "BEGIN:VEVENT") != 3 || !strings.Contains(r.stdout, "SUMMARY:") {
		t.Errorf("herald schedule --format ics with the serve settings file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = herald(t, nil, "publish", "--due", "--dry-run", "--repo", repo.URL, "--data-dir", data)
	if r.code != 0 || !strings.Contains(r.stdout, "would publish site blog/release-1-4/index.md") || repo.CommitCount("refs/heads/main") != 1 {
		t.Errorf("dry run: exit %d, %d commits\n%s%s", r.code, repo.CommitCount("refs/heads/main"), r.stdout, r.stderr)
	}
	r = herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", data)
	if r.code != 0 || !regexp.MustCompile(`^[0-9a-f]{7}  publish: Example Project 1.4 is out \(main\)\n$`).MatchString(r.stdout) {
		t.Errorf("publish: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Nothing due: ") || r.stderr != "" || repo.CommitCount("refs/heads/main") != 2 {
		t.Errorf("second run: exit %d, %d commits, stdout %q, stderr %q; want 0, 2 and \"Nothing due: ...\"", r.code, repo.CommitCount("refs/heads/main"), r.stdout, r.stderr)
	}

	// A draft whose local time does not exist (the spring-forward gap in
	// Berlin) cannot go out: exit 1 with the reason.
	repo.Commit("refs/heads/main", map[string]string{"blog/gap/index.md": "---\ntitle: In the gap\ndate: 2026-03-29T02:30:00\ndraft: true\nauthors: [ada]\ntags: [news]\n---\n\nText.\n\n<!-- truncate -->\n\nMore.\n"})
	r = herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", data)
	if r.code != 1 || !strings.Contains(r.stderr, "herald publish: site blog/gap/index.md cannot go out: ") {
		t.Errorf("blocked draft: exit %d, stdout %q, stderr %q; want 1 and the reason", r.code, r.stdout, r.stderr)
	}
}

// TestPublishDueErrorsBlock: a due draft in which herald finds errors does
// not go out in local mode either, and herald publish says why; the other
// due draft does.
func TestPublishDueErrorsBlock(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	past := rfc(time.Now().Add(-time.Hour))
	repo := srv.NewRepo("site", siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  past,
		"blog/fosdem-recap/index.md": past,
		"blog/roadmap-2027/index.md": rfc(time.Now().Add(72 * time.Hour)),
	}))
	r := herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
	want := "herald publish: site blog/fosdem-recap/index.md cannot go out: blocked by link-syntax, mojibake, repeated-word: herald found 3 errors in the post; it goes out once herald check blog/fosdem-recap/index.md finds none.\n"
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stdout, "publish: Example Project 1.4 is out") || strings.Contains(r.stdout, "FOSDEM") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, the release published and on stderr %q", r.code, r.stdout, r.stderr, want)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("commits on main = %d, want 2 (the release only)", n)
	}
}

// TestServeGitHub runs herald serve against the GitHub fake and a real Git
// server, as a GitHub App and with a token: a signed pull_request delivery
// gets feedback, an approval arrives, and at the post's time the pull
// request is merged, once.
func TestServeGitHub(t *testing.T) {
	for _, mode := range []string{"app", "token"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			testServeGitHub(t, mode)
		})
	}
}

// ghWorld is the GitHub fake and a real Git server holding acme/blog with
// pull request #5, which adds one clean post due at due.
type ghWorld struct {
	fake   *fakegithub.Server
	repo   *gittest.Repo
	head   string
	instID int64
	// env holds the settings for herald in the mode asked for.
	env []string
	// secrets are the credentials in env (and the App key's text), by
	// name: none may show in herald's output.
	secrets map[string]string
}

const ghFull, ghSecret = "acme/blog", "gh-secret"

func newGHWorld(t *testing.T, mode string, due time.Time) *ghWorld {
	t.Helper()
	const owner, name = "acme", "blog"
	srv := gittest.NewServer(t)
	far := rfc(time.Now().Add(72 * time.Hour))
	base := siteFiles("version: 1\ntimezone: Europe/Berlin\n", map[string]string{"blog/fosdem-recap/index.md": far, "blog/roadmap-2027/index.md": far})
	postPath := "blog/release-1-4/index.md"
	post := strings.Replace(base[postPath], "draft: true\n", "", 1)
	delete(base, postPath)
	w := &ghWorld{repo: srv.NewRepo(name, base)}
	baseSHA := w.repo.Ref("refs/heads/main")
	w.head = w.repo.CreatePullRef(5, baseSHA, map[string]string{postPath: demo.DateLine.ReplaceAllString(post, "date: "+rfc(due))})
	w.repo.SetRef("refs/heads/release", w.head)

	w.fake = fakegithub.New(t, fakegithub.Options{OnMerge: func(_ string, _ int, sha string) (string, error) {
		w.repo.SetRef("refs/heads/main", sha)
		return sha, nil
	}})
	w.fake.AddRepo(fakegithub.Repo{Owner: owner, Name: name, CloneURL: w.repo.URL})
	mergeable := true
	diff := w.repo.Git("diff", baseSHA, w.head, "--", postPath)
	w.fake.AddPR(ghFull, fakegithub.PR{Number: 5, Title: "Release 1.4", Author: "ada", HeadRef: "release", HeadSHA: w.head, BaseRef: "main", BaseSHA: baseSHA,
		Mergeable: &mergeable, Files: []fakegithub.File{{Path: postPath, Status: "added", Additions: strings.Count(post, "\n"), Patch: diff[strings.Index(diff, "@@"):]}}})

	w.env = []string{"HERALD_WEBHOOK_SECRET=" + ghSecret, "HERALD_GITHUB_URL=" + w.fake.URL()}
	w.secrets = map[string]string{"webhook secret": ghSecret}
	switch mode {
	case "app":
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keyFile := filepath.Join(t.TempDir(), "app.pem")
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		w.secrets["App key"] = strings.Split(string(keyPEM), "\n")[2]
		w.fake.AddApp(42, "herald", &key.PublicKey)
		w.instID = 7
		w.fake.AddInstallation(42, w.instID, owner)
		w.env = append(w.env, "HERALD_GITHUB_APP_ID=42", "HERALD_GITHUB_APP_KEY="+keyFile)
	case "token":
		w.fake.AddToken("tok-123", "herald-bot")
		w.env = append(w.env, "HERALD_GITHUB_TOKEN=tok-123", "HERALD_REPOS="+ghFull)
		w.secrets["token"] = "tok-123"
	}
	return w
}

func testServeGitHub(t *testing.T, mode string) {
	const full, secret = ghFull, ghSecret
	due := time.Now().Add(8 * time.Second).Truncate(time.Second)
	w := newGHWorld(t, mode, due)
	fake, repo, head, instID, env := w.fake, w.repo, w.head, w.instID, w.env
	p := startServeProc(t, env, "--log-level", "debug")
	p.secret = secret
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })

	// Feedback on the delivery.
	p.deliver("pull_request", prPayload(t, "pull_request", "opened", full, repo.URL, head, instID))
	feedback := func() bool {
		if mode == "app" {
			runs := fake.CheckRuns(full, head)
			return len(runs) == 1 && runs[0].Status == "completed"
		}
		for _, st := range fake.Statuses(full, head) {
			if st.Context == "herald" {
				return true
			}
		}
		return false
	}
	p.waitFor("feedback on the pull request", time.Minute, feedback)
	summaries := func() int {
		n := 0
		for _, c := range fake.Comments(full, 5) {
			if strings.Contains(c.Body, "herald:herald-summary") {
				n++
			}
		}
		return n
	}
	p.waitFor("the summary comment", time.Minute, func() bool { return summaries() == 1 })
	if len(fake.Merges()) != 0 {
		t.Fatal("merged before its time")
	}

	// Approval, then the time comes: merged once.
	fake.AddReview(full, fakegithub.Review{PR: 5, User: "maintainer", State: "APPROVED", CommitID: head})
	p.deliver("pull_request_review", prPayload(t, "pull_request_review", "submitted", full, repo.URL, head, instID))
	p.waitFor("the merge", time.Minute, func() bool { return len(fake.Merges()) > 0 })
	t.Logf("%s mode: merged %s after the due time", mode, time.Since(due).Round(time.Millisecond))
	time.Sleep(1500 * time.Millisecond)
	if ms := fake.Merges(); len(ms) != 1 || ms[0].PR != 5 || ms[0].SHA != head {
		t.Errorf("merges = %+v, want one of #5 at %s", ms, head)
	}
	if n := summaries(); n != 1 {
		t.Errorf("%d summary comments, want one kept up to date", n)
	}
	if time.Now().Before(due) {
		t.Errorf("merged before the due time")
	}
	code, body := p.getAdmin("/schedule")
	if code != 200 || !strings.Contains(body, `"entries"`) {
		t.Errorf("/schedule: %d %s", code, body)
	}
	// The operator sees the calls made and the rate limit left.
	credential := map[string]string{"app": fmt.Sprintf("installation:%d", instID), "token": "token"}[mode]
	_, metrics := p.getAdmin("/metrics")
	for _, series := range []string{`herald_github_requests_total{cost="costly"}`, `herald_github_requests_total{cost="free"}`,
		`herald_github_rate_limit_remaining{credential="` + credential + `"}`} {
		if !strings.Contains(metrics, series+" ") {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d", code)
	}
	if errs := fake.Errors(); len(errs) > 0 {
		t.Errorf("requests GitHub would reject: %v", errs)
	}
	logs := p.logs.String()
	if !strings.Contains(logs, `"level":"DEBUG"`) {
		t.Errorf("herald serve --log-level debug logged nothing at debug level")
	}
	noSecrets(t, "herald serve's debug log", logs, w.secrets)
	if tok := installationToken.FindString(logs); tok != "" {
		t.Errorf("herald serve's debug log shows an installation token (%s)", tok)
	}
}

// installationToken matches the installation tokens the GitHub fake issues.
var installationToken = regexp.MustCompile(`ghs_[0-9a-f]{8,}`)

// prPayload is a fixture delivery rewritten to name the fake's repository,
// pull request #5 at head and the installation.
func prPayload(t *testing.T, event, action, full, cloneURL, head string, inst int64) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "github", "webhooks", event, action+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	owner, name, _ := strings.Cut(full, "/")
	repo := p["repository"].(map[string]any)
	repo["full_name"], repo["name"], repo["clone_url"] = full, name, cloneURL
	repo["owner"].(map[string]any)["login"] = owner
	if inst != 0 {
		p["installation"] = map[string]any{"id": inst}
	} else {
		delete(p, "installation")
	}
	p["number"] = 5
	pr := p["pull_request"].(map[string]any)
	pr["number"] = 5
	h := pr["head"].(map[string]any)
	h["sha"], h["ref"], h["repo"] = head, "release", repo
	pr["base"].(map[string]any)["repo"] = repo
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDemoKeep leaves the example repository and the logs behind when
// asked, and says where.
func TestDemoKeep(t *testing.T) {
	t.Parallel()
	r := herald(t, nil, "demo", "--keep", "--due-in", "1s", "--timeout", "45s")
	if r.code != 0 {
		t.Fatalf("herald demo --keep exited %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	m := regexp.MustCompile(`Kept in (\S+): `).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("output does not say where it kept the repository:\n%s", r.stdout)
	}
	t.Cleanup(func() { os.RemoveAll(m[1]) })
	for _, p := range []string{"site.git/HEAD", "herald.log", "cache"} {
		if _, err := os.Stat(filepath.Join(m[1], p)); err != nil {
			t.Errorf("kept directory lacks %s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(m[1], "site.git", "index")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the bare repository has an index file (stat: %v)", err)
	}
}

// TestDemoInterrupted stops the demo with Ctrl-C while it waits: exit 1,
// a clear message, nothing left behind.
func TestDemoInterrupted(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(heraldBin, "demo", "--due-in", "40s", "--timeout", "50s")
	cmd.Env = cleanEnv()
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), "Waiting for ") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the demo did not get to waiting:\n%s%s", stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the demo did not stop within 20s of an interrupt")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want code 1", err)
	}
	if !strings.Contains(stderr.String(), "herald demo: interrupted\n") {
		t.Errorf("stderr = %q, want it to say the demo was interrupted", stderr.String())
	}
	m := regexp.MustCompile(`throwaway Git repository \(([^,]+)/site.git,`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("output names no repository:\n%s", stdout.String())
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the interrupted demo left %s behind (stat: %v)", m[1], err)
	}
}

// TestPublishDueWithToken publishes to a repository that needs a token.
func TestPublishDueWithToken(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.WithToken("repo-s3cret"))
	far := rfc(time.Now().Add(72 * time.Hour))
	repo := srv.NewRepo("private", siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Minute)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	}))
	r := herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
	if r.code != 2 || !strings.HasPrefix(r.stderr, "herald publish: --repo "+repo.URL+": the repository refused herald: ") ||
		!strings.HasSuffix(r.stderr, "(give a token that may push with --repo-token or HERALD_REPO_TOKEN)\n") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("without the token: exit %d, stderr %q; want 2 and one line", r.code, r.stderr)
	}
	r = herald(t, []string{"HERALD_REPO_TOKEN=repo-s3cret"}, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
	if r.code != 0 || !strings.Contains(r.stdout, "publish: Example Project 1.4 is out") || repo.CommitCount("refs/heads/main") != 2 {
		t.Errorf("with the token: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "repo-s3cret") {
		t.Error("the output shows the token")
	}
}

// TestPublishDueRebuild triggers a build hook for a due post of a site
// that hides future posts by itself (the rebuild strategy), once.
func TestPublishDueRebuild(t *testing.T) {
	t.Parallel()
	var hooks atomicCount
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			hooks.add()
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer hook.Close()
	srv := gittest.NewServer(t)
	far := rfc(time.Now().Add(72 * time.Hour))
	files := siteFiles("version: 1\ntimezone: Europe/Berlin\npublish:\n  strategy: rebuild\n  rebuild:\n    trigger: hook\n    url: "+hook.URL+"/build\n", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Hour)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	})
	for p, text := range files {
		files[p] = strings.Replace(text, "draft: true\n", "", 1)
	}
	repo := srv.NewRepo("site", files)
	data := t.TempDir()
	for run := 1; run <= 2; run++ {
		r := herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", data)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("run %d: exit %d, stdout %q, stderr %q", run, r.code, r.stdout, r.stderr)
		}
	}
	if n := hooks.get(); n != 1 {
		t.Errorf("build hook called %d times, want 1", n)
	}
	if repo.Ref("refs/herald/rebuilds") == "" {
		t.Error("the rebuild is not recorded on the repository")
	}
	if n := repo.CommitCount("refs/heads/main"); n != 1 {
		t.Errorf("commits on main = %d, want 1 (a hook rebuild commits nothing)", n)
	}
}

// atomicCount counts calls from several goroutines.
type atomicCount struct {
	mu sync.Mutex
	n  int
}

func (c *atomicCount) add() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

func (c *atomicCount) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// TestServeSecondSignalForcesExit stops herald serve at once on a second
// SIGTERM while the first one waits for a reconcile that hangs.
func TestServeSecondSignalForcesExit(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	far := rfc(time.Now().Add(72 * time.Hour))
	repo := srv.NewRepo("site", siteFiles("", map[string]string{
		"blog/release-1-4/index.md": far, "blog/fosdem-recap/index.md": far, "blog/roadmap-2027/index.md": far,
	}))
	p := startServeProc(t, []string{"HERALD_WEBHOOK_SECRET=s"}, "--repo", repo.URL, "--poll", "1h")
	p.secret = "s"
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })

	arrived, release := make(chan struct{}, 8), make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv.InjectFault(gittest.Fault{Kind: gittest.Block, Arrived: arrived, Release: release})
	push, err := os.ReadFile("../../testdata/github/webhooks/push/payload.json")
	if err != nil {
		t.Fatal(err)
	}
	p.deliver("push", push)
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the reconcile never reached the Git server")
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		t.Fatalf("herald serve exited (%d) while a reconcile was running", p.code)
	case <-time.After(500 * time.Millisecond):
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("herald serve did not exit within 30s of a second SIGTERM")
	}
	if p.code != 130 {
		t.Errorf("exit code = %d, want 130", p.code)
	}
	logs := p.logs.String()
	for _, want := range []string{"herald: terminated: stopping (send it again to stop at once)", "herald: terminated again: stopping now"} {
		if !strings.Contains(logs, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
}

// TestPublishDueGitHub runs herald publish --due on a GitHub repository:
// a due pull request is merged once when approved; unapproved, the command
// says why and exits 1.
func TestPublishDueGitHub(t *testing.T) {
	t.Parallel()
	w := newGHWorld(t, "token", time.Now().Add(-time.Hour))
	data := t.TempDir()

	// herald schedule reads and writes nothing on GitHub.
	r := herald(t, w.env, "schedule", "--data-dir", data, "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"repo": "acme/blog"`) || !strings.Contains(r.stdout, `"pr": 5`) {
		t.Errorf("herald schedule: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, op := range []string{"issues/create-comment", "repos/create-commit-status", "pulls/merge", "issues/add-labels", "pulls/create-review"} {
		if n := w.fake.Count(op); n != 0 {
			t.Errorf("herald schedule made %d %s requests", n, op)
		}
	}

	r = herald(t, w.env, "publish", "--due", "--data-dir", data)
	if r.code != 1 || !strings.Contains(r.stderr, "herald publish: acme/blog blog/release-1-4/index.md cannot go out: ") || !strings.Contains(r.stderr, "approv") {
		t.Errorf("unapproved: exit %d, stdout %q, stderr %q; want 1 and the blocker", r.code, r.stdout, r.stderr)
	}
	t.Logf("unapproved: %s", r.stderr)
	if len(w.fake.Merges()) != 0 {
		t.Fatal("merged without approval")
	}
	w.fake.AddReview(ghFull, fakegithub.Review{PR: 5, User: "maintainer", State: "APPROVED", CommitID: w.head})
	r = herald(t, w.env, "publish", "--due", "--data-dir", data)
	if r.code != 0 || !regexp.MustCompile(`^[0-9a-f]{7}  merged acme/blog#5\n$`).MatchString(r.stdout) {
		t.Errorf("approved: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = herald(t, w.env, "publish", "--due", "--data-dir", data)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Nothing due: ") || len(w.fake.Merges()) != 1 {
		t.Errorf("again: exit %d, stdout %q, stderr %q, %d merges; want 0, \"Nothing due: ...\" and one merge", r.code, r.stdout, r.stderr, len(w.fake.Merges()))
	}
	// The operations herald schedule did not make are the ones publishing
	// makes (so the names counted above are the fake's).
	for _, op := range []string{"issues/create-comment", "repos/create-commit-status", "pulls/merge"} {
		if w.fake.Count(op) == 0 {
			t.Errorf("no %s request while publishing", op)
		}
	}
}

// TestServeLocalDryRun decides and logs, and pushes nothing.
func TestServeLocalDryRun(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	far := rfc(time.Now().Add(72 * time.Hour))
	repo := srv.NewRepo("site", siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Minute)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	}))
	p := startServeProc(t, []string{"HERALD_DRY_RUN=true"}, "--repo", repo.URL)
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	p.waitFor("the dry-run log of the draft flip", time.Minute, func() bool { return strings.Contains(p.logs.String(), `"msg":"dry run: `) })
	if code := p.stop(); code != 0 {
		t.Errorf("exit code = %d", code)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 1 {
		t.Errorf("commits on main = %d, want 1: a dry run pushes nothing", n)
	}
	if !strings.Contains(p.logs.String(), `"dry_run":true`) || !strings.Contains(p.logs.String(), "webhooks are off") {
		t.Errorf("the start-up log does not show the dry run and the webhooks being off")
	}
}
