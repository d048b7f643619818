package gitrepo_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// clonePath is one way a Cache fetches a new mirror's objects: with the
// git command, or with go-git, chosen or as the fallback when the git
// command named does not exist.
type clonePath struct {
	name string
	git  string // WithGitCommand's argument
	with string // the "with" of the "mirror cloned" log line
}

func clonePaths(t *testing.T) []clonePath {
	t.Helper()
	paths := []clonePath{
		{name: "go-git", git: "", with: "go-git"},
		{name: "no git command", git: filepath.Join(t.TempDir(), "no-such-git"), with: "go-git"},
	}
	if _, err := exec.LookPath("git"); err == nil {
		paths = append(paths, clonePath{name: "git command", git: "git", with: "git"})
	}
	return paths
}

// logBuffer is a JSON log kept for a test to read.
type logBuffer struct{ bytes.Buffer }

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&l.Buffer, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lines returns the log lines whose message is msg.
func (l *logBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(l.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func newCacheWith(t *testing.T, p clonePath, logs *logBuffer) *gitrepo.Cache {
	t.Helper()
	c, err := gitrepo.NewCache(t.TempDir(), gitrepo.WithLogger(logs.logger()), gitrepo.WithGitCommand(p.git))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// refsOf lists the refs of a bare repository as git reads them.
func refsOf(t *testing.T, dir string) string {
	t.Helper()
	return gittest.OpenRepo(t, dir).Git("for-each-ref", "--format=%(refname) %(objectname)")
}

// TestCloneEitherWay clones the same repository with the git command and
// with go-git, and checks that both make the same mirror: every branch and
// tag (not pull request refs), HEAD at the remote's default branch, one
// pack, and a mirror go-git fetches into afterwards.
func TestCloneEitherWay(t *testing.T) {
	t.Parallel()
	for _, p := range clonePaths(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := gittest.NewServer(t)
			repo := srv.NewRepo("site", nil)
			repo.Commit("refs/heads/trunk", map[string]string{"blog/a.md": "a\n", "docs/b.md": "b\n"})
			repo.Commit("refs/heads/feature", map[string]string{"blog/c.md": "c\n"})
			repo.Git("symbolic-ref", "HEAD", "refs/heads/trunk")
			repo.Git("tag", "v1", "refs/heads/trunk")
			repo.Git("-c", "user.name=Ada", "-c", "user.email=ada@example.com", "tag", "-a", "-m", "release", "v2", "refs/heads/feature")
			repo.CreatePullRef(7, "refs/heads/trunk", map[string]string{"blog/pr.md": "pr\n"})
			want := strings.Join(slices.DeleteFunc(strings.Split(refsOf(t, repo.Dir), "\n"), func(l string) bool {
				return strings.HasPrefix(l, "refs/pull/")
			}), "\n")

			var logs logBuffer
			m, err := newCacheWith(t, p, &logs).Open(ctx, repo.URL, gitrepo.Anonymous())
			if err != nil {
				t.Fatal(err)
			}
			cloned := logs.lines(t, "mirror cloned")
			if len(cloned) != 1 || cloned[0]["with"] != p.with {
				t.Errorf("mirror cloned lines = %v, want one with %q", cloned, p.with)
			}
			if got := refsOf(t, m.Dir()); got != want {
				t.Errorf("refs of the mirror:\n%s\nwant\n%s", got, want)
			}
			if b, err := m.DefaultBranch(ctx); err != nil || b != "trunk" {
				t.Errorf("DefaultBranch = %q, %v; want trunk", b, err)
			}
			if got := resolve(t, m, "v2").String(); got != repo.Ref("refs/heads/feature") {
				t.Errorf("v2 = %s, want the commit of feature", got)
			}
			packs, _ := filepath.Glob(filepath.Join(m.Dir(), "objects", "pack", "pack-*.pack"))
			loose, _ := filepath.Glob(filepath.Join(m.Dir(), "objects", "??", "*"))
			if len(packs) != 1 || len(loose) != 0 {
				t.Errorf("objects: %d packs and %d loose objects, want one pack", len(packs), len(loose))
			}
			for _, leftover := range []string{"FETCH_HEAD", "gc.log"} {
				if _, err := os.Stat(filepath.Join(m.Dir(), leftover)); err == nil {
					t.Errorf("the mirror holds %s", leftover)
				}
			}

			tip := repo.Commit("refs/heads/trunk", map[string]string{"blog/d.md": "d\n"})
			if err := m.Fetch(ctx, "refs/heads/trunk"); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, m, resolve(t, m, "trunk"), "blog/d.md"); got != "d\n" || resolve(t, m, "trunk").String() != tip {
				t.Errorf("after fetch: trunk = %s, d.md = %q", resolve(t, m, "trunk"), got)
			}
		})
	}
}

