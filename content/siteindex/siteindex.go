// Package siteindex loads a content repository's site at a commit, and the
// check index of its posts, reading only what changed since the commits it
// loaded before.
//
// A Store keeps, for one repository, the entries of every Git tree it read
// (keyed by the tree's path and object id), which of a tree's files the
// site's content globs pick, and the check index of the last commit it
// indexed. Moving to another commit lists only the trees whose id changed,
// asks the globs only there, copies the file and post lists of the trees
// commits share, decodes the configuration and registries again only when
// their blob changed, locates the generator again only when a commit adds
// or removes a path that could move it (content.LayoutPath), and moves the
// index by reading only the posts whose
// blob changed, found by comparing the two commits' trees (Changed gives
// the same comparison to callers). What it keeps is keyed by content, so it
// is never stale and needs no clock. A file system that does not report
// object ids (a plain folder) is read whole each time.
//
// It sits beside content and content/check, whose pure types it fills: it
// imports nothing but them and io/fs, and knows nothing of Git beyond the
// ObjectID method of the file systems gitrepo returns.
package siteindex

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
)

// objectIDer is a directory entry, or a file system for its root, that
// knows the Git object id of its content: equal ids, equal content.
type objectIDer interface {
	ObjectID() [20]byte
}

// ID is a Git object id.
type ID = [20]byte

// kind is what a tree entry is.
type kind uint8

const (
	kindFile kind = iota
	kindLink
	kindDir
)

// kid is an entry of a tree: a regular file, a symbolic link or a folder.
type kid struct {
	path string
	id   ID
	kind kind
	// post says the file is a post, for the selector its node names.
	post bool
	sub  *node // a folder's tree
}

// node is what the store read of one tree: its entries in the order of the
// paths below them, a folder sorting as its name and a slash. Joining the
// entries' paths in that order gives them as sort.Strings does, so a site's
// sorted file list is a walk of its nodes, with no sort.
type node struct {
	kids []kid
	// nfiles and nlinks count the files and links below.
	nfiles, nlinks int
	// selKey names the post selector the kids' post flags are for.
	selKey string
	// walked and picked say a load has listed the files below, and asked
	// which are posts. A tree reached by a second load is one that
	// commits share (blog/2019 while blog/2026 changes): when it holds
	// many files, it keeps them flat, so a later load copies them whole
	// instead of walking its trees. A tree a commit changed is walked
	// once and keeps nothing more.
	walked, picked bool
	flat           *flat
	flatPosts      *flatPosts
	mark           uint64 // the last sweep that reached the node
}

// flat is every file and link below a tree, in order, with their ids.
type flat struct {
	files, links     []string
	fileIDs, linkIDs []ID
}

// flatPosts are the posts below a tree for the selector named key.
type flatPosts struct {
	key   string
	paths []string
}

// flatMin is how many files and links a tree holds below it to be kept
// flat once two loads reached it: fewer are walked as quickly as copied.
const flatMin = 64

type treeKey struct {
	path string
	id   ID
}

// Store loads the sites of one repository. Its methods are safe for
// concurrent use; the Index it returns is updated in place by the next call
// of Index, so a caller checks with it before asking for another commit
// (the bot reconciles a repository one request at a time).
type Store struct {
	mu    sync.Mutex
	trees map[treeKey]*node
	walks uint64
	// roots are the root trees of the last keepWalks walks: a sweep keeps
	// the trees they reach and forgets the others.
	roots  []*node
	sweeps uint64
	index  *indexed
	recent []*Site // the sites loaded last, newest first
}

// keepSites is how many loaded sites a Store keeps by root tree id: the
// default branch's and those of the pull requests reconciled with it.
const keepSites = 4

// indexed is the check index at one commit.
type indexed struct {
	gen  string // what else the index depends on: configuration and generator files
	site *Site
	// linkPosts are the posts that are symbolic links (or skipped as such).
	linkPosts []string
	idx       *check.Index
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{trees: map[treeKey]*node{}}
}

// keepWalks is how many walks a tree survives unreached: enough for the
// default branch and the merge bases of the pull requests reconciled in
// between, few enough that the store stays the size of one or two commits
// and the trees each later commit changed.
const keepWalks = 64

