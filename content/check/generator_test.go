package check

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestGeneratorSettings: what the site generator's own configuration says
// decides what herald reports, each case with every finding of the post.
func TestGeneratorSettings(t *testing.T) {
	var lb strings.Builder
	for i := range 40 {
		fmt.Fprintf(&lb, "Sentence number %d of the post goes on. ", i)
	}
	long := lb.String()
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
		{"docusaurus: tags as one string fail its schema", docusaurus("module.exports = {};", map[string]string{dpost: "---\ntitle: T\ndate: 2026-02-03\ntags: news\n---\n\nShort.\n"}), dpost,
			[]string{dpost + `:4:7: error field-type: "tags" must be a list, not a string`}},
		{"docusaurus @site alias", docusaurus("module.exports = {};", map[string]string{dpost: "---\ntitle: T\ndate: 2026-02-03\n---\n\n![Logo](@site/static/img/logo.png) ![Gone](@site/static/img/gone.png)\n",
			"static/img/logo.png": "png"}), dpost,
			[]string{dpost + ":6:36: error broken-relative-link: the image @site/static/img/gone.png points to static/img/gone.png, which is not in the repository"}},
		{"jekyll: an unknown author shows nothing, a warning", fstest.MapFS{"_config.yml": {Data: []byte("title: x\n")}, "_data/authors.yml": {Data: []byte("jane: {name: Jane}\n")},
			"_posts/2026-02-03-x.md": {Data: []byte("---\ntitle: T\nauthor: joe\n---\n\nText.\n")}}, "_posts/2026-02-03-x.md",
			[]string{`_posts/2026-02-03-x.md:3:9: warning unknown-author: unknown author "joe": it is not in _data/authors.yml`}},
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
		{"hugo single-file page: relative links resolve against its own URL", fstest.MapFS{
			"hugo.toml":                  {Data: []byte("title = 'x'\n")},
			"content/blog/post.md":       {Data: []byte("---\ntitle: T\n---\n\n![Chart](chart.png)\n")},
			"static/blog/post/chart.png": {Data: []byte("png")},
		}, "content/blog/post.md", nil},
		{"hugo theme may serve site-root files; relative ones are still checked", fstest.MapFS{
			"hugo.toml":                  {Data: []byte("theme = 'docsy'\n")},
			"content/en/blog/x/index.md": {Data: []byte("---\ntitle: T\n---\n\n![Logo](/img/logo.svg) ![Gone](gone.png)\n")},
		}, "content/en/blog/x/index.md",
			[]string{"content/en/blog/x/index.md:5:24: error broken-relative-link: the image gone.png points to content/en/blog/x/gone.png, which is not in the repository"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCase(t, tt.fsys, tt.path, tt.want, "") })
	}
}

