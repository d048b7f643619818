package content

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
)

// Profile describes how one site generator lays out and reads posts.
type Profile struct {
	// Name is "docusaurus", "hugo" or "jekyll".
	Name string
	// Markers are the files whose presence identifies the generator, as
	// paths relative to the site root (Hugo's config/_default/hugo.toml
	// puts the root two folders above the file).
	Markers []string
	// LooseMarkers are markers with a generic name (Hugo's legacy
	// config.yaml): they identify the generator only beside a content/
	// folder.
	LooseMarkers []string
	// Content are the default globs of post files, relative to the site root.
	Content []string
	// DateFields are the fields holding the publish date, first found wins.
	DateFields []string
	// DraftField is the boolean field that keeps a post unpublished.
	DraftField string
	// PublishedField is a boolean field with the opposite sense of
	// DraftField (Jekyll's "published: false"); empty when unused.
	PublishedField string
	// ExpiryField holds the date a post is taken down; empty when unused.
	ExpiryField string
	// ExcerptMarkers separate the excerpt from the rest of the post.
	ExcerptMarkers []string
	// AuthorFields and TagFields name the fields listing authors and tags.
	AuthorFields, TagFields []string
	// AuthorRegistries and TagRegistries are the registry files, relative to
	// the site root, first found wins.
	AuthorRegistries, TagRegistries []string
	// Fields lists the front-matter keys the generator understands.
	Fields []string
	// BlogBase is the URL path posts are served under.
	BlogBase string
	// StaticDirs are the folders (relative to the site root) served at the
	// site's root URL, first match wins.
	StaticDirs []string
	// Permalinks are the URL patterns the site's configuration sets for
	// posts: Jekyll's under "" (posts), Hugo's by section. Empty: the
	// generator's default URLs.
	Permalinks map[string]string
	// FoldKeys reports that front-matter keys are case-insensitive, and
	// Aliases maps other names of a key (lower case) to its own.
	FoldKeys bool
	Aliases  map[string]string
	// ExcerptRequired reports whether a post without an excerpt marker is
	// shown in full on the blog index (Docusaurus). Hugo and Jekyll cut an
	// automatic summary instead.
	ExcerptRequired bool
}

