package gitrepo_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// The benchmark corpus: a 10,000-post Docusaurus-like repository with 100
// commits of history, generated once per test binary with git fast-import.
const (
	benchPosts   = 10_000
	benchCommits = 100
)

// benchCorpus is shared by every benchmark in this binary; generating it
// once keeps benchmark runs short. It is removed by TestMain.
var benchCorpus struct {
	once sync.Once
	dir  string
	err  error
}

func removeBenchRepo() {
	if benchCorpus.dir != "" {
		_ = os.RemoveAll(benchCorpus.dir)
	}
}

var words = strings.Fields(`the a post release community conference talk speaker schedule
	video slides room track go rust python build deploy site blog docs markdown front matter
	author tag date draft publish review approve merge branch commit push fetch mirror cache
	server client request response error retry timeout latency memory disk network packet
	year month week day morning evening summer winter spring autumn brussels berlin paris
	we you they it is was are were be been have has had do does did will would can could
	and or but if then else when while for with without about into over under between`)

func postPath(i int) string {
	return fmt.Sprintf("blog/%d/%05d-post/index.md", 2016+i*10/benchPosts, i)
}

func postContent(i int, extra string) string {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Post %d about %s and %s\nauthors: [ada]\ntags: [events, %s]\ndate: %d-%02d-%02dT10:00:00Z\n---\n",
		i, words[r.IntN(len(words))], words[r.IntN(len(words))], words[r.IntN(len(words))], 2016+i*10/benchPosts, 1+i%12, 1+i%28)
	for p := range 4 + r.IntN(4) {
		if p == 1 {
			b.WriteString("<!-- truncate -->\n\n")
		}
		for range 40 + r.IntN(40) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("\n\n")
	}
	b.WriteString(extra)
	return b.String()
}

// corpus returns the bare repository holding the corpus, generating it on
// first use.
func corpus(b *testing.B) string {
	b.Helper()
	benchCorpus.once.Do(func() {
		dir, err := os.MkdirTemp("", "herald-bench-corpus-")
		if err != nil {
			benchCorpus.err = err
			return
		}
		benchCorpus.dir = dir
		repo := gittest.InitBareRepo(b, filepath.Join(dir, "site.git"))
		var s bytes.Buffer
		perCommit := benchPosts / benchCommits
		for c := range benchCommits {
			fmt.Fprintf(&s, "commit refs/heads/main\ncommitter %s %d +0000\n", gittest.Author, 1_500_000_000+c*3600)
			msg := fmt.Sprintf("posts %d to %d", c*perCommit, (c+1)*perCommit-1)
			fmt.Fprintf(&s, "data %d\n%s\n", len(msg), msg)
			if c == 0 {
				for p, content := range map[string]string{
					"docusaurus.config.js": "module.exports = { title: 'Bench' };\n",
					"blog/authors.yml":     "ada:\n  name: Ada\n",
					"blog/tags.yml":        "events:\n  label: Events\n",
				} {
					fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", p, len(content), content)
				}
			}
			for i := c * perCommit; i < (c+1)*perCommit; i++ {
				content := postContent(i, "")
				fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", postPath(i), len(content), content)
			}
		}
		repo.FastImport(&s)
		repo.Git("gc", "--quiet")
	})
	if benchCorpus.err != nil {
		b.Fatal(benchCorpus.err)
	}
	return filepath.Join(benchCorpus.dir, "site.git")
}

// benchServer serves the corpus over smart HTTP.
func benchServer(b *testing.B) (*gittest.Server, *gittest.Repo) {
	b.Helper()
	srv := gittest.NewServer(b)
	repo := srv.Mount("site", gittest.OpenRepo(b, corpus(b)))
	return srv, repo
}

func reportBytes(b *testing.B, srv *gittest.Server) {
	st := srv.Stats()
	b.ReportMetric(float64(st.BytesSent+st.BytesReceived)/float64(b.N), "wire-B/op")
	b.ReportMetric(float64(st.Requests)/float64(b.N), "requests/op")
}