// Site is a site at a commit with the object ids of its files.
type Site struct {
	*content.Site
	root ID
	tree *node // nil without ids
	// files and links are the paths of the regular files and symbolic
	// links, sorted, with their object ids.
	files, links     []string
	fileIDs, linkIDs []ID
}

// fileID returns the object id of the regular file at p. A link's target
// may change while the link does not: it has none.
func (s *Site) fileID(p string) (ID, bool) {
	if i, ok := slices.BinarySearch(s.files, p); ok {
		return s.fileIDs[i], true
	}
	return ID{}, false
}

// id returns the object id of the file or link at p.
func (s *Site) id(p string) (ID, bool) {
	if i, ok := slices.BinarySearch(s.files, p); ok {
		return s.fileIDs[i], true
	}
	if i, ok := slices.BinarySearch(s.links, p); ok {
		return s.linkIDs[i], true
	}
	return ID{}, false
}

// Load reads the site in fsys. When fsys reports object ids, the trees read
// before are not read again, which of their files are posts is not asked
// again, the configuration, generator settings and registries of the site
// loaded last are taken again where their blob is the same, and a site
// loaded lately at the same root tree is returned as it is (callers do not
// change a Site).
func (s *Store) Load(ctx context.Context, fsys fs.FS) (*Site, error) {
	root, ok := fsys.(objectIDer)
	if !ok {
		site, err := content.LoadSite(ctx, fsys)
		if err != nil {
			return nil, err
		}
		return &Site{Site: site}, nil
	}
	id := root.ObjectID()
	s.mu.Lock()
	for i, r := range s.recent {
		if r.root == id {
			copy(s.recent[1:i+1], s.recent[:i])
			s.recent[0] = r
			s.mu.Unlock()
			return r, nil
		}
	}
	s.walks++
	walk := fsys
	if len(s.trees) == 0 {
		walk = prefetch(ctx, fsys)
	}
	tree, err := s.list(ctx, walk, ".", id)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.roots = append(s.roots, tree)
	if len(s.roots) > keepWalks {
		s.roots = slices.Delete(s.roots, 0, len(s.roots)-keepWalks)
	}
	if s.walks%keepWalks == 0 {
		s.sweep()
	}
	out := &Site{root: id, tree: tree, files: make([]string, 0, tree.nfiles), fileIDs: make([]ID, 0, tree.nfiles)}
	if tree.nlinks > 0 {
		out.links, out.linkIDs = make([]string, 0, tree.nlinks), make([]ID, 0, tree.nlinks)
	}
	out.collect(tree)
	var prev *Site
	if len(s.recent) > 0 {
		prev = s.recent[0]
	}
	s.mu.Unlock()
	lst := content.Listing{Files: out.files, Links: out.links, Sorted: true, Posts: func(sel *content.PostSelector) []string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return posts(tree, sel, make([]string, 0, tree.nfiles))
	}}
	if prev != nil && prev.tree != nil && len(prev.links) == 0 && len(out.links) == 0 {
		// Only the trees that differ are compared: what a commit adds,
		// removes or changes says whether the generator may be located
		// otherwise, not a look through every file.
		lst.SameLayout = true
		moved := func(k *kid) {
			if content.LayoutPath(k.path) {
				lst.SameLayout = false
			}
		}
		s.mu.Lock()
		diffTrees(prev.tree, tree, moved, moved)
		s.mu.Unlock()
	}
	opts := []content.LoadOption{content.WithListing(lst)}
	if prev != nil {
		opts = append(opts, content.WithPrevious(prev.Site, func(p string) bool {
			a, ok := prev.fileID(p)
			b, ok2 := out.fileID(p)
			return ok && ok2 && a == b
		}))
	}
	out.Site, err = content.LoadSite(ctx, fsys, opts...)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.recent = append([]*Site{out}, s.recent[:min(len(s.recent), keepSites-1)]...)
	s.mu.Unlock()
	return out, nil
}

