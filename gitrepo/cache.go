package gitrepo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Hash is a Git object name (SHA-1).
type Hash = plumbing.Hash

// ParseHash parses a full 40-digit hexadecimal object name.
func ParseHash(s string) (Hash, error) {
	if len(s) != 40 || !plumbing.IsHash(s) {
		return Hash{}, fmt.Errorf("parse hash %q: want 40 hexadecimal digits", s)
	}
	return plumbing.NewHash(s), nil
}

// Sentinel errors; test with errors.Is.
var (
	// ErrBranchMoved means the remote branch was not at the expected old
	// commit, so a guarded push changed nothing. Fetch, re-read and retry.
	ErrBranchMoved = errors.New("branch moved")
	// ErrNotFound means a ref or commit does not exist in the mirror (or
	// on the remote, for Fetch).
	ErrNotFound = errors.New("not found")
)

// Cache keeps one bare mirror per remote under a data directory. Deleting
// the directory loses nothing: mirrors are cloned again on demand.
//
// Several processes may share a data directory, as overlapping runs of
// `herald publish --due` from cron do: cloning a mirror, checking it and
// fetching into it hold a lock file per mirror (.locks/<mirror>.lock,
// flock on Unix), so the second process waits and then uses the first one's clone
// instead of racing it; so does recording a push in the mirror, since a
// fetch fails when a ref it updates changed under it. Reads are not locked
// across processes: objects never change once written, and refs are
// replaced whole (refFS), so a read beside another process's fetch or push
// sees a ref's old value or its new one.
type Cache struct {
	dir       string
	log       *slog.Logger
	now       func() time.Time
	cacheSize int64
	maxPacks  int
	// objects caches decoded objects for every mirror: objects are named
	// by their content, so one cache serves all repositories.
	objects cache.Object
	// gitName names the git command that clones new mirrors ("" for
	// go-git only); gitTool is what was found, once.
	gitName string
	gitOnce sync.Once
	gitTool gitTool

	mu      sync.Mutex
	mirrors map[string]*mirrorState
}

// Option configures NewCache.
type Option func(*Cache)

// WithLogger sets the logger (default: slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *Cache) { c.log = l }
}

// WithClock sets the clock used for commit times when a CommitRequest
// leaves Time zero (default: time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Cache) { c.now = now }
}

// WithObjectCacheSize sets the memory, in bytes, that decoded objects may
// take, shared by all mirrors (default 64 MiB).
func WithObjectCacheSize(bytes int64) Option {
	return func(c *Cache) { c.cacheSize = bytes }
}

// WithMaxPacks sets how many pack files a mirror may collect (each fetch
// adds one) before the next fetch repacks them into one (default 50, as
// git's gc.autoPackLimit).
func WithMaxPacks(n int) Option {
	return func(c *Cache) { c.maxPacks = n }
}

// WithGitCommand names the git command that fetches the objects of a new
// mirror: a path, or a name looked up in PATH (default "git"). It is used
// when it exists and is git 2.32 or later, for remotes over http(s) and on
// disk; otherwise, and for ssh remotes, mirrors are cloned with go-git. An
// empty name clones with go-git only. git's index-pack builds a large
// clone's pack index several times faster than go-git does.
func WithGitCommand(name string) Option {
	return func(c *Cache) { c.gitName = name }
}

// NewCache returns a cache of mirrors kept under dir. Nothing is created
// on disk until the first Open.
func NewCache(dir string, opts ...Option) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("new mirror cache: data directory is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("new mirror cache: %w", err)
	}
	c := &Cache{dir: abs, log: slog.Default(), now: time.Now, cacheSize: 64 << 20, maxPacks: 50, gitName: "git", mirrors: map[string]*mirrorState{}}
	for _, o := range opts {
		o(c)
	}
	c.objects = cache.NewObjectLRU(cache.FileSize(c.cacheSize))
	return c, nil
}

// Close releases the open files of every mirror, waiting for operations
// in progress. Handles used after Close open their mirror again.
func (c *Cache) Close() error {
	c.mu.Lock()
	states := make([]*mirrorState, 0, len(c.mirrors))
	for _, st := range c.mirrors {
		states = append(states, st)
	}
	c.mu.Unlock()
	var errs []error
	for _, st := range states {
		st.acquireNoCtx()
		errs = append(errs, st.closeLocked())
		st.release()
	}
	return errors.Join(errs...)
}

func (st *mirrorState) closeLocked() error {
	if st.storage == nil {
		return nil
	}
	st.closeSpares()
	err := st.storage.Close()
	st.repo, st.storage = nil, nil
	if err != nil {
		return fmt.Errorf("close mirror of %s: %w", st.remote, err)
	}
	return nil
}

