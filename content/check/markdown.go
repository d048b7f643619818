package check

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/internal/substr"
	"github.com/heraldhq/herald/content/prose"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// textRun is a stretch of prose that is contiguous in the file.
type textRun struct {
	start int    // byte offset in the file
	text  []byte // the file's bytes [start, start+len(text)), not a copy
}

type linkRef struct {
	dest  string
	start int // byte offset of "[" or "![" in the file (best effort)
	image bool
	alt   string
}

type heading struct {
	level int
	start int
	id    string
}

// doc is a post parsed once and shared by every rule.
type doc struct {
	rawRuns  []textRun // prose, URLs included
	runs     []textRun // prose without URLs: what the text rules read
	links    []linkRef
	headings []heading
	// linkWords are link texts that their own address spells (a
	// contributor's handle linked to their profile): names, not slips.
	linkWords []string
	// generatedDefs reports link reference definitions written by a
	// template: references to labels not defined may be defined by it.
	generatedDefs bool
	// firstParaEnd is the file offset of the end of the first paragraph's
	// text (before its line break), -1 when the post has none.
	firstParaEnd int
}

// newDoc returns an empty doc, with the slices of one that a check
// released when there is one: a doc's slices take half of what a check
// allocates beside goldmark, and they are the same size from post to post.
func (c *Checker) newDoc() *doc {
	d, _ := c.docs.Get().(*doc)
	if d == nil {
		// Room for the runs, links and headings of a typical post, so the
		// slices do not grow step by step.
		return &doc{rawRuns: make([]textRun, 0, 128), links: make([]linkRef, 0, 32), headings: make([]heading, 0, 16), firstParaEnd: -1}
	}
	return d
}

// releaseDoc hands d back to newDoc once no rule reads it. Nothing a check
// returns refers to d's slices: findings copy what they say of it.
func (c *Checker) releaseDoc(d *doc) {
	// Drop what d refers to (the post's bytes, link strings), so a doc
	// waiting in the pool keeps no post alive.
	clear(d.rawRuns)
	clear(d.runs)
	clear(d.links)
	clear(d.headings)
	clear(d.linkWords)
	*d = doc{rawRuns: d.rawRuns[:0], runs: d.runs[:0], links: d.links[:0], headings: d.headings[:0], linkWords: d.linkWords[:0], firstParaEnd: -1}
	c.docs.Put(d)
}

// words counts the words of the prose, stopping at limit.
func (d *doc) words(limit int) int {
	n := 0
	for _, r := range d.rawRuns {
		if n >= limit {
			break
		}
		n += countWords(r.text)
	}
	return n
}

