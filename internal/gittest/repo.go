package gittest

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Author is the identity gittest writes its commits with.
const Author = "Gittest Seeder <seeder@example.com>"

// baseTime is the committer time of a repository's first commit; each
// later commit is one minute after the one before, so hashes are stable.
const baseTime = 1_767_225_600 // 2026-01-01T00:00:00Z

// Repo is a bare repository on disk, changed with the git command.
type Repo struct {
	// Dir is the repository's directory (a bare repository).
	Dir string
	// URL is how a client reaches it: file:// for NewBareRepo,
	// http://127.0.0.1:port/name.git for Server.NewRepo.
	URL string

	tb    testing.TB
	mu    sync.Mutex
	clock int64
}

// Change describes one commit that Repo.Apply writes.
type Change struct {
	// Ref is the ref the commit is written to, e.g. "refs/heads/main".
	Ref string
	// From is the parent revision (a hash or ref). Empty means the current
	// tip of Ref, or no parent when Ref does not exist yet.
	From string
	// Files are written whole, created when missing.
	Files map[string]string
	// Executables are files written whole with mode 100755.
	Executables map[string]string
	// Symlinks maps a path to the target the link points at.
	Symlinks map[string]string
	// Delete lists paths to remove.
	Delete []string
	// Message is the commit message; empty gives "change <ref>".
	Message string
}

// NewBareRepo creates a bare repository in a temporary directory, reached
// through a file:// URL. With files non-nil, refs/heads/main gets one
// commit holding them; with nil, the repository is empty.
func NewBareRepo(tb testing.TB, files map[string]string) *Repo {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "repo.git")
	r := initRepo(tb, dir)
	r.URL = "file://" + dir
	if files != nil {
		r.Commit("refs/heads/main", files)
	}
	return r
}

// InitBareRepo creates a bare repository at dir (which must not exist or
// be empty), reached through a file:// URL. Use it for repositories that
// outlive one test, such as a benchmark corpus generated once.
func InitBareRepo(tb testing.TB, dir string) *Repo {
	tb.Helper()
	r := initRepo(tb, dir)
	r.URL = "file://" + dir
	return r
}

// OpenRepo returns a handle on the existing bare repository at dir, for
// the test tb.
func OpenRepo(tb testing.TB, dir string) *Repo {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		tb.Fatalf("gittest: %s is not a bare repository: %v", dir, err)
	}
	return &Repo{Dir: dir, URL: "file://" + dir, tb: tb, clock: baseTime + 1_000_000}
}

func initRepo(tb testing.TB, dir string) *Repo {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Fatalf("gittest needs git on PATH: %v", err)
	}
	r := &Repo{Dir: dir, tb: tb, clock: baseTime}
	runGit(tb, "", nil, "init", "--quiet", "--bare", "--initial-branch=main", dir)
	r.Git("config", "http.receivepack", "true")
	r.Git("config", "uploadpack.allowAnySHA1InWant", "true")
	return r
}

// Git runs git against the repository and returns its trimmed stdout. A
// failure fails the test.
func (r *Repo) Git(args ...string) string {
	r.tb.Helper()
	return runGit(r.tb, r.Dir, nil, args...)
}

// Commit writes files (whole) on top of ref's tip, or as the first commit
// when ref does not exist, and returns the new commit's hash.
func (r *Repo) Commit(ref string, files map[string]string) string {
	r.tb.Helper()
	return r.Apply(Change{Ref: ref, Files: files})
}

