package gitrepo_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald/gitrepo"
)

var (
	bot    = gitrepo.Signature{Name: "herald", Email: "herald@example.com"}
	author = gitrepo.Signature{Name: "Ada Author", Email: "ada@example.com"}
)

func newCache(tb testing.TB) *gitrepo.Cache {
	tb.Helper()
	return newCacheIn(tb, tb.TempDir())
}

func newCacheIn(tb testing.TB, dir string) *gitrepo.Cache {
	tb.Helper()
	c, err := gitrepo.NewCache(dir,
		gitrepo.WithLogger(slog.New(slog.DiscardHandler)),
		gitrepo.WithClock(func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func open(tb testing.TB, c *gitrepo.Cache, url string) *gitrepo.Mirror {
	tb.Helper()
	m, err := c.Open(context.Background(), url, gitrepo.Anonymous())
	if err != nil {
		tb.Fatalf("Open(%s): %v", url, err)
	}
	return m
}

func hash(tb testing.TB, s string) gitrepo.Hash {
	tb.Helper()
	h, err := gitrepo.ParseHash(s)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func resolve(tb testing.TB, m *gitrepo.Mirror, rev string) gitrepo.Hash {
	tb.Helper()
	h, err := m.Resolve(context.Background(), rev)
	if err != nil {
		tb.Fatalf("Resolve(%s): %v", rev, err)
	}
	return h
}

func readFile(tb testing.TB, m *gitrepo.Mirror, commit gitrepo.Hash, path string) string {
	tb.Helper()
	b, err := m.ReadFile(context.Background(), commit, path)
	if err != nil {
		tb.Fatalf("ReadFile(%s): %v", path, err)
	}
	return string(b)
}

// filepathWalkContains lists the files under dir whose content holds s.
func filepathWalkContains(dir, s string) ([]string, error) {
	var hits []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			hits = append(hits, p)
		}
		return nil
	})
	return hits, err
}