var (
	urlRE   = regexp.MustCompile(`(?:https?|ftp)://[^\s<>\]\)]+|www\.[A-Za-z0-9-]+\.[^\s<>\]\)]+`)
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// parse parses the Markdown body of p once.
func (c *Checker) parse(p *content.Post, s syntax) *doc {
	file := p.Body()
	base := p.BodyStart
	// goldmark reads the body as the generator's Markdown reader sees it,
	// templates masked; prose and destinations are cut from the file.
	body, templateSpans, generatedDefs := maskTemplates(file, base, s)
	root := c.md.Parser().Parse(text.NewReader(body))
	d := c.newDoc()
	d.generatedDefs = generatedDefs
	// Runs are slices of the file, not copies: the text rules read them
	// once, joined into one string (see proseIssues).
	raw := p.Raw
	curStart, curEnd := -1, -1
	flush := func() {
		if curStart >= 0 && curEnd > curStart {
			d.rawRuns = append(d.rawRuns, textRun{start: curStart, text: raw[curStart:curEnd]})
		}
		curStart, curEnd = -1, -1
	}
	addSeg := func(s, e int) {
		if e <= s {
			return
		}
		if curStart >= 0 {
			if s >= curEnd && isBlank(p.Raw[curEnd:s]) {
				curEnd = e
				return
			}
			flush()
		}
		curStart, curEnd = s, e
	}
	ids := map[string]int{}
	var textBuf []byte // a link's text, reused from link to link
	walk(root, func(n ast.Node, entering bool) ast.WalkStatus {
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *ast.RawHTML, *ast.AutoLink:
			if entering {
				flush()
			}
			return ast.WalkSkipChildren
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			flush()
			if p, ok := n.(*ast.Paragraph); ok && entering && d.firstParaEnd < 0 && n.Parent() != nil && n.Parent().Kind() == ast.KindDocument && p.Lines().Len() > 0 {
				end := p.Lines().At(p.Lines().Len() - 1).Stop
				for end > 0 && (body[end-1] == '\n' || body[end-1] == '\r') {
					end--
				}
				d.firstParaEnd = base + end
			}
		case *ast.Text:
			if entering {
				seg := n.Segment
				addSeg(base+seg.Start, base+seg.Stop)
			}
		case *ast.Link:
			if entering {
				flush()
				dest := original(body, file, n.Destination)
				d.links = append(d.links, linkRef{dest: dest, start: c.nodeStart(p, n, body, base, n.Destination, false)})
				// [slorber](https://github.com/slorber): a handle or name,
				// spelled as the address spells it.
				textBuf = appendNodeText(textBuf[:0], n, body)
				if t := textBuf; len(t) > 2 && bytes.IndexByte(t, ' ') < 0 && bytes.IndexByte(t, '\t') < 0 && containsLower(dest, t) {
					d.linkWords = append(d.linkWords, string(t))
				}
			} else {
				flush()
			}
		case *ast.Image:
			if entering {
				flush()
				dest := original(body, file, n.Destination)
				d.links = append(d.links, linkRef{dest: dest, image: true, alt: nodeText(n, body),
					start: c.nodeStart(p, n, body, base, n.Destination, true)})
			} else {
				flush()
			}
		}
		if h, ok := n.(*ast.Heading); ok && entering {
			id := ""
			if v, ok := h.AttributeString("id"); ok {
				if b, ok := v.([]byte); ok {
					id = string(b)
				}
			}
			if id == "" {
				textBuf = appendNodeText(textBuf[:0], h, body)
				id = slugify(textBuf)
				if k := ids[id]; k > 0 {
					ids[id] = k + 1
					id = fmt.Sprintf("%s-%d", id, k)
				} else {
					ids[id] = 1
				}
			}
			start := base
			if h.Lines().Len() > 0 {
				// The start of the heading's line, where its # marks are.
				start = base + h.Lines().At(0).Start
				for start > base && p.Raw[start-1] != '\n' {
					start--
				}
			}
			d.headings = append(d.headings, heading{level: h.Level, start: start, id: id})
		}
		return ast.WalkContinue
	})
	flush()
	if cut := append(templateCode(file, base), templateSpans...); len(cut) > 0 {
		sort.Slice(cut, func(i, j int) bool { return cut[i][0] < cut[j][0] })
		d.rawRuns = cutRuns(d.rawRuns, cut)
	}
	// Split runs around URLs and e-mail addresses.
	if n := len(d.rawRuns) + len(d.rawRuns)/4; cap(d.runs) < n {
		d.runs = make([]textRun, 0, n)
	}
	for _, r := range d.rawRuns {
		var locs [][]int
		if bytes.Contains(r.text, []byte("://")) || substr.ContainsBytes(r.text, "www.") {
			locs = urlRE.FindAllIndex(r.text, -1)
		}
		if bytes.IndexByte(r.text, '@') >= 0 {
			locs = append(locs, emailRE.FindAllIndex(r.text, -1)...)
			sort.Slice(locs, func(i, j int) bool { return locs[i][0] < locs[j][0] })
		}
		prev := 0
		for _, l := range locs {
			if l[0] < prev {
				continue // overlaps the previous match
			}
			if l[0] > prev {
				d.runs = append(d.runs, textRun{start: r.start + prev, text: r.text[prev:l[0]]})
			}
			prev = l[1]
		}
		if prev < len(r.text) {
			d.runs = append(d.runs, textRun{start: r.start + prev, text: r.text[prev:]})
		}
	}
	return d
}

// templateBlock is a kind of template block whose body is code: the
// pattern of its opening tag (the block's name in group 1), and the
// pattern of the closing tag of each name the opening pattern allows.
type templateBlock struct {
	marker string // the opening tag starts with it; a body without it is skipped
	open   *regexp.Regexp
	close  map[string]*regexp.Regexp
}

// templateBlocks are the template blocks templateCode cuts out:
//   - Hugo shortcodes: {{< highlight go >}}, {{% code lang="sh" %}}, and
//     {{< comment >}} (Docsy's, whose body is never rendered).
//   - Jekyll (Liquid) blocks whose body is code or not text:
//     {% highlight ruby %}, {% raw %}, {% comment %}.
var templateBlocks = []templateBlock{
	newTemplateBlock("{{", `\{\{[<%]-?\s*(highlight|code|codeblock|mermaid|chart|comment)\b[^}]*?[>%]\}\}`,
		`\{\{[<%]-?\s*/\s*NAME\s*-?[>%]\}\}`, "highlight", "code", "codeblock", "mermaid", "chart", "comment"),
	newTemplateBlock("{%", `\{%-?\s*(highlight|raw|comment)\b[^%]*?-?%\}`,
		`\{%-?\s*endNAME\s*-?%\}`, "highlight", "raw", "comment"),
}

// newTemplateBlock compiles the patterns of a templateBlock; closeRE holds
// NAME where each of names goes.
func newTemplateBlock(marker, openRE, closeRE string, names ...string) templateBlock {
	b := templateBlock{marker: marker, open: regexp.MustCompile(openRE), close: map[string]*regexp.Regexp{}}
	for _, n := range names {
		b.close[n] = regexp.MustCompile(strings.ReplaceAll(closeRE, "NAME", n))
	}
	return b
}