// Apply writes one commit as described by c and returns its hash.
func (r *Repo) Apply(c Change) string {
	r.tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.Ref == "" {
		r.tb.Fatalf("gittest: Change.Ref is empty")
	}
	parent := c.From
	if parent == "" {
		parent = r.refLocked(c.Ref)
	} else {
		parent = r.Git("rev-parse", "--verify", "--quiet", parent+"^{commit}")
	}
	msg := c.Message
	if msg == "" {
		msg = "change " + c.Ref
	}
	r.clock += 60
	var s bytes.Buffer
	fmt.Fprintf(&s, "commit %s\n", c.Ref)
	fmt.Fprintf(&s, "committer %s %d +0000\n", Author, r.clock)
	writeData(&s, msg)
	if parent != "" {
		fmt.Fprintf(&s, "from %s\n", parent)
	}
	for _, p := range c.Delete {
		fmt.Fprintf(&s, "D %s\n", r.fiPath(p))
	}
	for _, p := range slices.Sorted(maps.Keys(c.Files)) {
		fmt.Fprintf(&s, "M 100644 inline %s\n", r.fiPath(p))
		writeData(&s, c.Files[p])
	}
	for _, p := range slices.Sorted(maps.Keys(c.Executables)) {
		fmt.Fprintf(&s, "M 100755 inline %s\n", r.fiPath(p))
		writeData(&s, c.Executables[p])
	}
	for _, p := range slices.Sorted(maps.Keys(c.Symlinks)) {
		fmt.Fprintf(&s, "M 120000 inline %s\n", r.fiPath(p))
		writeData(&s, c.Symlinks[p])
	}
	s.WriteString("done\n")
	// --force: the ref may be rewound to an older From, as a force-push
	// to a pull request does.
	runGit(r.tb, r.Dir, &s, "fast-import", "--quiet", "--force", "--done")
	return r.refLocked(c.Ref)
}

// FastImport feeds a raw git fast-import stream to the repository, for
// generating large repositories quickly.
func (r *Repo) FastImport(stream *bytes.Buffer) {
	r.tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	runGit(r.tb, r.Dir, stream, "fast-import", "--quiet", "--force")
}

// CreatePullRef writes refs/pull/n/head: one commit with files on top of
// base (a hash or ref), as GitHub does for a pull request. It returns the
// commit's hash.
func (r *Repo) CreatePullRef(n int, base string, files map[string]string) string {
	r.tb.Helper()
	return r.Apply(Change{
		Ref:     fmt.Sprintf("refs/pull/%d/head", n),
		From:    base,
		Files:   files,
		Message: fmt.Sprintf("pull request %d", n),
	})
}

// Ref returns the hash ref points at, or "" when it does not exist.
func (r *Repo) Ref(name string) string {
	r.tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refLocked(name)
}

func (r *Repo) refLocked(name string) string {
	r.tb.Helper()
	cmd := exec.Command("git", "rev-parse", "--verify", "--quiet", name+"^{commit}")
	cmd.Dir = r.Dir
	cmd.Env = gitEnv()
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// SetRef points name at hash (git update-ref), or deletes it when hash is
// empty.
func (r *Repo) SetRef(name, hash string) {
	r.tb.Helper()
	if hash == "" {
		r.Git("update-ref", "-d", name)
		return
	}
	r.Git("update-ref", name, hash)
}

// ReadFile returns the content of path at rev, read with git cat-file.
func (r *Repo) ReadFile(rev, path string) string {
	r.tb.Helper()
	return runGitRaw(r.tb, r.Dir, nil, "cat-file", "blob", rev+":"+path)
}

// CommitCount returns the number of commits reachable from rev.
func (r *Repo) CommitCount(rev string) int {
	r.tb.Helper()
	var n int
	if _, err := fmt.Sscan(r.Git("rev-list", "--count", rev), &n); err != nil {
		r.tb.Fatalf("gittest: count commits: %v", err)
	}
	return n
}

func (r *Repo) fiPath(p string) string {
	r.tb.Helper()
	if p == "" || strings.ContainsAny(p, "\n\"") {
		r.tb.Fatalf("gittest: path %q cannot be written", p)
	}
	return p
}

func writeData(b *bytes.Buffer, s string) {
	fmt.Fprintf(b, "data %d\n%s\n", len(s), s)
}

// gitEnv isolates git from the user's and system's configuration.
func gitEnv() []string {
	env := os.Environ()
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Gittest Seeder",
		"GIT_AUTHOR_EMAIL=seeder@example.com",
		"GIT_COMMITTER_NAME=Gittest Seeder",
		"GIT_COMMITTER_EMAIL=seeder@example.com",
	)
}

func runGit(tb testing.TB, dir string, stdin *bytes.Buffer, args ...string) string {
	tb.Helper()
	return strings.TrimSpace(runGitRaw(tb, dir, stdin, args...))
}

func runGitRaw(tb testing.TB, dir string, stdin *bytes.Buffer, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("gittest: git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}
