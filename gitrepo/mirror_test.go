package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

func TestOpenClonesAndFetchesIncrementally(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{
		"blog/2026/hello/index.md": "---\ntitle: Hello\n---\nHi.\n",
		"docusaurus.config.js":     "module.exports = {};\n",
	})
	repo.Git("tag", "v1", "main")
	c := newCache(t)
	m := open(t, c, repo.URL)

	if got, want := resolve(t, m, "refs/heads/main").String(), repo.Ref("refs/heads/main"); got != want {
		t.Errorf("main = %s, want %s", got, want)
	}
	if got, want := resolve(t, m, "v1").String(), repo.Ref("refs/heads/main"); got != want {
		t.Errorf("tag v1 = %s, want %s", got, want)
	}
	branch, err := m.DefaultBranch(ctx)
	if err != nil || branch != "main" {
		t.Errorf("DefaultBranch = %q, %v; want main", branch, err)
	}

	// A pull request ref is not cloned; fetching it by name brings it in,
	// moving only the new objects.
	pr := repo.CreatePullRef(7, "refs/heads/main", map[string]string{"blog/2026/new/index.md": "---\ntitle: New\n---\nNew post.\n"})
	if _, err := m.Resolve(ctx, "refs/pull/7/head"); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Fatalf("before fetch: Resolve(pull) error = %v, want ErrNotFound", err)
	}
	srv.ResetStats()
	if err := m.Fetch(ctx, "refs/heads/main", "refs/pull/7/head"); err != nil {
		t.Fatal(err)
	}
	if got := resolve(t, m, "refs/pull/7/head").String(); got != pr {
		t.Errorf("pull head = %s, want %s", got, pr)
	}
	if got := readFile(t, m, hash(t, pr), "blog/2026/new/index.md"); !strings.Contains(got, "New post.") {
		t.Errorf("new post = %q", got)
	}

	// Nothing new: only the ref advertisement is read.
	srv.ResetStats()
	if err := m.Fetch(ctx, "refs/heads/main", "refs/pull/7/head"); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Requests != 1 {
		t.Errorf("up-to-date fetch made %d requests, want 1 (advertisement only)", st.Requests)
	}

	// A force-pushed pull request head is followed.
	rewritten := repo.Apply(gittest.Change{Ref: "refs/pull/7/head", From: "refs/heads/main", Files: map[string]string{"blog/2026/new/index.md": "rewritten\n"}})
	if err := m.Fetch(ctx, "refs/pull/7/head"); err != nil {
		t.Fatal(err)
	}
	if got := resolve(t, m, "refs/pull/7/head").String(); got != rewritten {
		t.Errorf("rewritten pull head = %s, want %s", got, rewritten)
	}

	// Reopening from disk (a new process) reuses the mirror without cloning.
	srv.ResetStats()
	m2 := open(t, newCacheIn(t, c.Dir()), repo.URL)
	if st := srv.Stats(); st.Requests != 0 {
		t.Errorf("reopen made %d requests, want 0", st.Requests)
	}
	if got := resolve(t, m2, "refs/pull/7/head").String(); got != rewritten {
		t.Errorf("after reopen pull head = %s, want %s", got, rewritten)
	}
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
	m := open(t, newCache(t), repo.URL)
	tests := []struct {
		name    string
		refs    []string
		wantIs  error
		wantMsg string
	}{
		{"missing ref", []string{"refs/pull/99/head"}, gitrepo.ErrNotFound, `fetch refs/pull/99/head from ` + repo.URL + `: not found (couldn't find remote ref "refs/pull/99/head")`},
		{"short name", []string{"main"}, nil, `fetch "main" from ` + repo.URL + `: want a full ref name such as refs/heads/main`},
		{"wildcard", []string{"refs/heads/*"}, nil, `fetch "refs/heads/*" from ` + repo.URL + `: want a full ref name such as refs/heads/main`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Fetch(ctx, tt.refs...)
			if err == nil {
				t.Fatal("Fetch succeeded, want error")
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error = %q\nwant    %q", err, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
	main := repo.Ref("refs/heads/main")
	repo.Git("tag", "-a", "-m", "release", "v2", main)
	m := open(t, newCache(t), repo.URL)
	for _, rev := range []string{"main", "refs/heads/main", "HEAD", "v2", "refs/tags/v2", main} {
		if got := resolve(t, m, rev).String(); got != main {
			t.Errorf("Resolve(%s) = %s, want %s", rev, got, main)
		}
	}
	for _, rev := range []string{"nope", "refs/heads/nope", strings.Repeat("0", 40)} {
		if _, err := m.Resolve(context.Background(), rev); !errors.Is(err, gitrepo.ErrNotFound) {
			t.Errorf("Resolve(%s) error = %v, want ErrNotFound", rev, err)
		}
	}
}

func TestOpenEmptyRepository(t *testing.T) {
	t.Parallel()
	repo := gittest.NewBareRepo(t, nil)
	m := open(t, newCache(t), repo.URL)
	if _, err := m.Resolve(context.Background(), "main"); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("Resolve(main) in empty repo: %v, want ErrNotFound", err)
	}
	repo.Commit("refs/heads/main", map[string]string{"first.md": "1\n"})
	if err := m.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := resolve(t, m, "refs/heads/main").String(); got != repo.Ref("refs/heads/main") {
		t.Errorf("main after first push = %s", got)
	}
}

// TestCorruptMirrorIsClonedAgain damages a mirror on disk in the ways a
// crash or a full disk would, and checks that the next Open notices and
// clones again.
func TestCorruptMirrorIsClonedAgain(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "a\n", "b/c.md": "c\n"})
	tip := repo.Ref("refs/heads/main")
	packs := func(t *testing.T, dir string) []string {
		t.Helper()
		p, err := filepath.Glob(filepath.Join(dir, "objects", "pack", "pack-*.pack"))
		if err != nil || len(p) == 0 {
			t.Fatalf("no packs in %s (%v)", dir, err)
		}
		return p
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"truncated pack", func(t *testing.T, dir string) {
			p := packs(t, dir)[0]
			fi, _ := os.Stat(p)
			if err := os.Truncate(p, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"pack without index", func(t *testing.T, dir string) {
			p := packs(t, dir)[0]
			if err := os.Remove(strings.TrimSuffix(p, ".pack") + ".idx"); err != nil {
				t.Fatal(err)
			}
		}},
		{"objects gone", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "objects")); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(dir, "objects", "pack"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage HEAD", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "HEAD"), []byte("\x00\x01garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"ref to missing object", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "refs", "heads", "main"), []byte(strings.Repeat("ab", 20)+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_ = os.Remove(filepath.Join(dir, "packed-refs"))
		}},
		{"config gone", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "config")); err != nil {
				t.Fatal(err)
			}
		}},
		{"not a repository", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "junk"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataDir := t.TempDir()
			m := open(t, newCacheIn(t, dataDir), repo.URL)
			tt.damage(t, m.Dir())
			m2 := open(t, newCacheIn(t, dataDir), repo.URL)
			if got := resolve(t, m2, "refs/heads/main").String(); got != tip {
				t.Errorf("main after re-clone = %s, want %s", got, tip)
			}
			if got := readFile(t, m2, hash(t, tip), "b/c.md"); got != "c\n" {
				t.Errorf("b/c.md = %q", got)
			}
		})
	}
}

