package content

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// Kind is the type of a front-matter value.
type Kind int

// The kinds of Value.
const (
	KindNull Kind = iota
	KindString
	KindInt
	KindFloat
	KindBool
	KindTime // a YAML timestamp or TOML datetime written without quotes
	KindList
	KindMap
	KindAlias // a YAML alias to a list or map; never expanded
)

// String names the kind for messages ("a string", "a list").
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "empty"
	case KindString:
		return "a string"
	case KindInt:
		return "an integer"
	case KindFloat:
		return "a number"
	case KindBool:
		return "true or false"
	case KindTime:
		return "a date"
	case KindList:
		return "a list"
	case KindMap:
		return "a map"
	case KindAlias:
		return "an alias"
	}
	return "unknown"
}

// Value is one front-matter value with its position in the file.
type Value struct {
	Kind Kind
	// Text is a scalar as the parser read it (quotes removed, escapes
	// resolved); empty for lists and maps.
	Text string
	// Pos is where the value starts (its first character, or the opening
	// quote). For an empty value it is the position right after the key.
	Pos Pos
	// TextStart and TextEnd are the byte offsets of Text in the file when
	// the source spells it verbatim on one line (plain or quoted without
	// escapes), so a fix can replace it; both -1 otherwise.
	TextStart, TextEnd int
	Items              []Value // list items
	Fields             []Field // map entries in source order
}

// Field is one key of a front-matter map.
type Field struct {
	Key    string
	KeyPos Pos
	Value  Value
}

// FrontMatter is the parsed front matter of a post.
type FrontMatter struct {
	// Format is "yaml" or "toml"; empty when the post has none.
	Format string
	// Start and End are the byte offsets of the block, delimiters included.
	Start, End int
	// Fields are the top-level keys in source order.
	Fields []Field
	// canon maps a key to the name the generator reads it as (Hugo's keys
	// are case-insensitive and have aliases); nil compares keys as written.
	canon func(string) string
}

// Field returns the top-level field named key, as the site's generator
// reads keys: for Hugo, Field("publishDate") also finds "PublishDate" and
// its alias "published".
func (fm *FrontMatter) Field(key string) (Field, bool) {
	if fm.canon != nil {
		key = fm.canon(key)
	}
	for _, f := range fm.Fields {
		k := f.Key
		if fm.canon != nil {
			k = fm.canon(k)
		}
		if k == key {
			return f, true
		}
	}
	return Field{}, false
}

// SyntaxError is front matter that does not parse.
type SyntaxError struct {
	Pos     Pos
	Message string
}

// Error formats the error as line:column: message.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Message)
}

// maxFrontMatter bounds the front matter herald parses; real front matter
// is a few hundred bytes.
const maxFrontMatter = 1 << 20

// parseFrontMatter finds and parses the front matter of src. found is
// false when src has none; err is a *SyntaxError.
func parseFrontMatter(src []byte, lines *Lines) (fm FrontMatter, found bool, err error) {
	// Find the opening delimiter as adrg/frontmatter does: the first
	// non-blank line.
	// A UTF-8 byte order mark before the front matter is skipped, as
	// Hugo, Jekyll and Docusaurus (gray-matter) skip it.
	bom := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		bom = 3
	}
	open, openEnd := bom, 0
	for open < len(src) {
		nl := bytes.IndexByte(src[open:], '\n')
		end := len(src)
		if nl >= 0 {
			end = open + nl + 1
		}
		if len(bytes.TrimSpace(src[open:end])) != 0 {
			openEnd = end
			break
		}
		open = end
	}
	if open >= len(src) {
		return fm, false, nil
	}
	delim := string(bytes.TrimSpace(src[open:openEnd]))
	var format string
	switch delim {
	case "---", "---yaml":
		format = "yaml"
	case "+++", "---toml":
		format = "toml"
	default:
		return fm, false, nil
	}
	fm.Format = format
	fm.Start = open

	// The front matter is the lines between the opening line and the first
	// line that is the closing delimiter alone, read in place (as
	// adrg/frontmatter reads it, which herald used before, without its
	// copy of the file through a buffered reader).
	closeStart, closeEnd, closed := closingLine(src, openEnd, delim)
	if !closed {
		msg := fmt.Sprintf("the front matter opened with %q on line %d is never closed", delim, lines.Pos(open).Line)
		return fm, true, &SyntaxError{Pos: lines.Pos(open), Message: msg}
	}
	data := src[openEnd:closeStart]
	fm.End = closeEnd
	if len(data) > maxFrontMatter {
		return fm, true, &SyntaxError{Pos: lines.Pos(open), Message: fmt.Sprintf("the front matter is %d bytes; herald reads at most %d", len(data), maxFrontMatter)}
	}
	dataStart := openEnd
	firstLine := lines.Pos(dataStart).Line
	switch format {
	case "yaml":
		fm.Fields, err = parseYAML(data, firstLine, lines)
	case "toml":
		fm.Fields, err = parseTOML(data, firstLine, lines)
	}
	return fm, true, err
}