// BenchmarkFirstClone opens a mirror in an empty data directory: the refs
// listed with go-git, the objects fetched with the git command when it is
// installed.
func BenchmarkFirstClone(b *testing.B) { benchFirstClone(b) }

// BenchmarkFirstCloneGoGit is BenchmarkFirstClone without the git command:
// go-git fetches the objects too, as where git is not installed.
func BenchmarkFirstCloneGoGit(b *testing.B) { benchFirstClone(b, gitrepo.WithGitCommand("")) }

func benchFirstClone(b *testing.B, opts ...gitrepo.Option) {
	srv, repo := benchServer(b)
	ctx := context.Background()
	srv.ResetStats()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir, err := os.MkdirTemp("", "herald-bench-clone-")
		if err != nil {
			b.Fatal(err)
		}
		c, err := gitrepo.NewCache(dir, append([]gitrepo.Option{gitrepo.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := c.Open(ctx, repo.URL, gitrepo.Anonymous()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = os.RemoveAll(dir)
		b.StartTimer()
	}
	b.StopTimer()
	reportBytes(b, srv)
}

// BenchmarkBaselineGitClone is the reference for BenchmarkFirstClone: the
// git command cloning the same repository from the same server.
func BenchmarkBaselineGitClone(b *testing.B) {
	srv, repo := benchServer(b)
	srv.ResetStats()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir, err := os.MkdirTemp("", "herald-bench-gitclone-")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cmd := exec.Command("git", "clone", "--quiet", "--bare", repo.URL, filepath.Join(dir, "c.git"))
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git clone: %v\n%s", err, out)
		}
		b.StopTimer()
		_ = os.RemoveAll(dir)
		b.StartTimer()
	}
	b.StopTimer()
	reportBytes(b, srv)
}

func BenchmarkFetchNothingNew(b *testing.B) {
	srv, repo := benchServer(b)
	ctx := context.Background()
	m := open(b, newCache(b), repo.URL)
	srv.ResetStats()
	b.ResetTimer()
	for range b.N {
		if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportBytes(b, srv)
}

func BenchmarkFetchOneCommit(b *testing.B) {
	srv, repo := benchServer(b)
	ctx := context.Background()
	m := open(b, newCache(b), repo.URL)
	var total gittest.Stats
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		n := benchPosts + i + int(rand.Int32N(1<<30))
		repo.Commit("refs/heads/main", map[string]string{fmt.Sprintf("blog/2026/new-%d/index.md", n): postContent(n, "")})
		srv.ResetStats()
		b.StartTimer()
		if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st := srv.Stats()
		total.Requests += st.Requests
		total.BytesSent += st.BytesSent
		total.BytesReceived += st.BytesReceived
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(total.BytesSent+total.BytesReceived)/float64(b.N), "wire-B/op")
	b.ReportMetric(float64(total.Requests)/float64(b.N), "requests/op")
}

// BenchmarkReadAllPosts lists every folder of the site at the tip and reads
// every post, from a mirror just opened, as the first reconcile after a
// clone does: with go-git, folder by folder and post by post (ReadDir,
// ReadFileMax), and with the git command in one pass of each (ReadDirs,
// ReadFilesMax: git ls-tree and git cat-file --batch). cpu-ms/op counts
// the git processes too.
func BenchmarkReadAllPosts(b *testing.B) {
	_, repo := benchServer(b)
	ctx := context.Background()
	dir := b.TempDir()
	tip := resolve(b, open(b, newCacheIn(b, dir), repo.URL), "main")
	type tree interface {
		fs.ReadDirFS
		ReadFileMax(name string, max int64) ([]byte, int64, error)
		ReadFilesMax(ctx context.Context, names []string, max int64, fn func(i int, data []byte, size int64) error) error
		ReadDirs(ctx context.Context, dir string) (map[string][]fs.DirEntry, error)
	}
	// fresh is the tip's files in a cache of its own, so nothing read
	// before is in go-git's object cache.
	fresh := func() tree {
		c := newCacheIn(b, dir)
		b.Cleanup(func() { c.Close() })
		fsys, err := open(b, c, repo.URL).FS(ctx, tip)
		if err != nil {
			b.Fatal(err)
		}
		return fsys.(tree)
	}
	isPost := func(p string) bool { return strings.HasPrefix(p, "blog/") && strings.HasSuffix(p, "/index.md") }
	read := map[string]func(t tree) (int, error){
		"go-git": func(t tree) (int, error) {
			size, posts := 0, 0
			err := fs.WalkDir(t, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !isPost(p) {
					return err
				}
				data, _, err := t.ReadFileMax(p, 1<<20)
				size, posts = size+len(data), posts+1
				return err
			})
			if posts < benchPosts {
				return 0, fmt.Errorf("read %d posts, want %d", posts, benchPosts)
			}
			return size, err
		},
		"git": func(t tree) (int, error) {
			dirs, err := t.ReadDirs(ctx, ".")
			if err != nil {
				return 0, err
			}
			var paths []string
			for d, des := range dirs {
				for _, e := range des {
					if p := path.Join(d, e.Name()); !e.IsDir() && isPost(p) {
						paths = append(paths, p)
					}
				}
			}
			if len(paths) < benchPosts {
				return 0, fmt.Errorf("listed %d posts, want %d", len(paths), benchPosts)
			}
			slices.Sort(paths)
			size := 0
			err = t.ReadFilesMax(ctx, paths, 1<<20, func(_ int, data []byte, _ int64) error {
				size += len(data)
				return nil
			})
			return size, err
		},
	}
	for _, name := range []string{"go-git", "git"} {
		b.Run(name, func(b *testing.B) {
			var took, cpu time.Duration
			for b.Loop() {
				t := fresh()
				start, cpu0 := time.Now(), cpuTime()
				size, err := read[name](t)
				took, cpu = took+time.Since(start), cpu+cpuTime()-cpu0
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(size))
			}
			b.ReportMetric(float64(benchPosts)*float64(b.N)/took.Seconds(), "posts/s")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

func BenchmarkDiffOnePostPR(b *testing.B) {
	_, repo := benchServer(b)
	ctx := context.Background()
	m := open(b, newCache(b), repo.URL)
	main := resolve(b, m, "main")
	repo.CreatePullRef(1, main.String(), map[string]string{"blog/2026/pr-post/index.md": postContent(1, "")})
	if err := m.Fetch(ctx, "refs/pull/1/head"); err != nil {
		b.Fatal(err)
	}
	head := resolve(b, m, "refs/pull/1/head")
	b.ResetTimer()
	for range b.N {
		base, err := m.MergeBase(ctx, main, head)
		if err != nil {
			b.Fatal(err)
		}
		changes, err := m.Diff(ctx, base, head)
		if err != nil {
			b.Fatal(err)
		}
		if len(changes) != 1 {
			b.Fatalf("changes = %v", changes)
		}
	}
}

func BenchmarkCommitAndPush(b *testing.B) {
	srv, repo := benchServer(b)
	ctx := context.Background()
	m := open(b, newCache(b), repo.URL)
	if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
		b.Fatal(err)
	}
	srv.ResetStats()
	b.ResetTimer()
	for i := range b.N {
		tip := resolve(b, m, "main")
		p := postPath(i % benchPosts)
		old, err := m.ReadFile(ctx, tip, p)
		if err != nil {
			b.Fatal(err)
		}
		c, err := m.Commit(ctx, gitrepo.CommitRequest{
			Parent:  tip,
			Files:   map[string][]byte{p: append(old[:4:4], append([]byte("draft: false\n"), old[4:]...)...)},
			Message: "publish: " + p, Author: bot, Committer: bot,
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Push(ctx, "main", c, tip); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportBytes(b, srv)
}
