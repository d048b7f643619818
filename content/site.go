package content

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/sync/errgroup"
	"gopkg.in/yaml.v3"
)

// Registry is a list of known names (authors or tags) read from a file.
type Registry struct {
	// Path is the registry file; empty when the site has none.
	Path string
	// Names are the keys of the registry, in file order.
	Names []string
	// Problem is why the file could not be read; nil when fine.
	Problem error
	set     map[string]bool
}

// Has reports whether name is in the registry.
func (r *Registry) Has(name string) bool {
	if r == nil {
		return false
	}
	return r.set[name]
}

// Exists reports whether the site has this registry.
func (r *Registry) Exists() bool { return r != nil && r.Path != "" && r.Problem == nil }

// Skipped is a file the loader did not read, and why.
type Skipped struct {
	Path   string
	Reason string
}

// Site is a content repository at one point in time.
type Site struct {
	// FS is the repository; paths are relative to its root.
	FS fs.FS
	// Profile is the site generator's profile.
	Profile *Profile
	// ProfileSource says how the profile was chosen: "config", "detected"
	// (from Marker) or "default" (docusaurus, when nothing was found).
	ProfileSource string
	// Marker is the marker file the profile was detected from.
	Marker string
	// Root is the folder of the site in the repository, "." for the root.
	Root string
	// Config is the repository configuration, defaults when absent or broken.
	Config *Config
	// ConfigPath is where the configuration was read from; empty when absent.
	ConfigPath string
	// ConfigProblems are the defects of the configuration.
	ConfigProblems []ConfigProblem
	// TimezoneFrom names the file the site's time zone comes from:
	// .herald.yml (timezone:), else the generator's configuration (Jekyll's
	// timezone:, Hugo's timeZone), empty when none sets it (UTC).
	TimezoneFrom string
	// Generator holds the generator's own settings read from Marker.
	Generator Generator
	// Authors and Tags are the site's registries.
	Authors, Tags *Registry
	// Files lists every regular file of the repository, sorted.
	Files []string
	// Posts lists the files that are posts (matching the content globs).
	Posts []string
	// Skipped lists files the loader refused to read, such as symbolic
	// links leaving the repository.
	Skipped []Skipped
	globs   []string
	posts   *PostSelector
	// decoded is Config as decoded from ConfigPath in fsys (nil when
	// given by WithConfig or absent), before the generator's time zone
	// went into it: what WithPrevious takes again.
	decoded *Config
	// layout is what located the generator, before the configuration's
	// root applies: what a next load with Listing.SameLayout takes again.
	layout layout
}

// layout is how a site's generator was located: the configuration's
// profile ("" when none), the profile's name, the root, the marker and the
// ProfileSource.
type layout struct {
	config, profile, root, marker, source string
}

// LoadOption adjusts LoadSite.
type LoadOption func(*loadOptions)

type loadOptions struct {
	configPath string
	configSrc  []byte
	listing    *Listing
	prev       *Site
	same       func(p string) bool
}

// WithPrevious makes LoadSite take from prev, a site of the same
// repository, what it read of the files that same reports unchanged since
// prev (in Git, the same blob at the same path): the configuration, the
// generator's settings and the registries are decoded again only when
// their file changed.
func WithPrevious(prev *Site, same func(path string) bool) LoadOption {
	return func(o *loadOptions) { o.prev, o.same = prev, same }
}

// unchanged reports whether the file at p is as prev read it.
func (o *loadOptions) unchanged(p string) bool {
	return o.prev != nil && p != "" && o.same(p)
}