// openRepo opens the bare repository at dir with bounded open files and
// the cache's shared object cache. Refs are written through refFS, whole,
// so that another process sharing the data directory never reads one
// half-written.
func (c *Cache) openRepo(dir string) (*git.Repository, *filesystem.Storage, error) {
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		return nil, nil, fmt.Errorf("open %s: not a repository: %w", dir, err)
	}
	storage := filesystem.NewStorageWithOptions(refFS{osfs.New(dir)}, c.objects, filesystem.Options{MaxOpenDescriptors: 8})
	repo, err := git.Open(storage, nil)
	if err != nil {
		_ = storage.Close()
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return repo, storage, nil
}

// Dir returns the cache's data directory.
func (c *Cache) Dir() string { return c.dir }

// mirrorState is shared by every Mirror handle of one remote.
type mirrorState struct {
	cache  *Cache
	remote string
	dir    string
	// lock serialises all use of the repository; a channel so that
	// waiting for it honours a context.
	lock    chan struct{}
	repo    *git.Repository
	storage *filesystem.Storage
	spareState
	// noBatch is set once git cat-file failed to read the mirror at all:
	// its files are read with go-git from then on (batchread.go).
	noBatch atomic.Bool
}

// Mirror is a handle on the bare mirror of one remote, carrying the
// credentials it was opened with. Handles of the same remote share one
// repository, and their operations run one at a time.
type Mirror struct {
	st   *mirrorState
	auth Auth
	red  redactor
}

// Open returns the mirror of remote, cloning it when the data directory
// has none, and cloning it again when the copy on disk is corrupt or was
// left half-written. The clone fetches every branch and tag (not pull
// request refs) and records the remote's default branch as HEAD.
//
// remote must not carry credentials; pass them as auth. Each Open returns
// a new handle with auth, so rotating tokens are picked up by opening
// again; the clone on disk is reused.
func (c *Cache) Open(ctx context.Context, remote string, auth Auth) (*Mirror, error) {
	clean := RedactURL(remote)
	if clean != remote {
		return nil, fmt.Errorf("open mirror of %s: the URL carries credentials; pass them as Auth", clean)
	}
	if _, err := auth.method(remote); err != nil {
		return nil, fmt.Errorf("open mirror of %s: %w", remote, err)
	}
	if _, err := transport.NewEndpoint(remote); err != nil {
		return nil, fmt.Errorf("open mirror of %s: %w", remote, err)
	}

	c.mu.Lock()
	st, ok := c.mirrors[remote]
	if !ok {
		st = &mirrorState{cache: c, remote: remote, dir: filepath.Join(c.dir, dirName(remote)), lock: make(chan struct{}, 1),
			spareState: spareState{spares: newSpares()}}
		c.mirrors[remote] = st
	}
	c.mu.Unlock()

	m := &Mirror{st: st, auth: auth, red: newRedactor(remote, auth)}
	if err := st.acquire(ctx); err != nil {
		return nil, fmt.Errorf("open mirror of %s: %w", remote, err)
	}
	defer st.release()
	if st.repo != nil {
		return m, nil
	}
	if err := m.load(ctx); err != nil {
		return nil, fmt.Errorf("open mirror of %s: %w", remote, err)
	}
	return m, nil
}

// lock takes the mirror's lock and opens the repository if Close closed
// it. Release with m.st.release().
func (m *Mirror) lock(ctx context.Context) error {
	if err := m.st.acquire(ctx); err != nil {
		return err
	}
	if m.st.repo == nil {
		if err := m.load(ctx); err != nil {
			m.st.release()
			return err
		}
	}
	return nil
}

// Remote returns the URL the mirror fetches from.
func (m *Mirror) Remote() string { return m.st.remote }

// Dir returns the mirror's directory (a bare repository).
func (m *Mirror) Dir() string { return m.st.dir }