// closingLine finds the line that closes the front matter opened with delim,
// from offset from on: the offsets of its start and of its end (past its
// line break, if any), and false when no line closes it.
func closingLine(src []byte, from int, delim string) (start, end int, ok bool) {
	closer := delim
	if delim == "---yaml" || delim == "---toml" {
		closer = "---"
	}
	for off := from; off < len(src); {
		nl := bytes.IndexByte(src[off:], '\n')
		lineEnd := len(src)
		if nl >= 0 {
			lineEnd = off + nl + 1
		}
		if string(bytes.TrimSpace(src[off:lineEnd])) == closer {
			return off, lineEnd, true
		}
		off = lineEnd
	}
	return 0, 0, false
}

var yamlLineRE = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// parseYAML decodes YAML front matter into fields with file positions.
// firstLine is the file line of the first line of data.
func parseYAML(data []byte, firstLine int, lines *Lines) ([]Field, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(err, firstLine, lines)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty front matter
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &SyntaxError{
			Pos:     nodePos(root, firstLine, lines),
			Message: fmt.Sprintf("the front matter must be a map of keys and values, not %s", yamlKind(root)),
		}
	}
	if n, alias := expandedSize(root, map[*yaml.Node]int{}); n > maxExpanded {
		return nil, &SyntaxError{
			Pos: nodePos(alias, firstLine, lines),
			Message: fmt.Sprintf("the front matter's aliases expand to more than %d values (a \"billion laughs\"): "+
				"the generator's YAML reader refuses it or runs out of memory, so the site does not build; write the values out", maxExpanded),
		}
	}
	w := yamlWalker{firstLine: firstLine, lines: lines}
	v := w.value(root, 0)
	return v.Fields, w.err
}

// maxExpanded bounds the values front matter may hold once its aliases
// are expanded, as YAML readers do (go-yaml, which Hugo uses, refuses
// "excessive aliasing"; js-yaml and Ruby's Psych expand it all).
const maxExpanded = 10000

// expandedSize counts the values of n with every alias expanded, stopping
// past maxExpanded, and the first alias node met (where to report). memo
// holds the size of anchored nodes already counted.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) (int, *yaml.Node) {
	if n == nil {
		return 0, nil
	}
	if n.Kind == yaml.AliasNode {
		if s, ok := memo[n.Alias]; ok {
			return s, n
		}
		memo[n.Alias] = maxExpanded + 1 // a cycle counts as too large
		s, _ := expandedSize(n.Alias, memo)
		memo[n.Alias] = s
		return s, n
	}
	size, first := 1, (*yaml.Node)(nil)
	for _, c := range n.Content {
		s, a := expandedSize(c, memo)
		size += s
		if first == nil {
			first = a
		}
		if size > maxExpanded {
			return size, cmp.Or(first, n)
		}
	}
	return size, first
}

