package siteindex_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/content/siteindex"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

const fm = "---\ntitle: T\ndate: 2026-02-03\nauthors: [ada]\ntags: [news]\n---\n\n"

var base = map[string]string{
	"docusaurus.config.js":     "module.exports = {};\n",
	"blog/authors.yml":         "ada: {name: Ada}\n",
	"blog/tags.yml":            "news: {label: News}\n",
	"blog/2026/a/index.md":     fm + "We recieve the packets.\n",
	"blog/2026/b/index.md":     fm + "They recieve the packets too.\n",
	"blog/2026/c/index.md":     fm + "Nobody will recieve less.\n",
	"blog/2026/d/index.md":     "---\ntitle: D\nslug: shared\nauthors: [ada]\ntags: [news]\n---\n\nPlain text.\n",
	"blog/2025/old/index.md":   fm + "An old post that no change touches.\n",
	"blog/2025/older/index.md": fm + "Another old post.\n",
}

// now is the checks' clock.
func now() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }

// world is a repository on disk and a mirror of it.
type world struct {
	t      *testing.T
	repo   *gittest.Repo
	mirror *gitrepo.Mirror
}

func newWorld(t *testing.T) *world {
	t.Helper()
	repo := gittest.NewBareRepo(t, base)
	cache, err := gitrepo.NewCache(t.TempDir(), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	m, err := cache.Open(context.Background(), repo.URL, gitrepo.Anonymous())
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, repo: repo, mirror: m}
}

// loadBoth loads the site at rev twice: walked afresh, and from store.
func (w *world) loadBoth(store *siteindex.Store, rev string) (walked *content.Site, loaded *siteindex.Site) {
	w.t.Helper()
	ctx := context.Background()
	fsys := w.fs(rev)
	walked, err := content.LoadSite(ctx, fsys)
	if err != nil {
		w.t.Fatal(err)
	}
	loaded, err = store.Load(ctx, fsys)
	if err != nil {
		w.t.Fatal(err)
	}
	return walked, loaded
}

// fs returns the tree of rev in the mirror, fetching first.
func (w *world) fs(rev string) fs.FS {
	w.t.Helper()
	ctx := context.Background()
	if err := w.mirror.Fetch(ctx, "refs/heads/main"); err != nil {
		w.t.Fatal(err)
	}
	h, err := gitrepo.ParseHash(rev)
	if err != nil {
		w.t.Fatal(err)
	}
	fsys, err := w.mirror.FS(ctx, h)
	if err != nil {
		w.t.Fatal(err)
	}
	return fsys
}

// checkWith checks every post of site with idx as its index.
func checkWith(t *testing.T, site *content.Site, idx *check.Index) []string {
	t.Helper()
	c := check.New(site.Config, check.WithNow(now))
	c.UseIndex(site, idx)
	fs, err := c.CheckSite(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	return lines(fs)
}

func lines(fs []check.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.String())
	}
	return out
}

