package check

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestGeneratorSettings: what the site generator's own configuration says
// decides what herald reports, each case with every finding of the post.
func TestGeneratorSettings(t *testing.T) {
	long := strings.Repeat("A sentence of the post that goes on. ", 40)
	docusaurus := func(config string, files map[string]string) fstest.MapFS {
		m := fstest.MapFS{"docusaurus.config.js": {Data: []byte(config)}, "blog/tags.yml": {Data: []byte("news:\n  label: News\n")}}
		for p, s := range files {
			m[p] = &fstest.MapFile{Data: []byte(s)}
		}
		return m
	}
	const dpost = "blog/2026-02-03-x.md"
	untruncated := "---\ntitle: T\ndate: 2026-02-03\ntags: [release]\n---\n\n" + long + "\n"
	tests := []struct {
		name string
		fsys fstest.MapFS
		path string
		want []string
	}{
		{"docusaurus default: untruncated and inline tags warn", docusaurus("module.exports = {};", map[string]string{dpost: untruncated}), dpost,
			[]string{
				dpost + `:4:8: warning unknown-tag: unknown tag "release": it is not in blog/tags.yml`,
				dpost + ":6:1: warning missing-excerpt-marker: no excerpt marker: add <!-- truncate --> after the first paragraph, or the blog index shows the whole post | add <!-- truncate --> after the first paragraph (review)",
			}},
		{"docusaurus onUntruncatedBlogPosts ignore, onInlineTags throw", docusaurus(
			"export default {presets: [['classic', {blog: {onUntruncatedBlogPosts: 'ignore', onInlineTags: \"throw\"}}]]};",
			map[string]string{dpost: untruncated}), dpost,
			[]string{dpost + `:4:8: error unknown-tag: unknown tag "release": it is not in blog/tags.yml`}},
		{"docusaurus log is a note", docusaurus("module.exports = {presets: [['classic', {blog: {onUntruncatedBlogPosts: 'log', onInlineTags: 'ignore'}}]]};",
			map[string]string{dpost: untruncated}), dpost,
			[]string{dpost + ":6:1: info missing-excerpt-marker: no excerpt marker: add <!-- truncate --> after the first paragraph, or the blog index shows the whole post | add <!-- truncate --> after the first paragraph (review)"}},
		{"jekyll permalink without a date: the path's date is only a name", fstest.MapFS{
			"_config.yml":            {Data: []byte("defaults:\n  - scope:\n      type: posts\n    values:\n      permalink: /blog/:title/\n")},
			"_posts/2026-02-03-x.md": {Data: []byte("---\ntitle: T\ndate: 2026-02-05\n---\n\nText.\n")},
		}, "_posts/2026-02-03-x.md", nil},
		{"jekyll default permalink shows the date", fstest.MapFS{
			"_config.yml":            {Data: []byte("title: x\n")},
			"_posts/2026-02-03-x.md": {Data: []byte("---\ntitle: T\ndate: 2026-02-05\n---\n\nText.\n")},
		}, "_posts/2026-02-03-x.md",
			[]string{"_posts/2026-02-03-x.md:3:7: info date-path-mismatch: the date 2026-02-05 (in UTC) does not match 2026-02-03 in the path _posts/2026-02-03-x.md"}},
		{"hugo config directory: timeZone and dated permalinks, keys in any case", fstest.MapFS{
			"config/_default/hugo.yaml":       {Data: []byte("title: x\ntimezone: Europe/Berlin\n")},
			"config/_default/permalinks.yaml": {Data: []byte("blog: /:section/:year/:month/:slug/\n")},
			"content/en/blog/2026-01-31-x.md": {Data: []byte("---\ntitle: T\ndate: 2026-02-01T00:30:00+01:00\n---\n\nText.\n")},
		}, "content/en/blog/2026-01-31-x.md",
			[]string{"content/en/blog/2026-01-31-x.md:3:7: info date-path-mismatch: the date 2026-02-01 (in Europe/Berlin) does not match 2026-01-31 in the path content/en/blog/2026-01-31-x.md"}},
		{"hugo without dated permalinks: the URL is the content path", fstest.MapFS{
			"hugo.toml":                       {Data: []byte("title = 'x'\n")},
			"content/en/blog/2026-01-31-x.md": {Data: []byte("---\ntitle: T\ndate: 2026-02-05\n---\n\nText.\n")},
		}, "content/en/blog/2026-01-31-x.md", nil},
		{"hugo translation shares the bundle's images with the default language", fstest.MapFS{
			"hugo.yaml":                   {Data: []byte("languages:\n  en: {}\n  ja: {}\n")},
			"content/en/blog/x/index.md":  {Data: []byte("---\ntitle: T\n---\n\n![Chart](chart.png)\n")},
			"content/en/blog/x/chart.png": {Data: []byte("png")},
			"content/ja/blog/x/index.md":  {Data: []byte("---\ntitle: T\n---\n\n![Chart](chart.png) ![Gone](gone.png)\n")},
		}, "content/ja/blog/x/index.md",
			[]string{"content/ja/blog/x/index.md:5:21: error broken-relative-link: the image gone.png points to content/ja/blog/x/gone.png, which is not in the repository"}},
		{"hugo theme may serve site-root files; relative ones are still checked", fstest.MapFS{
			"hugo.toml":                  {Data: []byte("theme = 'docsy'\n")},
			"content/en/blog/x/index.md": {Data: []byte("---\ntitle: T\n---\n\n![Logo](/img/logo.svg) ![Gone](gone.png)\n")},
		}, "content/en/blog/x/index.md",
			[]string{"content/en/blog/x/index.md:5:24: error broken-relative-link: the image gone.png points to content/en/blog/x/gone.png, which is not in the repository"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runRules(t, tt.fsys, tt.path)
			if diff := cmp.Diff(tt.want, findingLines(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
