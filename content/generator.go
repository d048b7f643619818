package content

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// Generator holds the settings of the site generator's own configuration
// that change how posts are read: what the generator does is what herald
// checks against. Zero values mean the generator's defaults.
type Generator struct {
	// From is the configuration file the settings were read from.
	From string
	// TimeZone is Jekyll's timezone: or Hugo's timeZone; nil when unset.
	TimeZone *time.Location
	// ExcerptSeparator is Jekyll's site-wide excerpt_separator.
	ExcerptSeparator string
	// Permalink is Jekyll's permalink for posts (the site's permalink:, or
	// a defaults: entry scoped to posts), such as "/blog/:title/".
	Permalink string
	// RelativeLinksPlugin reports Jekyll's jekyll-relative-links plugin,
	// which turns links to Markdown files into their pages' URLs.
	RelativeLinksPlugin bool
	// Permalinks are Hugo's permalinks: by section ("blog" ->
	// "/:section/:year/:month/:slug/").
	Permalinks map[string]string
	// Languages are Hugo's configured languages (lower case), and
	// DefaultLanguage its defaultContentLanguage (default "en").
	Languages       []string
	DefaultLanguage string
	// ExternalStatic reports that files served at the site root may come
	// from outside the repository: a Hugo theme or imported module brings
	// its own static/ folder (https://gohugo.io/hugo-modules/configuration/#module-configuration-mounts).
	ExternalStatic bool
	// OnUntruncatedBlogPosts and OnInlineTags are Docusaurus' blog
	// settings: "ignore", "log", "warn" or "throw"; empty when the
	// configuration does not say (Docusaurus' default is "warn").
	OnUntruncatedBlogPosts, OnInlineTags string
}

// readGenerator reads the generator's configuration of a site whose
// marker file is marker. A configuration that does not parse gives the
// defaults: the generator itself reports it.
func readGenerator(fsys fs.FS, prof *Profile, marker string) Generator {
	g := Generator{From: marker}
	if marker == "" || prof == nil {
		return g
	}
	src, err := fs.ReadFile(fsys, marker)
	if err != nil {
		return g
	}
	switch prof.Name {
	case "docusaurus":
		g.readDocusaurus(string(src))
	case "jekyll":
		m, _ := decodeConfigMap(marker, src)
		g.readJekyll(m)
	case "hugo":
		m, _ := decodeConfigMap(marker, src)
		m = lowerKeys(m)
		// https://gohugo.io/getting-started/configuration/#configuration-directory:
		// each other file of config/_default/ holds the key it is named after.
		if dir := path.Dir(marker); path.Base(dir) == "_default" {
			entries, _ := fs.ReadDir(fsys, dir)
			for _, e := range entries {
				name := e.Name()
				key := strings.ToLower(strings.TrimSuffix(name, path.Ext(name)))
				if e.IsDir() || path.Join(dir, name) == marker || key == "hugo" || key == "config" || strings.Contains(key, ".") {
					continue
				}
				src, err := fs.ReadFile(fsys, path.Join(dir, name))
				if err != nil {
					continue
				}
				if sub, ok := decodeConfigMap(name, src); ok {
					m[key] = lowerKeys(sub)
				}
			}
		}
		g.readHugo(m)
	}
	return g
}

// decodeConfigMap decodes a YAML, TOML or JSON configuration file by its
// extension.
func decodeConfigMap(name string, src []byte) (map[string]any, bool) {
	var m map[string]any
	var err error
	switch path.Ext(name) {
	case ".toml":
		_, err = toml.Decode(string(src), &m)
	case ".json":
		err = json.Unmarshal(src, &m)
	case ".yml", ".yaml":
		err = yaml.Unmarshal(src, &m)
	default:
		return nil, false
	}
	if err != nil || m == nil {
		return map[string]any{}, false
	}
	return m, true
}

// lowerKeys lower-cases the keys of a Hugo configuration map, at every
// level: Hugo's configuration keys are case-insensitive.
func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = lowerKeys(sub)
		}
		out[strings.ToLower(k)] = v
	}
	return out
}

func zoneOf(v any) *time.Location {
	name, ok := v.(string)
	if !ok || name == "" || name == "Local" {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil // not an IANA name: the generator falls back to UTC too
	}
	return loc
}

