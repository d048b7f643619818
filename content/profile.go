package content

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Profile describes how one site generator lays out and reads posts.
type Profile struct {
	// Name is "docusaurus", "hugo" or "jekyll".
	Name string
	// Markers are the files whose presence identifies the generator.
	Markers []string
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
			Name:             "hugo",
			Markers:          []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml"},
			Content:          []string{"content/**/blog/**/*.md", "content/**/posts/**/*.md", "content/**/news/**/*.md"},
			DateFields:       []string{"publishDate", "publishdate", "pubdate", "date"},
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
				"build", "cascade", "menu", "sitemap", "translationKey", "featured_image"},
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

// DetectProfile finds the site generator from its marker files (files is
// the repository's file list, slash-separated), at the
// root or in a folder up to two levels down. A marker at a shallower depth
// wins; at equal depth Docusaurus wins over Hugo over Jekyll. ok is false
// when no marker is found.
func DetectProfile(files []string) (d Detection, ok bool) {
	best := -1
	profiles := Profiles()
	for _, f := range files {
		dir, base := path.Split(f)
		depth := strings.Count(dir, "/")
		if depth > maxMarkerDepth {
			continue
		}
		for pi, p := range profiles {
			for _, m := range p.Markers {
				if base != m {
					continue
				}
				score := depth*len(profiles) + pi
				if best < 0 || score < best {
					best = score
					root := strings.TrimSuffix(dir, "/")
					if root == "" {
						root = "."
					}
					d = Detection{Profile: p, Root: root, Marker: f}
				}
			}
		}
	}
	return d, best >= 0
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
