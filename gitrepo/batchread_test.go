package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// filesReader is what a tree offers to read many files in one pass.
type filesReader interface {
	ReadFilesMax(ctx context.Context, names []string, max int64, fn func(i int, data []byte, size int64) error) error
}

// batchTree is a tree of 100 posts, one of them larger than 1 KiB, read
// from a mirror by a cache with the git command named git.
func batchTree(t *testing.T, git string, logs *logBuffer) (filesReader, []string, map[string]string) {
	t.Helper()
	files := map[string]string{"blog/big/index.md": strings.Repeat("long line\n", 200)}
	names := []string{"blog/big/index.md"}
	for i := range 99 {
		p := fmt.Sprintf("blog/%02d/index.md", i)
		files[p] = fmt.Sprintf("---\ntitle: Post %d\n---\nBody %d.\n", i, i)
		names = append(names, p)
	}
	files["blog/notes.txt"] = "not a post\n"
	repo := gittest.NewBareRepo(t, nil)
	tip := repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: files})
	// Cloned by a cache of its own, so that a git command that cannot
	// clone still reads a mirror.
	dir := t.TempDir()
	cloner := newCacheIn(t, dir)
	open(t, cloner, repo.URL)
	cloner.Close()
	c, err := gitrepo.NewCache(dir, gitrepo.WithLogger(logs.logger()), gitrepo.WithGitCommand(git))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fsys, err := open(t, c, repo.URL).FS(context.Background(), hash(t, tip))
	if err != nil {
		t.Fatal(err)
	}
	return fsys.(filesReader), names, files
}

// TestReadFilesMax reads a hundred files in one pass, with the git command,
// and checks each arrives in order with its content, or its size only when
// over the limit.
func TestReadFilesMax(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command")
	}
	var logs logBuffer
	r, names, files := batchTree(t, "git", &logs)
	next := 0
	err := r.ReadFilesMax(context.Background(), names, 1024, func(i int, data []byte, size int64) error {
		if i != next {
			t.Errorf("file %d came at %d", i, next)
		}
		next++
		want := files[names[i]]
		if size != int64(len(want)) {
			t.Errorf("%s: size %d, want %d", names[i], size, len(want))
		}
		switch {
		case len(want) > 1024 && data != nil:
			t.Errorf("%s: over the limit, read anyway (%d bytes)", names[i], len(data))
		case len(want) <= 1024 && string(data) != want:
			t.Errorf("%s: read %q, want %q", names[i], data, want)
		}
		return nil
	})
	if err != nil || next != len(names) {
		t.Fatalf("ReadFilesMax: %v after %d of %d files", err, next, len(names))
	}
	if l := logs.lines(t, "reading files with go-git: git cat-file failed"); len(l) > 0 {
		t.Errorf("fell back to go-git: %v", l)
	}
}

// TestReadFilesMaxRefuses checks what ReadFilesMax says when it does not
// read: too few files or no git command (the caller reads them one by one),
// a name that is not a file, and fn stopping it.
func TestReadFilesMaxRefuses(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command")
	}
	var logs logBuffer
	r, names, _ := batchTree(t, "git", &logs)
	noGit, _, _ := batchTree(t, "", &logs)
	stop := errors.New("stop")
	tests := []struct {
		name  string
		r     filesReader
		names []string
		fn    func(i int) error
		want  func(error) bool
		calls int
	}{
		{name: "few files", r: r, names: names[:10], want: func(err error) bool { return errors.Is(err, errors.ErrUnsupported) }},
		{name: "no git command", r: noGit, names: names, want: func(err error) bool { return errors.Is(err, errors.ErrUnsupported) }},
		{name: "missing file", r: r, names: append(names[:80:80], "blog/gone.md"), want: func(err error) bool { return errors.Is(err, fs.ErrNotExist) }},
		{name: "directory", r: r, names: append([]string{"blog/00"}, names...), want: func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "blog/00: is a directory")
		}},
		{name: "fn stops", r: r, names: names, fn: func(i int) error {
			if i == 5 {
				return stop
			}
			return nil
		}, want: func(err error) bool { return errors.Is(err, stop) }, calls: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := tt.r.ReadFilesMax(context.Background(), tt.names, 1<<20, func(i int, _ []byte, _ int64) error {
				calls++
				if tt.fn != nil {
					return tt.fn(i)
				}
				return nil
			})
			if !tt.want(err) {
				t.Errorf("ReadFilesMax: %v", err)
			}
			if calls != tt.calls {
				t.Errorf("fn called %d times, want %d", calls, tt.calls)
			}
		})
	}
}

