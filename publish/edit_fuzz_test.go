package publish_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/publish"
)

// FuzzDraftFlipEdits checks that, for any post, a draft flip either fails
// with an error or changes bytes on one line per edited field only, and the
// result reads as published.
func FuzzDraftFlipEdits(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: A\ndraft: true\n---\nBody\n",
		"+++\ntitle = \"A\"\ndraft = true\n+++\n",
		"---\npublished: false\ndraft: true # x\n---\n",
		"---\ndraft: 'true'\n---\n",
		"---\ndraft: !!bool true\n---\n",
	} {
		f.Add(s)
	}
	profs := map[string]*content.Profile{}
	for _, name := range []string{"docusaurus", "hugo", "jekyll"} {
		p, err := content.ProfileByName(name)
		if err != nil {
			f.Fatal(err)
		}
		profs[name] = p
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, prof := range profs {
			post := content.ParsePost("blog/a.md", []byte(src), prof, time.UTC)
			edits, err := publish.DraftFlipEdits(post, prof, time.UTC)
			if err != nil {
				continue
			}
			out, err := content.ApplyEdits([]byte(src), edits)
			if err != nil {
				t.Fatalf("%s: edits do not apply: %v", prof.Name, err)
			}
			a, b := strings.Split(src, "\n"), strings.Split(string(out), "\n")
			if len(a) != len(b) {
				t.Fatalf("%s: line count changed", prof.Name)
			}
			changed := 0
			for i := range a {
				if a[i] != b[i] {
					changed++
				}
			}
			if changed == 0 || changed > len(edits) {
				t.Fatalf("%s: %d lines changed by %d edits", prof.Name, changed, len(edits))
			}
			if content.ParsePost("blog/a.md", out, prof, time.UTC).Draft {
				t.Fatalf("%s: still a draft", prof.Name)
			}
		}
	})
}

// FuzzDateEdit checks that a date edit, when it succeeds, reads back as the
// time asked for and leaves every other line as it was.
func FuzzDateEdit(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: A\ndate: 2026-02-01\n---\n",
		"---\ndate: \"2026-02-01 10:00\" # c\n---\n",
		"+++\ndate = 2026-02-01T10:00:00Z\n+++\n",
		"---\ntitle: A\n---\n",
	} {
		f.Add(s)
	}
	prof, err := content.ProfileByName("docusaurus")
	if err != nil {
		f.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		post := content.ParsePost("blog/a.md", []byte(src), prof, time.UTC)
		e, err := publish.DateEdit(post, prof, at, nil, time.UTC)
		if err != nil {
			return
		}
		out, err := content.ApplyEdits([]byte(src), []content.Edit{e})
		if err != nil {
			t.Fatalf("the edit does not apply: %v", err)
		}
		if got := content.ParsePost("blog/a.md", out, prof, time.UTC); !got.Date.Equal(at) {
			t.Fatalf("reads back as %v", got.Date)
		}
		if e.Start != e.End && strings.Contains(src[e.Start:e.End], "\n") {
			t.Fatalf("the edit spans lines: %q", src[e.Start:e.End])
		}
	})
}
