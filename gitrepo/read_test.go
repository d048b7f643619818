package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

func TestFS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	tip := repo.Apply(gittest.Change{
		Ref: "refs/heads/main",
		Files: map[string]string{
			"blog/authors.yml":             "ada:\n  name: Ada\n",
			"blog/2026/hello/index.md":     "---\ntitle: Hello\n---\nHi.\n",
			"blog/2026/hello/img.png":      "\x89PNG\r\n",
			"blog/2026/hello-world/x.md":   "x\n",
			"static/a b/c.txt":             "spaces\n",
			"docusaurus.config.js":         "module.exports = {};\n",
			"deep/er/and/deeper/leaf.md":   "leaf\n",
			"blog/2026/hello/notes/old.md": "old\n",
		},
		Symlinks: map[string]string{
			"latest":          "blog/2026/hello",
			"blog/readme.md":  "../docusaurus.config.js",
			"blog/dangling":   "nowhere",
			"blog/escape.md":  "../../etc/passwd",
			"static/abs-link": "/etc/hostname",
		},
	})
	m := open(t, newCache(t), repo.URL)
	fsys, err := m.FS(ctx, hash(t, tip))
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "blog/authors.yml", "blog/2026/hello/index.md", "static/a b/c.txt", "deep/er/and/deeper/leaf.md", "latest", "blog/readme.md"); err != nil {
		t.Fatal(err)
	}

	b, err := fs.ReadFile(fsys, "blog/2026/hello/index.md")
	if err != nil || string(b) != "---\ntitle: Hello\n---\nHi.\n" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}

	// Symlinks are reported as such and never followed.
	fi, err := fs.Stat(fsys, "latest")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Stat(latest) = %v, %v; want a symlink", fi, err)
	}
	if target, err := fs.ReadLink(fsys, "blog/escape.md"); err != nil || target != "../../etc/passwd" {
		t.Errorf("ReadLink(blog/escape.md) = %q, %v", target, err)
	}
	if b, err := fs.ReadFile(fsys, "blog/readme.md"); err != nil || string(b) != "../docusaurus.config.js" {
		t.Errorf("ReadFile(symlink) = %q, %v; want the link text", b, err)
	}
	if _, err := fs.ReadFile(fsys, "latest/index.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile through a symlinked directory: %v, want fs.ErrNotExist", err)
	}

	var walked []string
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		kind := "f"
		switch {
		case d.IsDir():
			kind = "d"
		case d.Type()&fs.ModeSymlink != 0:
			kind = "l"
		}
		walked = append(walked, kind+" "+p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"d .",
		"d blog",
		"d blog/2026",
		"d blog/2026/hello",
		"f blog/2026/hello/img.png",
		"f blog/2026/hello/index.md",
		"d blog/2026/hello/notes",
		"f blog/2026/hello/notes/old.md",
		"d blog/2026/hello-world",
		"f blog/2026/hello-world/x.md",
		"f blog/authors.yml",
		"l blog/dangling",
		"l blog/escape.md",
		"l blog/readme.md",
		"d deep",
		"d deep/er",
		"d deep/er/and",
		"d deep/er/and/deeper",
		"f deep/er/and/deeper/leaf.md",
		"f docusaurus.config.js",
		"l latest",
		"d static",
		"d static/a b",
		"f static/a b/c.txt",
		"l static/abs-link",
	}
	if diff := cmp.Diff(want, walked); diff != "" {
		t.Errorf("WalkDir (-want +got):\n%s", diff)
	}

	for _, name := range []string{"missing.md", "blog/missing/x.md", "blog/authors.yml/x"} {
		if _, err := fs.Stat(fsys, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%s) = %v, want fs.ErrNotExist", name, err)
		}
	}
	for _, name := range []string{"/abs", "../up", "a//b", "blog/"} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want fs.ErrInvalid", name, err)
		}
	}
	if _, err := fs.ReadFile(fsys, "blog"); err == nil || err.Error() != "readfile blog: is a directory" {
		t.Errorf("ReadFile(dir) error = %v", err)
	}
}

func TestReadFileAndListTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, map[string]string{
		"b.md":       "b\n",
		"a/z.md":     "z\n",
		"a/b/y.md":   "y\n",
		"crlf.md":    "line one\r\nline two\r\n",
		"no-eol.txt": "no newline at end",
	})
	tip := hash(t, repo.Ref("refs/heads/main"))
	m := open(t, newCache(t), repo.URL)

	for path, want := range map[string]string{"crlf.md": "line one\r\nline two\r\n", "no-eol.txt": "no newline at end", "a/b/y.md": "y\n"} {
		if got := readFile(t, m, tip, path); got != want {
			t.Errorf("ReadFile(%s) = %q, want %q", path, got, want)
		}
	}
	_, err := m.ReadFile(ctx, tip, "nope.md")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(nope.md) = %v, want fs.ErrNotExist", err)
	}
	if want := "commit " + tip.String() + ": read nope.md: file does not exist"; err == nil || err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	unknown := hash(t, strings.Repeat("1", 40))
	if _, err := m.ReadFile(ctx, unknown, "b.md"); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("ReadFile at unknown commit = %v, want ErrNotFound", err)
	}

	entries, err := m.ListTree(ctx, tip)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		paths = append(paths, e.Path)
		if e.Mode != 0o644 || e.Hash.IsZero() {
			t.Errorf("%s: mode %v, hash %s", e.Path, e.Mode, e.Hash)
		}
	}
	if diff := cmp.Diff([]string{"a/b/y.md", "a/z.md", "b.md", "crlf.md", "no-eol.txt"}, paths); diff != "" {
		t.Errorf("ListTree (-want +got):\n%s", diff)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	longPost := strings.Repeat("A paragraph of a post that is long enough to be recognised after a move.\n", 20)
	repo := gittest.NewBareRepo(t, map[string]string{
		"blog/2026/keep/index.md":   "keep\n",
		"blog/2026/edit/index.md":   "before\n",
		"blog/2026/gone/index.md":   "gone\n",
		"blog/2026/move/index.md":   longPost,
		"blog/2026/tweak/index.md":  longPost + "tail\n",
		"blog/2026/retype/index.md": "retype\n",
	})
	base := repo.Ref("refs/heads/main")
	m := open(t, newCache(t), repo.URL)

	tests := []struct {
		name   string
		change gittest.Change
		want   []gitrepo.Change
	}{
		{
			name:   "add",
			change: gittest.Change{Files: map[string]string{"blog/2026/new/index.md": "new\n"}},
			want:   []gitrepo.Change{{Op: gitrepo.Added, To: "blog/2026/new/index.md"}},
		},
		{
			name:   "modify",
			change: gittest.Change{Files: map[string]string{"blog/2026/edit/index.md": "after\n"}},
			want:   []gitrepo.Change{{Op: gitrepo.Modified, From: "blog/2026/edit/index.md", To: "blog/2026/edit/index.md"}},
		},
		{
			name:   "delete",
			change: gittest.Change{Delete: []string{"blog/2026/gone/index.md"}},
			want:   []gitrepo.Change{{Op: gitrepo.Deleted, From: "blog/2026/gone/index.md"}},
		},
		{
			name: "exact rename",
			change: gittest.Change{
				Delete: []string{"blog/2026/move/index.md"},
				Files:  map[string]string{"blog/2026/moved/index.md": longPost},
			},
			want: []gitrepo.Change{{Op: gitrepo.Renamed, From: "blog/2026/move/index.md", To: "blog/2026/moved/index.md", Moved: true}},
		},
		{
			name: "rename with an edit",
			change: gittest.Change{
				Delete: []string{"blog/2026/tweak/index.md"},
				Files:  map[string]string{"blog/2027/tweaked/index.md": longPost + "new tail\n"},
			},
			want: []gitrepo.Change{{Op: gitrepo.Renamed, From: "blog/2026/tweak/index.md", To: "blog/2027/tweaked/index.md"}},
		},
		{
			name: "unrelated delete and add are not a rename",
			change: gittest.Change{
				Delete: []string{"blog/2026/retype/index.md"},
				Files:  map[string]string{"blog/2026/other/index.md": "something else entirely\n"},
			},
			want: []gitrepo.Change{
				{Op: gitrepo.Added, To: "blog/2026/other/index.md"},
				{Op: gitrepo.Deleted, From: "blog/2026/retype/index.md"},
			},
		},
		{
			name: "file becomes a directory",
			change: gittest.Change{
				Delete: []string{"blog/2026/gone/index.md"},
				Files:  map[string]string{"blog/2026/gone/index.md/x.md": "x\n"},
			},
			want: []gitrepo.Change{
				{Op: gitrepo.Deleted, From: "blog/2026/gone/index.md"},
				{Op: gitrepo.Added, To: "blog/2026/gone/index.md/x.md"},
			},
		},
		{
			name: "directory becomes a file",
			change: gittest.Change{
				Delete: []string{"blog/2026/keep/index.md"},
				Files:  map[string]string{"blog/2026/keep": "now a file\n"},
			},
			want: []gitrepo.Change{
				{Op: gitrepo.Added, To: "blog/2026/keep"},
				{Op: gitrepo.Deleted, From: "blog/2026/keep/index.md"},
			},
		},
		{
			name:   "mode change only",
			change: gittest.Change{Executables: map[string]string{"blog/2026/edit/index.md": "before\n"}},
			want:   []gitrepo.Change{{Op: gitrepo.Modified, From: "blog/2026/edit/index.md", To: "blog/2026/edit/index.md"}},
		},
		{
			name:   "file becomes a symlink",
			change: gittest.Change{Delete: []string{"blog/2026/keep/index.md"}, Symlinks: map[string]string{"blog/2026/keep/index.md": "../edit/index.md"}},
			want:   []gitrepo.Change{{Op: gitrepo.Modified, From: "blog/2026/keep/index.md", To: "blog/2026/keep/index.md"}},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.change
			c.Ref = "refs/pull/" + strconv.Itoa(i+1) + "/head"
			c.From = base
			head := repo.Apply(c)
			if err := m.Fetch(ctx, c.Ref); err != nil {
				t.Fatal(err)
			}
			mb, err := m.MergeBase(ctx, hash(t, base), hash(t, head))
			if err != nil || mb.String() != base {
				t.Fatalf("MergeBase = %s, %v; want %s", mb, err, base)
			}
			got, err := m.Diff(ctx, mb, hash(t, head))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Diff (-want +got):\n%s", diff)
			}
			// git itself agrees.
			var fromGit []gitrepo.Change
			for _, line := range strings.Split(repo.Git("diff", "--name-status", "-M", base, head), "\n") {
				f := strings.Split(line, "\t")
				switch {
				case f[0] == "A":
					fromGit = append(fromGit, gitrepo.Change{Op: gitrepo.Added, To: f[1]})
				case f[0] == "D":
					fromGit = append(fromGit, gitrepo.Change{Op: gitrepo.Deleted, From: f[1]})
				case f[0] == "M", f[0] == "T":
					fromGit = append(fromGit, gitrepo.Change{Op: gitrepo.Modified, From: f[1], To: f[1]})
				case strings.HasPrefix(f[0], "R"):
					// R100: git's similarity score for content left as it was.
					fromGit = append(fromGit, gitrepo.Change{Op: gitrepo.Renamed, From: f[1], To: f[2], Moved: f[0] == "R100"})
				default:
					t.Fatalf("git diff line %q", line)
				}
			}
			if diff := cmp.Diff(fromGit, got, cmpopts.SortSlices(func(a, b gitrepo.Change) bool { return a.From+a.To < b.From+b.To })); diff != "" {
				t.Errorf("Diff disagrees with git diff -M (-git +got):\n%s", diff)
			}
		})
	}
}