// collect lists the files and links below n into s, sorted. The store's
// lock is held.
func (s *Site) collect(n *node) {
	if n.flat == nil && n.walked && n.nfiles+n.nlinks >= flatMin {
		f := &Site{files: make([]string, 0, n.nfiles), fileIDs: make([]ID, 0, n.nfiles)}
		if n.nlinks > 0 {
			f.links, f.linkIDs = make([]string, 0, n.nlinks), make([]ID, 0, n.nlinks)
		}
		f.collectKids(n)
		n.flat = &flat{files: f.files, links: f.links, fileIDs: f.fileIDs, linkIDs: f.linkIDs}
	}
	if f := n.flat; f != nil {
		s.files, s.fileIDs = append(s.files, f.files...), append(s.fileIDs, f.fileIDs...)
		s.links, s.linkIDs = append(s.links, f.links...), append(s.linkIDs, f.linkIDs...)
		return
	}
	n.walked = true
	s.collectKids(n)
}

func (s *Site) collectKids(n *node) {
	for i := range n.kids {
		k := &n.kids[i]
		switch k.kind {
		case kindFile:
			s.files, s.fileIDs = append(s.files, k.path), append(s.fileIDs, k.id)
		case kindLink:
			s.links, s.linkIDs = append(s.links, k.path), append(s.linkIDs, k.id)
		case kindDir:
			s.collect(k.sub)
		}
	}
}

// posts appends the regular files below n that sel picks to out, sorted.
// A tree asks sel only when its flags are for another selector. The
// store's lock is held.
func posts(n *node, sel *content.PostSelector, out []string) []string {
	if f := n.flatPosts; f != nil && f.key == sel.Key() {
		return append(out, f.paths...)
	}
	if n.picked && n.nfiles >= flatMin {
		f := &flatPosts{key: sel.Key(), paths: pick(n, sel, nil)}
		n.flatPosts = f
		return append(out, f.paths...)
	}
	n.picked = true
	return pick(n, sel, out)
}

// pick is posts for the files directly in n, and posts for its folders.
func pick(n *node, sel *content.PostSelector, out []string) []string {
	if n.selKey != sel.Key() {
		for i := range n.kids {
			if k := &n.kids[i]; k.kind == kindFile {
				k.post = sel.Match(k.path)
			}
		}
		n.selKey = sel.Key()
	}
	for i := range n.kids {
		switch k := &n.kids[i]; {
		case k.kind == kindDir:
			out = posts(k.sub, sel, out)
		case k.post && k.kind == kindFile:
			out = append(out, k.path)
		}
	}
	return out
}

// sweep forgets the trees that none of the last walks reached. s.mu is
// held.
func (s *Store) sweep() {
	s.sweeps++
	var reach func(n *node)
	reach = func(n *node) {
		if n.mark == s.sweeps {
			return
		}
		n.mark = s.sweeps
		for i := range n.kids {
			if k := &n.kids[i]; k.kind == kindDir {
				reach(k.sub)
			}
		}
	}
	for _, r := range s.roots {
		reach(r)
	}
	for _, r := range s.recent {
		reach(r.tree)
	}
	if s.index != nil {
		reach(s.index.site.tree)
	}
	for k, n := range s.trees {
		if n.mark != s.sweeps {
			delete(s.trees, k)
		}
	}
}

// cmpKids orders two entries of one tree by the paths below them: a
// folder's name sorts as if a slash followed it.
func cmpKids(a, b *kid) int {
	n := min(len(a.path), len(b.path))
	if c := strings.Compare(a.path[:n], b.path[:n]); c != 0 {
		return c
	}
	return cmp.Compare(after(a, n), after(b, n))
}

// after is the byte of k's path at i with a slash after a folder's name,
// -1 past the end.
func after(k *kid, i int) int {
	switch {
	case i < len(k.path):
		return int(k.path[i])
	case i == len(k.path) && k.kind == kindDir:
		return '/'
	}
	return -1
}

// dirsReader is a file system that lists every folder of a tree in one
// pass, faster than folder by folder: gitrepo's trees with the git
// command. It returns errors.ErrUnsupported when it cannot.
type dirsReader interface {
	ReadDirs(ctx context.Context, dir string) (map[string][]fs.DirEntry, error)
}

// prefetch returns fsys with every folder listed in one pass when fsys can
// (dirsReader): a store's first walk reads every tree of the site, which a
// later walk of the next commit reads only where it changed. Without it, or
// when the pass fails, the walk reads the folders one by one as before.
func prefetch(ctx context.Context, fsys fs.FS) fs.FS {
	r, ok := fsys.(dirsReader)
	if !ok {
		return fsys
	}
	dirs, err := r.ReadDirs(ctx, ".")
	if err != nil {
		return fsys
	}
	return listedFS{FS: fsys, dirs: dirs}
}