func yamlSyntaxError(err error, firstLine int, lines *Lines) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		if strings.Contains(msg, "did not find expected ',' or") {
			line++ // yaml.v3 counts this one from 0: it names the line of the opening bracket
		}
		if m[2] != "" {
			col, _ = strconv.Atoi(m[2])
		}
		msg = strings.TrimSpace(yamlLineRE.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	fileLine := firstLine + line - 1
	if strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token") {
		// yaml.v3 names the line before the tab as often as the tab's own:
		// point at the first tab indenting a line from the one named on.
		for l := max(fileLine-1, firstLine); l <= lines.Count(); l++ {
			start := lines.Start(l)
			i := start
			for i < len(lines.src) && (lines.src[i] == ' ' || lines.src[i] == '\t') {
				if lines.src[i] == '\t' {
					return &SyntaxError{Pos: lines.Pos(i), Message: "invalid YAML in front matter: a tab indents this line; YAML indents with spaces only"}
				}
				i++
			}
			if t := bytes.TrimSpace(lines.src[start:lines.Start(l+1)]); string(t) == "---" || string(t) == "+++" {
				break // the end of the front matter
			}
		}
	}
	off := lines.Offset(fileLine, col)
	if col == 1 { // point at the first non-blank character of the line
		for off < len(lines.src) && (lines.src[off] == ' ' || lines.src[off] == '\t') {
			off++
		}
	}
	return &SyntaxError{Pos: lines.Pos(off), Message: "invalid YAML in front matter: " + msg}
}

type yamlWalker struct {
	firstLine int
	lines     *Lines
	err       error
}

// maxDepth bounds nesting; front matter never needs more.
const maxDepth = 32

func (w *yamlWalker) value(n *yaml.Node, depth int) Value {
	v := Value{Pos: nodePos(n, w.firstLine, w.lines), TextStart: -1, TextEnd: -1}
	if depth > maxDepth {
		if w.err == nil {
			w.err = &SyntaxError{Pos: v.Pos, Message: fmt.Sprintf("the front matter is nested more than %d levels deep", maxDepth)}
		}
		return v
	}
	switch n.Kind {
	case yaml.AliasNode:
		// Never expand aliases (a billion-laughs document stays small).
		if n.Alias != nil && n.Alias.Kind == yaml.ScalarNode {
			v2 := w.value(n.Alias, depth+1)
			v2.Pos, v2.TextStart, v2.TextEnd = v.Pos, -1, -1
			return v2
		}
		v.Kind = KindAlias
	case yaml.ScalarNode:
		v.Text = n.Value
		switch n.ShortTag() {
		case "!!null":
			v.Kind = KindNull
		case "!!bool":
			v.Kind = KindBool
		case "!!int":
			v.Kind = KindInt
		case "!!float":
			v.Kind = KindFloat
		case "!!timestamp":
			v.Kind = KindTime
		default:
			v.Kind = KindString
		}
		w.span(&v, n)
	case yaml.SequenceNode:
		v.Kind = KindList
		v.Items = make([]Value, 0, len(n.Content))
		for _, c := range n.Content {
			v.Items = append(v.Items, w.value(c, depth+1))
		}
	case yaml.MappingNode:
		v.Kind = KindMap
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				continue // merge keys are not expanded
			}
			f := Field{Key: k.Value, KeyPos: nodePos(k, w.firstLine, w.lines), Value: w.value(val, depth+1)}
			if val.Kind == yaml.ScalarNode && val.ShortTag() == "!!null" && val.Value == "" {
				// An empty value has no position of its own: use the end of the key's line.
				end := w.lines.Start(f.KeyPos.Line+1) - 1
				if end < f.KeyPos.Offset {
					end = f.KeyPos.Offset
				}
				f.Value.Pos = w.lines.Pos(end)
			}
			v.Fields = append(v.Fields, f)
		}
	}
	return v
}

// span records where a scalar's text sits in the file when the source
// spells it verbatim.
func (w *yamlWalker) span(v *Value, n *yaml.Node) {
	src := w.lines.src
	start := v.Pos.Offset
	switch n.Style {
	case 0, yaml.TaggedStyle:
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		start++
	default:
		return
	}
	end := start + len(n.Value)
	if end > len(src) || string(src[start:end]) != n.Value || strings.ContainsAny(n.Value, "\n") {
		return
	}
	v.TextStart, v.TextEnd = start, end
}

func nodePos(n *yaml.Node, firstLine int, lines *Lines) Pos {
	line := firstLine + n.Line - 1
	return lines.Pos(lines.Offset(line, n.Column))
}

func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "this"
}

var tomlKeyRE = regexp.MustCompile(`^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*`)

