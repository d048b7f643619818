package content

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// maxFS is a MapFS that reads through ReadFileMax, as gitrepo's trees do,
// and counts the Stats it is asked for.
type maxFS struct {
	fstest.MapFS
	stats int
}

func (m *maxFS) Stat(name string) (fs.FileInfo, error) {
	m.stats++
	return m.MapFS.Stat(name)
}

func (m *maxFS) ReadFileMax(name string, max int64) ([]byte, int64, error) {
	fi, err := m.MapFS.Stat(name)
	switch {
	case err != nil:
		return nil, 0, err
	case fi.IsDir():
		return nil, 0, &fs.PathError{Op: "readfile", Path: name, Err: errors.New("is a directory")}
	case fi.Size() > max:
		return nil, fi.Size(), nil
	}
	data, err := m.MapFS.ReadFile(name)
	return data, fi.Size(), err
}

// TestReadPostBounded reads the same posts from a file system that reads
// with ReadFileMax and from one that does not: the posts are the same
// (too large ones unread), the errors say the same, and the bounded one is
// asked for no Stat.
func TestReadPostBounded(t *testing.T) {
	files := map[string]string{
		"docusaurus.config.js":                "module.exports = {};\n",
		"blog/2026-02-03-a/index.md":          "---\ntitle: A\ndate: 2026-02-03T10:00:00Z\ndraft: true\ntags: [x]\n---\nBody.\n",
		"blog/2026/02-b/index.md":             "---\ntitle: [broken\n---\n",
		"blog/c.md":                           "no front matter\n",
		"blog/big.md":                         "---\ntitle: Big\n---\n" + strings.Repeat("a", MaxPostSize),
		"blog/limit.md":                       strings.Repeat("b", MaxPostSize),
		"blog/binary.md":                      "\x00\x01",
		"blog/latin1.md":                      "---\ntitle: caf\xe9\n---\n",
		"blog/2026/03/04/dated/index.mdx":     "---\ndate: 2026-03-04\n---\n",
		"blog/folder.md/index.md":             "x\n",
		"blog/empty.md":                       "",
		"blog/2026-13-40-not-a-date.md":       "---\ntitle: N\n---\n",
		"blog/unicode/\u00e9t\u00e9/index.md": "---\ntitle: \u00c9t\u00e9\n---\n",
	}
	plain, bounded := fstest.MapFS{}, &maxFS{MapFS: fstest.MapFS{}}
	for p, c := range files {
		plain[p] = &fstest.MapFile{Data: []byte(c)}
		bounded.MapFS[p] = &fstest.MapFile{Data: []byte(c)}
	}
	ctx := context.Background()
	plainSite, err := LoadSite(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	boundedSite, err := LoadSite(ctx, bounded)
	if err != nil {
		t.Fatal(err)
	}
	bounded.stats = 0
	paths := append(plainSite.Posts, "blog/missing.md", "blog/folder.md")
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			want, werr := plainSite.ReadPost(ctx, p)
			got, gerr := boundedSite.ReadPost(ctx, p)
			// The errors come from other calls of the file system: the
			// same post and cause.
			if (werr == nil) != (gerr == nil) || werr != nil && (!strings.HasPrefix(gerr.Error(), "read "+p+": ") ||
				errors.Is(werr, fs.ErrNotExist) != errors.Is(gerr, fs.ErrNotExist)) {
				t.Fatalf("errors: plain %v, bounded %v", werr, gerr)
			}
			if werr != nil {
				return
			}
			if !bytes.Equal(want.Raw, got.Raw) || (want.Raw == nil) != (got.Raw == nil) {
				t.Errorf("Raw: plain %d bytes, bounded %d", len(want.Raw), len(got.Raw))
			}
			// cmp would take seconds over the 10 MiB post's bytes.
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Post{}, "Raw"), cmpopts.IgnoreUnexported(FrontMatter{}, Lines{}), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("post (-plain +bounded):\n%s", diff)
			}
		})
	}
	if bounded.stats != 0 {
		t.Errorf("ReadPost asked a file system with ReadFileMax for %d Stats, want none", bounded.stats)
	}
}

// TestReadEach reads posts on several goroutines: each arrives at its
// index, a missing one stops the reads with ReadPost's error, and a
// cancelled context is reported; the same over a file system that reads
// the files in one pass (gitrepo's trees with the git command), whose
// posts are those ReadPost reads.
func TestReadEach(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"docusaurus.config.js": {Data: []byte("export default {}\n")}}
	var paths []string
	for i := range 50 {
		p := "blog/" + strings.Repeat("x", i+1) + ".md"
		fsys[p] = &fstest.MapFile{Data: []byte("---\ntitle: T" + strings.Repeat("x", i+1) + "\n---\nBody.\n")}
		paths = append(paths, p)
	}
	fsys["blog/huge.md"] = &fstest.MapFile{Data: bytes.Repeat([]byte("x"), MaxPostSize+1)}
	paths = append(paths, "blog/huge.md")
	for _, tt := range []struct {
		name string
		fsys fs.FS
	}{{"one by one", fsys}, {"one pass", &batchFS{MapFS: fsys}}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site, err := LoadSite(context.Background(), tt.fsys)
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{0, 1, 4} {
				got := make([]*Post, len(paths))
				if err := site.ReadEach(context.Background(), paths, workers, func(i int, p *Post) { got[i] = p }); err != nil {
					t.Fatalf("workers %d: %v", workers, err)
				}
				for i, p := range paths {
					want, err := site.ReadPost(context.Background(), p)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got[i], cmpopts.IgnoreUnexported(FrontMatter{}, Lines{}), cmpopts.EquateErrors()); diff != "" {
						t.Errorf("workers %d: post %d (-ReadPost +ReadEach):\n%s", workers, i, diff)
					}
				}
			}
			missing := append(append([]string{}, paths[:10]...), "blog/gone.md")
			err = site.ReadEach(context.Background(), missing, 4, func(int, *Post) {})
			if err == nil || !strings.HasPrefix(err.Error(), "read ") || !strings.Contains(err.Error(), "blog/gone.md") || !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a missing post: %v, want read ... blog/gone.md: ... not exist", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := site.ReadEach(ctx, paths, 4, func(int, *Post) {}); !errors.Is(err, context.Canceled) {
				t.Errorf("a cancelled context: %v, want context.Canceled", err)
			}
			if b, ok := tt.fsys.(*batchFS); ok && b.passes.Load() != 5 {
				t.Errorf("%d passes over the files, want one per ReadEach (5)", b.passes.Load())
			}
		})
	}
}

// batchFS reads files in one pass, in order, as gitrepo's trees do with
// the git command.
type batchFS struct {
	fstest.MapFS
	passes atomic.Int32
}

func (b *batchFS) ReadFilesMax(ctx context.Context, names []string, max int64, fn func(i int, data []byte, size int64) error) error {
	b.passes.Add(1)
	for i, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := b.ReadFile(name)
		if err != nil {
			return err
		}
		size := int64(len(data))
		if size > max {
			data = nil
		}
		if err := fn(i, data, size); err != nil {
			return err
		}
	}
	return nil
}