// Profiles returns the built-in site profiles.
func Profiles() []*Profile {
	return []*Profile{
		{
			Name:             "docusaurus",
			Markers:          []string{"docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs", "docusaurus.config.cjs", "docusaurus.config.mts"},
			Content:          []string{"blog/**/*.md", "blog/**/*.mdx"},
			DateFields:       []string{"date"},
			DraftField:       "draft",
			ExcerptMarkers:   []string{"<!-- truncate -->", "<!--truncate-->", "{/* truncate */}"},
			AuthorFields:     []string{"authors"},
			TagFields:        []string{"tags"},
			AuthorRegistries: []string{"blog/authors.yml", "blog/authors.yaml", "blog/authors.json"},
			TagRegistries:    []string{"blog/tags.yml", "blog/tags.yaml"},
			Fields: []string{"authors", "author", "author_url", "author_image_url", "author_title", "author_imageURL",
				"title", "title_meta", "date", "tags", "draft", "unlisted", "hide_table_of_contents",
				"toc_min_heading_level", "toc_max_heading_level", "keywords", "description", "image", "slug",
				"last_update", "sidebar_label", "sidebar_position", "format", "id", "custom_edit_url",
				"pagination_next", "pagination_prev"},
			BlogBase:        "/blog",
			StaticDirs:      []string{"static"},
			ExcerptRequired: true,
		},
		{
			Name: "hugo",
			// https://gohugo.io/getting-started/configuration/: hugo.* at the
			// root (config.* before v0.110), or a configuration directory
			// whose config/_default/ holds hugo.* or config.*.
			// The directory's markers come first: MarkerRoot takes the first match.
			Markers: []string{"config/_default/hugo.toml", "config/_default/hugo.yaml", "config/_default/hugo.yml", "config/_default/hugo.json",
				"config/_default/config.toml", "config/_default/config.yaml", "config/_default/config.yml", "config/_default/config.json",
				"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"},
			LooseMarkers: []string{"config.toml", "config.yaml", "config.yml", "config.json"},
			Content:      []string{"content/**/blog/**/*.md", "content/**/posts/**/*.md", "content/**/news/**/*.md"},
			// https://gohugo.io/content-management/front-matter/#fields:
			// keys are case-insensitive; published and pubdate are aliases
			// of publishDate, unpublishdate of expiryDate, modified of lastmod.
			DateFields: []string{"publishDate", "date"},
			FoldKeys:   true,
			Aliases: map[string]string{"pubdate": "publishdate", "published": "publishdate",
				"unpublishdate": "expirydate", "modified": "lastmod"},
			DraftField:       "draft",
			ExpiryField:      "expiryDate",
			ExcerptMarkers:   []string{"<!--more-->"},
			AuthorFields:     []string{"authors", "author"},
			TagFields:        []string{"tags"},
			AuthorRegistries: []string{"data/authors.yaml", "data/authors.yml", "data/authors.toml", "data/authors.json"},
			TagRegistries:    []string{"data/tags.yaml", "data/tags.yml", "data/tags.toml", "data/tags.json"},
			Fields: []string{"title", "date", "publishDate", "publishdate", "pubdate", "expiryDate", "expirydate",
				"lastmod", "draft", "description", "summary", "tags", "categories", "authors", "author", "slug",
				"url", "aliases", "weight", "type", "layout", "images", "image", "keywords", "linkTitle",
				"markup", "outputs", "params", "resources", "series", "toc", "headless", "isCJKLanguage",
				"build", "cascade", "menu", "menus", "sitemap", "translationKey", "featured_image", "expiryDate"},
			BlogBase:   "",
			StaticDirs: []string{"static", "assets"},
		},
		{
			Name:             "jekyll",
			Markers:          []string{"_config.yml", "_config.yaml", "_config.toml"},
			Content:          []string{"_posts/**/*.md", "_posts/**/*.markdown", "_drafts/**/*.md", "**/_posts/**/*.md"},
			DateFields:       []string{"date"},
			DraftField:       "draft",
			PublishedField:   "published",
			ExcerptMarkers:   []string{"<!--more-->"},
			AuthorFields:     []string{"author", "authors"},
			TagFields:        []string{"tags"},
			AuthorRegistries: []string{"_data/authors.yml", "_data/authors.yaml", "_data/authors.json"},
			TagRegistries:    []string{"_data/tags.yml", "_data/tags.yaml"},
			Fields: []string{"layout", "title", "date", "categories", "category", "tags", "author", "authors",
				"permalink", "published", "excerpt", "excerpt_separator", "description", "summary", "image",
				"last_modified_at", "redirect_from", "redirect_to", "sitemap", "lang", "draft"},
			BlogBase:   "",
			StaticDirs: []string{"."},
		},
	}
}

// CanonicalKey is the name the generator reads a front-matter key as:
// lower case with aliases resolved for Hugo, the key itself otherwise.
func (p *Profile) CanonicalKey(k string) string {
	if !p.FoldKeys {
		return k
	}
	k = strings.ToLower(k)
	if a, ok := p.Aliases[k]; ok {
		return a
	}
	return k
}

// ProfileByName returns the built-in profile called name.
func ProfileByName(name string) (*Profile, error) {
	var names []string
	for _, p := range Profiles() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("unknown site profile %q (known: %s)", name, strings.Join(names, ", "))
}

// maxMarkerDepth is how deep below the root a site may live (site/ or
// website/docs/ and the like).
const maxMarkerDepth = 2

// Detection is the result of DetectProfile.
type Detection struct {
	Profile *Profile
	Root    string // folder of the site, "." for the repository root
	Marker  string // the marker file found, relative to the repository root
}

// MarkerRoot reports whether the repository file f is a marker of
// profile p and, if so, the site root it marks ("." for the repository
// root). hasContent reports whether a folder holds a content/ folder; it
// decides the generic names of LooseMarkers.
func (p *Profile) MarkerRoot(f string, hasContent func(root string) bool) (root string, ok bool) {
	match := func(m string) (string, bool) {
		if f == m {
			return ".", true
		}
		if strings.HasSuffix(f, "/"+m) {
			return strings.TrimSuffix(f, "/"+m), true
		}
		return "", false
	}
	for _, m := range p.Markers {
		if r, ok := match(m); ok {
			return r, true
		}
	}
	for _, m := range p.LooseMarkers {
		if r, ok := match(m); ok && !strings.HasSuffix(r, "/config/_default") && r != "config/_default" && hasContent(r) {
			return r, true
		}
	}
	return "", false
}

