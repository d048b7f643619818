package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/webhook"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestServeRefusesBadSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no mode and no secret", nil, nil,
			"herald serve: no repository to serve: pass --repo PATH|URL (a plain Git repository), or --github-app-id and --github-app-key (a GitHub App), or --github-token and --repos\n"},
		{"no secret", []string{"--github-app-id", "42", "--github-app-key", "/k.pem"}, nil,
			"herald serve: no webhook secret: set HERALD_WEBHOOK_SECRET or pass --webhook-secret (the secret of the GitHub App or repository webhook)\n"},
		{"blank secret variable", []string{"--github-token", "t", "--repos", "acme/blog"}, map[string]string{"HERALD_WEBHOOK_SECRET": "  "},
			"herald serve: no webhook secret: set HERALD_WEBHOOK_SECRET or pass --webhook-secret (the secret of the GitHub App or repository webhook)\n"},
		{"empty item in the variable", nil, map[string]string{"HERALD_WEBHOOK_SECRET": "new,,old"},
			"herald serve: webhook secret 2 from HERALD_WEBHOOK_SECRET is empty\n"},
		{"empty flag", []string{"--webhook-secret", ""}, nil,
			"herald serve: webhook secret 1 from --webhook-secret is empty\n"},
		{"insecure and a secret", []string{"--insecure-no-signature"}, map[string]string{"HERALD_WEBHOOK_SECRET": "s"},
			"herald serve: --insecure-no-signature contradicts the webhook secret given by HERALD_WEBHOOK_SECRET: drop one of them\n"},
		{"bad size", []string{"--webhook-secret", "s", "--max-body", "lots"}, nil,
			"herald serve: invalid value \"lots\" for flag -max-body: \"lots\" is not a size such as 25MiB, 10MB or 1048576\n"},
		{"bad path", []string{"--webhook-secret", "s", "--repo", "/nonexistent/site.git", "--webhook-path", "hook"}, nil,
			"herald serve: --webhook-path: webhook path \"hook\" must start with /\n"},
		{"path taken", []string{"--webhook-secret", "s", "--repo", "/nonexistent/site.git", "--webhook-path", "/metrics"}, nil,
			"herald serve: --webhook-path: webhook path \"/metrics\" is taken by herald's own endpoint\n"},
		{"bad log level", []string{"--webhook-secret", "s", "--log-level", "loud"}, nil,
			"herald serve: --log-level \"loud\": want debug, info, warn or error\n"},
		{"zero reconcile timeout", []string{"--webhook-secret", "s", "--reconcile-timeout", "0s"}, nil,
			"herald serve: --reconcile-timeout 0s: want a positive duration\n"},
		{"stray argument", []string{"--webhook-secret", "s", "now"}, nil,
			"herald serve: unexpected argument \"now\" (herald serve takes flags only)\n"},
		{"unknown flag", []string{"--secret", "s"}, nil,
			"herald serve: flag provided but not defined: -secret\n"},
		{"mistyped flag", []string{"--webhook-secert", "s"}, nil,
			"herald serve: flag provided but not defined: -webhook-secert (did you mean --webhook-secret?)\n"},
		{"address in use", []string{"--webhook-secret", "s", "--repo", "/nonexistent/site.git", "--listen", "in-use"}, nil, "herald serve: --listen "},
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			for i, a := range args {
				if a == "in-use" {
					args[i] = busy.Addr().String()
				}
			}
			var stderr syncBuffer
			code := serve(context.Background(), args, serveDeps{getenv: env(tt.env), stderr: &stderr})
			if code != exitUsage {
				t.Errorf("exit code = %d, want %d", code, exitUsage)
			}
			got := stderr.String()
			if strings.HasSuffix(tt.want, "\n") && got != tt.want || !strings.HasPrefix(got, tt.want) {
				t.Errorf("stderr = %q, want %q", got, tt.want)
			}
			if strings.Count(got, "\n") != 1 {
				t.Errorf("stderr has %d lines, want one", strings.Count(got, "\n"))
			}
		})
	}
}