// TestReadFilesMaxFallsBack runs a git command that cannot read the mirror
// (it passes the version check, then fails): the files are read with
// go-git instead, the log says why once, and git is not asked again.
func TestReadFilesMaxFallsBack(t *testing.T) {
	t.Parallel()
	git := filepath.Join(t.TempDir(), "git")
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'git version 2.39.5'; exit 0; fi\necho 'fatal: cannot read this repository' >&2\nexit 128\n"
	if err := os.WriteFile(git, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	r, names, files := batchTree(t, git, &logs)
	read := 0
	err := r.ReadFilesMax(context.Background(), names, 1<<20, func(i int, data []byte, _ int64) error {
		read++
		if string(data) != files[names[i]] {
			t.Errorf("%s: read %q", names[i], data)
		}
		return nil
	})
	if err != nil || read != len(names) {
		t.Fatalf("ReadFilesMax: %v after %d of %d files", err, read, len(names))
	}
	// Asked again, it does not try git: the caller reads one by one.
	if err := r.ReadFilesMax(context.Background(), names, 1<<20, func(int, []byte, int64) error { return nil }); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("a second pass: %v, want errors.ErrUnsupported", err)
	}
	l := logs.lines(t, "reading files with go-git: git cat-file failed")
	if len(l) != 1 || !strings.Contains(fmt.Sprint(l[0]["error"]), "cannot read this repository") {
		t.Errorf("log = %v, want one line with git's message", l)
	}
}

// TestReadDirs lists every folder of a tree in one pass and checks each
// listing is the one ReadDir gives, object ids and types included, from the
// root and from a folder below it.
func TestReadDirs(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command")
	}
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	tip := repo.Apply(gittest.Change{
		Ref: "refs/heads/main",
		Files: map[string]string{
			"blog/2026/hello/index.md": "---\ntitle: Hello\n---\nHi.\n",
			"blog/2026/hello/img.png":  "\x89PNG\r\n",
			"blog/2026-b/x.md":         "x\n",
			"static/a b/c.txt":         "spaces\n",
			"static/tab\tname.txt":     "tab\n",
			"docusaurus.config.js":     "module.exports = {};\n",
			"deep/er/and/deeper/l.md":  "leaf\n",
		},
		Symlinks: map[string]string{"latest": "blog/2026/hello", "blog/readme.md": "../docusaurus.config.js"},
	})
	fsys, err := open(t, newCache(t), repo.URL).FS(ctx, hash(t, tip))
	if err != nil {
		t.Fatal(err)
	}
	type dirsReader interface {
		ReadDirs(ctx context.Context, dir string) (map[string][]fs.DirEntry, error)
	}
	type entry struct {
		Name string
		Type fs.FileMode
		ID   [20]byte
	}
	entries := func(des []fs.DirEntry) []entry {
		out := []entry{}
		for _, d := range des {
			out = append(out, entry{d.Name(), d.Type(), d.(interface{ ObjectID() [20]byte }).ObjectID()})
		}
		return out
	}
	for _, root := range []string{".", "blog"} {
		dirs, err := fsys.(dirsReader).ReadDirs(ctx, root)
		if err != nil {
			t.Fatalf("ReadDirs(%s): %v", root, err)
		}
		walked := 0
		err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			walked++
			want, err := fs.ReadDir(fsys, p)
			if err != nil {
				return err
			}
			got, ok := dirs[p]
			if !ok {
				t.Errorf("ReadDirs(%s) has no %s", root, p)
				return nil
			}
			if diff := cmp.Diff(entries(want), entries(got)); diff != "" {
				t.Errorf("ReadDirs(%s)[%s] (-ReadDir +ReadDirs):\n%s", root, p, diff)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(dirs) != walked {
			t.Errorf("ReadDirs(%s) listed %d folders, the walk found %d", root, len(dirs), walked)
		}
	}
	// Listed from the root, the tree answers lookups from the listing: as
	// it did before.
	if err := fstest.TestFS(fsys, "blog/2026/hello/index.md", "static/a b/c.txt", "static/tab\tname.txt", "deep/er/and/deeper/l.md", "latest", "blog/readme.md"); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.(dirsReader).ReadDirs(ctx, "docusaurus.config.js"); err == nil {
		t.Error("ReadDirs of a file: no error")
	}
}
