package check

import (
	"bytes"
	"regexp"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/internal/substr"
)

// syntax is the template language a site generator runs over a post
// before (or while) it reads the Markdown.
type syntax int

const (
	syntaxNone syntax = iota
	// syntaxHugo: shortcodes {{< name >}} and {{% name %}}. Hugo puts a
	// placeholder token in their place, reads the Markdown, then puts the
	// output back (https://gohugo.io/content-management/shortcodes/).
	syntaxHugo
	// syntaxLiquid: Jekyll renders Liquid ({{ output }}, {% tag %})
	// before Markdown (https://jekyllrb.com/docs/liquid/); tags render to
	// nothing, outputs to text.
	syntaxLiquid
	// syntaxMDX: Docusaurus compiles posts as MDX unless format: md says
	// otherwise (https://docusaurus.io/docs/markdown-features/react):
	// {/* comments */} and import/export lines are not text.
	syntaxMDX
)

// postSyntax is the template language of post p on site.
func postSyntax(site *content.Site, p *content.Post) syntax {
	if site == nil || site.Profile == nil {
		return syntaxNone
	}
	switch site.Profile.Name {
	case "hugo":
		return syntaxHugo
	case "jekyll":
		return syntaxLiquid
	case "docusaurus":
		if f, ok := p.FrontMatter.Field("format"); ok && f.Value.Text == "md" {
			return syntaxNone
		}
		return syntaxMDX
	}
	return syntaxNone
}

// maxSpan bounds a template span: an opening without its close within it
// is text, as a scan that must stay linear in the post's size reads it.
const maxSpan = 1000

// delimited returns the spans [open ... close] of body, the shortest from
// each opening, at most maxSpan bytes, not overlapping; in one pass, so a
// post of nothing but openings costs what its length does.
func delimited(body []byte, open, close string) [][]int {
	var out [][]int
	next := -1 // the next close at or after the search point, or len(body)
	for i := 0; i < len(body); {
		k := bytes.Index(body[i:], []byte(open))
		if k < 0 {
			break
		}
		i += k
		from := i + len(open)
		if next < from {
			if c := bytes.Index(body[from:], []byte(close)); c >= 0 {
				next = from + c
			} else {
				next = len(body)
			}
		}
		if next < len(body) && next+len(close)-i <= maxSpan {
			out = append(out, []int{i, next + len(close)})
			i = next + len(close)
			continue
		}
		i = from
	}
	return out
}

// The other template spans, bounded so that no scan is quadratic.
var (
	liquidRawRE = regexp.MustCompile(`(?s)\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}`)
	// The MDX import and export lines (mdxESMSpans), and an MDX expression
	// on one line ({props.version}, mdxExprSpans): its output is text
	// nobody can know from the source. A heading ID ({#custom-id}) is
	// Docusaurus syntax, read before MDX. A kramdown attribute list or
	// extension ({: .note}, {:toc}, {::options ... /}, kramdownIALSpans),
	// which Jekyll's default Markdown reader
	// (https://kramdown.gettalong.org/syntax.html#attribute-list-definitions)
	// turns into attributes, never text.
	// templatedDefRE is a link reference definition whose label a
	// template writes ([{{ item.id }}]: ...): the labels it defines cannot
	// be known.
	templatedDefRE = regexp.MustCompile(`(?m)^ {0,3}\[[^\]\n]*(?:\{\{|\{%)[^\]\n]*\]:`)
)

