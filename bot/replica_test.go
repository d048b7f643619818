package bot_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
)

// replicaEnv selects the replica mode of the test binary: its value is a
// replicaConfig in JSON, and the binary runs one herald reconcile of the
// repository instead of the tests (see TestMain).
const replicaEnv = "HERALD_TEST_REPLICA"

const replicaToken = "ghp_replica_token"

// replicaConfig is what a replica process is told by the test that starts
// it: where the forge and the repository are, its own data directory, the
// time it believes it is, and the wall-clock instant to start at so that
// two replicas race.
type replicaConfig struct {
	API     string `json:"api"`
	Token   string `json:"token"`
	Repo    string `json:"repo"`
	DataDir string `json:"data_dir"`
	Now     string `json:"now"`
	StartAt int64  `json:"start_at_unix_nano"`
}

// runReplica is the main function of a replica process: it builds a bot as
// "herald serve" does in token mode (its own data directory, a token client
// for the forge) and reconciles the repository once, at the configured time,
// as the start-up resync or "herald publish --due" would. It logs JSON to
// stderr and exits 0 when the reconcile succeeded.
func runReplica(raw string) int {
	var cfg replicaConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "replica: bad %s: %v\n", replicaEnv, err)
		return 2
	}
	now, err := time.Parse(time.RFC3339, cfg.Now)
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: bad time: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	owner, name, _ := strings.Cut(cfg.Repo, "/")
	client, err := github.NewTokenClient(cfg.Token, owner, name, github.Options{BaseURL: cfg.API, Logger: log,
		Retry: github.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxWait: 3 * time.Second, AttemptTimeout: 10 * time.Second}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: %v\n", err)
		return 2
	}
	login, err := client.Login(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: login: %v\n", err)
		return 2
	}
	cache, err := gitrepo.NewCache(cfg.DataDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: %v\n", err)
		return 2
	}
	defer cache.Close()
	clients := bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) { return client, nil })
	b, err := bot.New(clients, gitMirrors(cache), bot.WithClock(func() time.Time { return now }), bot.WithLogger(log),
		bot.WithCommitStatuses(), bot.WithLogin(login))
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: %v\n", err)
		return 2
	}
	time.Sleep(time.Until(time.Unix(0, cfg.StartAt)))
	if err := b.ReconcileAll(ctx, []bot.Target{{Repo: cfg.Repo}}); err != nil {
		fmt.Fprintf(os.Stderr, "replica: %v\n", err)
		return 1
	}
	return 0
}

// replicaRun is one finished replica process.
type replicaRun struct {
	err  error
	logs string
	// msgs are the publisher's log messages that tell what the replica
	// did: "merged", "already merged", "published", "already published",
	// "branch moved; re-reading" and the like.
	msgs []string
}

// publishMsgs are the log messages of the publisher about merges and draft
// flips.
var publishMsgs = map[string]bool{
	"merged": true, "already merged": true, "merge failed": true, "head moved since it was checked; not merged": true,
	"published": true, "already published": true, "branch moved; re-reading": true, "draft flip failed": true,
}

