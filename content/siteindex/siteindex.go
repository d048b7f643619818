// Package siteindex loads a content repository's site at a commit, and the
// check index of its posts, reading only what changed since the commits it
// loaded before.
//
// A Store keeps, for one repository, the listing of every Git tree it read
// (keyed by the tree's path and object id) and the check index of the last
// commit it indexed with the object id of each post in it. Moving to another
// commit lists only the trees whose id changed and reads only the posts whose
// blob id changed: what it keeps is keyed by content, so it is never stale
// and needs no clock. A file system that does not report object ids (a plain
// folder) is read whole each time.
//
// It sits beside content and content/check, whose pure types it fills: it
// imports nothing but them and io/fs, and knows nothing of Git beyond the
// ObjectID method of the file systems gitrepo returns.
package siteindex

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
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

// entry is a file or symbolic link in a listing.
type entry struct {
	path string
	id   ID
	link bool
}

// listing is what a tree holds below it, in fs.WalkDir order.
type listing struct {
	entries []entry
	used    uint64 // the walk that last used it
}

type treeKey struct {
	path string
	id   ID
}

// Store loads the sites of one repository. Its methods are safe for
// concurrent use; the Index it returns is updated in place by the next call
// of Index, so a caller checks with it before asking for another commit
// (the bot reconciles a repository one request at a time).
type Store struct {
	mu     sync.Mutex
	trees  map[treeKey]*listing
	walks  uint64
	index  *indexed
	recent []*Site // the sites loaded last, newest first
}

// keepSites is how many loaded sites a Store keeps by root tree id: the
// default branch's and those of the pull requests reconciled with it.
const keepSites = 4

// indexed is the check index at one commit.
type indexed struct {
	root  ID
	gen   string // what else the index depends on: configuration and generator files
	site  *content.Site
	posts map[string]ID // post path -> blob id
	links map[string]bool
	idx   *check.Index
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{trees: map[treeKey]*listing{}}
}

// keepWalks is how many walks a tree listing survives unused: enough for
// the default branch and the merge bases of the pull requests reconciled in
// between, few enough that the store stays the size of one or two commits.
const keepWalks = 64

// Site is a site at a commit with the object ids of its files.
type Site struct {
	*content.Site
	root ID
	ids  map[string]ID // file or link path -> object id; nil without ids
	link map[string]bool
}

// Load reads the site in fsys. When fsys reports object ids, the trees read
// before are not read again, and a site loaded lately at the same root tree
// is returned as it is (callers do not change a Site).
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
	walk := s.walks
	l, err := s.list(ctx, fsys, ".", root.ObjectID(), walk)
	if walk%keepWalks == 0 {
		for k, t := range s.trees {
			if walk-t.used > keepWalks {
				delete(s.trees, k)
			}
		}
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var lst content.Listing
	out := &Site{root: root.ObjectID(), ids: make(map[string]ID, len(l.entries)), link: map[string]bool{}}
	for _, e := range l.entries {
		out.ids[e.path] = e.id
		if e.link {
			lst.Links = append(lst.Links, e.path)
			out.link[e.path] = true
		} else {
			lst.Files = append(lst.Files, e.path)
		}
	}
	out.Site, err = content.LoadSite(ctx, fsys, content.WithListing(lst))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.recent = append([]*Site{out}, s.recent[:min(len(s.recent), keepSites-1)]...)
	s.mu.Unlock()
	return out, nil
}

// list returns the listing of the tree id at dir, reading it only when the
// store has not read that tree at that path before. s.mu is held.
func (s *Store) list(ctx context.Context, fsys fs.FS, dir string, id ID, walk uint64) (*listing, error) {
	key := treeKey{dir, id}
	if l, ok := s.trees[key]; ok {
		l.used = walk
		return l, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	des, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", dir, err)
	}
	l := &listing{used: walk}
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
			sub, err := s.list(ctx, fsys, p, o.ObjectID(), walk)
			if err != nil {
				return nil, err
			}
			l.entries = append(l.entries, sub.entries...)
		case d.Type()&fs.ModeSymlink != 0:
			l.entries = append(l.entries, entry{path: p, id: o.ObjectID(), link: true})
		case d.Type().IsRegular():
			l.entries = append(l.entries, entry{path: p, id: o.ObjectID()})
		}
	}
	s.trees[key] = l
	return l, nil
}

// Index returns the check index of site's posts. It starts from the index
// of the commit asked for before and reads only the posts whose blob
// changed, unless the configuration or the generator's settings changed,
// the change touches most posts, or site has no object ids: then every post
// is read. The index stays valid until the next call.
func (s *Store) Index(ctx context.Context, site *Site) (*check.Index, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if site.ids == nil {
		return check.New(site.Config).Index(ctx, site.Site)
	}
	gen := generation(site)
	prev := s.index
	if prev != nil && prev.root == site.root && prev.gen == gen {
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
	x := &indexed{root: site.root, gen: gen, site: site.Site, idx: idx, posts: make(map[string]ID, len(site.Posts)), links: map[string]bool{}}
	for _, p := range site.Posts {
		x.posts[p] = site.ids[p]
		if site.link[p] {
			x.links[p] = true
		}
	}
	return x
}

// errTooMany says a change touches too many posts to update an index.
var errTooMany = errors.New("most posts changed")

// update moves prev to site: it removes the posts whose blob changed or
// went away (read at the old commit) and adds the posts whose blob is new.
// A symbolic link is read on both sides every time, since its target may
// have changed while the link did not.
func (s *Store) update(ctx context.Context, prev *indexed, site *Site) (*indexed, error) {
	var gone, added []string
	for p, id := range prev.posts {
		if nid, ok := site.ids[p]; !ok || nid != id || prev.links[p] || !site.IsPost(p) {
			gone = append(gone, p)
		}
	}
	for _, p := range site.Posts {
		if id, ok := prev.posts[p]; !ok || id != site.ids[p] || site.link[p] {
			added = append(added, p)
		}
	}
	if 2*(len(gone)+len(added)) > len(site.Posts)+len(prev.posts) && len(site.Posts) > 16 {
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
	return newIndexed(site, prev.gen, prev.idx), nil
}

// generation names what an index depends on besides the posts: the
// configuration file, the generator's marker file and its folder of
// settings (Hugo's config/_default), the profile and the root. Two sites
// with the same generation select the same posts and give each the same
// URL.
func generation(site *Site) string {
	gen := fmt.Sprintf("%s@%x %s@%x %s %s %s", site.ConfigPath, site.ids[site.ConfigPath], site.Marker, site.ids[site.Marker],
		site.Profile.Name, site.Root, site.ProfileSource)
	if site.Marker != "" && path.Base(path.Dir(site.Marker)) == "_default" {
		dir := path.Dir(site.Marker) + "/"
		for _, p := range site.Files { // sorted
			if strings.HasPrefix(p, dir) {
				gen += fmt.Sprintf(" %s@%x", p, site.ids[p])
			}
		}
	}
	return gen
}
