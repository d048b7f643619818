package check

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The expressions the scanners of scan.go replace, as the oracle.
var (
	htmlIDOracle      = regexp.MustCompile(`(?i)\b(?:id|name)\s*=\s*["']([^"']+)["']`)
	mdxExprOracle     = regexp.MustCompile(`\{[^{}\n#][^{}\n]{0,199}\}`)
	kramdownIALOracle = regexp.MustCompile(`\{:[^}\n]{0,200}\}`)
	mdxESMOracle      = regexp.MustCompile(`(?m)^(?:import|export)\s.*$`)
	scannerEdgeCases  = []string{
		"", "{", "}", "{}", "{a}", "{#id}", "{#}", "{{a}}", "{a{b}", "{a\nb}", "{a}b{c}", "{é}", "{\xff}", "{\xffx}",
		"{" + strings.Repeat("a", 199) + "}", "{" + strings.Repeat("a", 200) + "}", "{" + strings.Repeat("a", 201) + "}",
		"{" + strings.Repeat("é", 200) + "}", "{" + strings.Repeat("é", 201) + "}", "{" + strings.Repeat("\xff", 200) + "}",
		"{:}", "{: .note}", "{:toc}", "{::options /}", "{:{x}}", "{:a\n}", "{:" + strings.Repeat("b", 200) + "}",
		"{:" + strings.Repeat("b", 201) + "}", "{:" + strings.Repeat("ü", 200) + "}", "{:" + strings.Repeat("ü", 201) + "}",
		"import x", "import", "import\n", "import\nfoo\nbar", "export default X\nexport const y", " import x", "imports x",
		"x\nimport y\r\nexport\tz", "importx\nimport  a", "export\fq", "export\v",
		`id="a"`, `ID='b'`, `name = "c"`, `xid="d"`, `_id="e"`, `é id="f"`, `id=""`, `id="g'`, `id = 'h` + "\n" + `i'`,
		`id="a" name="b"`, `id=id="c"`, `<h2 Id  =  "x">`, `nAmE='y'`, `id="unclosed`, `id=`, `id`, `name="`,
		`identity="z"`, `id ="é"`, `1id="n"`, `-id="m"`,
	}
)

// TestScanners compares each scanner with the expression it replaces, on
// edge cases and on random text made of the pieces the expressions read.
func TestScanners(t *testing.T) {
	pieces := []string{"{", "}", "#", ":", "\n", " ", "\t", "\r", "\f", "\"", "'", "=", "a", "Z", "_", "0", "é", "\xff",
		"id", "ID", "name", "Name", "import", "export", "{:", "{#", "x", strings.Repeat("q", 60)}
	rng := rand.New(rand.NewPCG(3, 4))
	inputs := slices.Clone(scannerEdgeCases)
	for range 30000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		inputs = append(inputs, b.String())
	}
	spans := func(m [][]int) string { return fmt.Sprint(m) }
	for _, in := range inputs {
		b := []byte(in)
		if got, want := spans(mdxExprSpans(b)), spans(mdxExprOracle.FindAllIndex(b, -1)); got != want {
			t.Errorf("mdxExprSpans(%q) = %s, want %s", in, got, want)
		}
		if got, want := spans(kramdownIALSpans(b)), spans(kramdownIALOracle.FindAllIndex(b, -1)); got != want {
			t.Errorf("kramdownIALSpans(%q) = %s, want %s", in, got, want)
		}
		if got, want := spans(mdxESMSpans(b)), spans(mdxESMOracle.FindAllIndex(b, -1)); got != want {
			t.Errorf("mdxESMSpans(%q) = %s, want %s", in, got, want)
		}
		var got, want []string
		htmlIDs(b, func(v []byte) { got = append(got, string(v)) })
		for _, m := range htmlIDOracle.FindAllSubmatch(b, -1) {
			want = append(want, string(m[1]))
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("htmlIDs(%q) = %q, want %q", in, got, want)
		}
	}
}