// fresh checks site from scratch.
func fresh(t *testing.T, site *content.Site) []string {
	t.Helper()
	fs, err := check.New(site.Config, check.WithNow(now)).CheckSite(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	return lines(fs)
}

// TestStoreFollowsChanges moves one store through a series of commits, as
// the bot does between the merge bases of pull requests, and checks after
// each that the findings with the kept index are those of an index built
// from scratch: an entry for a changed blob is never reused.
func TestStoreFollowsChanges(t *testing.T) {
	w := newWorld(t)
	first := w.repo.Ref("refs/heads/main")
	steps := []struct {
		name   string
		change gittest.Change
		want   string // a finding the step brings, "" for none
	}{
		{"a post edited drops a word below the vocabulary's threshold",
			gittest.Change{Files: map[string]string{"blog/2026/c/index.md": fm + "Nobody will get less.\n"}}, "misspelling"},
		{"a post renamed onto another's URL",
			gittest.Change{Files: map[string]string{"blog/2026/e/index.md": "---\ntitle: E\nslug: shared\nauthors: [ada]\ntags: [news]\n---\n\nMoved text.\n"},
				Delete: []string{"blog/2026/b/index.md"}}, "duplicate-slug"},
		{"the authors registry edited", gittest.Change{Files: map[string]string{"blog/authors.yml": "bob: {name: Bob}\n"}}, "unknown-author"},
		{"the configuration changed", gittest.Change{Files: map[string]string{".herald.yml": "version: 1\nrules:\n  misspelling: {severity: off}\n"}}, ""},
		{"posts added beside one whose name they start with", gittest.Change{Files: map[string]string{
			"blog/2026/a-b/index.md": fm + "Wee recieve the packets.\n", "blog/2026/a.md": fm + "A post file.\n"}}, ""},
		{"a post that is a link, and a post at its URL", gittest.Change{Symlinks: map[string]string{"blog/2026/link.md": "a/index.md"},
			Files: map[string]string{"blog/2026/link/index.md": fm}}, "duplicate-slug"},
		{"a link's target edited", gittest.Change{Files: map[string]string{"blog/2026/a/index.md": fm + "We get the packets.\n"}}, ""},
		{"a post deleted", gittest.Change{Delete: []string{"blog/2026/a/index.md"}}, ""},
		{"a folder of posts deleted", gittest.Change{Delete: []string{"blog/2025/old/index.md", "blog/2025/older/index.md"}}, ""},
	}
	store := siteindex.NewStore()
	ctx := context.Background()
	load := func(rev string) (*siteindex.Site, *check.Index) {
		site, err := store.Load(ctx, w.fs(rev))
		if err != nil {
			t.Fatal(err)
		}
		idx, err := store.Index(ctx, site)
		if err != nil {
			t.Fatal(err)
		}
		return site, idx
	}
	site, idx := load(first)
	if diff := cmp.Diff(fresh(t, site.Site), checkWith(t, site.Site, idx)); diff != "" {
		t.Fatalf("first commit (-fresh +kept):\n%s", diff)
	}
	var revs []string
	for _, st := range steps {
		st.change.Ref = "refs/heads/main"
		rev := w.repo.Apply(st.change)
		revs = append(revs, rev)
		site, idx := load(rev)
		want, got := fresh(t, site.Site), checkWith(t, site.Site, idx)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-fresh +kept):\n%s", st.name, diff)
		}
		if st.want != "" && !strings.Contains(strings.Join(got, "\n"), " "+st.want) {
			t.Errorf("%s: no %s finding in\n%s", st.name, st.want, strings.Join(got, "\n"))
		}
	}
	// Back to an earlier commit (a force-push, or an older merge base),
	// and forward again.
	for _, rev := range []string{first, revs[1], revs[len(revs)-1], revs[0]} {
		site, idx := load(rev)
		if diff := cmp.Diff(fresh(t, site.Site), checkWith(t, site.Site, idx)); diff != "" {
			t.Errorf("back at %s (-fresh +kept):\n%s", rev[:7], diff)
		}
	}
}

// countingFS counts the folders read through it.
type countingFS struct {
	fs.ReadDirFS
	id    [20]byte
	reads *atomic.Int32
}

func (c countingFS) ObjectID() [20]byte { return c.id }

func (c countingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	c.reads.Add(1)
	return c.ReadDirFS.ReadDir(name)
}

func (c countingFS) ReadFile(name string) ([]byte, error) { return fs.ReadFile(c.ReadDirFS, name) }

func (c countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.ReadDirFS, name) }