// TestTemplateSyntax: templates the generator runs before or around the
// Markdown are read as the generator reads them, on text written like the
// real posts of each generator.
func TestTemplateSyntax(t *testing.T) {
	jekyll := func(src string) fstest.MapFS {
		return fstest.MapFS{"_config.yml": {Data: []byte("title: x\n")}, "_posts/2026-02-03-x.md": {Data: []byte(src)}}
	}
	hugo := func(src string) fstest.MapFS {
		return fstest.MapFS{"hugo.toml": {Data: []byte("title = 'x'\n")}, "content/en/blog/x.md": {Data: []byte(src)}}
	}
	mdx := func(src string) fstest.MapFS {
		return fstest.MapFS{"docusaurus.config.js": {Data: []byte("module.exports = {};")}, "blog/2026-02-03-x.mdx": {Data: []byte(src)}}
	}
	const fm = "---\ntitle: T\ndate: 2026-02-03\n---\n\n"
	tests := []struct {
		name string
		fsys fstest.MapFS
		path string
		want []string
	}{
		{"liquid: definitions written by a loop and URLs built from site variables", jekyll(fm +
			"See [the issue][1349], [the release][rel] and [the old post]({% post_url 2010-07-21-name %}).\n\n" +
			"{% for r in page.refs %}\n[{{ r.id }}]: {{ r.url }}\n{% endfor %}\n[1349]: {{ site.repository }}/issues/1349\n"),
			"_posts/2026-02-03-x.md", nil},
		{"liquid: a real slip next to liquid is still found", jekyll(fm +
			"Read {{ page.title }} at (the docs)[https://example.com].\n"),
			"_posts/2026-02-03-x.md",
			[]string{"_posts/2026-02-03-x.md:6:26: error link-syntax: reversed link syntax: Markdown links are [text](url), not (text)[url] | swap the brackets: [the docs](https://example.com)"}},
		{"liquid raw keeps its text literal", jekyll(fm + "{% raw %}\nThe the {{ x }} template.\n{% endraw %}\n"),
			"_posts/2026-02-03-x.md", nil},
		{"hugo: a shortcode in a definition does not end the definitions", hugo(fm +
			"The [GA][ga], [2023 updates][updates2023] and [the build](https://github.com/grpc/grpc/blob/{{< param grpc_vers.core >}}/src/cpp/README.md).\n\n" +
			"[ga]: {{< relref grpc-on-dotnetcore >}}\n[updates2023]: https://example.com/2023\n"),
			"content/en/blog/x.md", nil},
		{"hugo: an undefined reference is still found", hugo(fm + "The [GA][ga] and [missing][nope].\n\n[ga]: {{< relref ga >}}\n"),
			"content/en/blog/x.md",
			[]string{`content/en/blog/x.md:6:18: error link-syntax: no link reference definition for [nope], so this renders as text; add a line "[nope]: URL" or write [text](URL)`}},
		{"mdx: comments and imports are not text", mdx(fm +
			"import Tabs from '@theme/Tabs';\n\nIntro.\n\n{/* TODO: the the numbers */}\n\n{/* truncate */}\n\nText.\n"),
			"blog/2026-02-03-x.mdx", nil},
		{"mdx: expressions are not text, braces in code are code", mdx(fm + "Install {props.verison} with `npm i {pkg}`.\n\nThe the end.\n"),
			"blog/2026-02-03-x.mdx",
			[]string{`blog/2026-02-03-x.mdx:8:1: error repeated-word: "The" is repeated; remove the second one | replace "The the" with "The"`}},
		{"kramdown attribute lists are not text", jekyll(fm + "* TOC\n{:toc}\n\nA note.\n{: .note}\n"),
			"_posts/2026-02-03-x.md", nil},
		{"mdx: a comment in a code block is code", mdx(fm + "```jsx\n{/* TODO */}\n```\n\nTODO: finish.\n"),
			"blog/2026-02-03-x.mdx",
			[]string{"blog/2026-02-03-x.mdx:10:1: warning placeholder: \"TODO\" is a placeholder; finish the text or remove it before publishing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCase(t, tt.fsys, tt.path, tt.want, "") })
	}
}

// TestHugoFrontMatter: Hugo's front-matter keys are case-insensitive and
// have aliases (https://gohugo.io/content-management/front-matter/#fields).
func TestHugoFrontMatter(t *testing.T) {
	site := func(src string) fstest.MapFS {
		return fstest.MapFS{"hugo.toml": {Data: []byte("title = 'x'\n")}, "content/en/blog/x.md": {Data: []byte(src)}}
	}
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"published is an alias of publishDate, a date", "---\ntitle: T\npublished: 2099-03-20\n---\n\nText.\n", nil},
		{"keys in any case", "---\nTitle: T\nDate: 2099-03-20\nDraft: false\nPublishDate: 2099-03-21\nunpublishdate: 2099-12-01\nmodified: 2099-03-22\n---\n\nText.\n", nil},
		{"a typed key in another case is still checked", "---\ntitle: T\nDraft: maybe\n---\n\nText.\n",
			[]string{`content/en/blog/x.md:3:8: error field-type: "Draft" must be true or false, not a string`}},
		{"a date alias is the publish date", "---\ntitle: T\npubdate: next week\n---\n\nText.\n",
			[]string{`content/en/blog/x.md:3:10: error date-format: "pubdate": "next week" is not a date; write it as 2006-01-02, 2006-01-02T15:04:05 or 2006-01-02T15:04:05+01:00`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runRules(t, site(tt.src), "content/en/blog/x.md")
			if diff := cmp.Diff(tt.want, findingLines(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFrontMatterProse: the title and description are text readers see,
// checked like the body.
func TestFrontMatterProse(t *testing.T) {
	fsys := testSite(map[string]string{"blog/2099-02-03-x.md": "---\ntitle: How we recieve the the release\ndescription: \"How we recieve updates\"\ndate: 2099-02-03\n---\n\nText.\n"})
	got := findingLines(runRules(t, fsys, "blog/2099-02-03-x.md"))
	want := []string{
		`blog/2099-02-03-x.md:2:15: warning misspelling: "recieve" is a common misspelling of "receive" | replace "recieve" with "receive" (review)`,
		`blog/2099-02-03-x.md:2:23: error repeated-word: "the" is repeated; remove the second one | replace "the the" with "the"`,
		`blog/2099-02-03-x.md:3:22: warning misspelling: "recieve" is a common misspelling of "receive" | replace "recieve" with "receive" (review)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestLinkTarget: link targets that cannot work, and their look-alikes
// that do.
func TestLinkTarget(t *testing.T) {
	const fm = "---\ntitle: T\ndate: 2099-02-03\n---\n\n"
	jekyll := func(config, src string) fstest.MapFS {
		return fstest.MapFS{"_config.yml": {Data: []byte(config)}, "_posts/2099-02-03-x.md": {Data: []byte(src)},
			"_posts/2099-01-01-older.md": {Data: []byte(fm + "Older.\n")}, "install.sh": {Data: []byte("#!/bin/sh\n")}}
	}
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		path  string
		want  []string
		fixed string
	}{
		{"no scheme and doubled parentheses", testSite(map[string]string{"blog/2099-02-03-x.md": fm +
			"See [docs](www.example.com/docs), [repo](github.com/org/repo) and [spec]((https://example.com/spec)).\n"}),
			"blog/2099-02-03-x.md",
			[]string{
				"blog/2099-02-03-x.md:6:5: error link-target: the target www.example.com/docs has no scheme, so it is read as a path on this site; write https://www.example.com/docs | add https:// (review)",
				"blog/2099-02-03-x.md:6:35: error link-target: the target github.com/org/repo has no scheme, so it is read as a path on this site; write https://github.com/org/repo | add https:// (review)",
				"blog/2099-02-03-x.md:6:67: error link-target: the target (https://example.com/spec) is in doubled parentheses, so they become part of the address; write (https://example.com/spec) | remove the extra parentheses",
			},
			fm + "See [docs](www.example.com/docs), [repo](github.com/org/repo) and [spec](https://example.com/spec).\n"},
		{"files that look like domains are files", jekyll("title: x\n", fm+"Run [the script](/install.sh) and read [the older post]({% post_url 2099-01-01-older %}).\n"),
			"_posts/2099-02-03-x.md", nil, ""},
		{"jekyll: a link to a post's source file", jekyll("title: x\n", fm+"As in [the older post](2099-01-01-older.md).\n"),
			"_posts/2099-02-03-x.md",
			[]string{"_posts/2099-02-03-x.md:6:7: warning link-target: 2099-01-01-older.md links to the source file of a post; jekyll publishes it at another URL, so the link breaks on the site: link to the post's URL instead"}, ""},
		{"jekyll-relative-links resolves it", jekyll("plugins:\n  - jekyll-relative-links\n", fm+"As in [the older post](2099-01-01-older.md).\n"),
			"_posts/2099-02-03-x.md", nil, ""},
		{"docusaurus maps source files to URLs", testSite(map[string]string{"blog/2099-02-03-x.md": fm + "As in [the older post](2099-01-01-older.md).\n",
			"blog/2099-01-01-older.md": fm + "Older.\n"}), "blog/2099-02-03-x.md", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCase(t, tt.fsys, tt.path, tt.want, tt.fixed) })
	}
}

// TestPermalinks: the site's permalink settings decide each post's URL,
// and so whether two posts collide.
func TestPermalinks(t *testing.T) {
	const a, b = "_posts/2099-01-05-release.md", "_posts/2099-03-07-release.md"
	jekyll := func(config string) fstest.MapFS {
		return fstest.MapFS{"_config.yml": {Data: []byte(config)},
			a: {Data: []byte("---\ntitle: Release\n---\n\nOne.\n")}, b: {Data: []byte("---\ntitle: Release\n---\n\nTwo.\n")}}
	}
	hugo := fstest.MapFS{"hugo.toml": {Data: []byte("[permalinks]\nblog = '/:section/:year/:slug/'\n")},
		"content/blog/jan/x.md": {Data: []byte("---\ntitle: Our Plans\ndate: 2099-01-05\n---\n\nOne.\n")},
		"content/blog/feb/y.md": {Data: []byte("---\ntitle: Our plans!\ndate: 2099-02-05\n---\n\nTwo.\n")},
		"content/blog/mar/z.md": {Data: []byte("---\ntitle: Our plans\nslug: plans-2\ndate: 2099-03-05\n---\n\nThree.\n")},
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		path string
		want []string
	}{
		{"jekyll default: the date keeps them apart", jekyll("title: x\n"), b, nil},
		{"jekyll /blog/:title/: one URL for both", jekyll("permalink: /blog/:title/\n"), b,
			[]string{"_posts/2099-03-07-release.md:1:1: error duplicate-slug: this post is served at /blog/release, like _posts/2099-01-05-release.md; one of them would be hidden"}},
		{"hugo :slug falls back to the title", hugo, "content/blog/feb/y.md",
			[]string{"content/blog/feb/y.md:1:1: error duplicate-slug: this post is served at /blog/2099/our-plans, like content/blog/jan/x.md; one of them would be hidden"}},
		{"hugo: an explicit slug", hugo, "content/blog/mar/z.md", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runRules(t, tt.fsys, tt.path)
			var dup []string
			for _, f := range findingLines(got) {
				if strings.Contains(f, "duplicate-slug") {
					dup = append(dup, f)
				}
			}
			if diff := cmp.Diff(tt.want, dup); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
