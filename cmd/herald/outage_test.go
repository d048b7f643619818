package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestServeWaitsForGitHub starts herald serve as a GitHub App while GitHub
// answers 502: it serves webhooks at once, is not ready, and becomes ready
// when GitHub answers, with the pull request checked.
func TestServeWaitsForGitHub(t *testing.T) {
	t.Parallel()
	w := newGHWorld(t, "app", time.Now().Add(72*time.Hour))
	w.fake.FailNext("apps/get-authenticated", 6, 502)
	p := startServeProc(t, w.env)
	p.secret = ghSecret
	if code, _ := p.get("/readyz"); code != 503 {
		t.Errorf("/readyz while GitHub fails = %d, want 503", code)
	}
	if code, _ := p.get("/healthz"); code != 200 {
		t.Errorf("/healthz while GitHub fails = %d, want 200", code)
	}
	p.deliver("pull_request", prPayload(t, "pull_request", "opened", ghFull, w.repo.URL, w.head, w.instID))
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	p.waitFor("the check run", time.Minute, func() bool { return len(w.fake.CheckRuns(ghFull, w.head)) == 1 })
	// Read the log once the process has exited: until then it reaches the
	// buffer through a pipe and may lag.
	stopCode := p.stop()
	logs := p.logs.String()
	for _, want := range []string{`"msg":"cannot reach GitHub at start: serving webhooks, not ready until it answers"`, `"msg":"first full reconcile failed; not ready yet"`, `forge unavailable: GitHub answered 502`, `"msg":"ready: first full reconcile done"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if code := stopCode; code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}

// TestServeUnknownRepositoryAfterOutage: GitHub is down at start, and once
// it answers it does not know the repository. That is a setting: herald
// serve stops with exit status 2 and the one line naming it.
func TestServeUnknownRepositoryAfterOutage(t *testing.T) {
	t.Parallel()
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken("tok", "herald-bot")
	fake.FailNext("repos/get", 2, 503)
	var stderr syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := serve(ctx, []string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--github-token", "tok", "--repos", "acme/blog", "--github-url", fake.URL()},
		serveDeps{getenv: env(map[string]string{"HERALD_WEBHOOK_SECRET": "s"}), stderr: &stderr, retryEvery: 50 * time.Millisecond})
	if code != exitUsage {
		t.Errorf("exit code = %d, want %d", code, exitUsage)
	}
	last := stderr.String()[strings.LastIndex(strings.TrimSuffix(stderr.String(), "\n"), "\n")+1:]
	if !strings.HasPrefix(last, "herald serve: --repos acme/blog: cannot read the repository: get repository acme/blog: not found: GitHub answered 404") || !strings.HasSuffix(last, "(check its name and that the token may read it)\n") {
		t.Errorf("last line = %q\nlogs:\n%s", last, stderr.String())
	}
	if !strings.Contains(stderr.String(), "cannot reach GitHub at start") {
		t.Errorf("the outage at start is not logged:\n%s", stderr.String())
	}
}

// TestOneShotFailsFastWhenGitHubIsDown: herald publish --due and herald
// schedule do not wait for GitHub; they exit 2 with one line saying it could
// not be reached, and publish nothing.
func TestOneShotFailsFastWhenGitHubIsDown(t *testing.T) {
	t.Parallel()
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken("tok", "herald-bot")
	vars := env(map[string]string{"HERALD_GITHUB_TOKEN": "tok", "HERALD_REPOS": "acme/blog", "HERALD_GITHUB_URL": fake.URL()})
	for _, tc := range []struct {
		name string
		run  func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr *syncBuffer) int
	}{
		{"publish", func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr *syncBuffer) int {
			return publishDue(ctx, append(args, "--due"), getenv, stdout, stderr)
		}},
		{"schedule", func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr *syncBuffer) int {
			return schedule(ctx, args, getenv, stdout, stderr)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake.FailNext("users/get-authenticated", 2, 502)
			var stdout, stderr syncBuffer
			start := time.Now()
			code := tc.run(context.Background(), []string{"--data-dir", t.TempDir()}, vars, &stdout, &stderr)
			want := "herald " + tc.name + ": cannot reach GitHub at " + fake.URL() + ": get the authenticated user: forge unavailable: GitHub answered 502"
			if code != exitUsage || stdout.String() != "" || !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and a line starting %q", code, stdout.String(), stderr.String(), want)
			}
			// herald serve would wait for ever; a bound far above the
			// second this takes tells the two apart on a busy machine.
			if took := time.Since(start); took > time.Minute {
				t.Errorf("took %s to give up", took)
			}
		})
	}
}

// TestOneShotTimeout: a Git server that accepts and never answers does not
// hold herald publish --due (run from cron) for ever: --timeout ends it with
// a line that says so.
func TestOneShotTimeout(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", siteFiles("", nil))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv.InjectFault(gittest.Fault{Kind: gittest.Block, Arrived: make(chan struct{}, 16), Release: release})
	for _, cmd := range []string{"publish", "schedule"} {
		args := []string{cmd, "--repo", repo.URL, "--data-dir", t.TempDir(), "--timeout", "1s"}
		if cmd == "publish" {
			args = append(args, "--due")
		}
		r := herald(t, nil, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "--timeout 1s passed") {
			t.Errorf("herald %s against a stalled server: exit %d, stderr %q; want a failure naming --timeout", cmd, r.code, r.stderr)
		}
	}
	r := herald(t, nil, "publish", "--due", "--repo", repo.URL, "--timeout", "0s")
	if r.code != exitUsage || r.stderr != "herald publish: --timeout 0s: want a positive duration\n" {
		t.Errorf("--timeout 0s: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestServeReadyWithOneBrokenRepository: one repository of the App's
// installation cannot be reconciled (its Git server refuses connections);
// herald serve still reports ready, since a load balancer would otherwise
// keep every webhook from it, and the other repository gets its feedback.
// The log names the broken one.
func TestServeReadyWithOneBrokenRepository(t *testing.T) {
	t.Parallel()
	w := newGHWorld(t, "app", time.Now().Add(72*time.Hour))
	w.fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "broken", CloneURL: gittest.RefusedURL(t)})
	p := startServeProc(t, w.env)
	p.secret = ghSecret
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	p.deliver("pull_request", prPayload(t, "pull_request", "opened", ghFull, w.repo.URL, w.head, w.instID))
	p.waitFor("the check run", time.Minute, func() bool { return len(w.fake.CheckRuns(ghFull, w.head)) == 1 })
	// Read the log once the process has exited: until then it reaches the
	// buffer through a pipe and may lag.
	stopCode := p.stop()
	logs := p.logs.String()
	for _, want := range []string{`"msg":"ready, but some repositories failed their first reconcile; the resync retries them"`, `"failed":1`, `"repositories":2`, `acme/broken`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if code := stopCode; code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}