// maskTemplates returns body with the template spans of syntax s
// overwritten byte for byte, so that goldmark reads what the generator's
// Markdown reader reads and every offset stays the file's: output that
// stays in the text becomes x (a token, as Hugo's placeholder), what
// renders to nothing becomes spaces. Line breaks are kept. spans are the
// overwritten ranges as file offsets (body starts at base); the text
// rules skip them. generatedDefs reports link reference definitions
// written by a template.
func maskTemplates(body []byte, base int, s syntax) (masked []byte, spans [][2]int, generatedDefs bool) {
	masked = body
	copied := false
	fill := func(start, end int, c byte) {
		if !copied {
			masked, copied = bytes.Clone(body), true
		}
		for i := start; i < end; i++ {
			if masked[i] != '\n' && masked[i] != '\r' {
				masked[i] = c
			}
		}
		spans = append(spans, [2]int{base + start, base + end})
	}
	switch s {
	case syntaxHugo:
		if !bytes.Contains(body, []byte("{{")) {
			return body, nil, false
		}
		for _, d := range [][2]string{{"{{<", ">}}"}, {"{{%", "%}}"}} {
			for _, m := range delimited(body, d[0], d[1]) {
				fill(m[0], m[1], 'x')
			}
		}
	case syntaxLiquid:
		if !bytes.Contains(body, []byte("{{")) && !bytes.Contains(body, []byte("{%")) {
			return body, nil, false
		}
		var raw [][]int
		if bytes.Contains(body, []byte("raw")) { // what every match holds, found far faster
			raw = liquidRawRE.FindAllIndex(body, -1)
		}
		inRaw := func(m []int) bool {
			for _, r := range raw {
				if m[0] >= r[0] && m[1] <= r[1] && !(m[0] == r[0] || m[1] == r[1]) {
					return true
				}
			}
			return false
		}
		for _, m := range delimited(body, "{%", "%}") {
			if !inRaw(m) {
				fill(m[0], m[1], ' ')
			}
		}
		for _, m := range delimited(body, "{{", "}}") {
			if !inRaw(m) && masked[m[0]] == '{' {
				fill(m[0], m[1], 'x')
			}
		}
		if bytes.Contains(body, []byte("{:")) {
			for _, m := range kramdownIALSpans(body) {
				fill(m[0], m[1], ' ')
			}
		}
		generatedDefs = bytes.Contains(body, []byte("]:")) && templatedDefRE.Match(body)
	case syntaxMDX:
		hasComment := bytes.Contains(body, []byte("{/*"))
		// The import and export lines, looked for only at line starts
		// (a body's words hold "import " far more often); they count when
		// the body spells import or export with a space somewhere, as
		// they always have.
		esm := mdxESMSpans(body)
		hasESM := len(esm) > 0 && (substr.ContainsBytes(body, "import ") || substr.ContainsBytes(body, "export "))
		hasExpr := bytes.IndexByte(body, '{') >= 0
		if !hasComment && !hasESM && !hasExpr {
			return body, nil, false
		}
		fences := fencedRanges(body)
		inFence := func(off int) bool {
			for _, f := range fences {
				if off >= f[0] && off < f[1] {
					return true
				}
			}
			return false
		}
		if hasComment {
			for _, m := range delimited(body, "{/*", "*/}") {
				if !inFence(m[0]) {
					fill(m[0], m[1], ' ')
				}
			}
		}
		if hasESM {
			for _, m := range esm {
				if !inFence(m[0]) {
					fill(m[0], m[1], ' ')
				}
			}
		}
		if hasExpr {
			for _, m := range mdxExprSpans(masked) {
				if !inFence(m[0]) && !inCodeSpan(body, m[0]) {
					fill(m[0], m[1], 'x')
				}
			}
		}
	}
	return masked, spans, generatedDefs
}

// inCodeSpan reports whether off lies in a `code span` of its line (an
// odd number of backticks before it on the line): MDX leaves braces in
// code alone.
func inCodeSpan(body []byte, off int) bool {
	start := bytes.LastIndexByte(body[:off], '\n') + 1
	return bytes.Count(body[start:off], []byte("`"))%2 == 1
}

// fencedRanges returns the byte ranges of fenced code blocks (``` and
// ~~~), found line by line; an unclosed fence runs to the end.
func fencedRanges(body []byte) [][2]int {
	var out [][2]int
	open, start := "", 0
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off + 1
		}
		// One byte to trim: bytes.TrimLeft's own loop, no set built.
		line := bytes.TrimLeft(body[off:end], " ")
		switch {
		case open == "" && (bytes.HasPrefix(line, []byte("```")) || bytes.HasPrefix(line, []byte("~~~"))):
			open, start = string(line[:3]), off
		case open != "" && bytes.HasPrefix(line, []byte(open)):
			out = append(out, [2]int{start, end})
			open = ""
		}
		off = end
	}
	if open != "" {
		out = append(out, [2]int{start, len(body)})
	}
	return out
}

// original returns the bytes of body where b lies in masked (a copy of
// body made by maskTemplates): goldmark hands out slices of the source it
// read, and a link's destination must be read from the file, templates
// included.
func original(masked, body, b []byte) string {
	if len(b) == 0 || len(masked) == 0 || &masked[0] == &body[0] {
		return string(b)
	}
	if off := cap(masked) - cap(b); off >= 0 && off+len(b) <= len(masked) && &masked[off] == &b[0] {
		return string(body[off : off+len(b)])
	}
	return string(b) // goldmark built it (escapes): no template in it to find
}