// TestCloneEitherWayEdges covers an empty remote and a remote on disk.
func TestCloneEitherWayEdges(t *testing.T) {
	t.Parallel()
	for _, p := range clonePaths(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var logs logBuffer
			c := newCacheWith(t, p, &logs)

			empty := gittest.NewBareRepo(t, nil)
			m, err := c.Open(ctx, empty.URL, gitrepo.Anonymous())
			if err != nil {
				t.Fatalf("Open(empty): %v", err)
			}
			if _, err := m.Resolve(ctx, "main"); !errors.Is(err, gitrepo.ErrNotFound) {
				t.Errorf("Resolve(main) in an empty mirror: %v, want ErrNotFound", err)
			}
			empty.Commit("refs/heads/main", map[string]string{"first.md": "1\n"})
			if err := m.Fetch(ctx); err != nil {
				t.Fatal(err)
			}
			if got := resolve(t, m, "main").String(); got != empty.Ref("main") {
				t.Errorf("main after the first push = %s", got)
			}

			onDisk := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
			m, err = c.Open(ctx, onDisk.Dir, gitrepo.Anonymous())
			if err != nil {
				t.Fatalf("Open(%s): %v", onDisk.Dir, err)
			}
			if got := resolve(t, m, "main").String(); got != onDisk.Ref("main") {
				t.Errorf("main of a repository by path = %s", got)
			}
		})
	}
}

// TestCloneEitherWayFaults checks that a clone cut short or cancelled
// leaves nothing behind and is retried whole by the next Open.
func TestCloneEitherWayFaults(t *testing.T) {
	t.Parallel()
	for _, p := range clonePaths(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			srv := gittest.NewServer(t)
			repo := srv.NewRepo("site", map[string]string{"a.md": strings.Repeat("a\n", 5000), "b.md": strings.Repeat("b\n", 5000)})
			var logs logBuffer
			c := newCacheWith(t, p, &logs)

			for _, kind := range []gittest.FaultKind{gittest.TruncatePack, gittest.CloseMidResponse, gittest.Status500} {
				srv.InjectFault(gittest.Fault{Kind: kind, Match: "git-upload-pack", Times: 1})
				_, err := c.Open(context.Background(), repo.URL, gitrepo.Anonymous())
				if err == nil {
					t.Fatalf("%s: Open succeeded", kind)
				}
				if !strings.HasPrefix(err.Error(), "open mirror of "+repo.URL+": fetch: ") {
					t.Errorf("%s: error = %q, want it to name the remote and the fetch", kind, err)
				}
				t.Logf("%s: %v", kind, err)
				assertNoClone(t, c.Dir())
			}

			arrived := make(chan struct{}, 1)
			release := make(chan struct{})
			defer close(release)
			srv.InjectFault(gittest.Fault{Kind: gittest.Block, Match: "git-upload-pack", Times: 1, Arrived: arrived, Release: release})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := c.Open(ctx, repo.URL, gitrepo.Anonymous())
				done <- err
			}()
			<-arrived
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled Open = %v, want context.Canceled", err)
			}
			assertNoClone(t, c.Dir())

			m := open(t, c, repo.URL)
			if got := resolve(t, m, "main").String(); got != repo.Ref("main") {
				t.Errorf("main after the faults = %s", got)
			}
		})
	}
}

// assertNoClone checks that the data directory holds no mirror and no
// temporary clone (lock files stay, by design).
func assertNoClone(t *testing.T, dir string) {
	t.Helper()
	left, _ := os.ReadDir(dir)
	left = slices.DeleteFunc(left, func(e os.DirEntry) bool { return e.Name() == ".locks" })
	if len(left) != 0 {
		t.Errorf("a failed clone left %v", left)
	}
}