// Listing is what LoadSite reads of a repository's folders: the paths of
// its regular files and of its symbolic links, leaving out the folders
// SkipDir names, in any order unless Sorted says otherwise.
type Listing struct {
	Files, Links []string
	// Sorted says Files, and what Posts returns, are sorted as
	// sort.Strings sorts them: LoadSite takes them as they are, without
	// looking (a caller that walks Git trees in path order knows).
	Sorted bool
	// Posts, when set, returns the paths of Files that sel matches, sorted:
	// for a caller that keeps per Git tree which of its files are posts, so
	// that a new commit is matched against the content globs only where it
	// changed. Without it every file is matched. LoadSite calls it once,
	// and keeps neither Files nor what Posts returns from being shared
	// (it does not change them).
	Posts func(sel *PostSelector) []string
	// SameLayout says that against the site given with WithPrevious no
	// path was added or removed that could locate the generator
	// otherwise (LayoutPath), and that neither has symbolic links: the
	// profile, root and marker are then taken as that site found them,
	// without looking through every file again. A caller that compares
	// Git trees knows it at the cost of what changed.
	SameLayout bool
}

// LayoutPath reports whether adding or removing the file at p may change
// which generator a site is, or where its root is: a file named as a
// marker of some profile, or one in a content folder (Hugo's loose markers
// count only beside one).
func LayoutPath(p string) bool {
	if strings.HasPrefix(p, "content/") || strings.Contains(p, "/content/") {
		return true
	}
	return markerNames()[path.Base(p)]
}

// markerNames are the file names of every profile's markers.
var markerNames = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for _, p := range Profiles() {
		for _, m := range append(append([]string(nil), p.Markers...), p.LooseMarkers...) {
			names[path.Base(m)] = true
		}
	}
	return names
})

// WithListing makes LoadSite take the repository's files from l instead of
// walking fsys: for a caller that keeps the listing of each Git tree and
// so reads only the folders that changed. The links of l are resolved
// against fsys as in a walk.
func WithListing(l Listing) LoadOption {
	return func(o *loadOptions) { o.listing = &l }
}

// SkipDir reports whether LoadSite leaves out a folder named name below the
// root: Git's own folder and installed dependencies are not the site.
func SkipDir(name string) bool { return name == ".git" || name == "node_modules" }

// WithConfig makes LoadSite use src (read from name) as the repository
// configuration instead of .herald.yml.
func WithConfig(name string, src []byte) LoadOption {
	return func(o *loadOptions) { o.configPath, o.configSrc = name, src }
}