func TestMergeBase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "1\n"})
	fork := repo.Commit("refs/heads/main", map[string]string{"a.md": "2\n"})
	repo.Apply(gittest.Change{Ref: "refs/pull/1/head", From: fork, Files: map[string]string{"p.md": "p\n"}})
	pr := repo.Commit("refs/pull/1/head", map[string]string{"p.md": "p2\n"})
	main := repo.Commit("refs/heads/main", map[string]string{"a.md": "3\n"})
	orphan := repo.Apply(gittest.Change{Ref: "refs/heads/orphan", From: "", Files: map[string]string{"o.md": "o\n"}})
	m := open(t, newCache(t), repo.URL)
	if err := m.Fetch(ctx, "refs/pull/1/head"); err != nil {
		t.Fatal(err)
	}
	got, err := m.MergeBase(ctx, hash(t, main), hash(t, pr))
	if err != nil || got.String() != fork {
		t.Errorf("MergeBase(main, pr) = %s, %v; want %s", got, err, fork)
	}
	if got, err := m.MergeBase(ctx, hash(t, pr), hash(t, pr)); err != nil || got.String() != pr {
		t.Errorf("MergeBase(pr, pr) = %s, %v", got, err)
	}
	_, err = m.MergeBase(ctx, hash(t, main), hash(t, orphan))
	if !errors.Is(err, gitrepo.ErrNoMergeBase) {
		t.Errorf("MergeBase(main, orphan) = %v, want ErrNoMergeBase", err)
	}
}