func TestHalfWrittenCloneIsIgnored(t *testing.T) {
	t.Parallel()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
	dataDir := t.TempDir()
	m := open(t, newCacheIn(t, dataDir), repo.URL)
	// A crash during a clone leaves only a temporary directory behind.
	leftover := filepath.Join(dataDir, ".clone-"+filepath.Base(m.Dir())+"-123")
	if err := os.MkdirAll(filepath.Join(leftover, "objects"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(m.Dir()); err != nil {
		t.Fatal(err)
	}
	m2 := open(t, newCacheIn(t, dataDir), repo.URL)
	if got := resolve(t, m2, "main").String(); got != repo.Ref("refs/heads/main") {
		t.Errorf("main = %s", got)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover clone directory still there: %v", err)
	}
}

// TestMirrorsWorkInParallel holds a fetch of one mirror inside the server
// and checks that another mirror is not held up while a second operation
// on the first mirror waits, honouring its context.
func TestMirrorsWorkInParallel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	a := srv.NewRepo("a", map[string]string{"a.md": "a\n"})
	b := srv.NewRepo("b", map[string]string{"b.md": "b\n"})
	c := newCache(t)
	ma := open(t, c, a.URL)
	mb := open(t, c, b.URL)
	a.Commit("refs/heads/main", map[string]string{"a.md": "a2\n"})
	b.Commit("refs/heads/main", map[string]string{"b.md": "b2\n"})

	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	srv.InjectFault(gittest.Fault{Kind: gittest.Block, Match: "/a.git/info/refs", Times: 1, Arrived: arrived, Release: release})
	fetchA := make(chan error, 1)
	go func() { fetchA <- ma.Fetch(ctx, "refs/heads/main") }()
	<-arrived

	// Mirror b works while a's fetch is in flight.
	if err := mb.Fetch(ctx, "refs/heads/main"); err != nil {
		t.Fatalf("fetch b while a is busy: %v", err)
	}
	if got := resolve(t, mb, "main").String(); got != b.Ref("refs/heads/main") {
		t.Errorf("b main = %s, want %s", got, b.Ref("refs/heads/main"))
	}

	// Mirror a is busy: a second operation waits and gives up with its
	// context.
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := ma.Resolve(wctx, "main"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Resolve on busy mirror: %v, want context.DeadlineExceeded", err)
	}

	close(release)
	if err := <-fetchA; err != nil {
		t.Fatalf("fetch a: %v", err)
	}
	if got := resolve(t, ma, "main").String(); got != a.Ref("refs/heads/main") {
		t.Errorf("a main = %s, want %s", got, a.Ref("refs/heads/main"))
	}

	// Many concurrent users of both mirrors see no errors.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	tip := resolve(t, ma, "main")
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				errs <- ma.Fetch(ctx, "refs/heads/main")
				return
			}
			_, err := ma.ReadFile(ctx, tip, "a.md")
			errs <- err
		}()
		go func() {
			defer wg.Done()
			errs <- mb.Fetch(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestFetchCostFollowsTheChange fetches one new post from a small and a
// ten-times larger repository: the bytes on the wire must be about the
// same, and far below a clone.
func TestFetchCostFollowsTheChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	fetchBytes := func(name string, posts int) (clone, fetch int64) {
		files := map[string]string{}
		for i := range posts {
			files[fmt.Sprintf("blog/%d/post-%d/index.md", 2020+i%5, i)] = fmt.Sprintf("---\ntitle: Post %d\n---\n%s\n", i, strings.Repeat(fmt.Sprintf("words of post %d ", i), 30))
		}
		repo := srv.NewRepo(name, files)
		srv.ResetStats()
		m := open(t, newCache(t), repo.URL)
		clone = srv.Stats().BytesSent
		repo.Commit("refs/heads/main", map[string]string{"blog/new/post/index.md": "---\ntitle: New\n---\nA new post.\n"})
		srv.ResetStats()
		if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
			t.Fatal(err)
		}
		st := srv.Stats()
		return clone, st.BytesSent + st.BytesReceived
	}
	smallClone, small := fetchBytes("small", 100)
	bigClone, big := fetchBytes("big", 1000)
	t.Logf("100 posts: clone %d B, fetch %d B; 1000 posts: clone %d B, fetch %d B", smallClone, small, bigClone, big)
	if bigClone < 5*smallClone {
		t.Fatalf("the larger repository is not larger: %d vs %d bytes", bigClone, smallClone)
	}
	if float64(big) > 1.2*float64(small) {
		t.Errorf("fetching one commit moved %d bytes from the large repository, %d from the small one", big, small)
	}
	if big*50 > bigClone {
		t.Errorf("fetching one commit moved %d bytes, more than 2%% of a clone (%d)", big, bigClone)
	}
}