// LoadSite reads the site in fsys: the file list, .herald.yml, the profile
// and the registries. A broken configuration or registry becomes a
// problem in the Site; only I/O errors (and ctx) fail it.
func LoadSite(ctx context.Context, fsys fs.FS, opts ...LoadOption) (*Site, error) {
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
	s := &Site{FS: fsys}
	var linked []string // the links that lead to a file, added to Files
	if o.listing != nil {
		// Shared, not copied: adding the links makes a new slice.
		s.Files = o.listing.Files[:len(o.listing.Files):len(o.listing.Files)]
		if !o.listing.Sorted && !sort.StringsAreSorted(s.Files) {
			s.Files = slices.Clone(s.Files)
			sort.Strings(s.Files)
		}
		for _, p := range o.listing.Links {
			if s.addLink(p) {
				linked = append(linked, p)
			}
		}
	} else if err := s.walk(ctx, &linked); err != nil {
		return nil, err
	} else {
		sort.Strings(s.Files)
	}
	if len(linked) > 0 {
		sort.Strings(linked)
		s.Files = mergeSorted(s.Files, linked)
	}

	// Configuration.
	s.Config = DefaultConfig()
	if o.configSrc != nil {
		s.ConfigPath = o.configPath
		s.Config, s.ConfigProblems = DecodeConfig(o.configSrc)
	} else if s.HasFile(ConfigFile) {
		s.ConfigPath = ConfigFile
		if prev := o.prev; o.unchanged(ConfigFile) && prev.decoded != nil && prev.ConfigPath == ConfigFile {
			s.decoded, s.ConfigProblems = prev.decoded, prev.ConfigProblems
		} else {
			src, err := fs.ReadFile(fsys, ConfigFile)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", ConfigFile, err)
			}
			s.decoded, s.ConfigProblems = DecodeConfig(src)
		}
		cfg := *s.decoded // the generator's time zone may go into it
		s.Config = &cfg
	}

	// Profile and root.
	if prev := o.prev; prev != nil && o.listing != nil && o.listing.SameLayout && len(linked) == 0 &&
		prev.layout.profile != "" && prev.layout.config == s.Config.Profile {
		// The paths that locate the generator are those prev looked
		// through: it found what a look now would. The profile is a new
		// one, since a site's own settings go into it below.
		l := prev.layout
		s.Profile, _ = ProfileByName(l.profile)
		s.Root, s.Marker, s.ProfileSource = l.root, l.marker, l.source
	} else if s.Config.Profile != "" {
		s.Profile, _ = ProfileByName(s.Config.Profile)
		s.ProfileSource = "config"
		s.Root = "."
		hasContent := sortedContentFolders(s.Files)
		for _, f := range s.Files { // the marker locates the root
			if r, ok := s.Profile.MarkerRoot(f, hasContent); ok && (r == "." || strings.Count(r, "/") < maxMarkerDepth) {
				s.Root, s.Marker = r, f
				break
			}
		}
	} else if d, ok := detectProfile(s.Files, sortedContentFolders(s.Files)); ok {
		s.Profile, s.Root, s.Marker, s.ProfileSource = d.Profile, d.Root, d.Marker, "detected"
	} else {
		s.Profile, _ = ProfileByName("docusaurus")
		s.Root, s.ProfileSource = ".", "default"
	}
	if s.Profile != nil {
		s.layout = layout{config: s.Config.Profile, profile: s.Profile.Name, root: s.Root, marker: s.Marker, source: s.ProfileSource}
	}
	if s.Config.Root != "" {
		s.Root = s.Config.Root
	}

	// The generator's own settings: a site-wide Jekyll excerpt_separator
	// replaces the first-paragraph excerpt (and a post without it is shown
	// in full); the generator's time zone is how it reads dates without an
	// offset, unless .herald.yml sets one.
	if prev := o.prev; o.unchanged(s.Marker) && prev.Marker == s.Marker && prev.Profile.Name == s.Profile.Name &&
		path.Base(path.Dir(s.Marker)) != "_default" { // Hugo's folder of settings is more than the marker
		s.Generator = prev.Generator
	} else {
		s.Generator = readGenerator(fsys, s.Profile, s.Marker)
	}
	switch {
	case s.Profile.Name == "jekyll" && s.Generator.Permalink != "":
		s.Profile.Permalinks = map[string]string{"": s.Generator.Permalink}
	case s.Profile.Name == "hugo" && len(s.Generator.Permalinks) > 0:
		s.Profile.Permalinks = s.Generator.Permalinks
	}
	if sep := s.Generator.ExcerptSeparator; s.Profile.Name == "jekyll" && sep != "" {
		s.Profile.ExcerptMarkers = []string{sep}
		s.Profile.ExcerptRequired = true
	}
	if s.Config.Line["timezone"] > 0 && s.ConfigPath != "" {
		s.TimezoneFrom = s.ConfigPath
	} else if loc := s.Generator.TimeZone; loc != nil {
		s.Config.Timezone, s.TimezoneFrom = loc, s.Marker
	}

	// Content globs.
	if len(s.Config.Content) > 0 {
		s.globs = s.Config.Content
	} else {
		for _, g := range s.Profile.Content {
			s.globs = append(s.globs, s.join(g))
		}
	}
	s.posts = newPostSelector(s.globs, s.Config.Exclude)
	if o.listing != nil && o.listing.Posts != nil {
		s.Posts = slices.Clip(o.listing.Posts(s.posts))
		for _, p := range linked {
			if s.posts.Match(p) {
				s.Posts = append(s.Posts, p)
			}
		}
	} else {
		for _, f := range s.Files {
			if s.posts.Match(f) {
				s.Posts = append(s.Posts, f)
			}
		}
	}
	for _, sk := range s.Skipped {
		if s.posts.Match(sk.Path) {
			s.Posts = append(s.Posts, sk.Path)
		}
	}
	if (o.listing == nil || !o.listing.Sorted || len(linked)+len(s.Skipped) > 0) && !sort.StringsAreSorted(s.Posts) {
		s.Posts = slices.Clone(s.Posts) // not the caller's
		sort.Strings(s.Posts)
	}

	// Registries.
	var err error
	var prevAuthors, prevTags *Registry
	if o.prev != nil {
		prevAuthors, prevTags = o.prev.Authors, o.prev.Tags
	}
	if s.Authors, err = s.loadRegistry(s.Profile.AuthorRegistries, prevAuthors, &o); err != nil {
		return nil, err
	}
	if s.Tags, err = s.loadRegistry(s.Profile.TagRegistries, prevTags, &o); err != nil {
		return nil, err
	}
	return s, nil
}

