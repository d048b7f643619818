package content

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxPostSize is the largest post herald reads; a larger file is reported,
// not parsed.
const MaxPostSize = 10 << 20

// ProblemKind says why a post could not be read in full.
type ProblemKind int

// The kinds of Problem.
const (
	// ProblemSyntax is front matter that does not parse.
	ProblemSyntax ProblemKind = iota + 1
	// ProblemBinary is a file that is not text.
	ProblemBinary
	// ProblemEncoding is text that is not valid UTF-8.
	ProblemEncoding
	// ProblemTooLarge is a file larger than MaxPostSize.
	ProblemTooLarge
	// ProblemSymlink is a symbolic link that leaves the repository.
	ProblemSymlink
)

// Problem is something that stops a post from being read as intended.
type Problem struct {
	Kind    ProblemKind
	Pos     Pos
	Message string
}

// Ref is a name a post refers to (an author or a tag), with the value that
// spells it.
type Ref struct {
	Name  string
	Value Value
}

// PathDate is a date written in a post's path (Jekyll's
// _posts/2026-02-03-slug.md, Docusaurus's 2026/02-slug/index.md).
type PathDate struct {
	Year, Month, Day int // Day is 0 when the path names only a month
}

// Post is one post: its bytes, front matter and the meaning of its fields.
type Post struct {
	// Path is slash-separated, relative to the repository root.
	Path string
	// Raw is the file as read; nil when it was not read (too large,
	// binary, a symbolic link leaving the repository).
	Raw []byte
	// Lines maps offsets of Raw to lines and columns.
	Lines *Lines
	// FrontMatter is the parsed front matter; Format is empty when the post
	// has none.
	FrontMatter FrontMatter
	// BodyStart is the byte offset where the Markdown body starts.
	BodyStart int
	// Title is the title field.
	Title string
	// Date is the publish date; zero when absent or invalid.
	Date time.Time
	// DateField is the field the date was read from; nil when none.
	DateField *Field
	// DateErr is why the date could not be read (a *DateError); nil when
	// fine or absent.
	DateErr error
	// DateHasOffset reports whether the date was written with an offset.
	DateHasOffset bool
	// Draft reports a post kept unpublished by its front matter.
	Draft bool
	// Expiry is when the post is taken down; zero when none.
	Expiry time.Time
	// Authors and Tags are the names the post uses, in order.
	Authors, Tags []string
	// AuthorRefs and TagRefs are the same names with their positions;
	// names written inline (a Docusaurus author given as a map) are left
	// out.
	AuthorRefs, TagRefs []Ref
	// Slug is the last segment of the post's URL.
	Slug string
	// URLPath is the path the post is served at, as the profile computes it.
	URLPath string
	// PathDate is the date in the file path, nil when there is none.
	PathDate *PathDate
	// Problems are reasons the post could not be read in full.
	Problems []Problem
}

// Body returns the Markdown after the front matter.
func (p *Post) Body() []byte {
	if p.Raw == nil {
		return nil
	}
	return p.Raw[p.BodyStart:]
}

// Readable reports whether the post's text was read and can be checked.
func (p *Post) Readable() bool {
	for _, pr := range p.Problems {
		if pr.Kind == ProblemBinary || pr.Kind == ProblemTooLarge || pr.Kind == ProblemSymlink {
			return false
		}
	}
	return p.Raw != nil
}

// ParsePost reads a post from raw. It never fails: what cannot be read
// becomes a Problem. prof decides which fields hold the date, draft,
// expiry, authors and tags; loc reads dates without an offset.
func ParsePost(filePath string, raw []byte, prof *Profile, loc *time.Location) *Post {
	if loc == nil {
		loc = time.UTC
	}
	p := &Post{Path: filePath}
	if len(raw) > MaxPostSize {
		p.Problems = append(p.Problems, Problem{Kind: ProblemTooLarge, Pos: Pos{Line: 1, Column: 1},
			Message: tooLarge(int64(len(raw)))})
		return p
	}
	p.Raw = raw
	p.Lines = NewLines(raw)
	if i := bytes.IndexByte(raw[:min(len(raw), 8000)], 0); i >= 0 {
		p.Problems = append(p.Problems, Problem{Kind: ProblemBinary, Pos: p.Lines.Pos(i),
			Message: "this is a binary file (it has a NUL byte), not a Markdown post"})
		p.Raw = nil
		return p
	}
	if !utf8.Valid(raw) {
		off := invalidUTF8(raw)
		p.Problems = append(p.Problems, Problem{Kind: ProblemEncoding, Pos: p.Lines.Pos(off),
			Message: fmt.Sprintf("the file is not valid UTF-8 (byte 0x%02x at offset %d); save it as UTF-8", raw[off], off)})
	}
	fm, found, err := parseFrontMatter(raw, p.Lines)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			p.Problems = append(p.Problems, Problem{Kind: ProblemSyntax, Pos: se.Pos, Message: se.Message})
		}
	}
	if found {
		p.FrontMatter = fm
		if fm.End > 0 {
			p.BodyStart = fm.End
		}
	}
	if prof != nil {
		p.interpret(prof, loc)
	}
	p.PathDate = pathDate(filePath)
	p.Slug, p.URLPath = postURL(p, prof)
	return p
}

