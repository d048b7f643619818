package check

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/content"
)

// site builds a small Docusaurus site with registries around posts.
func testSite(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"docusaurus.config.js": {Data: nil},
		"blog/authors.yml":     {Data: []byte("gerrit91: {name: Gerrit}\nalice: {name: Alice}\n")},
		"blog/tags.yml":        {Data: []byte("news: {label: News}\nevents: {label: Events}\nconferences: {label: Conferences}\n")},
		"blog/2026/img.png":    {Data: make([]byte, 3000)},
	}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

func runRules(t *testing.T, fsys fstest.MapFS, paths ...string) []Finding {
	t.Helper()
	ctx := context.Background()
	site, err := content.LoadSite(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	c := New(site.Config, WithNow(func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }))
	fs, err := c.CheckPaths(ctx, site, paths)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

const fm = "---\ntitle: T\ndate: 2026-02-03\nauthors: [alice]\ntags: [news]\n---\n\n"

func TestRules(t *testing.T) {
	const post = "blog/2026/02-x/index.md"
	tests := []struct {
		name  string
		rule  string
		files map[string]string
		want  []string // findings of rule, as String(), with the fix description after " | "
	}{
		{"frontmatter-missing", RuleFrontmatterMissing, map[string]string{post: "# Hello\n"},
			[]string{post + ":1:1: error frontmatter-missing: the post has no front matter; start it with a --- block holding at least its title and date"}},
		{"required-field", RuleRequiredField, map[string]string{".herald.yml": "version: 1\nrequired: [title, authors, description]\n",
			post: "---\ntitle: T\ndescription: \"\"\n---\n"},
			[]string{post + `:1:1: error required-field: the required field "authors" is missing`,
				post + `:3:1: error required-field: the required field "description" is empty`}},
		{"field-type", RuleFieldType, map[string]string{post: "---\ntitle: T\ndraft: maybe\ntags: {a: 1}\n---\n"},
			[]string{post + `:3:8: error field-type: "draft" must be true or false, not a string`,
				post + `:4:7: error field-type: "tags" must be a list, not a map`}},
		{"unknown-field typo", RuleUnknownField, map[string]string{post: "---\ntitel: T\nwatermark: x\n---\n"},
			[]string{post + `:2:1: warning unknown-field: unknown field "titel"; did you mean "title"? | rename "titel" to "title" (review)`}},
		{"unknown-field strict", RuleUnknownField, map[string]string{".herald.yml": "version: 1\nrules:\n  unknown-field: {strict: true}\n", post: "---\ntitle: T\nwatermark: x\n---\n"},
			[]string{post + `:3:1: warning unknown-field: unknown field "watermark" (not used by docusaurus or other posts; list it in fields: of .herald.yml if the site uses it)`}},
		{"date-format", RuleDateFormat, map[string]string{post: "---\ntitle: T\ndate: next tuesday\n---\n"},
			[]string{post + `:3:7: error date-format: "date": "next tuesday" is not a date; write it as 2006-01-02, 2006-01-02T15:04:05 or 2006-01-02T15:04:05+01:00`}},
		{"date-zone", RuleDateZone, map[string]string{".herald.yml": "version: 1\ntimezone: Europe/Berlin\n", post: "---\ntitle: T\ndate: 2026-02-03T11:00:00+02:00\n---\n"},
			[]string{post + ":3:7: warning date-zone: the offset +02:00 is not the site's: Europe/Berlin is at +01:00 on 2026-02-03, so this date is 10:00 CET there; if 11:00 was meant in Europe/Berlin, write +01:00 | use the offset of Europe/Berlin: +01:00 (review)"}},
		{"date-zone: another zone's offset is the author's choice", RuleDateZone, map[string]string{".herald.yml": "version: 1\ntimezone: Europe/Berlin\n", post: "---\ntitle: T\ndate: 2026-02-03T11:00:00+05:30\n---\n"},
			nil},
		{"date-zone: UTC written out in a New York site", RuleDateZone, map[string]string{".herald.yml": "version: 1\ntimezone: America/New_York\n", post: "---\ntitle: T\ndate: 2026-07-03T11:00:00Z\n---\n"},
			nil},
		{"date-zone: New York's summer offset in winter", RuleDateZone, map[string]string{".herald.yml": "version: 1\ntimezone: America/New_York\n", post: "---\ntitle: T\ndate: 2026-01-03T11:00:00-04:00\n---\n"},
			[]string{post + ":3:7: warning date-zone: the offset -04:00 is not the site's: America/New_York is at -05:00 on 2026-01-03, so this date is 10:00 EST there; if 11:00 was meant in America/New_York, write -05:00 | use the offset of America/New_York: -05:00 (review)"}},
		{"date-zone no zone set", RuleDateZone, map[string]string{post: "---\ntitle: T\ndate: 2026-02-03 11:00\n---\n"},
			[]string{post + ":3:7: info date-zone: the date has no offset and .herald.yml sets no timezone, so it is read as UTC (2026-02-03T11:00:00Z); set timezone: or add an offset"}},
		{"date-dst overlap", RuleDateDST, map[string]string{".herald.yml": "version: 1\ntimezone: Europe/Berlin\n", post: "---\ntitle: T\ndate: 2026-10-25 02:30\n---\n"},
			[]string{post + `:3:7: error date-dst: "2026-10-25 02:30" occurs twice in Europe/Berlin (daylight saving time ends): it could be 2026-10-25T02:30:00+02:00 or 2026-10-25T02:30:00+01:00; add an offset`}},
		{"date-path-mismatch", RuleDatePathMismatch, map[string]string{"blog/2026-02-05-x.md": "---\ntitle: T\ndate: 2026-02-03\n---\n"},
			[]string{"blog/2026-02-05-x.md:3:7: info date-path-mismatch: the date 2026-02-03 (in UTC) does not match 2026-02-05 in the path blog/2026-02-05-x.md"}},
		{"date-backdated", RuleDateBackdated, map[string]string{post: "---\ntitle: T\ndate: 2025-02-03\n---\n"},
			[]string{post + ":3:7: warning date-backdated: the date is 363 days in the past; the post will appear below newer posts, not on top"}},
		{"unknown-author and tag with fixes", "unknown-", map[string]string{post: "---\ntitle: T\nauthors: [gerit91, nobody]\ntags: [event, conferences]\n---\n"},
			[]string{
				post + `:3:11: error unknown-author: unknown author "gerit91": it is not in blog/authors.yml; did you mean "gerrit91"? | replace "gerit91" with "gerrit91" (review)`,
				post + `:3:20: error unknown-author: unknown author "nobody": it is not in blog/authors.yml`,
				post + `:4:8: warning unknown-tag: unknown tag "event": it is not in blog/tags.yml; did you mean "events"? | replace "event" with "events" (review)`,
			}},
		{"duplicate-tag", RuleDuplicateTag, map[string]string{post: "---\ntitle: T\ntags:\n  - news\n  - News\n---\n"},
			[]string{post + `:5:5: warning duplicate-tag: the tag "News" is listed twice | remove the second "News"`}},
		{"link-syntax", RuleLinkSyntax, map[string]string{post: fm + "See (the docs)[https://example.com] and [https://containerlab.dev/] and [x] (https://a.b).\n\nNot [a link](https://ok.dev) nor `(code)[https://x]`.\n"},
			[]string{
				post + `:8:5: error link-syntax: reversed link syntax: Markdown links are [text](url), not (text)[url] | swap the brackets: [the docs](https://example.com)`,
				post + `:8:41: error link-syntax: [https://containerlab.dev/] has no target, so it renders as text in brackets; write <https://containerlab.dev/> or [text](https://containerlab.dev/) | make it a link: <https://containerlab.dev/> (review)`,
				post + `:8:73: error link-syntax: a space between ] and ( breaks the link; remove it | remove the space between ] and (`,
			}},
		{"broken-relative-link", RuleBrokenRelativeLink, map[string]string{post: fm + "## Setup Steps\n\n[ok](#setup-steps) [bad](#nowhere) ![pic](../img.png) ![gone](./gone.png) [page](/blog/other) [doc](./notes.pdf) [docs](/docs/intro.md#setup)\n\n```\n![in code](./nope.png)\n```\n"},
			[]string{
				post + ":10:20: error broken-relative-link: no heading of this post has the anchor #nowhere",
				post + ":10:55: error broken-relative-link: the image ./gone.png points to blog/2026/02-x/gone.png, which is not in the repository",
				post + ":10:95: error broken-relative-link: the link ./notes.pdf points to blog/2026/02-x/notes.pdf, which is not in the repository",
			}},
		{"link-syntax unclosed", RuleLinkSyntax, map[string]string{post: fm + "Read [the guide](https://example.com/guide and more.\n"},
			[]string{post + ":8:6: error link-syntax: this link is never closed, so it renders as text; add ) after https://example.com/guide"}},
		{"image-alt", RuleImageAlt, map[string]string{post: fm + "![](../img.png) and ![fine](../img.png)\n"},
			[]string{post + ":8:1: warning image-alt: the image ../img.png has no alt text; describe what it shows"}},
		{"image-size", RuleImageSize, map[string]string{".herald.yml": "version: 1\nrules:\n  image-size: {max_kb: 2}\n", post: fm + "![a picture](../img.png)\n"},
			[]string{post + ":8:1: warning image-size: the image blog/2026/img.png is 2 KB (more than 2 KB); resize or compress it"}},
		{"missing-excerpt-marker", RuleMissingExcerptMarker, map[string]string{".herald.yml": "version: 1\nrules:\n  missing-excerpt-marker: {min_words: 3}\n", post: fm + "One two three four.\n"},
			[]string{post + ":7:1: warning missing-excerpt-marker: no excerpt marker: add <!-- truncate --> after the first paragraph, or the blog index shows the whole post | add <!-- truncate --> after the first paragraph (review)"}},
		{"missing-excerpt-marker in MDX", RuleMissingExcerptMarker, map[string]string{".herald.yml": "version: 1\nrules:\n  missing-excerpt-marker: {min_words: 3}\n", "blog/2026-02-05-x.mdx": fm + "One two three four.\n"},
			[]string{"blog/2026-02-05-x.mdx:7:1: warning missing-excerpt-marker: no excerpt marker: add {/* truncate */} after the first paragraph, or the blog index shows the whole post | add {/* truncate */} after the first paragraph (review)"}},
		{"excerpt marker present", RuleMissingExcerptMarker, map[string]string{".herald.yml": "version: 1\nrules:\n  missing-excerpt-marker: {min_words: 3}\n", post: fm + "One two.\n\n<!-- truncate -->\n\nthree four five.\n"}, nil},
		{"heading-jump", RuleHeadingJump, map[string]string{post: fm + "## A\n\n#### B\n\n### C\n"},
			[]string{post + ":10:1: warning heading-jump: heading level 4 follows level 2; use level 3 | make it a level 3 heading: ### (review)"}},
		{"heading-jump setext", RuleHeadingJump, map[string]string{post: fm + "# A\n\nB\n---\n\n#### C\n"},
			[]string{post + ":13:1: warning heading-jump: heading level 4 follows level 2; use level 3 | make it a level 3 heading: ### (review)"}},
		{"unclosed-fence", RuleUnclosedFence, map[string]string{post: fm + "```go\nx\n```\n\n~~~~\ny\n~~~\n"},
			[]string{post + ":12:1: error unclosed-fence: this code fence is never closed, so the rest of the post is shown as code; add a closing ~~~~"}},
		{"invisible-char in code", RuleInvisibleChar, map[string]string{post: fm + "```sh\nkubectl\u200b apply\n```\n"},
			[]string{post + ":9:8: warning invisible-char: an invisible character U+200B is hidden here (in code or front matter); remove it | remove U+200B"}},
		{"duplicate-slug", RuleDuplicateSlug, map[string]string{post: "---\ntitle: T\nslug: same\n---\n", "blog/2026/03-y/index.md": "---\ntitle: U\nslug: same\n---\n"},
			[]string{post + ":3:7: error duplicate-slug: this post is served at /blog/same, like blog/2026/03-y/index.md; one of them would be hidden"}},
		{"rule off", RuleImageAlt, map[string]string{".herald.yml": "version: 1\nrules:\n  image-alt: off\n", post: fm + "![](../img.png)\n"}, nil},
		{"unknown rule in config", RuleInvalidConfig, map[string]string{".herald.yml": "version: 1\nrules:\n  mispelling: info\n", post: fm},
			[]string{`.herald.yml:3:3: error invalid-config: unknown rule "mispelling" (did you mean "misspelling"?)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := runRules(t, testSite(tt.files), post, "blog/2026-02-05-x.md", "blog/2026-02-05-x.mdx")
			var got []string
			for _, f := range fs {
				if !strings.HasPrefix(f.Rule, tt.rule) {
					continue
				}
				s := f.String()
				if f.Fix != nil {
					s += " | " + f.Fix.Description
					if f.Fix.Review {
						s += " (review)"
					}
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings of %s (-want +got):\n%s", tt.rule, diff)
			}
		})
	}
}

func TestApplyFixesOverlap(t *testing.T) {
	src := []byte("the the cat")
	fs := []Finding{
		{Fix: &Fix{Edits: []content.Edit{{Start: 0, End: 7, NewText: "the"}}}},
		{Fix: &Fix{Edits: []content.Edit{{Start: 4, End: 11, NewText: "dog"}}}},
		{Fix: &Fix{Edits: []content.Edit{{Start: 8, End: 11, NewText: "cow"}}, Review: true}},
	}
	out, applied := ApplyFixes(src, fs)
	if string(out) != "the cat" || len(applied) != 1 {
		t.Errorf("got %q, %d applied", out, len(applied))
	}
}

func TestRulesOtherProfiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		paths []string
		want  []string
	}{
		{"hugo toml in a subfolder", map[string]string{
			"site/hugo.toml":          "title = 'x'\n",
			"site/data/tags.yaml":     "news: {}\nevents: {}\n",
			"site/data/authors.toml":  "[alice]\nname = 'Alice'\n",
			"site/content/posts/a.md": "+++\ntitle = \"A\"\ndate = \"2026-13-01\"\ntags = [\"event\"]\nauthors = [\"alice\"]\n+++\n\nText without a more marker, which Hugo summarises by itself.\n",
		}, []string{"site/content/posts/a.md"}, []string{
			`site/content/posts/a.md:3:8: error date-format: "date": "2026-13-01" is not a date; write it as 2006-01-02, 2006-01-02T15:04:05 or 2006-01-02T15:04:05+01:00`,
			`site/content/posts/a.md:4:8: warning unknown-tag: unknown tag "event": it is not in site/data/tags.yaml; did you mean "events"?`,
		}},
		{"jekyll", map[string]string{
			"_config.yml":            "title: x\n",
			"_data/authors.yml":      "alice:\n  name: Alice\n",
			"_posts/2026-02-05-x.md": "---\nlayout: post\ntitle: X\ndate: 2026-02-05 10:00:00 +0000\nauthor: [alice, bob]\npublished: true\n---\n\nText.\n",
		}, []string{"_posts/2026-02-05-x.md"}, []string{
			`_posts/2026-02-05-x.md:5:17: warning unknown-author: unknown author "bob": it is not in _data/authors.yml`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range tt.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			var got []string
			for _, f := range runRules(t, fsys, tt.paths...) {
				got = append(got, f.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestNothingInCode: text rules never report inside code spans, code
// blocks, HTML comments, raw HTML or URLs; the same slips in prose are
// reported.
func TestNothingInCode(t *testing.T) {
	const post = "blog/2026/02-x/index.md"
	body := fm + "Use `the the TODO: policitical` here.\n\n" +
		"```sh\necho the the TODO: policitical\n```\n\n" +
		"    indented the the TODO: policitical\n\n" +
		"<!-- the the TODO: policitical -->\n\n" +
		"<div title=\"the the TODO:\">x</div>\n\n" +
		"See https://example.com/the/the/TODO/policitical and <https://example.com/the the>.\n\n" +
		"[link](https://example.com/policitical \"the the\")\n\n" +
		"In prose: the the policitical. TODO: finish this.\n"
	var got []string
	for _, f := range runRules(t, testSite(map[string]string{post: body}), post) {
		switch f.Rule {
		case RuleRepeatedWord, RuleMisspelling, RulePlaceholder:
			got = append(got, fmt.Sprintf("%d %s", f.Line, f.Rule))
		}
	}
	want := []string{"24 misspelling", "24 placeholder", "24 repeated-word"}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("text findings (-want +got):\n%s", diff)
	}
}

// TestCheckChange: the posts a change adds are new (date-backdated), the
// posts it only moves are not, and the configuration's findings come once.
func TestCheckChange(t *testing.T) {
	ctx := context.Background()
	const (
		added = "blog/2025/02-added/index.md"
		moved = "blog/2025/02-moved/index.md"
	)
	old := "---\ntitle: T\ndate: 2025-02-03\n---\n"
	site, err := content.LoadSite(ctx, testSite(map[string]string{
		".herald.yml": "version: 1\nrules:\n  no-such-rule: {severity: off}\n",
		added:         old,
		moved:         old,
	}))
	if err != nil {
		t.Fatal(err)
	}
	c := New(site.Config, WithNow(func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }))
	// moved is in both lists: it counts as moved.
	fs, err := c.CheckChange(ctx, site, []string{added, moved}, []string{moved})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		if f.Rule == RuleDateBackdated || f.Rule == RuleInvalidConfig {
			got = append(got, f.Path+" "+f.Rule)
		}
	}
	want := []string{".herald.yml " + RuleInvalidConfig, added + " " + RuleDateBackdated}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