// TestFSObjectID checks that the entries of a tree report Git's own object
// ids (what `git rev-parse commit:path` prints), and the FS its root tree's.
func TestFSObjectID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	tip := repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: map[string]string{
		"blog/a/index.md": "a\n", "blog/b/index.md": "b\n", "README.md": "r\n",
	}})
	m := open(t, newCache(t), repo.URL)
	fsys, err := m.FS(ctx, hash(t, tip))
	if err != nil {
		t.Fatal(err)
	}
	type objectIDer interface{ ObjectID() [20]byte }
	idOf := func(v any) string {
		o, ok := v.(objectIDer)
		if !ok {
			t.Fatalf("%T has no ObjectID", v)
		}
		id := o.ObjectID()
		return gitrepo.Hash(id).String()
	}
	if got, want := idOf(fsys), strings.TrimSpace(repo.Git("rev-parse", tip+"^{tree}")); got != want {
		t.Errorf("root ObjectID = %s, want %s", got, want)
	}
	for _, dir := range []string{".", "blog", "blog/a"} {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			p := path.Join(dir, e.Name())
			if got, want := idOf(e), strings.TrimSpace(repo.Git("rev-parse", tip+":"+p)); got != want {
				t.Errorf("ObjectID of %s = %s, want %s", p, got, want)
			}
		}
	}
}