func tooLarge(n int64) string {
	return fmt.Sprintf("the file is %.1f MB; herald checks posts up to %d MB", float64(n)/(1<<20), MaxPostSize>>20)
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

func (p *Post) interpret(prof *Profile, loc *time.Location) {
	fm := &p.FrontMatter
	if prof.FoldKeys {
		fm.canon = prof.CanonicalKey
	}
	if f, ok := fm.Field("title"); ok {
		p.Title = f.Value.Text
	}
	for _, name := range prof.DateFields {
		f, ok := fm.Field(name)
		if !ok || f.Value.Kind == KindNull {
			continue
		}
		p.DateField = &f
		p.Date, p.DateHasOffset, p.DateErr = parseValueDate(f.Value, loc)
		break
	}
	if f, ok := fm.Field(prof.DraftField); ok && f.Value.Kind == KindBool {
		p.Draft = f.Value.Text == "true"
	}
	if prof.PublishedField != "" {
		if f, ok := fm.Field(prof.PublishedField); ok && f.Value.Kind == KindBool && f.Value.Text == "false" {
			p.Draft = true
		}
	}
	if prof.ExpiryField != "" {
		if f, ok := fm.Field(prof.ExpiryField); ok && f.Value.Kind != KindNull {
			p.Expiry, _, _ = parseValueDate(f.Value, loc)
		}
	}
	for _, name := range prof.AuthorFields {
		if f, ok := fm.Field(name); ok {
			p.AuthorRefs = refs(f.Value, false)
			break
		}
	}
	for _, name := range prof.TagFields {
		if f, ok := fm.Field(name); ok {
			p.TagRefs = refs(f.Value, true)
			break
		}
	}
	for _, r := range p.AuthorRefs {
		p.Authors = append(p.Authors, r.Name)
	}
	for _, r := range p.TagRefs {
		p.Tags = append(p.Tags, r.Name)
	}
}

// parseValueDate reads a date value. YAML timestamps and TOML datetimes
// are read from their source text, so the site's zone applies the same way
// as for quoted dates.
func parseValueDate(v Value, loc *time.Location) (time.Time, bool, error) {
	switch v.Kind {
	case KindString, KindTime:
	default:
		return time.Time{}, false, &DateError{Value: v.Text, Zone: loc.String(), Kind: DateInvalid}
	}
	t, err := ParseDate(v.Text, loc)
	return t, err == nil && hasOffset(v.Text), err
}

var offsetRE = regexp.MustCompile(`(Z|[+-]\d\d:?\d\d|GMT|UTC)$`)

func hasOffset(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 10 && offsetRE.MatchString(s)
}

// refs reads names from a string, a list of strings, or (for authors) a
// list mixing keys and inline maps. Tag maps ({label: ...}) count by label.
func refs(v Value, tags bool) []Ref {
	var out []Ref
	switch v.Kind {
	case KindString:
		if tags && strings.ContainsAny(v.Text, ", ") {
			// A comma- or space-separated list in one string (Jekyll).
			for _, part := range strings.FieldsFunc(v.Text, func(r rune) bool { return r == ',' || r == ' ' }) {
				out = append(out, Ref{Name: part, Value: Value{Kind: KindString, Text: part, Pos: v.Pos, TextStart: -1, TextEnd: -1}})
			}
			return out
		}
		if v.Text != "" {
			out = append(out, Ref{Name: v.Text, Value: v})
		}
	case KindList:
		for _, it := range v.Items {
			switch it.Kind {
			case KindString, KindInt, KindFloat:
				out = append(out, Ref{Name: it.Text, Value: it})
			case KindMap:
				if tags {
					for _, f := range it.Fields {
						if f.Key == "label" {
							out = append(out, Ref{Name: f.Value.Text, Value: f.Value})
						}
					}
				}
			}
		}
	}
	return out
}

// pathDate finds a date in the file path: YYYY-MM-DD or YYYY/MM/DD
// (Jekyll, Docusaurus, Hugo bundles), or YYYY/MM- (a month folder), at the
// start of the path or of one of its segments. The first full date found
// decides; when its month or day is out of range, the first month folder
// does. It reads the path by hand: it runs for every post of a site, and a
// regular expression was an eighth of a post's parse.
func pathDate(p string) *PathDate {
	if i := findPathDate(p, fullPathDateAt); i >= 0 {
		y, mo, d := digits(p[i:i+4]), digits(p[i+5:i+7]), digits(p[i+8:i+10])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			return &PathDate{Year: y, Month: mo, Day: d}
		}
	}
	if i := findPathDate(p, monthPathDateAt); i >= 0 {
		y, mo := digits(p[i:i+4]), digits(p[i+5:i+7])
		if mo >= 1 && mo <= 12 {
			return &PathDate{Year: y, Month: mo}
		}
	}
	return nil
}

