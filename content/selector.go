package content

import (
	"path"
	"strings"
)

// PostSelector picks a site's posts among its files: the content globs, the
// exclusions of the configuration and the names that are never posts
// (Hugo's _index.md, files starting with _, README.md). Whether a file is a
// post depends on its path only, so a caller that keeps, per Git tree, the
// posts a selector picked there need not ask again while Key is the same.
type PostSelector struct {
	globs, exclude [][]string // split at "/"
	key            string
}

func newPostSelector(globs, exclude []string) *PostSelector {
	sel := &PostSelector{}
	var key strings.Builder
	for _, g := range globs {
		sel.globs = append(sel.globs, strings.Split(g, "/"))
		key.WriteString("+" + g + "\x00")
	}
	for _, g := range exclude {
		sel.exclude = append(sel.exclude, strings.Split(g, "/"))
		key.WriteString("-" + g + "\x00")
	}
	sel.key = key.String()
	return sel
}

// Key names what the selector picks: two selectors with the same key pick
// the same paths.
func (sel *PostSelector) Key() string { return sel.key }

// Match reports whether the repository path p is a post.
func (sel *PostSelector) Match(p string) bool {
	base := path.Base(p)
	if base == "_index.md" || strings.HasPrefix(base, "_") || strings.EqualFold(base, "README.md") {
		return false
	}
	name := strings.Split(p, "/")
	for _, g := range sel.exclude {
		if matchSegs(g, name) {
			return false
		}
	}
	for _, g := range sel.globs {
		if matchSegs(g, name) {
			return true
		}
	}
	return false
}
