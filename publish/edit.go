package publish

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
)

// ErrNotDraft means a post that was to be flipped is not a draft (any
// more): another replica, or a person, published it already.
var ErrNotDraft = errors.New("the post is not a draft")

// valueSpan returns the byte range of a scalar value's text in raw: the
// parser's own span when it has one, else the text found verbatim at the
// value's position (TOML booleans and datetimes, plain YAML scalars).
func valueSpan(raw []byte, v content.Value) (int, int, bool) {
	if v.TextStart >= 0 && v.TextEnd >= v.TextStart {
		return v.TextStart, v.TextEnd, true
	}
	s := v.Pos.Offset
	if v.Text == "" || s < 0 || s+len(v.Text) > len(raw) || string(raw[s:s+len(v.Text)]) != v.Text {
		return 0, 0, false
	}
	e := s + len(v.Text)
	if e < len(raw) && isWordByte(raw[e]) {
		return 0, 0, false
	}
	return s, e, true
}

func isWordByte(b byte) bool {
	return b == '_' || b == '-' || b == ':' || b == '.' || b == '+' ||
		('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

// flipWord keeps the case style of the boolean as written: true becomes
// false, True becomes False, TRUE becomes FALSE.
func flipWord(written, to string) string {
	switch {
	case written == strings.ToUpper(written):
		return strings.ToUpper(to)
	case written[:1] == strings.ToUpper(written[:1]):
		return strings.ToUpper(to[:1]) + to[1:]
	}
	return to
}

// DraftFlipEdits returns the edits that publish the draft post: the value of
// the profile's draft field ("draft: true", "draft = true") becomes false and
// the value of its published field ("published: false", Jekyll) becomes true.
// Only the value's own bytes change, so quoting, spacing, comments and every
// other line stay as they are. The result is checked by parsing it again: the
// post must read as not a draft, with the same title and date.
//
// A post that is not a draft gives ErrNotDraft. A draft whose flag cannot be
// edited in place (written over several lines, through an alias) is an error
// naming the field.
func DraftFlipEdits(post *content.Post, prof *content.Profile, loc *time.Location) ([]content.Edit, error) {
	if prof == nil {
		return nil, errors.New("no site profile: the draft and published fields are unknown")
	}
	if post == nil || post.Raw == nil {
		return nil, errors.New("the post could not be read")
	}
	if !post.Draft {
		return nil, fmt.Errorf("%s: %w", post.Path, ErrNotDraft)
	}
	var edits []content.Edit
	flip := func(field, from, to string) error {
		f, ok := post.FrontMatter.Field(field)
		if !ok || f.Value.Kind != content.KindBool || !strings.EqualFold(f.Value.Text, from) {
			return nil
		}
		s, e, ok := valueSpan(post.Raw, f.Value)
		if !ok {
			return fmt.Errorf("%s: the %q field (line %d) is not written on one line, so herald cannot change it without rewriting the front matter", post.Path, field, f.KeyPos.Line)
		}
		edits = append(edits, content.Edit{Start: s, End: e, NewText: flipWord(string(post.Raw[s:e]), to)})
		return nil
	}
	if prof.DraftField != "" {
		if err := flip(prof.DraftField, "true", "false"); err != nil {
			return nil, err
		}
	}
	if prof.PublishedField != "" {
		if err := flip(prof.PublishedField, "false", "true"); err != nil {
			return nil, err
		}
	}
	if len(edits) == 0 {
		return nil, fmt.Errorf("%s: the post reads as a draft but has no %q field herald can change", post.Path, prof.DraftField)
	}
	out, err := content.ApplyEdits(post.Raw, edits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", post.Path, err)
	}
	after := content.ParsePost(post.Path, out, prof, loc)
	switch {
	case after.Draft:
		return nil, fmt.Errorf("%s: the post still reads as a draft after the edit", post.Path)
	case after.Title != post.Title || !after.Date.Equal(post.Date):
		return nil, fmt.Errorf("%s: the edit would change the post's title or date; refusing", post.Path)
	}
	return edits, nil
}

// DateEdit returns the edit that sets the post's publish date to at, in
// place and in the post's own style: the field name and its quoting are kept,
// and the value is written in RFC 3339 with the offset of zone (nil means
// loc), or as a date only when the value was a date only and at is midnight
// in loc (the zone date-only values are read in). A post without a date field
// gets one, written as the profile's first date field at the end of its front
// matter. The result is checked by parsing it again in loc: it must resolve
// to exactly at.
func DateEdit(post *content.Post, prof *content.Profile, at time.Time, zone, loc *time.Location) (content.Edit, error) {
	if prof == nil || len(prof.DateFields) == 0 {
		return content.Edit{}, errors.New("no site profile: the date field is unknown")
	}
	if post == nil || post.Raw == nil {
		return content.Edit{}, errors.New("the post could not be read")
	}
	if loc == nil {
		loc = time.UTC
	}
	if zone == nil {
		zone = loc
	}
	for _, pr := range post.Problems {
		if pr.Kind == content.ProblemSyntax {
			return content.Edit{}, fmt.Errorf("%s:%d: the front matter does not parse (%s); fix it before rescheduling", post.Path, pr.Pos.Line, pr.Message)
		}
	}
	value := at.In(zone).Format(time.RFC3339)
	var e content.Edit
	if f := post.DateField; f != nil {
		s, end, ok := valueSpan(post.Raw, f.Value)
		if !ok {
			return content.Edit{}, fmt.Errorf("%s: the %q field (line %d) is not written on one line, so herald cannot change it in place", post.Path, f.Key, f.KeyPos.Line)
		}
		old := string(post.Raw[s:end])
		if len(strings.TrimSpace(old)) == len("2006-01-02") && isMidnight(at.In(loc)) {
			value = at.In(loc).Format("2006-01-02")
		}
		e = content.Edit{Start: s, End: end, NewText: value}
	} else {
		fm := post.FrontMatter
		if fm.Format == "" {
			return content.Edit{}, fmt.Errorf("%s: the post has no front matter to hold a date", post.Path)
		}
		// Insert before the closing delimiter line.
		closing := strings.LastIndex(string(post.Raw[:fm.End]), "\n"+delimiter(fm.Format))
		if closing < 0 {
			return content.Edit{}, fmt.Errorf("%s: the end of the front matter was not found", post.Path)
		}
		sep := ": "
		if fm.Format == "toml" {
			sep = " = "
		}
		nl := "\n"
		if closing > 0 && post.Raw[closing-1] == '\r' {
			closing--
			nl = "\r\n"
		}
		e = content.Edit{Start: closing, End: closing, NewText: nl + prof.DateFields[0] + sep + value}
	}
	out, err := content.ApplyEdits(post.Raw, []content.Edit{e})
	if err != nil {
		return content.Edit{}, fmt.Errorf("%s: %w", post.Path, err)
	}
	after := content.ParsePost(post.Path, out, prof, loc)
	if after.DateErr != nil || !after.Date.Equal(at) {
		return content.Edit{}, fmt.Errorf("%s: the new date %s would not read back as %s; refusing", post.Path, value, at.UTC().Format(time.RFC3339))
	}
	return e, nil
}

func delimiter(format string) string {
	if format == "toml" {
		return "+++"
	}
	return "---"
}

func isMidnight(t time.Time) bool {
	h, m, s := t.Clock()
	return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0
}