// TestStoreReadsOnlyChangedTrees loads a commit that changes one post after
// loading its parent: only the folders on the changed post's path are read.
func TestStoreReadsOnlyChangedTrees(t *testing.T) {
	w := newWorld(t)
	store := siteindex.NewStore()
	ctx := context.Background()
	var reads atomic.Int32
	load := func(rev string) *siteindex.Site {
		fsys := w.fs(rev)
		c := countingFS{ReadDirFS: fsys.(fs.ReadDirFS), id: fsys.(interface{ ObjectID() [20]byte }).ObjectID(), reads: &reads}
		site, err := store.Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	first := load(w.repo.Ref("refs/heads/main"))
	reads.Store(0)
	rev := w.repo.Commit("refs/heads/main", map[string]string{"blog/2026/a/index.md": fm + "Changed.\n"})
	next := load(rev)
	// ., blog, blog/2026, blog/2026/a: the rest is the same tree as before.
	if n := reads.Load(); n != 4 {
		t.Errorf("read %d folders for a one-post change, want 4", n)
	}
	if diff := cmp.Diff(first.Files, next.Files); diff != "" {
		t.Errorf("files (-first +next):\n%s", diff)
	}
}

// TestStorePlainFolder loads a folder on disk, which has no object ids:
// the whole site is read, as content.LoadSite does.
func TestStorePlainFolder(t *testing.T) {
	dir := t.TempDir()
	for p, c := range base {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	store := siteindex.NewStore()
	ctx := context.Background()
	site, err := store.Load(ctx, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := store.Index(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	if len(site.Posts) != 6 {
		t.Errorf("posts = %v", site.Posts)
	}
	if diff := cmp.Diff(fresh(t, site.Site), checkWith(t, site.Site, idx)); diff != "" {
		t.Errorf("(-fresh +store):\n%s", diff)
	}
}

// TestStoreAgreesWithAWalk loads commits through one store and compares
// each site with the one content.LoadSite reads by walking the same tree:
// the files (names that sort differently as paths and as folder entries),
// the posts, the links and the registries agree.
func TestStoreAgreesWithAWalk(t *testing.T) {
	w := newWorld(t)
	store := siteindex.NewStore()
	type view struct {
		Files, Posts, Authors, Tags []string
		Skipped                     []content.Skipped
		Profile, Root, Marker, Zone string
		Generator                   content.Generator
	}
	viewOf := func(s *content.Site) view {
		return view{s.Files, s.Posts, s.Authors.Names, s.Tags.Names, s.Skipped, s.Profile.Name, s.Root, s.Marker, s.Location().String(), s.Generator}
	}
	changes := []gittest.Change{
		{Files: map[string]string{"blog/2026/a-b/index.md": fm, "blog/2026/a.c/index.md": fm, "blog/2026/a.md": fm,
			"blog/2026/a b/index.md": fm, "blog/2026/_draft.md": fm, "blog/2026/README.md": "read me\n", "static/img/a-b/c.png": "png", "static/img/a/c.png": "png"},
			Symlinks: map[string]string{"blog/2026/inside.md": "a/index.md", "blog/2026/escape.md": "../../../etc/passwd", "blog/2026/dir.md": "a"}},
		{Files: map[string]string{"blog/2026/a/index.md": fm + "Changed.\n", "blog/authors.yml": "ada: {}\nbob: {}\n"}},
		{Files: map[string]string{".herald.yml": "version: 1\ncontent: [\"blog/2026/**/*.md\"]\nexclude: [\"blog/2026/a-b/**\"]\n"}},
		{Delete: []string{"blog/2026/a/index.md"}},
		{Files: map[string]string{"blog/tags.yml": "news: {}\nevents: {}\n", ".herald.yml": "version: 1\ntimezone: Asia/Tokyo\n"}},
		{Files: map[string]string{"docusaurus.config.js": "module.exports = {presets: [['classic', {blog: {routeBasePath: '/news'}}]]};\n"}},
		{Files: map[string]string{"blog/2026/b/index.md": fm + "Edited.\n"}},
	}
	revs := []string{w.repo.Ref("refs/heads/main")}
	for _, c := range changes {
		c.Ref = "refs/heads/main"
		revs = append(revs, w.repo.Apply(c))
	}
	// Forward, then back over the same commits (a force-push).
	for i, rev := range append(revs, revs[2], revs[0], revs[5], revs[3], revs[6]) {
		walked, loaded := w.loadBoth(store, rev)
		if diff := cmp.Diff(viewOf(walked), viewOf(loaded.Site)); diff != "" {
			t.Errorf("load %d, %s (-walked +store):\n%s", i, rev[:7], diff)
		}
		for _, p := range walked.Files {
			if !loaded.HasFile(p) {
				t.Errorf("load %d: HasFile(%q) = false", i, p)
			}
		}
	}
}

// TestStoreLocatesTheGenerator: a load that takes the generator's profile
// and root from the site loaded before (no path that could move them was
// added or removed) finds what a walk finds, and one after a commit that
// moves them finds them anew: a marker replaced, a loose marker without
// and then with a content folder beside it, the profile named in
// .herald.yml, and back over the same commits.
func TestStoreLocatesTheGenerator(t *testing.T) {
	w := newWorld(t)
	store := siteindex.NewStore()
	type view struct{ Profile, Root, Marker, Source string }
	viewOf := func(s *content.Site) view { return view{s.Profile.Name, s.Root, s.Marker, s.ProfileSource} }
	changes := []gittest.Change{
		{Files: map[string]string{"blog/2026/new/index.md": fm}},
		{Files: map[string]string{"hugo.toml": "title = 'x'\n"}, Delete: []string{"docusaurus.config.js"}},
		{Files: map[string]string{"blog/2026/newer/index.md": fm}},
		{Files: map[string]string{"config.toml": "title = 'x'\n"}, Delete: []string{"hugo.toml"}},
		{Files: map[string]string{"content/posts/x.md": fm}},
		{Files: map[string]string{"content/posts/x.md": fm + "Edited.\n"}},
		{Files: map[string]string{".herald.yml": "version: 1\nprofile: jekyll\n"}},
		{Files: map[string]string{"blog/2026/newest/index.md": fm}},
		{Files: map[string]string{"site/docusaurus.config.js": "module.exports = {};\n"}, Delete: []string{"config.toml", ".herald.yml", "content/posts/x.md"}},
	}
	revs := []string{w.repo.Ref("refs/heads/main")}
	for _, c := range changes {
		c.Ref = "refs/heads/main"
		revs = append(revs, w.repo.Apply(c))
	}
	seen := map[view]bool{}
	for i, rev := range append(revs, revs[3], revs[1], revs[5], revs[2], revs[9], revs[0]) {
		walked, loaded := w.loadBoth(store, rev)
		if diff := cmp.Diff(viewOf(walked), viewOf(loaded.Site)); diff != "" {
			t.Errorf("load %d, %s (-walked +store):\n%s", i, rev[:7], diff)
		}
		seen[viewOf(walked)] = true
	}
	if len(seen) < 4 {
		t.Errorf("the commits located the generator %d ways, want at least 4: %v", len(seen), seen)
	}
}

// TestChanged compares the paths Changed finds between commits with those
// git diff names, links added (they count as changed every time), and
// says no when the two commits read their posts differently.
func TestChanged(t *testing.T) {
	w := newWorld(t)
	store := siteindex.NewStore()
	ctx := context.Background()
	load := func(rev string) *siteindex.Site {
		site, err := store.Load(ctx, w.fs(rev))
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	first := w.repo.Ref("refs/heads/main")
	second := w.repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: map[string]string{"blog/2026/a/index.md": fm + "Edited.\n", "blog/2026/a-b/index.md": fm},
		Symlinks: map[string]string{"blog/2026/link.md": "c/index.md"}, Delete: []string{"blog/2025/old/index.md"}})
	third := w.repo.Apply(gittest.Change{Ref: "refs/heads/main", Files: map[string]string{".herald.yml": "version: 1\n"}})
	got, ok := siteindex.Changed(load(first), load(second))
	if !ok {
		t.Fatal("Changed between two commits with the same settings: not ok")
	}
	want := map[string]bool{}
	for _, p := range strings.Fields(w.repo.Git("diff", "--no-renames", "--name-only", first, second)) {
		want[p] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changed (-git diff +Changed):\n%s", diff)
	}
	if _, ok := siteindex.Changed(load(second), load(third)); ok {
		t.Error("Changed across a configuration change: ok, want every post read again")
	}
}

// TestStoreSweeps loads more commits than a Store keeps trees for: the
// trees the recent commits share stay (a one-post change still reads only
// the folders on its path), and a commit from before the sweep is read
// again, right.
func TestStoreSweeps(t *testing.T) {
	w := newWorld(t)
	store := siteindex.NewStore()
	ctx := context.Background()
	var reads atomic.Int32
	load := func(rev string) *siteindex.Site {
		t.Helper()
		fsys := w.fs(rev)
		c := countingFS{ReadDirFS: fsys.(fs.ReadDirFS), id: fsys.(interface{ ObjectID() [20]byte }).ObjectID(), reads: &reads}
		site, err := store.Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	first := w.repo.Ref("refs/heads/main")
	load(first)
	for i := range 63 { // the 64th load sweeps: the next is the first after it
		load(w.repo.Commit("refs/heads/main", map[string]string{"blog/2026/a/index.md": fmt.Sprintf("%sEdit %d.\n", fm, i)}))
	}
	reads.Store(0)
	load(w.repo.Commit("refs/heads/main", map[string]string{"blog/2026/b/index.md": fm + "Changed.\n"}))
	if n := reads.Load(); n != 4 {
		t.Errorf("read %d folders for a one-post change after the sweeps, want 4", n)
	}
	again := load(first)
	walked, err := content.LoadSite(ctx, w.fs(first))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(walked.Posts, again.Posts); diff != "" {
		t.Errorf("posts of the first commit, loaded again (-walked +store):\n%s", diff)
	}
}
