package check

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// findingLines formats findings as String() with the fix after " | ".
func findingLines(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.String()
		if f.Fix != nil {
			s += " | " + f.Fix.Description
			if f.Fix.Review {
				s += " (review)"
			}
		}
		out = append(out, s)
	}
	return out
}

// TestAuthorEdgeCases: what authors meet in real repositories (line
// endings, byte order marks, tabs, generator syntax), each with every
// finding of the post, so a false finding fails the test too.
func TestAuthorEdgeCases(t *testing.T) {
	const post = "blog/2026/02-x/index.md"
	docusaurus := func(path, src string) fstest.MapFS { return testSite(map[string]string{path: src}) }
	hugo := func(path, src string) fstest.MapFS {
		return fstest.MapFS{"hugo.toml": {Data: []byte("title = 'x'\n")}, path: {Data: []byte(src)}}
	}
	jekyll := func(path, src string) fstest.MapFS {
		return fstest.MapFS{"_config.yml": {Data: []byte("title: x\n")}, path: {Data: []byte(src)}}
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		path string
		want []string
		// fixed is the file after ApplyFixes, when the case checks it.
		fixed string
	}{
		{"CRLF line endings: positions and fixes", docusaurus(post,
			"---\r\ntitle: T\r\ndate: 2026-02-03\r\n---\r\n\r\nThis is the the post.\r\n\r\nSee (the docs)[https://example.com] now.\r\n"), post,
			[]string{
				post + `:6:9: error repeated-word: "the" is repeated; remove the second one | replace "the the" with "the"`,
				post + `:8:5: error link-syntax: reversed link syntax: Markdown links are [text](url), not (text)[url] | swap the brackets: [the docs](https://example.com)`,
			},
			"---\r\ntitle: T\r\ndate: 2026-02-03\r\n---\r\n\r\nThis is the post.\r\n\r\nSee [the docs](https://example.com) now.\r\n"},
		{"byte order mark before the front matter", docusaurus(post,
			"\ufeff---\ntitle: T\ndate: 2026-02-03\n---\n\nThis is the the post.\n"), post,
			[]string{post + `:6:9: error repeated-word: "the" is repeated; remove the second one | replace "the the" with "the"`}, ""},
		{"tabs count as one column", docusaurus(post,
			"---\ntitle: T\ndate: 2026-02-03\n---\n\n-\tlist item with the the word\n"), post,
			[]string{post + `:6:18: error repeated-word: "the" is repeated; remove the second one | replace "the the" with "the"`}, ""},
		{"--- inside a code block later in the post", docusaurus(post,
			"---\ntitle: T\ndate: 2026-02-03\n---\n\nText.\n\n```yaml\n---\nfoo: the the\n---\n```\n\n---\n\nA thematic break above.\n"), post,
			nil, ""},
		{"fixes: a spaced link, a duplicate tag in a flow list", docusaurus(post,
			"---\ntitle: T\ndate: 2026-02-03\ntags: [news, events, 'events']\n---\n\nSee [the docs] (https://example.com).\n"), post,
			[]string{
				post + `:4:23: warning duplicate-tag: the tag "events" is listed twice | remove the second "events"`,
				post + `:7:5: error link-syntax: a space between ] and ( breaks the link; remove it | remove the space between ] and (`,
			},
			"---\ntitle: T\ndate: 2026-02-03\ntags: [news, events]\n---\n\nSee [the docs](https://example.com).\n"},
		{"empty post", docusaurus(post, ""), post,
			[]string{post + ":1:1: error frontmatter-missing: the post has no front matter; start it with a --- block holding at least its title and date"}, ""},
		{"front matter only", docusaurus(post, "---\ntitle: T\ndate: 2026-02-03\n---\n"), post, nil, ""},
		{"TOML front matter for Hugo", hugo("content/posts/a.md",
			"+++\ntitle = \"A\"\ndate = 2026-02-03T10:00:00Z\ndraft = true\ntags = [\"a\", \"b\"]\n+++\n\nText the the end.\n"), "content/posts/a.md",
			[]string{`content/posts/a.md:8:6: error repeated-word: "the" is repeated; remove the second one | replace "the the" with "the"`}, ""},
		{"date as a YAML timestamp", jekyll("_posts/2026-02-05-a.md",
			"---\ntitle: A\ndate: 2026-02-03 10:00:00 +0000\n---\n"), "_posts/2026-02-05-a.md",
			[]string{"_posts/2026-02-05-a.md:3:7: info date-path-mismatch: the date 2026-02-03 (in UTC) does not match 2026-02-05 in the path _posts/2026-02-05-a.md"}, ""},
		{"date as a quoted string reads the same", jekyll("_posts/2026-02-05-a.md",
			"---\ntitle: A\ndate: \"2026-02-03 10:00:00 +0000\"\n---\n"), "_posts/2026-02-05-a.md",
			[]string{"_posts/2026-02-05-a.md:3:7: info date-path-mismatch: the date 2026-02-03 (in UTC) does not match 2026-02-05 in the path _posts/2026-02-05-a.md"}, ""},
		{"draft: yes (YAML 1.1) is an error with a fix", docusaurus(post,
			"---\ntitle: T\ndate: 2026-02-03\ndraft: yes\nunlisted: \"no\"\n---\n"), post,
			[]string{
				post + `:4:8: error field-type: "draft" must be true or false; write true: "yes" means true only to YAML 1.1 readers such as Jekyll, and is text to Docusaurus, Hugo and herald | replace "yes" with true`,
				post + `:5:11: error field-type: "unlisted" must be true or false, not a string`,
			},
			"---\ntitle: T\ndate: 2026-02-03\ndraft: true\nunlisted: \"no\"\n---\n"},
		{"MDX: imports, exports and JSX", docusaurus("blog/2026-02-03-x.mdx",
			"---\ntitle: T\ndate: 2026-02-03\n---\n\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n<Tabs>\n  <TabItem value=\"a\" label=\"Apple\">\n    Some teh text.\n  </TabItem>\n</Tabs>\n\nexport const Hi = ({children}) => <span>{children}</span>;\n\n<Hi>herald</Hi> is fine.\n"),
			"blog/2026-02-03-x.mdx", nil, ""},
		{"Hugo shortcodes in links and code shortcodes", hugo("content/posts/a.md",
			"---\ntitle: A\ndate: 2026-02-03T10:00:00Z\n---\n\nSee [other]({{< ref \"other.md\" >}}), [rel]({{< relref \"/posts/other\" >}}) and [x]({{% ref \"x.md\" %}}).\n\n{{< highlight go >}}\nthe the code\n{{< /highlight >}}\n\n{{% code lang=\"sh\" %}}\necho teh teh\n{{% /code %}}\n\nA caption with the the slip.\n"), "content/posts/a.md",
			[]string{`content/posts/a.md:16:16: error repeated-word: "the" is repeated; remove the second one | replace "the the" with "the"`}, ""},
		{"Jekyll Liquid link tags and highlight blocks", jekyll("_posts/2026-02-03-a.md",
			"---\ntitle: A\ndate: 2026-02-03 10:00:00 +0000\n---\n\nSee [prev]({% post_url 2026-01-01-prev %}), [page]({% link _pages/about.md %}) and ![pic]({{ \"/assets/y.png\" | relative_url }}).\n\n{% highlight ruby %}\nthe the\n{% endhighlight %}\n\n{% raw %}\n{{ teh teh }}\n{% endraw %}\n"), "_posts/2026-02-03-a.md",
			nil, ""},
		{"reference links, autolinks and footnotes", docusaurus(post,
			"---\ntitle: T\ndate: 2026-02-03\n---\n\nSee [the docs][docs], [the img][], <https://example.com> and a note[^1].\n\nNot defined: [a link][nope], [shortcut][]; not links: a[i][j], [sic].\n\n[docs]: ../img.png\n[the img]: ./gone.png\n\n[^1]: The footnote.\n"), post,
			[]string{
				post + ":6:23: error broken-relative-link: the link ./gone.png points to blog/2026/02-x/gone.png, which is not in the repository",
				post + `:8:14: error link-syntax: no link reference definition for [nope], so this renders as text; add a line "[nope]: URL" or write [text](URL)`,
				post + `:8:30: error link-syntax: no link reference definition for [shortcut], so this renders as text; add a line "[shortcut]: URL" or write [text](URL)`,
			}, ""},
		{"headings with closing #s and explicit ids", docusaurus(post,
			"---\ntitle: T\ndate: 2026-02-03\n---\n\n## Setup Steps ##\n\n## Custom {#custom-id}\n\nSee [setup](#setup-steps), [custom](#custom-id) and [gone](#custom).\n"), post,
			[]string{post + ":10:53: error broken-relative-link: no heading of this post has the anchor #custom"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCase(t, tt.fsys, tt.path, tt.want, tt.fixed) })
	}
}

// checkCase runs every rule on the post at path and compares all its
// findings with want and, when fixed is not empty, the file after
// ApplyFixes with fixed.
func checkCase(t *testing.T, fsys fstest.MapFS, path string, want []string, fixed string) {
	t.Helper()
	got := runRules(t, fsys, path)
	if diff := cmp.Diff(want, findingLines(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if fixed != "" {
		out, _ := ApplyFixes(fsys[path].Data, got)
		if diff := cmp.Diff(fixed, string(out)); diff != "" {
			t.Errorf("fixed file (-want +got):\n%s", diff)
		}
	}
}
