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
	} {
		f.Add([]byte(s))
	}
	fsys := fstest.MapFS{"docusaurus.config.js": {Data: nil}, "blog/authors.yml": {Data: []byte("a: {}\n")}}
	site, err := content.LoadSite(context.Background(), fsys)
	if err != nil {
		f.Fatal(err)
	}
	c := New(site.Config)
	f.Fuzz(func(t *testing.T, data []byte) {
		post := content.ParsePost("blog/x.md", data, site.Profile, site.Location())
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
	})
}