// TestCloneCredentials clones a private repository with a token, and
// checks the message for a refused token on both paths: when the ref
// listing is refused, and when the fetch after it is (the token revoked
// in between, seen through a proxy that refuses the pack request). The
// token never reaches an error, a log, the disk, or a command line.
func TestCloneCredentials(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.WithToken(secretToken))
	repo := srv.NewRepo("private", map[string]string{"post.md": "draft: true\n"})
	upstream, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// The proxy serves the ref listing and refuses the pack request, as a
	// forge does for a token revoked between the two.
	revoking := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
			w.Header().Set("WWW-Authenticate", `Basic realm="gittest"`)
			http.Error(w, "token revoked", http.StatusUnauthorized)
			return
		}
		httputil.NewSingleHostReverseProxy(upstream).ServeHTTP(w, r)
	}))
	t.Cleanup(revoking.Close)
	revokingURL := revoking.URL + "/private.git"
	encoded := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + secretToken))

	for _, p := range clonePaths(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var logs logBuffer
			c := newCacheWith(t, p, &logs)

			for _, tc := range []struct {
				name, url string
				auth      gitrepo.Auth
				want      string
			}{
				{"anonymous", repo.URL, gitrepo.Anonymous(), "open mirror of " + repo.URL + ": list remote refs: authentication required"},
				{"wrong token", repo.URL, gitrepo.Token("ghs_wrong_" + secretToken), "open mirror of " + repo.URL + ": list remote refs: authentication required"},
				{"token revoked after the listing", revokingURL, gitrepo.Token(secretToken), "open mirror of " + revokingURL + ": fetch: "},
			} {
				_, err := c.Open(ctx, tc.url, tc.auth)
				if err == nil {
					t.Fatalf("%s: Open succeeded", tc.name)
				}
				t.Logf("%s: %v", tc.name, err)
				if !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "authentication required") ||
					!errors.Is(err, transport.ErrAuthenticationRequired) {
					t.Errorf("%s: error = %q, want it to start %q and say authentication required", tc.name, err, tc.want)
				}
				if strings.Contains(err.Error(), secretToken) || strings.Contains(err.Error(), encoded) {
					t.Errorf("%s: the error shows the token: %q", tc.name, err)
				}
				assertNoClone(t, c.Dir())
			}

			// While the pack request is held, no process has the token
			// on its command line.
			arrived := make(chan struct{}, 1)
			release := make(chan struct{})
			srv.InjectFault(gittest.Fault{Kind: gittest.Block, Match: "git-upload-pack", Times: 1, Arrived: arrived, Release: release})
			done := make(chan error, 1)
			go func() {
				_, err := c.Open(ctx, repo.URL, gitrepo.Token(secretToken))
				done <- err
			}()
			select {
			case <-arrived:
				if hits := commandLinesWith(secretToken, encoded); len(hits) > 0 {
					t.Errorf("command lines show the token: %q", hits)
				}
			case err := <-done:
				t.Fatalf("Open ended before its pack request: %v", err)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			m, err := c.Open(ctx, repo.URL, gitrepo.Token(secretToken))
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, m, resolve(t, m, "main"), "post.md"); got != "draft: true\n" {
				t.Errorf("post.md = %q", got)
			}

			for _, secret := range []string{secretToken, encoded} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("the logs show the token:\n%s", logs.String())
				}
				hits, err := filepathWalkContains(c.Dir(), secret)
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) > 0 {
					t.Errorf("the token is on disk in %v", hits)
				}
			}
		})
	}
}

// commandLinesWith returns the command lines of this machine's processes
// that hold any of secrets (none where /proc does not exist).
func commandLinesWith(secrets ...string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var hits []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				hits = append(hits, string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
			}
		}
	}
	return hits
}

// TestGitFoundOnce checks that the cache looks for the git command once,
// and says in one line when it clones with go-git instead.
func TestGitFoundOnce(t *testing.T) {
	t.Parallel()
	p := clonePath{name: "no git command", git: filepath.Join(t.TempDir(), "no-such-git")}
	var logs logBuffer
	c := newCacheWith(t, p, &logs)
	for i := range 3 {
		repo := gittest.NewBareRepo(t, map[string]string{"a.md": strings.Repeat("x", i)})
		open(t, c, repo.URL)
	}
	lines := logs.lines(t, "cloning mirrors with go-git")
	if len(lines) != 1 || !strings.Contains(lines[0]["reason"].(string), "no-such-git") {
		t.Errorf("lines saying go-git clones = %v, want one naming the missing command", lines)
	}
}