// listedFS answers ReadDir from folders listed before.
type listedFS struct {
	fs.FS
	dirs map[string][]fs.DirEntry
}

func (l listedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if des, ok := l.dirs[name]; ok {
		return des, nil
	}
	return fs.ReadDir(l.FS, name)
}

// list returns the tree id at dir, reading it only when the store has not
// read that tree at that path before. s.mu is held.
func (s *Store) list(ctx context.Context, fsys fs.FS, dir string, id ID) (*node, error) {
	key := treeKey{dir, id}
	if n, ok := s.trees[key]; ok {
		return n, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	des, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", dir, err)
	}
	n := &node{kids: make([]kid, 0, len(des))}
	for _, d := range des {
		o, ok := d.(objectIDer)
		if !ok {
			return nil, fmt.Errorf("walk %s: %s has no object id", dir, d.Name())
		}
		p := d.Name()
		if dir != "." {
			p = dir + "/" + p
		}
		switch {
		case d.IsDir():
			if content.SkipDir(d.Name()) {
				continue
			}
			sub, err := s.list(ctx, fsys, p, o.ObjectID())
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid{path: p, id: o.ObjectID(), kind: kindDir, sub: sub})
			n.nfiles, n.nlinks = n.nfiles+sub.nfiles, n.nlinks+sub.nlinks
		case d.Type()&fs.ModeSymlink != 0:
			n.kids = append(n.kids, kid{path: p, id: o.ObjectID(), kind: kindLink})
			n.nlinks++
		case d.Type().IsRegular():
			n.kids = append(n.kids, kid{path: p, id: o.ObjectID(), kind: kindFile})
			n.nfiles++
		}
	}
	slices.SortFunc(n.kids, func(a, b kid) int { return cmpKids(&a, &b) })
	s.trees[key] = n
	return n, nil
}

