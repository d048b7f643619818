package gitrepo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

func TestCommitAndPush(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	post := "---\r\ntitle: FOSDEM recap\r\ndraft: true\r\ndate: 2026-02-03\r\n---\r\nBody with trailing spaces   \r\nno final newline"
	repo := srv.NewRepo("site", map[string]string{
		"blog/2026/fosdem/index.md": post,
		"blog/2026/other/index.md":  "other\n",
		"tools/build.sh":            "#!/bin/sh\necho hi\n",
	})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")

	wantPost := strings.Replace(post, "draft: true", "draft: false", 1)
	when := time.Date(2026, 2, 3, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	commit, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent:    tip,
		Files:     map[string][]byte{"blog/2026/fosdem/index.md": []byte(wantPost), "static/new/file.txt": []byte("new\n")},
		Delete:    []string{"blog/2026/other/index.md"},
		Message:   "publish: FOSDEM recap",
		Author:    author,
		Committer: bot,
		Time:      when,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing is on the remote until Push.
	if got := repo.Ref("refs/heads/main"); got != tip.String() {
		t.Fatalf("remote main moved before Push: %s", got)
	}
	if err := m.Push(ctx, "main", commit, tip); err != nil {
		t.Fatal(err)
	}
	if got := repo.Ref("refs/heads/main"); got != commit.String() {
		t.Fatalf("remote main = %s, want %s", got, commit)
	}
	if got := resolve(t, m, "main"); got != commit {
		t.Errorf("mirror main = %s, want %s", got, commit)
	}

	// The server's git sees exactly the intended change.
	if got := repo.ReadFile("main", "blog/2026/fosdem/index.md"); got != wantPost {
		t.Errorf("post on server:\n%q\nwant\n%q", got, wantPost)
	}
	if got := repo.Git("diff", "--name-status", tip.String(), "main"); got != "M\tblog/2026/fosdem/index.md\nD\tblog/2026/other/index.md\nA\tstatic/new/file.txt" {
		t.Errorf("server diff:\n%s", got)
	}
	if got := repo.Git("diff", "--numstat", tip.String(), "main", "--", "blog/2026/fosdem/index.md"); got != "1\t1\tblog/2026/fosdem/index.md" {
		t.Errorf("numstat = %q, want one line changed", got)
	}
	if got := repo.Git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%aI|%B", "main"); got != "Ada Author <ada@example.com>|herald <herald@example.com>|2026-02-03T10:00:00+01:00|publish: FOSDEM recap" {
		t.Errorf("commit = %q", got)
	}
	if got := repo.Git("fsck", "--strict", "--no-dangling"); got != "" {
		t.Errorf("git fsck: %s", got)
	}

	// An empty commit, for rebuilds, keeps the tree.
	empty, err := m.CommitEmpty(ctx, commit, "rebuild: scheduled post", bot, bot, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "refs/heads/main", empty, commit); err != nil {
		t.Fatal(err)
	}
	if a, b := repo.Git("rev-parse", "main^{tree}"), repo.Git("rev-parse", "main~1^{tree}"); a != b {
		t.Errorf("empty commit changed the tree: %s vs %s", a, b)
	}
	if got := repo.Git("log", "-1", "--format=%cI", "main"); got != "2026-03-01T09:00:00+00:00" {
		t.Errorf("empty commit time = %s, want the injected clock", got)
	}

	// A lost answer is retried safely: pushing the same commit again is a
	// success and changes nothing.
	if err := m.Push(ctx, "main", empty, commit); err != nil {
		t.Errorf("repeated push: %v", err)
	}
	if n := repo.CommitCount("main"); n != 3 {
		t.Errorf("commits on main = %d, want 3", n)
	}
}

func TestPushCreatesBranchOnlyIfAbsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n"})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	c, err := m.Commit(ctx, gitrepo.CommitRequest{Parent: tip, Files: map[string][]byte{"b.md": []byte("b\n")}, Message: "b", Author: bot, Committer: bot})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "herald/new", c, gitrepo.Hash{}); err != nil {
		t.Fatal(err)
	}
	if got := repo.Ref("refs/heads/herald/new"); got != c.String() {
		t.Fatalf("new branch = %s", got)
	}
	err = m.Push(ctx, "main", c, gitrepo.Hash{})
	if !errors.Is(err, gitrepo.ErrBranchMoved) {
		t.Fatalf("create over an existing branch: %v, want ErrBranchMoved", err)
	}
	want := "push refs/heads/main to " + repo.URL + ": refs/heads/main: remote is at " + tip.String() + ", expected absent: branch moved"
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}

func TestStalePushIsRejected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"post.md": "draft: true\n"})
	m := open(t, newCache(t), repo.URL)
	stale := resolve(t, m, "main")
	commit, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: stale, Files: map[string][]byte{"post.md": []byte("draft: false\n")},
		Message: "publish: post", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Someone else pushes first.
	moved := repo.Commit("refs/heads/main", map[string]string{"other.md": "x\n"})
	srv.ResetStats()
	err = m.Push(ctx, "main", commit, stale)
	var moveErr *gitrepo.BranchMovedError
	if !errors.As(err, &moveErr) || !errors.Is(err, gitrepo.ErrBranchMoved) {
		t.Fatalf("Push = %v, want *BranchMovedError", err)
	}
	if diff := cmp.Diff(&gitrepo.BranchMovedError{Branch: "refs/heads/main", Expected: stale, Actual: hash(t, moved)}, moveErr); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if got := repo.Ref("refs/heads/main"); got != moved {
		t.Errorf("remote main = %s, want unchanged %s", got, moved)
	}
	if st := srv.Stats(); st.BytesReceived != 0 {
		t.Errorf("a refused push sent %d bytes", st.BytesReceived)
	}
	if got := resolve(t, m, "main"); got != stale {
		t.Errorf("mirror main = %s, want untouched %s", got, stale)
	}

	// Re-read and retry: the same edit on the new tip lands.
	if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
		t.Fatal(err)
	}
	tip := resolve(t, m, "main")
	commit, err = m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Files: map[string][]byte{"post.md": []byte("draft: false\n")},
		Message: "publish: post", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", commit, tip); err != nil {
		t.Fatal(err)
	}
	if got := repo.ReadFile("main", "post.md"); got != "draft: false\n" {
		t.Errorf("post.md = %q", got)
	}
}

func TestCommitRefusesBadRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	repo.Apply(gittest.Change{
		Ref:      "refs/heads/main",
		Files:    map[string]string{"post.md": "draft: true\n", "dir/a.md": "a\n"},
		Symlinks: map[string]string{"link.md": "post.md"},
	})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	ok := gitrepo.CommitRequest{Parent: tip, Message: "m", Author: bot, Committer: bot}
	with := func(f func(*gitrepo.CommitRequest)) gitrepo.CommitRequest {
		r := ok
		f(&r)
		return r
	}
	unknown := hash(t, strings.Repeat("2", 40))
	tests := []struct {
		name string
		req  gitrepo.CommitRequest
		want string
	}{
		{"no message", with(func(r *gitrepo.CommitRequest) { r.Message = " \n" }), "commit: message is empty"},
		{"no author", with(func(r *gitrepo.CommitRequest) { r.Author = gitrepo.Signature{Name: "x"} }), "commit: author needs a name and an email"},
		{"bad committer", with(func(r *gitrepo.CommitRequest) { r.Committer = gitrepo.Signature{Name: "a<b", Email: "e"} }), `commit: committer "a<b" <e> contains <, >, a newline or NUL`},
		{"no parent", with(func(r *gitrepo.CommitRequest) { r.Parent = gitrepo.Hash{} }), "commit: parent is not set"},
		{"unknown parent", with(func(r *gitrepo.CommitRequest) { r.Parent = unknown }), "commit on " + unknown.String() + ": commit " + unknown.String() + ": not found"},
		{"nothing changes", ok, "commit on " + tip.String() + ": the changes leave the tree as it is; nothing to commit"},
		{"write leaves content equal", with(func(r *gitrepo.CommitRequest) {
			r.Files = map[string][]byte{"post.md": []byte("draft: true\n")}
		}), "commit on " + tip.String() + ": the changes leave the tree as it is; nothing to commit"},
		{"write over a symlink", with(func(r *gitrepo.CommitRequest) {
			r.Files = map[string][]byte{"link.md": []byte("x")}
		}), "commit on " + tip.String() + ": write link.md: a directory, symlink or submodule is there"},
		{"write and delete one path", with(func(r *gitrepo.CommitRequest) {
			r.Files = map[string][]byte{"post.md": []byte("y")}
			r.Delete = []string{"post.md"}
		}), "commit on " + tip.String() + ": post.md: more than one change (write or delete) names it"},
		{"write over a directory", with(func(r *gitrepo.CommitRequest) { r.Files = map[string][]byte{"dir": []byte("y")} }),
			"commit on " + tip.String() + ": write dir: a directory, symlink or submodule is there"},
		{"write under a file", with(func(r *gitrepo.CommitRequest) { r.Files = map[string][]byte{"post.md/x": []byte("y")} }),
			"commit on " + tip.String() + ": write under post.md: a file is there, not a directory"},
		{"path escapes", with(func(r *gitrepo.CommitRequest) { r.Files = map[string][]byte{"../x": []byte("y")} }),
			"commit on " + tip.String() + `: path "../x" is not a clean slash-separated path inside the repository`},
		{"path into .git", with(func(r *gitrepo.CommitRequest) { r.Files = map[string][]byte{"a/.GIT/config": []byte("y")} }),
			"commit on " + tip.String() + `: path "a/.GIT/config" is inside .git`},
		{"delete missing", with(func(r *gitrepo.CommitRequest) { r.Delete = []string{"nope.md"} }),
			"commit on " + tip.String() + ": delete nope.md: the file does not exist at " + tip.String()},
		{"delete directory", with(func(r *gitrepo.CommitRequest) { r.Delete = []string{"dir"} }),
			"commit on " + tip.String() + ": delete dir: is a directory; list its files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Commit(ctx, tt.req)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
	if got := resolve(t, m, "main"); got != tip {
		t.Errorf("refused requests moved main to %s", got)
	}
}

func TestCommitKeepsModesAndDropsEmptyDirectories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	repo.Apply(gittest.Change{
		Ref:         "refs/heads/main",
		Files:       map[string]string{"only/one.md": "1\n", "keep.md": "k\n"},
		Executables: map[string]string{"run.sh": "echo\n"},
	})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	c, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Delete: []string{"only/one.md"},
		Files:   map[string][]byte{"run.sh": []byte("printf\n")},
		Message: "m", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", c, tip); err != nil {
		t.Fatal(err)
	}
	if got := repo.Git("ls-tree", "-r", "--format=%(objectmode) %(path)", "main"); got != "100644 keep.md\n100755 run.sh" {
		t.Errorf("tree = %q, want only/ gone and run.sh still executable", got)
	}
	if got := repo.ReadFile("main", "run.sh"); got != "printf\n" {
		t.Errorf("run.sh = %q", got)
	}
}

// TestPushRaceGoroutines has two publishers build a commit on the same tip
// and push at once: exactly one lands, the other is told the branch moved
// and lands after re-reading.
func TestPushRaceGoroutines(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "draft: true\n", "b.md": "draft: true\n"})
	base := repo.Ref("refs/heads/main")
	for range 3 {
		repo.SetRef("refs/heads/main", base)
		// Both publishers have built their commit on the same tip before
		// either pushes.
		var ready sync.WaitGroup
		ready.Add(2)
		results := make([]publishResult, 2)
		var wg sync.WaitGroup
		for i, file := range []string{"a.md", "b.md"} {
			m := open(t, newCache(t), repo.URL)
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = publish(context.Background(), m, file, func() { ready.Done(); ready.Wait() })
			}()
		}
		wg.Wait()
		checkRace(t, repo, base, results)
	}
}

type publishResult struct {
	FirstErr string
	Moved    bool
	Landed   string
	Err      string
}