// walk lists the files of the repository into s, and the links that lead
// to a file into linked.
func (s *Site) walk(ctx context.Context, linked *[]string) error {
	return fs.WalkDir(s.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		if d.IsDir() {
			if p != "." && SkipDir(d.Name()) {
				return fs.SkipDir
			}
			if p != "." {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if s.addLink(p) {
				*linked = append(*linked, p)
			}
			return nil
		} else if !d.Type().IsRegular() {
			return nil
		}
		s.Files = append(s.Files, p)
		return nil
	})
}

// addLink reports whether the symbolic link at p is a file of the site: it
// leads to a file inside the repository. One that leaves it or cannot be
// read is added to the skipped files.
func (s *Site) addLink(p string) bool {
	target, why := resolveLink(s.FS, p)
	if why != "" {
		s.Skipped = append(s.Skipped, Skipped{Path: p, Reason: why})
		return false
	}
	if fi, err := fs.Stat(s.FS, target); err != nil || fi.IsDir() {
		return false // a link to a folder or a dangling link: not a file
	}
	return true
}

// mergeSorted merges two sorted lists into a new one.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] <= b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// join puts a site-relative path under the site root.
func (s *Site) join(p string) string {
	if s.Root == "." || s.Root == "" {
		return p
	}
	return s.Root + "/" + p
}

// ContentGlobs returns the globs that select the posts, relative to the
// repository root.
func (s *Site) ContentGlobs() []string { return append([]string(nil), s.globs...) }

// IsPost reports whether the repository path p is a post of the site.
func (s *Site) IsPost(p string) bool { return s.posts.Match(p) }

// PostSelector returns what picks the site's posts among its files.
func (s *Site) PostSelector() *PostSelector { return s.posts }

// HasFile reports whether the repository has a regular file at p.
func (s *Site) HasFile(p string) bool {
	_, found := slices.BinarySearch(s.Files, p)
	return found
}

// Location returns the site's time zone (see TimezoneFrom).
func (s *Site) Location() *time.Location {
	if s.Config != nil && s.Config.Timezone != nil {
		return s.Config.Timezone
	}
	return time.UTC
}