// readJekyll reads https://jekyllrb.com/docs/configuration/options/ and
// the posts' permalink from https://jekyllrb.com/docs/permalinks/.
func (g *Generator) readJekyll(m map[string]any) {
	g.TimeZone = zoneOf(m["timezone"])
	if s, ok := m["excerpt_separator"].(string); ok {
		g.ExcerptSeparator = strings.TrimSpace(s)
	}
	if s, ok := m["permalink"].(string); ok {
		g.Permalink = s
	}
	for _, key := range []string{"plugins", "gems"} {
		list, _ := m[key].([]any)
		for _, p := range list {
			if p == "jekyll-relative-links" {
				g.RelativeLinksPlugin = true
			}
		}
	}
	defaults, _ := m["defaults"].([]any)
	for _, d := range defaults {
		dm, _ := d.(map[string]any)
		scope, _ := dm["scope"].(map[string]any)
		values, _ := dm["values"].(map[string]any)
		if t, _ := scope["type"].(string); t == "posts" {
			if p, _ := scope["path"].(string); p == "" {
				if s, ok := values["permalink"].(string); ok {
					g.Permalink = s
				}
			}
		}
	}
}

// readHugo reads https://gohugo.io/getting-started/configuration/ (keys
// already lower case).
func (g *Generator) readHugo(m map[string]any) {
	g.TimeZone = zoneOf(m["timezone"])
	if pm, ok := m["permalinks"].(map[string]any); ok {
		g.Permalinks = map[string]string{}
		for k, v := range pm {
			switch v := v.(type) {
			case string:
				g.Permalinks[k] = v
			case map[string]any: // permalinks: {page: {blog: ...}} since Hugo 0.112
				if k == "page" {
					for sec, p := range v {
						if s, ok := p.(string); ok {
							g.Permalinks[sec] = s
						}
					}
				}
			}
		}
	}
	if theme, ok := m["theme"]; ok && theme != nil && theme != "" {
		g.ExternalStatic = true
	}
	if mod, ok := m["module"].(map[string]any); ok {
		if imports, ok := mod["imports"].([]any); ok && len(imports) > 0 {
			g.ExternalStatic = true
		}
	}
	g.DefaultLanguage = "en"
	if s, ok := m["defaultcontentlanguage"].(string); ok && s != "" {
		g.DefaultLanguage = strings.ToLower(s)
	}
	if lm, ok := m["languages"].(map[string]any); ok {
		for k := range lm {
			g.Languages = append(g.Languages, strings.ToLower(k))
		}
		sort.Strings(g.Languages)
	}
}

var docusaurusSettingRE = regexp.MustCompile(`\b(onUntruncatedBlogPosts|onInlineTags)\s*:\s*['"](\w+)['"]`)

// readDocusaurus reads the blog settings of docusaurus.config.* from its
// source (https://docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-blog#configuration):
// the file is code, so only settings written as literals are understood.
func (g *Generator) readDocusaurus(src string) {
	for _, m := range docusaurusSettingRE.FindAllStringSubmatch(src, -1) {
		switch m[1] {
		case "onUntruncatedBlogPosts":
			g.OnUntruncatedBlogPosts = m[2]
		case "onInlineTags":
			g.OnInlineTags = m[2]
		}
	}
}

// PermalinkHasDate reports whether the URL of a post at repository path
// p depends on its date under the generator's permalink settings.
func (g *Generator) PermalinkHasDate(prof *Profile, p string) bool {
	hasDate := func(pattern string) bool {
		switch pattern {
		case "", "date", "pretty", "ordinal", "weekdate":
			return true
		case "none":
			return false
		}
		for _, t := range []string{":year", ":month", ":day", ":i_month", ":i_day", ":y_day", ":short_year", ":week", ":yearday", ":monthname"} {
			if strings.Contains(pattern, t) {
				return true
			}
		}
		return false
	}
	switch prof.nameOrEmpty() {
	case "jekyll":
		return hasDate(g.Permalink)
	case "hugo":
		// Hugo's default URL is the content path: the date never shows.
		for sec, pattern := range g.Permalinks {
			if strings.Contains("/"+p, "/"+sec+"/") && hasDate(pattern) {
				return true
			}
		}
		return false
	}
	return true // Docusaurus: /blog/YYYY/MM/DD/slug for dated file names
}