// publish flips draft: true to false in file: fetch, build the commit on
// the tip, wait for ready, push; on ErrBranchMoved fetch and retry once.
func publish(ctx context.Context, m *gitrepo.Mirror, file string, ready func()) publishResult {
	var res publishResult
	for attempt := range 2 {
		if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
			res.Err = err.Error()
			return res
		}
		tip, err := m.Resolve(ctx, "refs/heads/main")
		if err != nil {
			res.Err = err.Error()
			return res
		}
		commit, err := m.Commit(ctx, gitrepo.CommitRequest{
			Parent: tip, Files: map[string][]byte{file: []byte("draft: false\n")},
			Message: "publish: " + file, Author: bot, Committer: bot,
		})
		if err != nil {
			res.Err = err.Error()
			return res
		}
		if attempt == 0 {
			ready()
		}
		err = m.Push(ctx, "main", commit, tip)
		switch {
		case err == nil:
			res.Landed = commit.String()
			return res
		case errors.Is(err, gitrepo.ErrBranchMoved) && attempt == 0:
			res.Moved = true
			res.FirstErr = err.Error()
		default:
			res.Err = err.Error()
			return res
		}
	}
	return res
}

func checkRace(t *testing.T, repo *gittest.Repo, base string, results []publishResult) {
	t.Helper()
	moved := 0
	for _, r := range results {
		if r.Err != "" || r.Landed == "" {
			t.Fatalf("a publisher failed: %+v", r)
		}
		if r.Moved {
			moved++
			if !strings.Contains(r.FirstErr, "branch moved") {
				t.Errorf("loser's error = %q", r.FirstErr)
			}
		}
	}
	if moved != 1 {
		t.Fatalf("%d publishers were told the branch moved, want exactly 1: %+v", moved, results)
	}
	if n := repo.CommitCount("main") - repo.CommitCount(base); n != 2 {
		t.Errorf("main gained %d commits, want 2", n)
	}
	if got := repo.Git("rev-list", "--merges", "--count", "main"); got != "0" {
		t.Errorf("main has %s merges", got)
	}
	for _, f := range []string{"a.md", "b.md"} {
		if got := repo.ReadFile("main", f); got != "draft: false\n" {
			t.Errorf("%s = %q", f, got)
		}
	}
}

// TestPushChainOfCommits pushes two new commits at once (the second built
// on the first, never pushed); the server must end up with every object.
func TestPushChainOfCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"blog/a/index.md": "a\n", "blog/b/index.md": "b\n"})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	c1, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Files: map[string][]byte{"blog/c/deep/index.md": []byte("c\n"), "blog/c/img.png": []byte("png")},
		Message: "one", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: c1, Files: map[string][]byte{"blog/c/deep/index.md": []byte("C\n")},
		Delete: []string{"blog/a/index.md"}, Message: "two", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", c2, tip); err != nil {
		t.Fatal(err)
	}
	if got := repo.Git("fsck", "--strict", "--no-dangling"); got != "" {
		t.Errorf("git fsck: %s", got)
	}
	if got := repo.Git("ls-tree", "-r", "--name-only", "main"); got != "blog/b/index.md\nblog/c/deep/index.md\nblog/c/img.png" {
		t.Errorf("tree = %q", got)
	}
	if got := repo.ReadFile("main~1", "blog/c/deep/index.md") + repo.ReadFile("main", "blog/c/deep/index.md"); got != "c\nC\n" {
		t.Errorf("history = %q", got)
	}
}

// TestPushRefusedByHook: a server-side refusal that is not a moved branch
// (a protected branch, say) is a plain error, not ErrBranchMoved.
func TestPushRefusedByHook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"post.md": "draft: true\n"})
	hook := filepath.Join(repo.Dir, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'main is protected' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	c, err := m.CommitEmpty(ctx, tip, "rebuild", bot, bot, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Push(ctx, "main", c, tip)
	if err == nil || errors.Is(err, gitrepo.ErrBranchMoved) {
		t.Fatalf("Push = %v, want a refusal that is not ErrBranchMoved", err)
	}
	t.Logf("error shown: %v", err)
	if !strings.Contains(err.Error(), "pre-receive hook declined") {
		t.Errorf("error = %q, want the server's reason", err)
	}
	if got := repo.Ref("main"); got != tip.String() {
		t.Errorf("remote moved to %s", got)
	}
}