// findPathDate returns the first offset of p, at its start or after a
// slash, where at matches; -1 when there is none.
func findPathDate(p string, at func(s string) bool) int {
	for i := 0; i < len(p); i++ {
		if (i == 0 || p[i-1] == '/') && at(p[i:]) {
			return i
		}
	}
	return -1
}

// fullPathDateAt reports whether s starts with YYYY-MM-DD (or slashes
// between them) followed by a dash, a slash, ".md" ending s, or nothing.
func fullPathDateAt(s string) bool {
	if len(s) < 10 || !isDigits(s[0:4]) || !isDateSep(s[4]) || !isDigits(s[5:7]) || !isDateSep(s[7]) || !isDigits(s[8:10]) {
		return false
	}
	rest := s[10:]
	return rest == "" || rest == ".md" || isDateSep(rest[0])
}

// monthPathDateAt reports whether s starts with YYYY/MM followed by a dash
// or a slash.
func monthPathDateAt(s string) bool {
	return len(s) >= 8 && isDigits(s[0:4]) && s[4] == '/' && isDigits(s[5:7]) && isDateSep(s[7])
}

func isDateSep(c byte) bool { return c == '-' || c == '/' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digits is the number written in s, ASCII digits only.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = 10*n + int(s[i]-'0')
	}
	return n
}

var datePrefixRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}-`)

// postURL computes the slug (last URL segment) and URL path of a post the
// way its generator does: an explicit url or permalink wins, then an
// absolute slug; a relative slug replaces the file name; otherwise
// Docusaurus uses /blog/YYYY/MM/DD/name for dated names and the path
// inside the blog folder for the others, Hugo the section path and name,
// Jekyll /YYYY/MM/DD/name.
func postURL(p *Post, prof *Profile) (slug, urlPath string) {
	trim := func(u string) string {
		if u != "/" {
			u = strings.TrimSuffix(u, "/")
		}
		return u
	}
	fm := &p.FrontMatter
	for _, key := range []string{"url", "permalink"} {
		if f, ok := fm.Field(key); ok && f.Value.Kind == KindString && strings.HasPrefix(f.Value.Text, "/") && !strings.Contains(f.Value.Text, ":") {
			u := trim(f.Value.Text)
			return path.Base(u), u
		}
	}
	dir, file := path.Split(p.Path)
	name := strings.TrimSuffix(file, path.Ext(file))
	if name == "index" || name == "_index" {
		name = path.Base(strings.TrimSuffix(dir, "/"))
		dir = path.Dir(strings.TrimSuffix(dir, "/")) + "/"
	}
	dated := p.PathDate != nil && p.PathDate.Day > 0
	slug = name
	if dated && prof.nameOrEmpty() != "hugo" { // Hugo keeps the date in the name by default
		slug = datePrefixRE.ReplaceAllString(name, "")
	}
	explicit := false
	if f, ok := fm.Field("slug"); ok && f.Value.Kind == KindString && f.Value.Text != "" {
		if strings.HasPrefix(f.Value.Text, "/") {
			u := trim(f.Value.Text)
			return path.Base(u), u
		}
		slug, explicit = f.Value.Text, true
	}
	name = prof.nameOrEmpty()
	if u, ok := permalinkURL(p, prof, dir, slug, explicit); ok {
		return path.Base(u), u
	}
	switch name {
	case "docusaurus":
		if explicit {
			return slug, prof.BlogBase + "/" + slug
		}
		if dated {
			pd := p.PathDate
			return slug, fmt.Sprintf("%s/%04d/%02d/%02d/%s", prof.BlogBase, pd.Year, pd.Month, pd.Day, slug)
		}
		// The path inside the blog folder.
		rel := "/" + dir + slug
		if i := strings.Index(rel, "/blog/"); i >= 0 {
			rel = rel[i+len("/blog"):]
		}
		return slug, prof.BlogBase + rel
	case "hugo":
		section := "/" + strings.TrimSuffix(dir, "/")
		if i := strings.Index(section, "/content/"); i >= 0 {
			section = section[i+len("/content"):]
		} else {
			section = strings.TrimPrefix(section, "/content")
		}
		return slug, trim(path.Join(section, slug))
	case "jekyll":
		if dated {
			pd := p.PathDate
			return slug, fmt.Sprintf("/%04d/%02d/%02d/%s", pd.Year, pd.Month, pd.Day, slug)
		}
	}
	return slug, "/" + slug
}

// jekyllStyles are Jekyll's built-in permalink styles
// (https://jekyllrb.com/docs/permalinks/#built-in-formats).
var jekyllStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

var permalinkTokenRE = regexp.MustCompile(`:[a-z_]+`)

// permalinkURL expands the site's permalink pattern for p: Jekyll's
// (https://jekyllrb.com/docs/permalinks/) or the Hugo one of p's section
// (https://gohugo.io/content-management/urls/#tokens). ok is false when
// no pattern applies or it uses a token herald does not know.
func permalinkURL(p *Post, prof *Profile, dir, slug string, explicitSlug bool) (string, bool) {
	d := p.Date
	if d.IsZero() && p.PathDate != nil && p.PathDate.Day > 0 { // Jekyll's date from the file name
		d = time.Date(p.PathDate.Year, time.Month(p.PathDate.Month), p.PathDate.Day, 0, 0, 0, 0, time.UTC)
	}
	if prof == nil || len(prof.Permalinks) == 0 || p.DateErr != nil || d.IsZero() {
		return "", false
	}
	var pattern, section string
	switch prof.Name {
	case "jekyll":
		pattern = prof.Permalinks[""]
		if s, ok := jekyllStyles[pattern]; ok {
			pattern = s
		}
	case "hugo":
		rel := strings.TrimSuffix(dir, "/")
		if i := strings.Index("/"+rel, "/content/"); i >= 0 {
			rel = ("/" + rel)[i+len("/content/"):]
		}
		segs := strings.Split(rel, "/")
		for _, s := range segs {
			if _, ok := prof.Permalinks[s]; ok {
				section = s
				break
			}
		}
		if section == "" {
			return "", false
		}
		pattern = prof.Permalinks[section]
	default:
		return "", false
	}
	title := slug
	if prof.Name == "hugo" && !explicitSlug && p.Title != "" {
		title = urlize(p.Title) // Hugo's :slug falls back to the title
	}
	known := true
	u := permalinkTokenRE.ReplaceAllStringFunc(pattern, func(tok string) string {
		switch tok {
		case ":year":
			return fmt.Sprintf("%04d", d.Year())
		case ":month":
			return fmt.Sprintf("%02d", int(d.Month()))
		case ":i_month":
			return strconv.Itoa(int(d.Month()))
		case ":day":
			return fmt.Sprintf("%02d", d.Day())
		case ":i_day":
			return strconv.Itoa(d.Day())
		case ":short_year":
			return fmt.Sprintf("%02d", d.Year()%100)
		case ":y_day":
			return fmt.Sprintf("%03d", d.YearDay())
		case ":title", ":slug", ":slugorfilename", ":slugorcontentbasename":
			if prof.Name == "hugo" && tok == ":title" && p.Title != "" {
				return urlize(p.Title)
			}
			if prof.Name == "hugo" && tok == ":slug" {
				return title
			}
			return slug
		case ":filename", ":contentbasename":
			return slug
		case ":section":
			return section
		case ":categories":
			return "" // the categories come from front matter; none is the common case
		case ":output_ext":
			return ".html"
		}
		known = false
		return tok
	})
	if !known {
		return "", false
	}
	u = path.Clean("/" + u)
	return strings.TrimSuffix(u, ".html"), true
}

// urlize is Hugo's title-to-URL transformation, for ASCII titles: lower
// case, runs of other characters become one hyphen.
func urlize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}

func (p *Profile) nameOrEmpty() string {
	if p == nil {
		return ""
	}
	return p.Name
}