// DetectProfile finds the site generator from its marker files (files is
// the repository's file list, slash-separated, sorted), with the site
// root at the repository root or in a folder up to two levels down. A
// shallower root wins; at equal depth Docusaurus wins over Hugo over
// Jekyll. ok is false when no marker is found.
func DetectProfile(files []string) (d Detection, ok bool) {
	return detectProfile(files, contentFolders(files))
}

// detectProfile is DetectProfile with the test of content folders given.
func detectProfile(files []string, hasContent func(root string) bool) (d Detection, ok bool) {
	best := -1
	profiles := Profiles()
	// A marker is matched by its whole name after the last slash: the
	// other files (the posts, most of a large site) need no look, and most
	// are told apart by their last byte alone (.md, .png).
	names := map[string]bool{}
	var last [256]bool
	for _, p := range profiles {
		for _, m := range append(append([]string(nil), p.Markers...), p.LooseMarkers...) {
			names[path.Base(m)] = true
			last[m[len(m)-1]] = true
		}
	}
	for _, f := range files {
		if f == "" || !last[f[len(f)-1]] || !names[f[strings.LastIndexByte(f, '/')+1:]] {
			continue
		}
		for pi, p := range profiles {
			root, ok := p.MarkerRoot(f, hasContent)
			if !ok {
				continue
			}
			depth := 0
			if root != "." {
				depth = strings.Count(root, "/") + 1
			}
			if depth > maxMarkerDepth {
				continue
			}
			if score := depth*len(profiles) + pi; best < 0 || score < best {
				best = score
				d = Detection{Profile: p, Root: root, Marker: f}
			}
		}
	}
	return d, best >= 0
}

// contentFolders returns a test of whether a site root (as MarkerRoot
// gives it) has a content/ folder among files.
func contentFolders(files []string) func(root string) bool {
	if slices.IsSorted(files) {
		return sortedContentFolders(files)
	}
	roots := map[string]bool{}
	for _, f := range files {
		for rest, root := f, ""; ; {
			i := strings.Index(rest, "content/")
			if i < 0 || strings.Count(root+rest[:i], "/") > maxMarkerDepth+1 {
				break
			}
			if i == 0 || rest[i-1] == '/' {
				r := strings.TrimSuffix(root+rest[:i], "/")
				if r == "" {
					r = "."
				}
				roots[r] = true
			}
			root, rest = root+rest[:i+len("content/")], rest[i+len("content/"):]
		}
	}
	return func(root string) bool { return roots[root] }
}

// sortedContentFolders is contentFolders for files sorted: it searches for
// the folder's content/ among them, as deep as contentFolders looks.
func sortedContentFolders(files []string) func(root string) bool {
	return func(root string) bool {
		prefix := "content/"
		if root != "." && root != "" {
			if strings.Count(root, "/")+1 > maxMarkerDepth+1 {
				return false
			}
			prefix = root + "/content/"
		}
		i, _ := slices.BinarySearch(files, prefix)
		return i < len(files) && strings.HasPrefix(files[i], prefix)
	}
}

// HasSiteMarker reports whether the folder fsys is the root of a site: it
// holds a marker file of some profile.
func HasSiteMarker(fsys fs.FS) bool {
	for _, p := range Profiles() {
		for _, m := range p.Markers {
			if fi, err := fs.Stat(fsys, m); err == nil && fi.Mode().IsRegular() {
				return true
			}
		}
		for _, m := range p.LooseMarkers {
			if fi, err := fs.Stat(fsys, m); err == nil && fi.Mode().IsRegular() {
				if ci, err := fs.Stat(fsys, "content"); err == nil && ci.IsDir() {
					return true
				}
			}
		}
	}
	return false
}

// MatchGlob reports whether the slash-separated path name matches pattern,
// where "**" matches any number of folders (zero included) and other
// segments follow path.Match.
func MatchGlob(pattern, name string) bool {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			pat = pat[1:]
			if len(pat) == 0 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegs(pat, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// validGlob reports a malformed glob.
func validGlob(pattern string) error {
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad pattern %q: %w", pattern, err)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