// TestFSReadFileMax holds ReadFileMax to a Stat and a ReadFile of the same
// name: the same content, size and failures, and no content past max.
func TestFSReadFileMax(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	big := strings.Repeat("0123456789abcdef", 2048) // 32 KiB: go-git reads it lazily
	tip := repo.Apply(gittest.Change{Ref: "refs/heads/main",
		Files:    map[string]string{"blog/a/index.md": "---\ntitle: A\n---\n", "blog/big.md": big, "empty.md": ""},
		Symlinks: map[string]string{"blog/link.md": "a/index.md"},
	})
	m := open(t, newCache(t), repo.URL)
	fsys, err := m.FS(ctx, hash(t, tip))
	if err != nil {
		t.Fatal(err)
	}
	type maxReader interface {
		ReadFileMax(name string, max int64) ([]byte, int64, error)
	}
	r, ok := fsys.(maxReader)
	if !ok {
		t.Fatalf("%T has no ReadFileMax", fsys)
	}
	tests := []struct {
		name, path string
		max        int64
		wantData   bool   // the content is read
		wantErr    string // "" for none
	}{
		{"small", "blog/a/index.md", 1 << 20, true, ""},
		{"at the limit", "blog/a/index.md", 17, true, ""},
		{"one byte over", "blog/a/index.md", 16, false, ""},
		{"large, under the limit", "blog/big.md", 1 << 20, true, ""},
		{"large, over the limit", "blog/big.md", 1024, false, ""},
		{"empty", "empty.md", 0, true, ""},
		{"symlink gives its text", "blog/link.md", 1 << 20, true, ""},
		{"directory", "blog", 1 << 20, false, "readfile blog: is a directory"},
		{"missing", "blog/nope.md", 1 << 20, false, "readfile blog/nope.md: file does not exist"},
		{"invalid", "/abs", 1 << 20, false, "readfile /abs: invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, size, err := r.ReadFileMax(tt.path, tt.max)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ReadFileMax(%s) error = %v, want %q", tt.path, err, tt.wantErr)
				}
				if _, rerr := fs.ReadFile(fsys, tt.path); rerr == nil || rerr.Error() != err.Error() {
					t.Errorf("ReadFile(%s) error = %v, ReadFileMax's %v", tt.path, rerr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fi, err := fs.Stat(fsys, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if size != fi.Size() {
				t.Errorf("size = %d, Stat says %d", size, fi.Size())
			}
			if !tt.wantData {
				if data != nil {
					t.Errorf("ReadFileMax(%s, %d) read %d bytes past the limit", tt.path, tt.max, len(data))
				}
				return
			}
			want, err := fs.ReadFile(fsys, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != string(want) || data == nil {
				t.Errorf("ReadFileMax(%s) = %q, ReadFile gives %q", tt.path, data, want)
			}
		})
	}
}

// TestFSReadFileMaxConcurrent reads a tree's files from several goroutines
// at once (the spare storages of spare.go read beside the lock), across a
// fetch that brings objects the spares had not indexed, and after the
// cache is closed: every read gives what ReadFile gives, or fs.ErrClosed.
func TestFSReadFileMaxConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := gittest.NewBareRepo(t, nil)
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("blog/%03d/index.md", i)] = fmt.Sprintf("---\ntitle: Post %d\n---\n%s\n", i, strings.Repeat("word ", i*20))
	}
	first := repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: files})
	c := newCache(t)
	m := open(t, c, repo.URL)
	type maxReader interface {
		ReadFileMax(name string, max int64) ([]byte, int64, error)
	}
	readAll := func(commit string, want map[string]string) {
		t.Helper()
		fsys, err := m.FS(ctx, hash(t, commit))
		if err != nil {
			t.Fatal(err)
		}
		r := fsys.(maxReader)
		var wg sync.WaitGroup
		errs := make(chan error, 4*len(want))
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p, w := range want {
					data, size, err := r.ReadFileMax(p, 1<<20)
					switch {
					case err != nil:
						errs <- err
					case string(data) != w || size != int64(len(w)):
						errs <- fmt.Errorf("ReadFileMax(%s) = %d bytes (size %d), want %d", p, len(data), size, len(w))
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	readAll(first, files)
	// New objects, in a pack the spares have not indexed.
	next := map[string]string{}
	for p, s := range files {
		next[p] = s + "more\n"
	}
	second := repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: next})
	if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
		t.Fatal(err)
	}
	readAll(second, next)
	fsys, err := m.FS(ctx, hash(t, second))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fsys.(maxReader).ReadFileMax("blog/001/index.md", 1<<20); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("ReadFileMax after Close = %v, want fs.ErrClosed", err)
	}
}