// runReplicas starts n replica processes of this test binary against the
// repository and waits for all of them. They start reconciling at the same
// wall-clock instant; replica i believes it is now plus i seconds, as two
// machines' clocks differ (within one second they would write the very same
// publish commit, which is one commit too).
func runReplicas(t *testing.T, n int, api, repo string, now time.Time) []replicaRun {
	t.Helper()
	start := time.Now().Add(1500 * time.Millisecond).UnixNano()
	type proc struct {
		cmd            *exec.Cmd
		stdout, stderr bytes.Buffer
	}
	procs := make([]*proc, n)
	for i := range procs {
		cfg, err := json.Marshal(replicaConfig{API: api, Token: replicaToken, Repo: repo, DataDir: filepath.Join(t.TempDir(), "data"),
			Now: now.Add(time.Duration(i) * time.Second).Format(time.RFC3339), StartAt: start})
		if err != nil {
			t.Fatal(err)
		}
		p := &proc{cmd: exec.Command(os.Args[0], "-test.run=^$")}
		p.cmd.Env = append(os.Environ(), replicaEnv+"="+string(cfg))
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = p
	}
	out := make([]replicaRun, n)
	for i, p := range procs {
		out[i].err = p.cmd.Wait()
		out[i].logs = p.stderr.String()
		sc := bufio.NewScanner(strings.NewReader(out[i].logs))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Msg string `json:"msg"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && publishMsgs[line.Msg] {
				out[i].msgs = append(out[i].msgs, line.Msg)
			}
		}
	}
	return out
}

// TestTwoProcessesPublishOnce runs two herald processes, each with its own
// data directory, against the same repository at the same due time: one
// merge of the due approved pull request (merge strategy), one publish commit
// of the due draft (draft strategy), and both processes exit cleanly, the
// loser having found the work done. The forge holds the first merge (and the
// Git server the first push) until the other process has tried too, so the
// two really overlap at the side effect.
func TestTwoProcessesPublishOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes; skipped in -short mode")
	}
	due := time.Date(2026, 2, 3, 9, 0, 30, 0, time.UTC)

	t.Run("merge strategy", func(t *testing.T) {
		t.Parallel()
		base, post := cleanPost(t)
		srv := gittest.NewServer(t)
		w := &world{t: t, git: srv.NewRepo(name, base)}
		overlapped := make(chan bool, 1)
		var fake atomic.Pointer[fakegithub.Server]
		w.fake = fakegithub.New(t, fakegithub.Options{OnMerge: func(repo string, pr int, sha string) (string, error) {
			// Hold the merge until the other process's merge was answered
			// (refused while this one is in progress), or a few seconds.
			f := fake.Load()
			deadline := time.Now().Add(5 * time.Second)
			for f.Count("pulls/merge") == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			select {
			case overlapped <- f.Count("pulls/merge") > 0:
			default:
			}
			if out, err := exec.Command("git", "--git-dir", w.git.Dir, "update-ref", "refs/heads/main", sha).CombinedOutput(); err != nil {
				return "", fmt.Errorf("update main: %v: %s", err, out)
			}
			return sha, nil
		}})
		fake.Store(w.fake)
		w.fake.AddToken(replicaToken, "herald-bot")
		w.fake.AddRepo(fakegithub.Repo{Owner: owner, Name: name, CloneURL: w.git.URL})
		before := w.git.Ref("refs/heads/main")
		head := w.openPR(2, post)
		w.fake.AddReview(fullName, fakeReview(head))

		runs := runReplicas(t, 2, w.fake.URL(), fullName, due)
		checkReplicas(t, runs, "merged")
		if m := w.fake.Merges(); len(m) != 1 || m[0].SHA != head {
			t.Errorf("merges = %+v, want one of #2 at %s", m, head)
		}
		if got := w.git.Ref("refs/heads/main"); got != head {
			t.Errorf("main = %s, want the merged head %s", got, head)
		}
		if got := w.git.CommitCount("refs/heads/main") - w.git.CommitCount(before); got != 1 {
			t.Errorf("commits published on main = %d, want 1", got)
		}
		select {
		case o := <-overlapped:
			t.Logf("the second merge arrived while the first was in progress: %v", o)
		default:
			t.Error("the forge saw no merge")
		}
	})

	t.Run("draft strategy", func(t *testing.T) {
		t.Parallel()
		files := siteFiles(t)
		files[".herald.yml"] += "publish:\n  strategy: draft\n"
		files[postPath] = strings.Replace(files[postPath], "type: \"blog\"\n", "type: \"blog\"\ndraft: true\n", 1)
		files[postPath] = withoutErrors(files[postPath])
		srv := gittest.NewServer(t)
		repo := srv.NewRepo(name, files)
		fake := fakegithub.New(t, fakegithub.Options{})
		fake.AddToken(replicaToken, "herald-bot")
		fake.AddRepo(fakegithub.Repo{Owner: owner, Name: name, CloneURL: repo.URL})
		before := repo.Ref("refs/heads/main")

		// The first push is held until the other process's push moved
		// the branch (or a few seconds passed), then served: its
		// expected old commit no longer matches.
		arrived, release := make(chan struct{}, 1), make(chan struct{})
		srv.InjectFault(gittest.Fault{Kind: gittest.Block, Match: "git-receive-pack", Times: 1, Arrived: arrived, Release: release})
		go func() {
			defer close(release)
			select {
			case <-arrived:
			case <-time.After(30 * time.Second):
				return
			}
			deadline := time.Now().Add(5 * time.Second)
			for time.Now().Before(deadline) {
				if out, err := exec.Command("git", "--git-dir", repo.Dir, "rev-parse", "refs/heads/main").Output(); err == nil && strings.TrimSpace(string(out)) != before {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()

		runs := runReplicas(t, 2, fake.URL(), fullName, due)
		checkReplicas(t, runs, "published")
		checkDraftFlipped(t, repo, before)
	})
}

// checkReplicas checks that every replica exited cleanly, that exactly one
// did the side effect (done is its log message: "merged", "published"), and
// that the other found it done or had nothing left to do.
func checkReplicas(t *testing.T, runs []replicaRun, done string) {
	t.Helper()
	winners := 0
	for i, r := range runs {
		t.Logf("replica %d: exit %v, publisher said %q", i, r.err, r.msgs)
		if r.err != nil {
			t.Errorf("replica %d failed: %v\n%s", i, r.err, r.logs)
		}
		for _, m := range r.msgs {
			switch m {
			case done:
				winners++
			case "merge failed", "draft flip failed":
				t.Errorf("replica %d reported a failure:\n%s", i, r.logs)
			}
		}
	}
	if winners != 1 {
		t.Errorf("%d replicas say %q, want exactly 1", winners, done)
	}
}