// templateCode returns the byte ranges (file offsets, body starting at
// base) of the bodies of Hugo shortcodes and Liquid blocks that hold code,
// tags included: goldmark reads them as paragraphs, the text rules must not.
// A block that is never closed runs to the end of the body, as the
// generators read it.
func templateCode(body []byte, base int) [][2]int {
	var out [][2]int
	for _, b := range templateBlocks {
		if !bytes.Contains(body, []byte(b.marker)) {
			continue
		}
		for off := 0; off < len(body); {
			m := b.open.FindSubmatchIndex(body[off:])
			if m == nil {
				break
			}
			start, from := off+m[0], off+m[1]
			end := len(body)
			if c := b.close[string(body[off+m[2]:off+m[3]])].FindIndex(body[from:]); c != nil {
				end = from + c[1]
			}
			out = append(out, [2]int{base + start, base + end})
			off = end
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// cutRuns removes the byte ranges cut (sorted by start) from runs.
func cutRuns(runs []textRun, cut [][2]int) []textRun {
	out := make([]textRun, 0, len(runs))
	for _, r := range runs {
		s, e := r.start, r.start+len(r.text)
		for _, c := range cut {
			if c[1] <= s || c[0] >= e {
				continue
			}
			if c[0] > s {
				out = append(out, textRun{start: s, text: r.text[s-r.start : c[0]-r.start]})
			}
			s = min(max(s, c[1]), e)
		}
		if s < e {
			out = append(out, textRun{start: s, text: r.text[s-r.start:]})
		}
	}
	return out
}

// nodeStart finds the byte offset of a link's "[" (or an image's "!["):
// from its first text child when it has one, else by searching for the
// destination in the enclosing block.
func (c *Checker) nodeStart(p *content.Post, n ast.Node, body []byte, base int, dest []byte, image bool) int {
	for ch := n.FirstChild(); ch != nil; ch = ch.FirstChild() {
		if t, ok := ch.(*ast.Text); ok {
			s := t.Segment.Start - 1
			if image {
				s--
			}
			return base + max(s, 0)
		}
	}
	blk := n.Parent()
	for blk != nil && blk.Type() != ast.TypeBlock {
		blk = blk.Parent()
	}
	if blk != nil && blk.Lines().Len() > 0 {
		from := blk.Lines().At(0).Start
		to := blk.Lines().At(blk.Lines().Len() - 1).Stop
		if i := indexLinkDest(body[from:to], dest); i >= 0 {
			j := bytes.LastIndexByte(body[from:from+i], '[')
			if j >= 0 {
				if image && j > 0 && body[from+j-1] == '!' {
					j--
				}
				return base + from + j
			}
		}
		return base + from
	}
	return base
}

// indexLinkDest returns the index in b of "](" followed by dest, or -1.
func indexLinkDest(b, dest []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("]("))
		if i < 0 {
			return -1
		}
		i += off
		if bytes.HasPrefix(b[i+2:], dest) {
			return i
		}
		off = i + 1
	}
}

func nodeText(n ast.Node, src []byte) string {
	return string(appendNodeText(nil, n, src))
}

// appendNodeText appends the text of the Text and String nodes under n.
func appendNodeText(dst []byte, n ast.Node, src []byte) []byte {
	walk(n, func(c ast.Node, entering bool) ast.WalkStatus {
		if !entering {
			return ast.WalkContinue
		}
		switch t := c.(type) {
		case *ast.Text:
			dst = append(dst, t.Segment.Value(src)...)
		case *ast.String:
			dst = append(dst, t.Value...)
		}
		return ast.WalkContinue
	})
	return dst
}

// walk calls fn for each node of the tree under root in document order as
// ast.Walk does (entering a node, then its children unless fn returns
// ast.WalkSkipChildren, then leaving it), in a loop rather than by
// recursion. fn never stops the walk.
func walk(root ast.Node, fn func(n ast.Node, entering bool) ast.WalkStatus) {
	n := root
	for {
		if fn(n, true) != ast.WalkSkipChildren {
			if c := n.FirstChild(); c != nil {
				n = c
				continue
			}
		}
		for {
			fn(n, false)
			if n == root {
				return
			}
			if s := n.NextSibling(); s != nil {
				n = s
				break
			}
			n = n.Parent()
		}
	}
}

// containsLower reports whether the lower case of s holds the lower case
// of sub, as strings.Contains(strings.ToLower(s), strings.ToLower(string(sub)))
// does, without the copies when both are ASCII and short.
func containsLower(s string, sub []byte) bool {
	ascii, upper := asciiCase(s)
	asciiSub, upperSub := asciiCase(sub)
	switch {
	case !ascii || !asciiSub || len(s) > 256 || len(sub) > 64:
		return strings.Contains(strings.ToLower(s), strings.ToLower(string(sub)))
	case !upper && !upperSub:
		return strings.Contains(s, string(sub))
	}
	var ls [256]byte
	var lsub [64]byte
	for i := 0; i < len(s); i++ {
		ls[i] = lowerASCII(s[i])
	}
	for i, c := range sub {
		lsub[i] = lowerASCII(c)
	}
	return bytes.Contains(ls[:len(s)], lsub[:len(sub)])
}

// asciiCase reports whether s is ASCII, and whether it has a capital.
func asciiCase[S string | []byte](s S) (ascii, upper bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false, upper
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	return true, upper
}

func isASCII[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// slugify makes a heading anchor the way Docusaurus and GitHub do.
func slugify[S string | []byte](s S) string {
	if isASCII(s) {
		// The same as below, byte by byte, in one allocation.
		t := bytes.TrimSpace([]byte(s))
		var buf [64]byte
		b := buf[:0]
		for _, c := range t {
			c = lowerASCII(c)
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_':
				b = append(b, c)
			case c == ' ':
				b = append(b, '-')
			}
		}
		return string(b)
	}
	return slugifyRunes(string(s))
}

// slugifyRunes is slugify character by character, for any text.
func slugifyRunes(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// isFileName reports whether the last segment of a link target names a
// file by its extension (letters and digits with at least one letter, up
// to five characters): "a.png" yes, "/blog/post", "/guide-swift4.2" and
// "page.html" (a page URL) no.
func isFileName(target string) bool {
	ext := path.Ext(target)
	if len(ext) < 2 || len(ext) > 6 || ext == ".html" || ext == ".htm" {
		return false
	}
	letter := false
	for _, c := range ext[1:] {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return letter
}

// countWords counts runs of non-space bytes.
func countWords[S string | []byte](s S) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

var (
	reversedLinkRE = regexp.MustCompile(`\(([^()\[\]\n]+)\)\[((?:https?://|/|\./|\.\./|#)[^\]\s]*)\]`)
	bareBracketRE  = regexp.MustCompile(`\[((?:https?://|www\.)[^\]\s]+)\]`)
	unclosedLinkRE = regexp.MustCompile(`\[[^\[\]\n]*\]\(((?:https?://|/|\./|\.\./|#)[^)\s]*)(?:\s|$)`)
	// undefinedRefRE is a reference link [text][label] left as text: its
	// label has no definition. Not after a word character (a[i][j]).
	undefinedRefRE = regexp.MustCompile(`(?:^|[^\w\]])(\[[^\[\]\n]+\]\[([^\[\]\n]*)\])`)
	spacedLinkRE   = regexp.MustCompile(`\[[^\]\n]+\] \(((?:https?://|/|\./|\.\./)[^)\s]*)\)`)
)

func (r *run) markdown(d *doc) {
	p := r.post
	// Link syntax, over prose with URLs kept.
	for _, run := range d.rawRuns {
		if bytes.IndexByte(run.text, '[') < 0 {
			continue // every link-syntax slip has a bracket
		}
		for _, m := range reversedLinkRE.FindAllSubmatchIndex(run.text, -1) {
			s, e := run.start+m[0], run.start+m[1]
			txt, dest := string(run.text[m[2]:m[3]]), string(run.text[m[4]:m[5]])
			repl := "[" + txt + "](" + dest + ")"
			r.add(RuleLinkSyntax, s, e, &Fix{Description: "swap the brackets: " + repl, Edits: []content.Edit{{Start: s, End: e, NewText: repl}}},
				"reversed link syntax: Markdown links are [text](url), not (text)[url]")
		}
		for _, m := range bareBracketRE.FindAllSubmatchIndex(run.text, -1) {
			if m[1] < len(run.text) && (run.text[m[1]] == '(' || run.text[m[1]] == '[' || run.text[m[1]] == ':') {
				continue
			}
			if m[0] > 0 && run.text[m[0]-1] == ')' {
				continue // the target of a reversed link, reported above
			}
			s, e := run.start+m[0], run.start+m[1]
			u := string(run.text[m[2]:m[3]])
			repl := "<" + u + ">"
			r.add(RuleLinkSyntax, s, e, &Fix{Description: "make it a link: " + repl, Edits: []content.Edit{{Start: s, End: e, NewText: repl}}, Review: true},
				"[%s] has no target, so it renders as text in brackets; write <%s> or [text](%s)", u, u, u)
		}
		// A link goldmark did not parse leaves "](" in the text: the
		// closing parenthesis is missing.
		if bytes.Contains(run.text, []byte("](")) {
			for _, m := range unclosedLinkRE.FindAllSubmatchIndex(run.text, -1) {
				r.add(RuleLinkSyntax, run.start+m[0], run.start+m[3], nil, "this link is never closed, so it renders as text; add ) after %s", run.text[m[2]:m[3]])
			}
		}
		if bytes.Contains(run.text, []byte("][")) && !d.generatedDefs {
			for _, m := range undefinedRefRE.FindAllSubmatchIndex(run.text, -1) {
				label := string(run.text[m[4]:m[5]])
				if label == "" {
					label = string(run.text[m[2]+1 : m[4]-2]) // [text][] uses the text
				}
				r.add(RuleLinkSyntax, run.start+m[2], run.start+m[3], nil,
					"no link reference definition for [%s], so this renders as text; add a line \"[%s]: URL\" or write [text](URL)", label, label)
			}
		}
		for _, m := range spacedLinkRE.FindAllIndex(run.text, -1) {
			s, e := run.start+m[0], run.start+m[1]
			sp := bytes.Index(run.text[m[0]:m[1]], []byte("] (")) + 1 // the space
			fix := &Fix{Description: "remove the space between ] and (", Edits: []content.Edit{{Start: s + sp, End: s + sp + 1}}}
			r.add(RuleLinkSyntax, s, e, fix, "a space between ] and ( breaks the link; remove it")
		}
	}
	r.links(d)
	// Headings.
	prev := 0
	for _, h := range d.headings {
		if prev > 0 && h.level > prev+1 {
			// An ATX heading's #s can be cut to the level wanted; a guess,
			// since the headings below it may need to move too.
			var fix *Fix
			i := h.start
			for i < len(p.Raw) && i-h.start < 3 && p.Raw[i] == ' ' {
				i++
			}
			if strings.HasPrefix(string(p.Raw[i:min(i+h.level+1, len(p.Raw))]), strings.Repeat("#", h.level)) {
				want := strings.Repeat("#", prev+1)
				fix = &Fix{Description: "make it a level " + strconv.Itoa(prev+1) + " heading: " + want, Review: true,
					Edits: []content.Edit{{Start: i, End: i + h.level, NewText: want}}}
			}
			r.add(RuleHeadingJump, h.start, h.start, fix, "heading level %d follows level %d; use level %d", h.level, prev, prev+1)
		}
		prev = h.level
	}
	r.fences()
	// Excerpt marker: Docusaurus shows a post without one in full; Hugo and
	// Jekyll cut a summary, unless the post names its own separator.
	_, ownSeparator := p.FrontMatter.Field("excerpt_separator")
	if minWords := r.c.intOption(RuleMissingExcerptMarker, "min_words", 150); (r.site.Profile.ExcerptRequired || ownSeparator) &&
		r.enabled(RuleMissingExcerptMarker) && len(r.site.Profile.ExcerptMarkers) > 0 && d.words(minWords) >= minWords {
		markers := r.site.Profile.ExcerptMarkers
		if f, ok := p.FrontMatter.Field("excerpt_separator"); ok && f.Value.Text != "" {
			markers = []string{f.Value.Text}
		}
		found := false
		body := p.Body()
		for _, m := range markers {
			if bytes.Contains(body, []byte(m)) {
				found = true
			}
		}
		if !found {
			marker := markers[0]
			if strings.HasSuffix(p.Path, ".mdx") && slices.Contains(markers, "{/* truncate */}") {
				marker = "{/* truncate */}" // MDX 2 has no HTML comments
			}
			var fix *Fix
			if d.firstParaEnd >= 0 {
				nl := "\n"
				if bytes.Contains(p.Raw[:d.firstParaEnd+min(2, len(p.Raw)-d.firstParaEnd)], []byte("\r\n")) {
					nl = "\r\n"
				}
				// Into the blank line after the paragraph when there is one,
				// so the suggestion stands on a line of its own.
				at, text := d.firstParaEnd, nl+nl+marker
				raw := p.Raw
				next := at
				if next < len(raw) && raw[next] == '\r' {
					next++
				}
				if next < len(raw) && raw[next] == '\n' {
					next++
					if e := bytes.IndexByte(raw[next:], '\n'); e >= 0 && isBlank(raw[next:next+e]) {
						at, text = next, nl+marker+nl
					}
				}
				fix = &Fix{Description: "add " + marker + " after the first paragraph", Review: true,
					Edits: []content.Edit{{Start: at, End: at, NewText: text}}}
			}
			r.add(RuleMissingExcerptMarker, p.BodyStart, p.BodyStart, fix, "no excerpt marker: add %s after the first paragraph, or the blog index shows the whole post", marker)
		}
	}
	r.text(d)
}

func (r *run) links(d *doc) {
	p := r.post
	var anchors map[string]bool
	maxKB := r.c.intOption(RuleImageSize, "max_kb", 1024)
	for _, l := range d.links {
		if l.image && strings.TrimSpace(l.alt) == "" {
			r.add(RuleImageAlt, l.start, l.start, nil, "the image %s has no alt text; describe what it shows", l.dest)
		}
		dest := strings.TrimSpace(l.dest)
		if dest == "" {
			continue
		}
		if strings.HasPrefix(dest, "#") {
			if anchors == nil {
				anchors = map[string]bool{}
				for _, h := range d.headings {
					anchors[strings.ToLower(h.id)] = true
				}
				htmlIDs(p.Body(), func(id []byte) { anchors[strings.ToLower(string(id))] = true })
			}
			a, _ := url.PathUnescape(dest[1:])
			if a != "" && !anchors[strings.ToLower(a)] {
				r.add(RuleBrokenRelativeLink, l.start, l.start, nil, "no heading of this post has the anchor #%s", a)
			}
			continue
		}
		if r.linkTarget(l, dest) {
			continue
		}
		if hasScheme(dest) {
			continue // an absolute URL (url.Parse would find its scheme)
		}
		u, err := url.Parse(dest)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(dest, "//") || u.Path == "" {
			continue
		}
		target := u.Path
		if rest, ok := strings.CutPrefix(target, "@site/"); ok && r.site.Profile.Name == "docusaurus" {
			// Docusaurus' alias of the site folder (https://docusaurus.io/docs/markdown-features/links).
			if !r.site.HasFile(siteJoin(r.site, rest)) {
				r.add(RuleBrokenRelativeLink, l.start, l.start, nil, "the %s %s points to %s, which is not in the repository", linkWhat(l), dest, siteJoin(r.site, rest))
			}
			continue
		}
		if strings.Contains(target, "{{") || strings.Contains(target, "%") {
			continue // template or escaped path: cannot decide
		}
		if !isFileName(target) {
			continue // a page URL, not a file: cannot be decided from the tree
		}
		if strings.HasPrefix(target, "/") {
			switch strings.ToLower(path.Ext(target)) {
			case ".md", ".mdx", ".markdown":
				// A site-root link to a Markdown file names a page, which
				// generators resolve through their content folders, render
				// hooks and mounted modules: not decidable from the tree.
				continue
			}
		}
		var candidates []string
		if strings.HasPrefix(target, "/") {
			for _, dir := range r.site.Profile.StaticDirs {
				candidates = append(candidates, siteJoin(r.site, path.Join(dir, target)))
			}
		} else {
			candidates = append(candidates, path.Join(path.Dir(p.Path), target))
			if strings.HasPrefix(target, "../") {
				// Relative to the page URL (Hugo single-file posts): the
				// static folders, with the leading ".." removed.
				rest := target
				for strings.HasPrefix(rest, "../") {
					rest = rest[3:]
				}
				for _, dir := range r.site.Profile.StaticDirs {
					candidates = append(candidates, siteJoin(r.site, path.Join(dir, rest)))
				}
			}
		}
		if r.site.Profile.Name == "hugo" && !strings.HasPrefix(target, "/") && p.URLPath != "" {
			// A Hugo page that is a single file is served at a folder of its
			// own (/blog/post/), which relative links resolve against
			// (https://gohugo.io/content-management/urls/).
			for _, dir := range r.site.Profile.StaticDirs {
				candidates = append(candidates, siteJoin(r.site, path.Join(dir, p.URLPath, target)))
			}
		}
		candidates = append(candidates, r.translationCandidates(target)...)
		found := ""
		for _, cnd := range candidates {
			if strings.HasPrefix(cnd, "../") || cnd == ".." {
				continue
			}
			if r.site.HasFile(cnd) {
				found = cnd
				break
			}
		}
		what := linkWhat(l)
		if found == "" && strings.HasPrefix(target, "/") && r.site.Generator.ExternalStatic {
			continue // a theme or module may serve it: cannot be decided from the tree
		}
		if found == "" {
			if strings.HasPrefix(candidates[0], "..") {
				r.add(RuleBrokenRelativeLink, l.start, l.start, nil, "the %s %s points outside the repository", what, dest)
			} else {
				r.add(RuleBrokenRelativeLink, l.start, l.start, nil, "the %s %s points to %s, which is not in the repository", what, dest, candidates[0])
			}
			continue
		}
		if l.image && r.enabled(RuleImageSize) {
			if fi, err := fs.Stat(r.site.FS, found); err == nil && fi.Size() > int64(maxKB)*1024 {
				r.add(RuleImageSize, l.start, l.start, nil, "the image %s is %d KB (more than %d KB); resize or compress it", found, fi.Size()/1024, maxKB)
			}
		}
	}
}

func linkWhat(l linkRef) string {
	if l.image {
		return "image"
	}
	return "link"
}

// webAddressRE is a relative link target that is a web address without
// its scheme: www.anything, or a first segment ending in a common web
// domain.
var webAddressRE = regexp.MustCompile(`^(?:www\.[A-Za-z0-9-]+\.[A-Za-z0-9.-]+|(?:[A-Za-z0-9-]+\.)+(?:com|org|net|io|dev|gov|edu|info))(?:[/?#:]|$)`)

// linkTarget reports link targets that cannot work as written (see
// RuleLinkTarget) and whether it reported one.
func (r *run) linkTarget(l linkRef, dest string) bool {
	raw := r.post.Raw
	// The destination's place in the file, for the fixes.
	destAt := func() int {
		if l.start >= 0 && l.start < len(raw) {
			if i := bytes.Index(raw[l.start:min(len(raw), l.start+4096)], []byte("]("+dest)); i >= 0 {
				return l.start + i + 2
			}
		}
		return -1
	}
	switch {
	case len(dest) > 2 && dest[0] == '(' && dest[len(dest)-1] == ')' && !strings.ContainsAny(dest[1:len(dest)-1], "()"):
		var fix *Fix
		if at := destAt(); at >= 0 {
			fix = &Fix{Description: "remove the extra parentheses", Edits: []content.Edit{{Start: at, End: at + 1}, {Start: at + len(dest) - 1, End: at + len(dest)}}}
		}
		r.add(RuleLinkTarget, l.start, l.start, fix, "the target %s is in doubled parentheses, so they become part of the address; write (%s)", dest, dest[1:len(dest)-1])
		return true
	case !hasScheme(dest) && webAddressRE.MatchString(dest):
		var fix *Fix
		if at := destAt(); at >= 0 {
			fix = &Fix{Description: "add https://", Review: true, Edits: []content.Edit{{Start: at, End: at, NewText: "https://"}}}
		}
		r.add(RuleLinkTarget, l.start, l.start, fix, "the target %s has no scheme, so it is read as a path on this site; write https://%s", dest, dest)
		return true
	}
	target, _, _ := strings.Cut(dest, "#")
	if ext := strings.ToLower(path.Ext(target)); (ext == ".md" || ext == ".markdown") && !strings.HasPrefix(target, "/") && !hasScheme(target) && !r.resolvesSourceLinks() {
		if p := path.Join(path.Dir(r.post.Path), target); r.site.IsPost(p) {
			r.c.addWarning(r, RuleLinkTarget, r.post.Lines.Pos(l.start),
				"%s links to the source file of a post; %s publishes it at another URL, so the link breaks on the site: link to the post's URL instead", dest, r.site.Profile.Name)
			return true
		}
	}
	return false
}

// resolvesSourceLinks reports whether the site turns links to Markdown
// source files into page URLs: Docusaurus does by itself
// (https://docusaurus.io/docs/markdown-features/links); Jekyll with the
// jekyll-relative-links plugin; Hugo with a render-link hook in the
// repository or a theme, or its own hook, on by default on multilingual
// sites (https://gohugo.io/render-hooks/links/#default).
func (r *run) resolvesSourceLinks() bool {
	g := r.site.Generator
	switch r.site.Profile.Name {
	case "jekyll":
		return g.RelativeLinksPlugin
	case "hugo":
		if g.ExternalStatic || len(g.Languages) > 1 {
			return true
		}
		for _, hook := range []string{"layouts/_default/_markup/render-link.html", "layouts/_markup/render-link.html"} {
			if r.site.HasFile(siteJoin(r.site, hook)) {
				return true
			}
		}
		return false
	}
	return true
}

// translationCandidates are where a relative link of a translated Hugo
// bundle may also resolve: Hugo shares a bundle's page resources between
// its translations, so content/ja/blog/x/index.md may show an image kept
// only in content/en/blog/x/ (https://gohugo.io/content-management/multilingual/#page-resources).
func (r *run) translationCandidates(target string) []string {
	if r.site.Profile.Name != "hugo" || strings.HasPrefix(target, "/") {
		return nil
	}
	contentDir := siteJoin(r.site, "content") + "/"
	rest, ok := strings.CutPrefix(r.post.Path, contentDir)
	if !ok {
		return nil
	}
	lang, inLang, ok := strings.Cut(rest, "/")
	if !ok {
		return nil
	}
	langs := append([]string{r.site.Generator.DefaultLanguage}, r.site.Generator.Languages...)
	if !slices.Contains(langs, strings.ToLower(lang)) {
		return nil // not a language folder
	}
	var out []string
	for _, l := range langs {
		if l != "" && l != strings.ToLower(lang) {
			out = append(out, path.Join(contentDir+l, path.Dir(inLang), target))
		}
	}
	return out
}

// hasScheme reports whether dest starts with a URL scheme and its colon
// ("https:", "mailto:"), the way url.Parse reads one.
func hasScheme(dest string) bool {
	for i := 0; i < len(dest); i++ {
		c := dest[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		case c == ':':
			return i > 0
		default:
			return false
		}
	}
	return false
}

// trimIndent returns line without its leading spaces, tabs and
// blockquote markers, as bytes.TrimLeft(line, " \t>") does (without
// building its set of bytes for every line).
func trimIndent(line []byte) []byte {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '>') {
		i++
	}
	return line[i:]
}

// fences reports code fences that are never closed. goldmark closes them
// silently at the end of the document, so the lines are scanned directly.
func (r *run) fences() {
	p := r.post
	body := p.Body()
	open := false
	var ch byte
	var n, openAt int
	for off := 0; off < len(body); {
		e := bytes.IndexByte(body[off:], '\n')
		end := len(body)
		if e >= 0 {
			end = off + e
		}
		line := body[off:end]
		// Strip blockquote markers and indentation.
		t := trimIndent(line)
		if len(t) >= 3 && (t[0] == '`' || t[0] == '~') {
			k := 0
			for k < len(t) && t[k] == t[0] {
				k++
			}
			if k >= 3 {
				switch {
				case !open && !(t[0] == '`' && bytes.IndexByte(t[k:], '`') >= 0):
					open, ch, n, openAt = true, t[0], k, off
				case open && t[0] == ch && k >= n && len(bytes.TrimSpace(t[k:])) == 0:
					open = false
				}
			}
		}
		off = end + 1
	}
	if open {
		s := p.BodyStart + openAt
		r.add(RuleUnclosedFence, s, s, nil, "this code fence is never closed, so the rest of the post is shown as code; add a closing %s", strings.Repeat(string(ch), n))
	}
}

// text runs the plain-text rules on the prose, and the control-character
// rules on everything else (code and front matter).
func (r *run) text(d *doc) {
	opts := prose.TextOptions{Language: postLanguage(r.site, r.post), Words: append(postWords(r.post), d.linkWords...)}
	// The title and description each on their own, as titles; the body
	// in one prose call: the runs joined by blank lines, which prose
	// treats as a break (no repeated word or sentence spans them).
	front := r.frontMatterText()
	title := opts
	title.Title = true
	for _, run := range front {
		r.proseIssues([]textRun{run}, title)
	}
	r.proseIssues(d.runs, opts)
	// Control characters outside the prose runs (the front matter's,
	// then the body's, each in file order).
	raw := r.post.Raw
	covered := func(off int) bool { return runsCover(front, off) || runsCover(d.runs, off) }
	for i := 0; i < len(raw); {
		// Every character of interest starts with 0xD8, 0xE2 or 0xEF:
		// skip eight ASCII bytes at a time, then look byte by byte.
		j := i
		for j < len(raw) {
			if j+8 <= len(raw) && binary.LittleEndian.Uint64(raw[j:])&0x8080808080808080 == 0 {
				j += 8
				continue
			}
			if b := raw[j]; b == 0xE2 || b == 0xD8 || b == 0xEF {
				break
			}
			j++
		}
		if j >= len(raw) {
			break
		}
		off := j
		rn, size := utf8.DecodeRune(raw[off:])
		i = off + size
		if !isControl(rn) || covered(off) || (rn == '\ufeff' && off == 0) {
			continue
		}
		switch rn {
		case '\u200b', '\u2060', '\ufeff':
			r.add(RuleInvisibleChar, off, off+size, &Fix{Description: fmt.Sprintf("remove U+%04X", rn), Edits: []content.Edit{{Start: off, End: off + size}}},
				"an invisible character U+%04X is hidden here (in code or front matter); remove it", rn)
		default:
			r.add(RuleBidiControl, off, off+size, nil,
				"a bidirectional control character U+%04X is hidden here (in code or front matter): it can make the text read differently from what it does (Trojan Source)", rn)
		}
	}
}

// runsCover reports whether one of runs (in file order, not overlapping)
// holds the byte at file offset off.
func runsCover(runs []textRun, off int) bool {
	i := sort.Search(len(runs), func(i int) bool { return runs[i].start+len(runs[i].text) > off })
	return i < len(runs) && runs[i].start <= off
}

// proseIssues runs the text rules over runs (in file order) and reports
// their issues at their place in the file.
func (r *run) proseIssues(runs []textRun, opts prose.TextOptions) {
	const sep = "\n\n"
	starts := make([]int, len(runs)) // offset of each run in joined
	var jb strings.Builder
	size := 0
	for _, run := range runs {
		size += len(sep) + len(run.text)
	}
	jb.Grow(size)
	for i, run := range runs {
		if i > 0 {
			jb.WriteString(sep)
		}
		starts[i] = jb.Len()
		jb.Write(run.text)
	}
	joined := jb.String()
	for _, is := range r.prose.CheckText(joined, opts) {
		if _, ok := r.c.rules[is.Rule]; !ok {
			continue
		}
		i := sort.Search(len(starts), func(i int) bool { return starts[i] > is.Start }) - 1
		if i < 0 || is.End > starts[i]+len(runs[i].text) {
			continue // spans two runs: cannot be placed in the file
		}
		run := runs[i]
		s, e := run.start+is.Start-starts[i], run.start+is.End-starts[i]
		var fix *Fix
		if is.Replacement != "" || is.HasFix {
			// The fix and its one edit in one allocation.
			fe := &struct {
				fix  Fix
				edit [1]content.Edit
			}{}
			fe.edit[0] = content.Edit{Start: s, End: e, NewText: is.Replacement}
			desc := "replace " + strconv.Quote(joined[is.Start:is.End]) + " with " + strconv.Quote(is.Replacement)
			if is.Replacement == "" {
				desc = "remove " + strconv.Quote(joined[is.Start:is.End])
			}
			fe.fix = Fix{Description: desc,
				Edits: fe.edit[:],
				// Only a certain fix is applied by --fix; a spelling
				// suggestion is always a guess for a person to accept.
				Review: !is.HasFix || is.Rule == RuleMisspelling}
			fix = &fe.fix
		}
		if is.Tentative {
			// What may be meant is said, never blocking and never fixed.
			if fix != nil {
				fix.Review = true
			}
			r.addCapped(is.Rule, s, e, fix, is.Message)
			continue
		}
		r.add(is.Rule, s, e, fix, "%s", is.Message)
	}
}

// proseFields are the front-matter fields readers see as text: the
// title, and the description or summary shown on the index and in search
// results.
var proseFields = []string{"title", "description", "summary", "excerpt"}

// frontMatterText returns the prose of the front matter's text fields, in
// file order, when the file spells them verbatim (so findings and fixes
// can point into the file).
func (r *run) frontMatterText() []textRun {
	var out []textRun
	for _, name := range proseFields {
		f, ok := r.post.FrontMatter.Field(name)
		if !ok || f.Value.Kind != content.KindString || f.Value.TextStart < 0 || f.Value.TextEnd <= f.Value.TextStart {
			continue
		}
		out = append(out, textRun{start: f.Value.TextStart, text: r.post.Raw[f.Value.TextStart:f.Value.TextEnd]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// isControl reports the bidirectional and invisible characters reported
// outside prose.
func isControl(r rune) bool {
	switch r {
	case '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
		'\u200e', '\u200f', '\u061c', '\u200b', '\u2060', '\ufeff':
		return true
	}
	return false
}