// TestRepackAfterManyFetches fetches until the mirror holds more packs
// than allowed and checks that it is repacked into a sound repository.
func TestRepackAfterManyFetches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
	c, err := gitrepo.NewCache(t.TempDir(), gitrepo.WithMaxPacks(3), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	m := open(t, c, repo.URL)
	repo.CreatePullRef(1, "main", map[string]string{"pr.md": "pr\n"})
	if err := m.Fetch(ctx, "refs/pull/1/head"); err != nil {
		t.Fatal(err)
	}
	var tip string
	for i := range 6 {
		tip = repo.Commit("refs/heads/main", map[string]string{fmt.Sprintf("p%d.md", i): "post\n"})
		if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
	}
	packs, _ := filepath.Glob(filepath.Join(m.Dir(), "objects", "pack", "pack-*.pack"))
	if len(packs) > 3 {
		t.Errorf("%d packs after repacking, want at most 3", len(packs))
	}
	if got := resolve(t, m, "main").String(); got != tip {
		t.Errorf("main = %s, want %s", got, tip)
	}
	if got := readFile(t, m, resolve(t, m, "refs/pull/1/head"), "pr.md"); got != "pr\n" {
		t.Errorf("pr.md = %q", got)
	}
	// git itself finds the mirror sound.
	mirror := gittest.OpenRepo(t, m.Dir())
	if out := mirror.Git("fsck", "--strict", "--no-dangling"); out != "" {
		t.Errorf("git fsck: %s", out)
	}
	if n := mirror.CommitCount("main"); n != 7 {
		t.Errorf("commits = %d, want 7", n)
	}
}

func TestConcurrentOpensCloneOnce(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "a\n"})
	c := newCache(t)
	srv.ResetStats()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Open(context.Background(), repo.URL, gitrepo.Anonymous())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// One clone: list refs, then the fetch's advertisement and pack.
	if st := srv.Stats(); st.Requests != 3 {
		t.Errorf("8 concurrent opens made %d requests, want 3 (one clone)", st.Requests)
	}
}

func TestCancelledCloneLeavesNothing(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "a\n"})
	dataDir := t.TempDir()
	c := newCacheIn(t, dataDir)
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
		t.Fatalf("Open = %v, want context.Canceled", err)
	}
	left, _ := os.ReadDir(dataDir)
	left = slices.DeleteFunc(left, func(e os.DirEntry) bool { return e.Name() == ".locks" }) // lock files stay, by design
	if len(left) != 0 {
		t.Errorf("a cancelled clone left %v", left)
	}
	m := open(t, c, repo.URL)
	if got := resolve(t, m, "main").String(); got != repo.Ref("main") {
		t.Errorf("main = %s", got)
	}
}

func TestCloseAndReuse(t *testing.T) {
	t.Parallel()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
	c := newCache(t)
	m := open(t, c, repo.URL)
	tip := resolve(t, m, "main")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// A handle used after Close opens its mirror again.
	if got := readFile(t, m, tip, "a.md"); got != "a\n" {
		t.Errorf("a.md = %q", got)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}
