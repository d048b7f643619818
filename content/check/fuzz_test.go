package check

import (
	"context"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/heraldhq/herald/content"
)

// FuzzCheck runs every rule on arbitrary posts: no panic, every finding
// inside the file, every fix applicable.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: x\ntags: [news, News]\n---\n\nsee (docs)[https://example.com] and [https://x.dev/]\n\n## A\n\n#### B\n\n![](./missing.png)\n",
		"---\ntitle: x\n---\n```go\nfunc main() {}\n",
		"the the cafÃ© \u202e zero\u200bwidth TODO",
		"---\ntitle: x\ndate: 2026-03-29 02:30\n---\n[a](#nowhere)",
		"---\ntitle: x\n---\n[ga]: {{< relref x >}}\n{% for r in x %}[{{ r.id }}]: {{ r.url }}{% endfor %}\n{/* TODO */}\nimport X from 'y'\n{: .note}\n",
		"- - - - > > 1. [[[a](((b)))]] {{% x %}} {#id} {expr}",
	} {
		f.Add([]byte(s))
	}
	// One site of each generator: each reads the post through its own
	// templates (Liquid, shortcodes, MDX).
	type target struct {
		site *content.Site
		c    *Checker
		path string
	}
	var targets []target
	for _, s := range []struct {
		fsys fstest.MapFS
		path string
	}{
		{fstest.MapFS{"docusaurus.config.js": {Data: nil}, "blog/authors.yml": {Data: []byte("a: {}\n")}}, "blog/x.md"},
		{fstest.MapFS{"hugo.toml": {Data: []byte("[permalinks]\nblog = '/:year/:slug/'\n")}}, "content/blog/x.md"},
		{fstest.MapFS{"_config.yml": {Data: []byte("permalink: /:title/\n")}}, "_posts/2026-01-02-x.md"},
	} {
		site, err := content.LoadSite(context.Background(), s.fsys)
		if err != nil {
			f.Fatal(err)
		}
		targets = append(targets, target{site, New(site.Config), s.path})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, tg := range targets {
			fuzzOne(t, tg.c, tg.site, tg.path, data)
		}
	})
}

func fuzzOne(t *testing.T, c *Checker, site *content.Site, path string, data []byte) {
	{
		post := content.ParsePost(path, data, site.Profile, site.Location())
		fs := c.Check(context.Background(), site, post)
		for _, fd := range fs {
			if fd.Line < 1 || fd.Column < 1 {
				t.Fatalf("bad position: %s", fd)
			}
			if fd.Fix != nil {
				for _, e := range fd.Fix.Edits {
					if e.Start < 0 || e.End < e.Start || e.End > len(data) {
						t.Fatalf("bad edit %+v in %s", e, fd)
					}
				}
			}
		}
		out, _ := ApplyFixes(data, fs)
		if utf8.Valid(data) && !utf8.Valid(out) {
			t.Fatalf("fixes broke UTF-8: %q -> %q", data, out)
		}
	}
}