func TestServeHelp(t *testing.T) {
	var stdout, stderr syncBuffer
	if code := serve(context.Background(), []string{"--help"}, serveDeps{getenv: env(nil), stdout: &stdout, stderr: &stderr}); code != exitOK {
		t.Errorf("exit code = %d, want 0", code)
	}
	for _, want := range []string{"usage: herald serve [flags]", "-webhook-secret SECRET", "HERALD_WEBHOOK_SECRET", "-max-body SIZE", "(default 25MiB)", "-repo PATH|URL"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help on stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if stderr.String() != "" {
		t.Errorf("help wrote to stderr: %s", stderr.String())
	}
}

// fakeBot is a reconciler that records requests. Its ReconcileAll fails
// failFirst times; its Reconcile of a request for PR hold waits for release.
type fakeBot struct {
	mu        sync.Mutex
	reqs      []webhook.Request
	all       int
	failFirst int
	hold      int
	holding   chan struct{}
	release   chan struct{}
	// stuck, when set, makes every ReconcileAll after the first block
	// until its context ends, and receives that context's error; stuckIn
	// receives a value when one starts to block.
	stuck   chan error
	stuckIn chan struct{}
}

func (b *fakeBot) Reconcile(_ context.Context, r webhook.Request) error {
	if b.hold != 0 && r.PR == b.hold {
		close(b.holding)
		<-b.release
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reqs = append(b.reqs, r)
	return nil
}

func (b *fakeBot) ReconcileAll(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stuck != nil && b.all > 0 {
		b.mu.Unlock()
		b.stuckIn <- struct{}{}
		<-ctx.Done()
		b.stuck <- ctx.Err()
		b.mu.Lock()
		return ctx.Err()
	}
	b.all++
	if b.all <= b.failFirst {
		return errors.New("forge unreachable")
	}
	return nil
}

func (b *fakeBot) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.reqs {
		out = append(out, r.String()+" "+r.Event+"/"+r.Action)
	}
	return out
}

// running is a herald serve started on loopback listeners: the public one
// at url, the admin one at adminURL.
type running struct {
	url      string
	adminURL string
	stderr   *syncBuffer
	stop     func() int
}

func startServe(t *testing.T, args []string, vars map[string]string, bot *fakeBot) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	adminLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, args, serveDeps{getenv: env(vars), stderr: stderr, listener: ln, adminListener: adminLn, reconciler: bot, retryEvery: 10 * time.Millisecond})
	}()
	var once sync.Once
	code := -1
	stop := func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(2 * time.Minute):
				t.Error("herald serve did not stop within 2m") // not Fatal: stop may run on another goroutine
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return &running{url: "http://" + ln.Addr().String(), adminURL: "http://" + adminLn.Addr().String(), stderr: stderr, stop: stop}
}

// get fetches path from the public listener.
func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	return getURL(t, r.url+path)
}

// getAdmin fetches path from the admin listener.
func (r *running) getAdmin(t *testing.T, path string) (int, string) {
	t.Helper()
	return getURL(t, r.adminURL+path)
}