// ReadPost reads and parses the post at p. Bad content (binary, too
// large, invalid UTF-8, a link leaving the repository, broken front
// matter) is a Problem of the post; only I/O errors fail.
func (s *Site) ReadPost(ctx context.Context, p string) (*Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if post := s.skippedPost(p); post != nil {
		return post, nil
	}
	var raw []byte
	if b, ok := s.FS.(boundedReadFS); ok {
		var size int64
		var err error
		raw, size, err = b.ReadFileMax(p, MaxPostSize)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if size > MaxPostSize {
			return tooLargePost(p, size), nil
		}
	} else {
		fi, err := fs.Stat(s.FS, p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if fi.Size() > MaxPostSize {
			return tooLargePost(p, fi.Size()), nil
		}
		if raw, err = fs.ReadFile(s.FS, p); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	}
	return ParsePost(p, raw, s.Profile, s.Location()), nil
}

// skippedPost is the post at p when the site skipped it (a symbolic link
// it does not follow), and nil otherwise.
func (s *Site) skippedPost(p string) *Post {
	for _, sk := range s.Skipped {
		if sk.Path == p {
			return &Post{Path: p, Problems: []Problem{{Kind: ProblemSymlink, Pos: Pos{Line: 1, Column: 1}, Message: "this is a " + sk.Reason}}}
		}
	}
	return nil
}

// batchReadFS is a file system that reads many files faster in one pass
// than one by one: gitrepo's trees, with the git command. ReadFilesMax
// calls fn in the order of names, one file at a time, with a file's size
// and no data when it holds more than max bytes; it returns
// errors.ErrUnsupported, having read nothing, when a pass would not pay.
type batchReadFS interface {
	ReadFilesMax(ctx context.Context, names []string, max int64, fn func(i int, data []byte, size int64) error) error
}

// boundedReadFS is a file system that reads a file only when it holds at
// most max bytes, and otherwise returns its size and no data, in one
// lookup: gitrepo's trees, where the Stat that would come first costs
// nearly as much as the read (go-git inflates a delta to learn its size).
type boundedReadFS interface {
	ReadFileMax(name string, max int64) (data []byte, size int64, err error)
}

// tooLargePost is the post at p that holds size bytes, more than
// MaxPostSize: not read.
func tooLargePost(p string, size int64) *Post {
	return &Post{Path: p, Problems: []Problem{{Kind: ProblemTooLarge, Pos: Pos{Line: 1, Column: 1}, Message: tooLarge(size)}}}
}

// maxLinkHops bounds chains of symbolic links.
const maxLinkHops = 8

// resolveLink follows the symbolic link at p inside fsys and returns the
// final target path, or why it is not followed: the chain leaves the root
// (an absolute target or too many ".."), loops, or cannot be read.
func resolveLink(fsys fs.FS, p string) (target, why string) {
	cur := p
	for range maxLinkHops {
		t, err := fs.ReadLink(fsys, cur)
		if err != nil {
			// Only links are passed in, and each hop is checked to be a
			// link: a file system that cannot read links gets none followed.
			return cur, "symbolic link that cannot be read; not followed"
		}
		if path.IsAbs(t) || strings.HasPrefix(t, "/") || (len(t) > 1 && t[1] == ':') {
			return t, "symbolic link to " + t + " leaves the repository; not followed"
		}
		next := path.Join(path.Dir(cur), t)
		if next == ".." || strings.HasPrefix(next, "../") {
			return t, "symbolic link to " + t + " leaves the repository; not followed"
		}
		cur = next
		fi, err := fs.Lstat(fsys, cur)
		if err != nil {
			return cur, "" // dangling inside the root
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return cur, ""
		}
	}
	return cur, fmt.Sprintf("symbolic link in a chain of more than %d links (a loop?); not followed", maxLinkHops)
}

// loadRegistry reads the first of candidates the site has, or takes prev
// when it is that file, unchanged.
func (s *Site) loadRegistry(candidates []string, prev *Registry, o *loadOptions) (*Registry, error) {
	for _, c := range candidates {
		p := s.join(c)
		if !s.HasFile(p) {
			continue
		}
		if prev != nil && prev.Path == p && o.unchanged(p) {
			return prev, nil
		}
		r := &Registry{Path: p, set: map[string]bool{}}
		src, err := fs.ReadFile(s.FS, p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		names, err := registryNames(p, src)
		if err != nil {
			r.Problem = fmt.Errorf("%s: %w", p, err)
			return r, nil
		}
		r.Names = names
		for _, n := range names {
			r.set[n] = true
		}
		return r, nil
	}
	return &Registry{set: map[string]bool{}}, nil
}

// registryNames reads the keys of a registry: a map keyed by name, or a
// list of maps with an id, key or name.
func registryNames(p string, src []byte) ([]string, error) {
	switch path.Ext(p) {
	case ".toml":
		var m map[string]any
		if _, err := toml.Decode(string(src), &m); err != nil {
			return nil, err
		}
		return sortedKeys(m), nil
	case ".json":
		var m map[string]any
		if err := json.Unmarshal(src, &m); err != nil {
			return nil, err
		}
		return sortedKeys(m), nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	var names []string
	switch root.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(root.Content); i += 2 {
			names = append(names, root.Content[i].Value)
		}
	case yaml.SequenceNode:
		for _, it := range root.Content {
			switch it.Kind {
			case yaml.ScalarNode:
				names = append(names, it.Value)
			case yaml.MappingNode:
				for _, k := range []string{"id", "key", "name", "label"} {
					if v := mapValue(it, k); v != nil && v.Kind == yaml.ScalarNode {
						names = append(names, v.Value)
						break
					}
				}
			}
		}
	default:
		return nil, errors.New("a registry must be a map keyed by name or a list")
	}
	return names, nil
}

// ProfileReason says how the site's profile was chosen, for a message that
// names the profile: "set in .herald.yml", "detected from hugo.toml".
func (s *Site) ProfileReason() string {
	switch s.ProfileSource {
	case "config":
		return "set in " + s.ConfigPath
	case "detected":
		return "detected from " + s.Marker
	}
	return "the default: no docusaurus.config.*, hugo.toml, config/_default/hugo.toml or _config.yml found"
}

// ReadEach reads the posts at paths with up to workers goroutines and
// calls fn, on those goroutines, with each post and its index in paths;
// fn writes only what belongs to its index. It stops at the first error of
// ReadPost, and reports ctx's.
func (s *Site) ReadEach(ctx context.Context, paths []string, workers int, fn func(i int, post *Post)) error {
	if b, ok := s.FS.(batchReadFS); ok {
		if err := s.readBatch(ctx, b, paths, workers, fn); !errors.Is(err, errors.ErrUnsupported) {
			return err
		}
	}
	// A few goroutines that each take the next post, not one goroutine a
	// post: a post's parse and check run deep (yaml's parser, goldmark),
	// and a new goroutine grows its stack again for each, which cost about
	// a fifth of a post's parse.
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range min(max(workers, 1), len(paths)) {
		g.Go(func() error {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) || gctx.Err() != nil {
					return nil
				}
				post, err := s.ReadPost(gctx, paths[i])
				if err != nil {
					return err
				}
				fn(i, post)
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// readBatch is ReadEach over a file system that reads the files in one
// pass: the pass runs on the caller's goroutine and hands each file to
// workers goroutines that parse it, so reading and parsing overlap and at
// most twice workers files wait in memory.
func (s *Site) readBatch(ctx context.Context, b batchReadFS, paths []string, workers int, fn func(i int, post *Post)) error {
	var names []string
	var at, skipped []int // the indexes in paths of names, and of the posts the site skipped
	for i, p := range paths {
		if s.skippedPost(p) != nil {
			skipped = append(skipped, i)
		} else {
			names, at = append(names, p), append(at, i)
		}
	}
	// The parsers are a few long-lived goroutines, as in ReadEach; the
	// channel's room bounds the files read ahead of them.
	type file struct {
		i    int
		data []byte
		size int64
	}
	files := make(chan file, max(workers, 1))
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for f := range files {
				if f.size > MaxPostSize {
					fn(f.i, tooLargePost(paths[f.i], f.size))
				} else {
					fn(f.i, ParsePost(paths[f.i], f.data, s.Profile, s.Location()))
				}
			}
		})
	}
	err := b.ReadFilesMax(ctx, names, MaxPostSize, func(k int, data []byte, size int64) error {
		select {
		case files <- file{at[k], data, size}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(files)
	wg.Wait()
	if errors.Is(err, errors.ErrUnsupported) {
		return err // nothing was read
	}
	if err != nil {
		return fmt.Errorf("read %d posts: %w", len(names), err)
	}
	for _, i := range skipped {
		fn(i, s.skippedPost(paths[i]))
	}
	return ctx.Err()
}