func (st *mirrorState) acquire(ctx context.Context) error {
	select {
	case st.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (st *mirrorState) acquireNoCtx() { st.lock <- struct{}{} }

func (st *mirrorState) release() { <-st.lock }

// dirName gives a readable, collision-free directory name for a remote.
func dirName(remote string) string {
	sum := sha256.Sum256([]byte(remote))
	name := remote
	if u, err := url.Parse(remote); err == nil && u.Host != "" {
		name = u.Host + u.Path
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "._")
	if len(s) > 80 {
		s = s[len(s)-80:]
	}
	return s + "-" + hex.EncodeToString(sum[:6])
}

// locksDir is the folder of the data directory holding the mirrors' lock
// files.
const locksDir = ".locks"

// lockProcess takes the mirror's lock file, waiting (while ctx allows) for
// another process that holds it: cloning, checking and fetching into a
// mirror happen in one process at a time. Call it with the in-process lock
// held; call the returned function to release it.
func (st *mirrorState) lockProcess(ctx context.Context) (func(), error) {
	locks := filepath.Join(st.cache.dir, locksDir)
	if err := os.MkdirAll(locks, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// Lock files are never removed: removing one while another process
	// waits on it would let a third process lock a new file of that name.
	path := filepath.Join(locks, filepath.Base(st.dir)+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	wait, waited := 2*time.Millisecond, false
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			break
		}
		if !waited {
			st.cache.log.Debug("waiting for another process using the mirror", "mirror", st.dir)
			waited = true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("wait for another process using %s: %w", st.dir, context.Cause(ctx))
		case <-t.C:
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
	return func() {
		_ = unlock(f)
		f.Close()
	}, nil
}

// load opens the mirror on disk, or clones it. Called with the lock held;
// it takes the mirror's lock file, so that a process finding no mirror
// waits for another one cloning it and then uses that clone.
func (m *Mirror) load(ctx context.Context) error {
	st := m.st
	log := st.cache.log.With("remote", st.remote, "mirror", st.dir)
	unlockProcess, err := st.lockProcess(ctx)
	if err != nil {
		return err
	}
	defer unlockProcess()
	if _, err := os.Stat(st.dir); err == nil {
		repo, storage, verr := st.cache.verifyMirror(st.dir, st.remote)
		if verr == nil {
			st.repo, st.storage = repo, storage
			return nil
		}
		log.Warn("mirror is unusable, cloning again", "error", verr)
		if err := os.RemoveAll(st.dir); err != nil {
			return fmt.Errorf("remove unusable mirror: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	start := time.Now()
	with, err := m.clone(ctx)
	if err != nil {
		return err
	}
	repo, storage, err := st.cache.verifyMirror(st.dir, st.remote)
	if err != nil {
		return fmt.Errorf("verify fresh clone: %w", err)
	}
	st.repo, st.storage = repo, storage
	log.Info("mirror cloned", "with", with, "duration", time.Since(start))
	return nil
}

// clone fetches the remote into a temporary directory beside the mirror
// and renames it into place, so a crash never leaves a half-written
// mirror at the final path. The refs are listed with go-git; the objects
// are fetched with the git command when the cache has one that can reach
// the remote, else with go-git. It returns which of the two fetched.
func (m *Mirror) clone(ctx context.Context) (with string, err error) {
	st := m.st
	if err := os.MkdirAll(st.cache.dir, 0o755); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	base := filepath.Base(st.dir)
	// Leftovers of an interrupted clone of this remote (no other process
	// is cloning it: load holds the lock file).
	if old, err := filepath.Glob(filepath.Join(st.cache.dir, ".clone-"+base+"-*")); err == nil {
		for _, o := range old {
			_ = os.RemoveAll(o)
		}
	}
	tmp, err := os.MkdirTemp(st.cache.dir, ".clone-"+base+"-")
	if err != nil {
		return "", fmt.Errorf("create clone directory: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(tmp)
		}
	}()
	repo, err := git.PlainInit(tmp, true)
	if err != nil {
		return "", fmt.Errorf("init bare repository: %w", err)
	}
	remote, err := repo.CreateRemote(&config.RemoteConfig{
		Name:  "origin",
		URLs:  []string{st.remote},
		Fetch: []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"},
	})
	if err != nil {
		return "", fmt.Errorf("configure remote: %w", err)
	}
	auth, err := m.auth.method(st.remote)
	if err != nil {
		return "", err
	}
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return "", fmt.Errorf("list remote refs: %w", explain(ctx, m.red.wrap(err)))
	}
	with = "go-git"
	if tool := st.cache.git(ctx); tool.path != "" && canFetchWithGit(st.remote, m.auth) {
		with = "git"
		if err := m.fetchWithGit(ctx, tool.path, tmp); err != nil {
			return "", fmt.Errorf("fetch: %w", explain(ctx, err))
		}
	} else {
		err = remote.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", Auth: auth, Tags: git.NoTags, Force: true})
		if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
			return "", fmt.Errorf("fetch: %w", explain(ctx, m.red.wrap(err)))
		}
	}
	for _, r := range refs {
		if r.Name() == plumbing.HEAD && r.Type() == plumbing.SymbolicReference {
			if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, r.Target())); err != nil {
				return "", fmt.Errorf("set HEAD: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, st.dir); err != nil {
		return "", fmt.Errorf("move clone into place: %w", err)
	}
	ok = true
	return with, nil
}

// verifyMirror opens dir and checks that it is a usable mirror of remote:
// a bare repository with that origin, whose packs are complete (each
// pack's trailing checksum matches its index) and whose refs all point at
// readable objects.
func (c *Cache) verifyMirror(dir, remote string) (*git.Repository, *filesystem.Storage, error) {
	repo, storage, err := c.openRepo(dir)
	if err != nil {
		return nil, nil, err
	}
	if err := verifyRepo(repo, dir, remote); err != nil {
		_ = storage.Close()
		return nil, nil, err
	}
	return repo, storage, nil
}

func verifyRepo(repo *git.Repository, dir, remote string) error {
	cfg, err := repo.Config()
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	if !cfg.Core.IsBare {
		return errors.New("not a bare repository")
	}
	rc, ok := cfg.Remotes["origin"]
	if !ok || len(rc.URLs) != 1 || rc.URLs[0] != remote {
		return fmt.Errorf("origin is not %s", remote)
	}
	if err := verifyPacks(filepath.Join(dir, "objects", "pack")); err != nil {
		return err
	}
	if _, err := repo.Storer.Reference(plumbing.HEAD); err != nil {
		return fmt.Errorf("read HEAD: %w", err)
	}
	iter, err := repo.References()
	if err != nil {
		return fmt.Errorf("list refs: %w", err)
	}
	err = iter.ForEach(func(r *plumbing.Reference) error {
		if r.Type() != plumbing.HashReference {
			return nil
		}
		obj, err := repo.Storer.EncodedObject(plumbing.AnyObject, r.Hash())
		if err != nil {
			return fmt.Errorf("ref %s points at %s: %w", r.Name(), r.Hash(), err)
		}
		if obj.Type() == plumbing.CommitObject {
			c, err := object.DecodeCommit(repo.Storer, obj)
			if err != nil {
				return fmt.Errorf("ref %s: decode commit %s: %w", r.Name(), r.Hash(), err)
			}
			if _, err := c.Tree(); err != nil {
				return fmt.Errorf("ref %s: tree of %s: %w", r.Name(), r.Hash(), err)
			}
		}
		return nil
	})
	return err
}

// maybeRepack repacks the mirror into one pack once it holds more than
// maxPacks, then reopens it. Called with the lock held. A failure is
// logged, not returned: the mirror stays usable as it was.
func (m *Mirror) maybeRepack() {
	st := m.st
	packs, err := filepath.Glob(filepath.Join(st.dir, "objects", "pack", "pack-*.pack"))
	if err != nil || len(packs) <= st.cache.maxPacks {
		return
	}
	log := st.cache.log.With("remote", st.remote, "packs", len(packs))
	start := time.Now()
	if err := st.repo.RepackObjects(&git.RepackConfig{}); err != nil {
		log.Warn("repack failed", "error", err)
	}
	// Reopen so no stale pack index or open file survives the repack.
	if err := st.closeLocked(); err != nil {
		log.Warn("close after repack", "error", err)
	}
	repo, storage, err := st.cache.verifyMirror(st.dir, st.remote)
	if err != nil {
		// The next operation sees the mirror closed and clones it again.
		log.Warn("mirror unusable after repack", "error", err)
		_ = os.RemoveAll(st.dir)
		return
	}
	st.repo, st.storage = repo, storage
	log.Info("mirror repacked", "duration", time.Since(start))
}

// verifyPacks checks every pack against its index: both present, and the
// pack's trailing checksum equal to the one the index records. This finds
// truncated or half-written packs without reading them whole.
func verifyPacks(dir string) error {
	packs, err := filepath.Glob(filepath.Join(dir, "pack-*.pack"))
	if err != nil {
		return err
	}
	for _, p := range packs {
		idx := strings.TrimSuffix(p, ".pack") + ".idx"
		want, err := tail(idx, 40)
		if err != nil {
			return fmt.Errorf("pack %s has no usable index: %w", filepath.Base(p), err)
		}
		got, err := tail(p, 20)
		if err != nil {
			return fmt.Errorf("read pack %s: %w", filepath.Base(p), err)
		}
		if !bytes.Equal(want[:20], got) {
			return fmt.Errorf("pack %s is incomplete: its checksum does not match its index", filepath.Base(p))
		}
	}
	return nil
}

// tail reads the last n bytes of a file.
func tail(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() < n+12 {
		return nil, fmt.Errorf("%s is too short (%d bytes)", filepath.Base(path), fi.Size())
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, fi.Size()-n); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}