// parseTOML decodes TOML front matter. BurntSushi/toml gives no positions
// for keys, so top-level keys are located by a line scan (keys before the
// first table header, and table headers).
func parseTOML(data []byte, firstLine int, lines *Lines) ([]Field, error) {
	var m map[string]any
	md, err := toml.Decode(string(data), &m)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			off := lines.Offset(firstLine+pe.Position.Line-1, pe.Position.Col)
			return nil, &SyntaxError{Pos: lines.Pos(off), Message: "invalid TOML in front matter: " + pe.Message}
		}
		return nil, &SyntaxError{Pos: lines.Pos(lines.Start(firstLine)), Message: "invalid TOML in front matter: " + err.Error()}
	}
	_ = md
	type loc struct{ key, val Pos }
	positions := map[string]loc{}
	order := []string{}
	inTable := false
	for i, ln := range bytes.Split(data, []byte("\n")) {
		fileLine := firstLine + i
		lineStart := lines.Start(fileLine)
		trimmed := bytes.TrimSpace(ln)
		if bytes.HasPrefix(trimmed, []byte("[")) {
			name := strings.Trim(string(trimmed), "[] ")
			name = strings.Trim(strings.SplitN(name, ".", 2)[0], `"'`)
			inTable = true
			if _, ok := positions[name]; !ok {
				ind := len(ln) - len(bytes.TrimLeft(ln, " \t"))
				p := lines.Pos(lineStart + ind)
				positions[name] = loc{p, p}
				order = append(order, name)
			}
			continue
		}
		if inTable {
			continue
		}
		mm := tomlKeyRE.FindSubmatchIndex(ln)
		if mm == nil {
			continue
		}
		key := strings.Trim(string(ln[mm[2]:mm[3]]), `"'`)
		positions[key] = loc{lines.Pos(lineStart + mm[2]), lines.Pos(lineStart + mm[1])}
		order = append(order, key)
	}
	fields := make([]Field, 0, len(m))
	for _, k := range order {
		val, ok := m[k]
		if !ok {
			continue
		}
		p := positions[k]
		fields = append(fields, Field{Key: k, KeyPos: p.key, Value: tomlValue(val, p.val, lines)})
		delete(m, k)
	}
	// Keys the scan did not place (dotted keys, inline oddities).
	for _, k := range sortedKeys(m) {
		p := lines.Pos(lines.Start(firstLine))
		fields = append(fields, Field{Key: k, KeyPos: p, Value: tomlValue(m[k], p, lines)})
	}
	return fields, nil
}

func tomlValue(x any, p Pos, lines *Lines) Value {
	v := Value{Pos: p, TextStart: -1, TextEnd: -1}
	switch t := x.(type) {
	case string:
		v.Kind, v.Text = KindString, t
		src := lines.src
		if p.Offset < len(src) && (src[p.Offset] == '"' || src[p.Offset] == '\'') {
			s, e := p.Offset+1, p.Offset+1+len(t)
			if e <= len(src) && string(src[s:e]) == t {
				v.TextStart, v.TextEnd = s, e
			}
		}
	case bool:
		v.Kind, v.Text = KindBool, strconv.FormatBool(t)
	case int64:
		v.Kind, v.Text = KindInt, strconv.FormatInt(t, 10)
	case float64:
		v.Kind, v.Text = KindFloat, strconv.FormatFloat(t, 'g', -1, 64)
	case interface{ Format(string) string }:
		v.Kind = KindTime
		src := lines.src
		end := bytes.IndexByte(src[p.Offset:], '\n')
		if end < 0 {
			end = len(src) - p.Offset
		}
		v.Text = strings.TrimSpace(string(src[p.Offset : p.Offset+end]))
		if i := strings.Index(v.Text, "#"); i >= 0 {
			v.Text = strings.TrimSpace(v.Text[:i])
		}
	case []any:
		v.Kind = KindList
		for _, it := range t {
			v.Items = append(v.Items, tomlValue(it, p, lines))
		}
	case []map[string]any:
		v.Kind = KindList
		for _, it := range t {
			v.Items = append(v.Items, tomlValue(it, p, lines))
		}
	case map[string]any:
		v.Kind = KindMap
		for _, k := range sortedKeys(t) {
			v.Fields = append(v.Fields, Field{Key: k, KeyPos: p, Value: tomlValue(t[k], p, lines)})
		}
	}
	return v
}
