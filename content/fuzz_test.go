package content

import (
	"testing"
	"time"
)

// FuzzParsePost feeds arbitrary bytes to the front-matter parser: it must
// never panic, and every position it reports must lie inside the file.
func FuzzParsePost(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: Hello\ndate: 2026-02-03T11:00:00+02:00\ntags: [a, b]\n---\nbody\n",
		"+++\ntitle = \"x\"\ndate = 2026-01-01T00:00:00Z\n[params]\na = 1\n+++\nbody",
		"---\na: &a [1,2]\nb: [*a,*a]\n---\n",
		"---\n- a\n---\n",
		"---\ntitle: [\n---\n",
		"\n\n---\ntitle: x\n",
	} {
		f.Add([]byte(s))
	}
	prof, _ := ProfileByName("docusaurus")
	f.Fuzz(func(t *testing.T, data []byte) {
		p := ParsePost("blog/x.md", data, prof, time.UTC)
		check := func(pos Pos) {
			if pos.Offset < 0 || pos.Offset > len(data) || pos.Line < 1 || pos.Column < 1 {
				t.Fatalf("position %+v outside a file of %d bytes", pos, len(data))
			}
		}
		for _, pr := range p.Problems {
			check(pr.Pos)
		}
		for _, fl := range p.FrontMatter.Fields {
			check(fl.KeyPos)
			check(fl.Value.Pos)
			if fl.Value.TextStart >= 0 && (fl.Value.TextEnd > len(data) || string(data[fl.Value.TextStart:fl.Value.TextEnd]) != fl.Value.Text) {
				t.Fatalf("value span [%d,%d) does not spell %q", fl.Value.TextStart, fl.Value.TextEnd, fl.Value.Text)
			}
		}
		if p.BodyStart < 0 || p.BodyStart > len(data) {
			t.Fatalf("body start %d", p.BodyStart)
		}
	})
}

// FuzzDecodeConfig: any .herald.yml gives a usable configuration.
func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte("version: 1\ntimezone: Europe/Berlin\nrules:\n  misspelling: {severity: info}\n"))
	f.Add([]byte("rules: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _ := DecodeConfig(data)
		if cfg == nil || cfg.Timezone == nil || cfg.Rules == nil {
			t.Fatal("unusable configuration")
		}
	})
}