func getURL(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (r *running) post(t *testing.T, path, event, id, secret string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	if secret != "" {
		req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(secret), body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // generous: the machine may be busy
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/github/webhooks/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestServe runs herald serve end to end: secrets from the environment
// (rotation), readiness after the first full reconcile, webhooks reconciled,
// metrics, JSON logs and a clean stop that leaves no goroutine behind.
func TestServe(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	bot := &fakeBot{failFirst: 2}
	r := startServe(t, []string{"--webhook-path", "/hooks/github"}, map[string]string{"HERALD_WEBHOOK_SECRET": "s3cr3t-new, s3cr3t-old"}, bot)

	waitFor(t, "/healthz", func() bool { code, _ := r.get(t, "/healthz"); return code == 200 })
	waitFor(t, "/readyz after two failed start-up reconciles", func() bool { code, _ := r.get(t, "/readyz"); return code == 200 })

	pull := readFixture(t, "pull_request/opened.json")
	push := readFixture(t, "push/branch-update.json")
	steps := []struct {
		event, id, secret string
		body              []byte
		status            int
		text              string
	}{
		{"pull_request", "1", "s3cr3t-new", pull, 202, "queued reconcile of Codertocat/Hello-World#2\n"},
		{"push", "2", "s3cr3t-old", push, 202, "queued reconcile of ocombe/test\n"},
		{"push", "2", "s3cr3t-old", push, 200, "delivery 2 already accepted\n"},
		{"push", "3", "guess", push, 401, "X-Hub-Signature-256 does not match the body for any configured secret\n"},
		{"push", "4", "", push, 401, "missing X-Hub-Signature-256 header\n"},
	}
	for _, s := range steps {
		if code, text := r.post(t, "/hooks/github", s.event, s.id, s.secret, s.body); code != s.status || text != s.text {
			t.Errorf("delivery %s: %d %q, want %d %q", s.id, code, text, s.status, s.text)
		}
	}
	if code, _ := r.post(t, "/webhook", "push", "5", "s3cr3t-new", push); code != 404 {
		t.Errorf("default path answered %d with --webhook-path set, want 404", code)
	}
	waitFor(t, "two reconciles", func() bool { return len(bot.requests()) == 2 })

	if code, _ := r.get(t, "/metrics"); code != 404 {
		t.Errorf("/metrics on the public listener answered %d, want 404", code)
	}
	code, metrics := r.getAdmin(t, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, line := range []string{
		`herald_webhook_deliveries_total{event="pull_request",outcome="accepted"} 1`,
		`herald_webhook_deliveries_total{event="push",outcome="duplicate"} 1`,
		`herald_webhook_deliveries_total{event="unverified",outcome="bad_signature"} 2`,
		`herald_webhook_signature_failures_total{reason="invalid"} 1`,
		`herald_webhook_signature_failures_total{reason="missing"} 1`,
		`herald_queue_pending 0`,
		`process_cpu_seconds_total`,
		`go_goroutines`,
	} {
		if !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}

	if code := r.stop(); code != exitOK {
		t.Errorf("exit code = %d, want 0", code)
	}
	want := []string{"Codertocat/Hello-World#2 pull_request/opened", "ocombe/test push/"}
	if diff := cmp.Diff(want, bot.requests()); diff != "" {
		t.Errorf("reconciles (-want +got):\n%s", diff)
	}
	msgs := logMessages(t, r.stderr.String())
	for _, m := range []string{"herald serve starting", "first full reconcile failed; not ready yet", "ready: first full reconcile done",
		"webhook delivery accepted", "webhook delivery refused", "webhook delivery already accepted", "herald serve stopped"} {
		if msgs[m] == 0 {
			t.Errorf("no log line %q in:\n%s", m, r.stderr.String())
		}
	}
	if strings.Contains(r.stderr.String(), "s3cr3t") || !strings.Contains(r.stderr.String(), `"secrets":2`) {
		t.Errorf("logs show a secret:\n%s", r.stderr.String())
	}
	noGoroutinesLeft(t, goroutines)
}

// noGoroutinesLeft waits until no more than before goroutines run (the
// test's idle HTTP connections closed) and lists them when some stay.
func noGoroutinesLeft(t *testing.T, before int) {
	t.Helper()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(time.Minute)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			var stacks bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			t.Fatalf("%d goroutines after herald serve stopped, %d before:\n%s", runtime.NumGoroutine(), before, stacks.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLogDurationsAsText: a duration is logged as text, whichever package
// logs it and however deep in a group, so each key keeps one type.
func TestLogDurationsAsText(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&b, logOptions(slog.LevelInfo)))
	log.Info("fetched", "duration", 1500*time.Millisecond, slog.Group("would", "wait", 2*time.Minute), "count", 3)
	var line map[string]any
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	got := []any{line["duration"], line["would"], line["count"]}
	want := []any{"1.5s", map[string]any{"wait": "2m0s"}, 3.0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("logged values (-want +got):\n%s", diff)
	}
}

// logMessages checks every line is a JSON object and counts the messages.
func logMessages(t *testing.T, logs string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for line := range strings.Lines(logs) {
		var rec struct {
			Time  string `json:"time"`
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Time == "" || rec.Level == "" {
			t.Errorf("log line is not slog JSON: %q", line)
			continue
		}
		out[rec.Msg]++
	}
	return out
}

// TestServeDrainsOnStop lets a reconcile running at SIGTERM finish, and
// refuses new deliveries while stopping.
func TestServeDrainsOnStop(t *testing.T) {
	bot := &fakeBot{hold: 2, holding: make(chan struct{}), release: make(chan struct{})}
	r := startServe(t, []string{"--webhook-secret", "s", "--shutdown-timeout", "1m"}, nil, bot)
	waitFor(t, "/readyz", func() bool { code, _ := r.get(t, "/readyz"); return code == 200 })
	if code, text := r.post(t, "/webhook", "pull_request", "1", "s", readFixture(t, "pull_request/opened.json")); code != 202 {
		t.Fatalf("delivery: %d %q", code, text)
	}
	<-bot.holding
	stopped := make(chan int, 1)
	go func() { stopped <- r.stop() }()
	waitFor(t, "the queue to drain", func() bool { return strings.Contains(r.stderr.String(), `"msg":"reconcile queue draining"`) })
	select {
	case code := <-stopped:
		t.Fatalf("serve returned %d while a reconcile was running", code)
	default:
	}
	close(bot.release)
	if code := <-stopped; code != exitOK {
		t.Errorf("exit code = %d, want 0", code)
	}
	if diff := cmp.Diff([]string{"Codertocat/Hello-World#2 pull_request/opened"}, bot.requests()); diff != "" {
		t.Errorf("reconciles (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.stderr.String(), `"msg":"reconcile queue drained"`) {
		t.Errorf("no drain in the logs:\n%s", r.stderr.String())
	}
}

// TestServeStopCancelsLongResync: a resync still running at SIGTERM gets
// the shutdown timeout, not the scheduler's job timeout of minutes, and is
// then cancelled; herald serve exits 1 and says why.
func TestServeStopCancelsLongResync(t *testing.T) {
	bot := &fakeBot{stuck: make(chan error, 10), stuckIn: make(chan struct{}, 10)}
	r := startServe(t, []string{"--insecure-no-signature", "--repo", "/srv/site.git", "--poll", "1s", "--shutdown-timeout", "200ms"}, nil, bot)
	waitFor(t, "/readyz", func() bool { code, _ := r.get(t, "/readyz"); return code == 200 })
	select { // the next resync blocks until its context ends
	case <-bot.stuckIn:
	case <-time.After(time.Minute):
		t.Fatal("no resync within a minute on a 1s poll")
	}
	if code := r.stop(); code != exitFindings {
		t.Errorf("exit code = %d, want %d (the drain deadline passed)", code, exitFindings)
	}
	select {
	case err := <-bot.stuck:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the resync's context ended with %v, want it cancelled", err)
		}
	default:
		t.Fatalf("no resync was running at the stop:\n%s", r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "scheduler: drain deadline of 200ms passed; running jobs were cancelled") {
		t.Errorf("the log does not say why the stop was cut short:\n%s", r.stderr.String())
	}
}

// TestServeInsecure accepts unsigned deliveries only when told to, and says so.
func TestServeInsecure(t *testing.T) {
	bot := &fakeBot{}
	r := startServe(t, []string{"--insecure-no-signature", "--repo", "/srv/site.git"}, nil, bot)
	waitFor(t, "/readyz", func() bool { code, _ := r.get(t, "/readyz"); return code == 200 })
	if code, text := r.post(t, "/webhook", "push", "1", "", readFixture(t, "push/branch-update.json")); code != 202 {
		t.Errorf("unsigned delivery: %d %q, want 202", code, text)
	}
	r.stop()
	logs := r.stderr.String()
	for _, want := range []string{"webhook signatures are NOT checked", `"repo":"/srv/site.git"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// TestServeRefusesBadConfiguration runs herald serve with each kind of bad
// configuration a person might write and shows the one line they read.
func TestServeRefusesBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	garbageKey := filepath.Join(dir, "garbage.pem")
	badYAML := filepath.Join(dir, "bad.yml")
	unknownKey := filepath.Join(dir, "unknown.yml")
	shortToken := filepath.Join(dir, "short-token")
	oddToken := filepath.Join(dir, "odd-token")
	for name, body := range map[string]string{garbageKey: "not a key\n", badYAML: "listen: [1,\n", unknownKey: "listen: 127.0.0.1:0\nsecret: x\n",
		shortToken: "calendar\n", oddToken: strings.Repeat("a", 32) + "/../x\n"} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing")
	sec := map[string]string{"HERALD_WEBHOOK_SECRET": "s"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"missing webhook secret with GitHub", []string{"--github-token", "t", "--repos", "acme/blog"}, nil,
			"herald serve: no webhook secret: set HERALD_WEBHOOK_SECRET or pass --webhook-secret (the secret of the GitHub App or repository webhook)\n"},
		{"App ID without key", []string{"--github-app-id", "42"}, sec,
			"herald serve: --github-app-id 42 has no key: pass the App's private key file with --github-app-key or HERALD_GITHUB_APP_KEY\n"},
		{"App key without ID", nil, map[string]string{"HERALD_WEBHOOK_SECRET": "s", "HERALD_GITHUB_APP_KEY": "/k.pem"},
			"herald serve: --github-app-key is set but --github-app-id is not: pass the App's numeric ID with --github-app-id or HERALD_GITHUB_APP_ID\n"},
		{"unreadable App key", []string{"--github-app-id", "42", "--github-app-key", missing}, sec,
			"herald serve: --github-app-key " + missing + ": cannot read the App's private key: no such file or directory\n"},
		{"App key that is not a key", []string{"--github-app-id", "42", "--github-app-key", garbageKey}, sec,
			"herald serve: --github-app-key " + garbageKey + ": "},
		{"token and App", []string{"--github-app-id", "42", "--github-app-key", garbageKey, "--github-token", "t"}, sec,
			"herald serve: both --github-token and a GitHub App (--github-app-id) are set: use one (an App gives check runs, a token commit statuses)\n"},
		{"token without repositories", []string{"--github-token", "t"}, sec,
			"herald serve: --github-token needs --repos owner/a,owner/b (or HERALD_REPOS): the repositories to serve\n"},
		{"repository not owner/name", []string{"--github-token", "t", "--repos", "acme/blog,docs"}, sec,
			"herald serve: --repos \"acme/blog,docs\": \"docs\" is not owner/name (want owner/a,owner/b)\n"},
		{"local and GitHub", []string{"--repo", ".", "--github-token", "t"}, sec,
			"herald serve: --repo (local mode) cannot be combined with GitHub settings: drop --repo or the --github-* and --repos settings\n"},
		{"no forge", nil, sec,
			"herald serve: no repository to serve: pass --repo PATH|URL (a plain Git repository), or --github-app-id and --github-app-key (a GitHub App), or --github-token and --repos\n"},
		{"bad cron spec", []string{"--github-token", "t", "--repos", "acme/blog", "--resync", "every five minutes"}, sec,
			"herald serve: --resync \"every five minutes\": "},
		{"unknown time zone", []string{"--github-token", "t", "--repos", "acme/blog", "--timezone", "Mars/Olympus_Mons"}, sec,
			"herald serve: --timezone \"Mars/Olympus_Mons\": unknown time zone (use an IANA name such as Europe/Berlin or UTC)\n"},
		{"poll too short", []string{"--repo", ".", "--poll", "10ms"}, nil,
			"herald serve: --poll 10ms: want at least 1s\n"},
		{"unreachable repository", []string{"--repo", missing}, nil,
			"herald serve: --repo " + missing + ": cannot reach the repository: repository " + missing + ": stat " + missing + ": no such file or directory (check the path or URL, and that it has a branch)\n"},
		{"bad environment value", []string{"--repo", missing}, map[string]string{"HERALD_WORKERS": "lots"},
			"herald serve: HERALD_WORKERS=\"lots\": parse error\n"},
		{"unreadable config file", []string{"--config", missing}, nil,
			"herald serve: --config " + missing + ": cannot read it: no such file or directory\n"},
		{"config file not YAML", []string{"--config", badYAML}, nil,
			"herald serve: --config " + badYAML + ": not YAML: "},
		{"feed token file missing", []string{"--repo", missing, "--feed-token-file", missing}, nil,
			"herald serve: --feed-token-file: open " + missing + ": no such file or directory\n"},
		{"feed token too short", []string{"--repo", missing, "--feed-token-file", shortToken}, nil,
			"herald serve: --feed-token-file " + shortToken + ": the token has 8 characters, want at least 32 that nobody can guess (make one with: openssl rand -hex 32 > " + shortToken + ")\n"},
		{"feed token not for a URL", []string{"--repo", missing, "--feed-token-file", oddToken}, nil,
			"herald serve: --feed-token-file " + oddToken + ": the token holds '/'; use letters, digits, '-', '_', '.' and '~' only, so that it goes in a URL as is (make one with: openssl rand -hex 32 > " + oddToken + ")\n"},
		{"admin listener on the public address", []string{"--repo", missing, "--listen", "127.0.0.1:8089", "--admin-listen", "127.0.0.1:8089"}, nil,
			"herald serve: --admin-listen 127.0.0.1:8089 is the --listen address: the admin listener must be another one (or off)\n"},
		{"no requests in flight", []string{"--repo", missing, "--max-in-flight", "0"}, nil,
			"herald serve: --max-in-flight 0: want at least 1\n"},
		{"body budget too small", []string{"--webhook-secret", "s", "--repo", missing, "--body-budget", "20MiB"}, nil,
			"herald serve: webhook receiver: body budget of 20971520 bytes cannot hold one body of the limit (26214400 bytes) and the 16777216 bytes kept for ordinary deliveries: want at least 42991616\n"},
		{"unknown key in the config file", []string{"--config", unknownKey}, nil,
			"herald serve: --config " + unknownKey + ": unknown setting \"secret\" (the keys are flag names, such as listen or github-app-id)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", t.TempDir()}, tt.args...)
			var stderr syncBuffer
			code := serve(context.Background(), args, serveDeps{getenv: env(tt.env), stderr: &stderr})
			if code != exitUsage {
				t.Errorf("exit code = %d, want %d", code, exitUsage)
			}
			got := stderr.String()
			if strings.HasSuffix(tt.want, "\n") && got != tt.want || !strings.HasPrefix(got, tt.want) {
				t.Errorf("stderr = %q\nwant     %q", got, tt.want)
			}
			if strings.Count(got, "\n") != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", strings.Count(got, "\n"), got)
			}
		})
	}
}

// TestServeSettingsPrecedence shows that flags win over HERALD_* variables,
// which win over the --config file.
func TestServeSettingsPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "herald.yml")
	if err := os.WriteFile(file, []byte("workers: 3\nlog-level: warn\nwebhook-path: /from-file\nwebhook-secret: [a, b]\ndry-run: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		args        []string
		env         map[string]string
		workers     int
		path        string
		secrets     []string
		secretsFrom string
	}{
		{"file only", []string{"--config", file}, nil, 3, "/from-file", []string{"a", "b"}, "--webhook-secret"},
		{"environment over file", []string{"--config", file}, map[string]string{"HERALD_WORKERS": "5", "HERALD_WEBHOOK_SECRET": "e"}, 5, "/from-file", []string{"e"}, "HERALD_WEBHOOK_SECRET"},
		{"flag over both", []string{"--config", file, "--workers", "7", "--webhook-path", "/flag"}, map[string]string{"HERALD_WORKERS": "5", "HERALD_CONFIG": "ignored"}, 7, "/flag", []string{"a", "b"}, "--webhook-secret"},
		{"config file named by the environment", nil, map[string]string{"HERALD_CONFIG": file}, 3, "/from-file", []string{"a", "b"}, "--webhook-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServeFlags(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{cfg.workers, cfg.path, cfg.secrets, cfg.secretSource, cfg.logLevel.String(), cfg.forge.DryRun}
			want := []any{tt.workers, tt.path, tt.secrets, tt.secretsFrom, "WARN", true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestServeWarnsOfIgnoredSettings: a setting the mode does not use is
// named in a warning at start, with why.
func TestServeWarnsOfIgnoredSettings(t *testing.T) {
	sec := map[string]string{"HERALD_WEBHOOK_SECRET": "s"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"local mode", []string{"--repo", ".", "--resync", "@every 1m"}, map[string]string{"HERALD_TIMEZONE": "UTC"}, []string{
			"--resync is ignored: local mode reads the branch again every --poll",
			"--timezone is ignored: it is the zone of --resync, which local mode does not use"}},
		{"GitHub", []string{"--github-token", "t", "--repos", "acme/blog", "--poll", "5s"}, sec, []string{
			"--poll is ignored: it is local mode's; with GitHub herald resyncs on --resync"}},
		{"nothing ignored", []string{"--repo", ".", "--poll", "5s"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServeFlags(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, cfg.ignored()); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