// Index returns the check index of site's posts. It starts from the index
// of the commit asked for before and reads only the posts whose blob
// changed, found by comparing the two commits' trees where their ids
// differ, unless the configuration or the generator's settings changed,
// the change touches most posts, or site has no object ids: then every post
// is read. The index stays valid until the next call.
func (s *Store) Index(ctx context.Context, site *Site) (*check.Index, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if site.tree == nil {
		return check.New(site.Config).Index(ctx, site.Site)
	}
	gen := generation(site)
	prev := s.index
	if prev != nil && prev.site.root == site.root && prev.gen == gen {
		return prev.idx, nil
	}
	if prev != nil && prev.gen == gen {
		next, err := s.update(ctx, prev, site)
		if err == nil {
			s.index = next
			return next.idx, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		// The old commit cannot be read again (a mirror cloned afresh):
		// index the new one from scratch.
	}
	s.index = nil
	idx, err := check.New(site.Config).Index(ctx, site.Site)
	if err != nil {
		return nil, err
	}
	s.index = newIndexed(site, gen, idx)
	return idx, nil
}

func newIndexed(site *Site, gen string, idx *check.Index) *indexed {
	x := &indexed{gen: gen, site: site, idx: idx}
	for _, p := range site.links {
		if _, ok := slices.BinarySearch(site.Posts, p); ok {
			x.linkPosts = append(x.linkPosts, p)
		}
	}
	return x
}

// errTooMany says a change touches too many posts to update an index.
var errTooMany = errors.New("most posts changed")

// update moves prev to site: it removes the posts whose blob changed or
// went away (read at the old commit) and adds the posts whose blob is new.
// Only the trees whose ids differ are compared. A symbolic link is read on
// both sides every time, since its target may have changed while the link
// did not.
func (s *Store) update(ctx context.Context, prev *indexed, site *Site) (*indexed, error) {
	next := newIndexed(site, prev.gen, prev.idx)
	// The same generation: the same selector picks the posts of both.
	sel := site.PostSelector()
	gone, added := slices.Clone(prev.linkPosts), slices.Clone(next.linkPosts)
	diffTrees(prev.site.tree, site.tree, func(k *kid) {
		if k.kind == kindFile && sel.Match(k.path) {
			gone = append(gone, k.path)
		}
	}, func(k *kid) {
		if k.kind == kindFile && sel.Match(k.path) {
			added = append(added, k.path)
		}
	})
	if 2*(len(gone)+len(added)) > len(site.Posts)+len(prev.site.Posts) && len(site.Posts) > 16 {
		return nil, errTooMany
	}
	// Read everything first: an error leaves prev as it was.
	old := make([]*content.Post, 0, len(gone))
	for _, p := range gone {
		post, err := prev.site.ReadPost(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("read %s at the commit indexed before: %w", p, err)
		}
		old = append(old, post)
	}
	fresh := make([]*content.Post, 0, len(added))
	for _, p := range added {
		post, err := site.ReadPost(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		fresh = append(fresh, post)
	}
	c := check.New(site.Config)
	for _, p := range old {
		c.RemovePost(prev.idx, p)
	}
	for _, p := range fresh {
		c.AddPost(prev.idx, p)
	}
	return next, nil
}

// diffTrees calls gone for each file or link below a that b does not have
// with the same id and kind, and added for each below b that a does not
// have so. Subtrees with the same id are not looked into.
func diffTrees(a, b *node, gone, added func(*kid)) {
	if a == b {
		return
	}
	i, j := 0, 0
	for i < len(a.kids) || j < len(b.kids) {
		c := 0
		switch {
		case i == len(a.kids):
			c = 1
		case j == len(b.kids):
			c = -1
		default:
			c = cmpKids(&a.kids[i], &b.kids[j])
		}
		switch {
		case c < 0:
			each(&a.kids[i], gone)
			i++
		case c > 0:
			each(&b.kids[j], added)
			j++
		default:
			ka, kb := &a.kids[i], &b.kids[j]
			switch {
			case ka.id == kb.id && ka.kind == kb.kind:
			case ka.kind == kindDir && kb.kind == kindDir:
				diffTrees(ka.sub, kb.sub, gone, added)
			default:
				each(ka, gone)
				each(kb, added)
			}
			i, j = i+1, j+1
		}
	}
}

// each calls f for k, or for each file and link below it.
func each(k *kid, f func(*kid)) {
	if k.kind != kindDir {
		f(k)
		return
	}
	for i := range k.sub.kids {
		each(&k.sub.kids[i], f)
	}
}

// generation names what an index depends on besides the posts: the
// configuration file, the generator's marker file and its folder of
// settings (Hugo's config/_default), the profile and the root. Two sites
// with the same generation select the same posts and give each the same
// URL.
func generation(site *Site) string {
	cfgID, _ := site.id(site.ConfigPath)
	markerID, _ := site.id(site.Marker)
	gen := fmt.Sprintf("%s@%x %s@%x %s %s %s", site.ConfigPath, cfgID, site.Marker, markerID,
		site.Profile.Name, site.Root, site.ProfileSource)
	if site.Marker != "" && path.Base(path.Dir(site.Marker)) == "_default" {
		dir := path.Dir(site.Marker) + "/"
		i, _ := slices.BinarySearch(site.Files, dir) // sorted
		for _, p := range site.Files[i:] {
			if !strings.HasPrefix(p, dir) {
				break
			}
			id, _ := site.id(p)
			gen += fmt.Sprintf(" %s@%x", p, id)
		}
	}
	return gen
}

// Changed returns the paths of the files and links that differ between two
// sites of one repository: added, removed, or with another blob, and every
// link (its target may have changed while it did not). Only the trees whose
// ids differ are compared, so it costs what changed. ok is false when a
// site has no object ids, or the two read their posts differently (another
// configuration, generator settings, profile or root): then every post is
// to be read again.
func Changed(from, to *Site) (paths map[string]bool, ok bool) {
	if from.tree == nil || to.tree == nil || generation(from) != generation(to) {
		return nil, false
	}
	paths = map[string]bool{}
	note := func(k *kid) { paths[k.path] = true }
	diffTrees(from.tree, to.tree, note, note)
	for _, p := range from.links {
		paths[p] = true
	}
	for _, p := range to.links {
		paths[p] = true
	}
	return paths, true
}
