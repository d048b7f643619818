package check

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
)

// fieldKinds are the expected kinds of well-known fields.
var fieldKinds = map[string][]content.Kind{
	"title":       {content.KindString, content.KindInt, content.KindFloat},
	"description": {content.KindString, content.KindNull},
	"draft":       {content.KindBool},
	"published":   {content.KindBool},
	"unlisted":    {content.KindBool},
	"tags":        {content.KindList, content.KindString, content.KindNull},
	"authors":     {content.KindList, content.KindString, content.KindMap, content.KindNull},
	"author":      {content.KindList, content.KindString, content.KindMap, content.KindNull},
	"categories":  {content.KindList, content.KindString, content.KindNull},
	"slug":        {content.KindString},
	"keywords":    {content.KindList, content.KindString, content.KindNull},
}

// profileFieldKinds are the kinds one generator's schema demands where
// it is stricter than fieldKinds: Docusaurus validates blog front matter
// with Joi and fails the build on a single string where a list is due
// (https://docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-blog#markdown-front-matter).
var profileFieldKinds = map[string]map[string][]content.Kind{
	"docusaurus": {
		"tags":                   {content.KindList, content.KindNull},
		"keywords":               {content.KindList, content.KindNull},
		"hide_table_of_contents": {content.KindBool},
	},
}

func (r *run) frontMatter() {
	p := r.post
	fm := &p.FrontMatter
	if fm.Format == "" {
		r.add(RuleFrontmatterMissing, 0, 0, nil, "the post has no front matter; start it with a --- block holding at least its title and date")
		return
	}
	for _, pr := range p.Problems {
		if pr.Kind == content.ProblemSyntax {
			return // fields are unknown until it parses
		}
	}
	fmStart := r.post.Lines.Pos(fm.Start)
	for _, name := range r.c.cfg.Required {
		f, ok := fm.Field(name)
		switch {
		case !ok:
			r.addAt(RuleRequiredField, fmStart, nil, "the required field %q is missing", name)
		case isEmpty(f.Value):
			r.addAt(RuleRequiredField, f.KeyPos, nil, "the required field %q is empty", name)
		}
	}
	if len(r.c.cfg.Required) == 0 {
		// Without a required list, an empty field is still worth a warning:
		// the author meant to fill it in.
		for _, f := range fm.Fields {
			if f.Value.Kind == content.KindNull {
				r.c.addWarning(r, RuleRequiredField, f.KeyPos, "%q is empty; fill it in or remove it", f.Key)
			}
		}
	}
	for _, f := range fm.Fields {
		key := r.site.Profile.CanonicalKey(f.Key)
		if key == "published" && r.site.Profile.PublishedField != "published" {
			continue // Jekyll's boolean; other generators read it otherwise
		}
		kinds, ok := fieldKinds[key]
		if k, o := profileFieldKinds[r.site.Profile.Name][key]; o {
			kinds, ok = k, true
		}
		if !ok || f.Value.Kind == content.KindNull || containsKind(kinds, f.Value.Kind) {
			continue
		}
		if b, ok := yaml11Bool(f.Value); ok && containsKind(kinds, content.KindBool) && f.Value.TextStart == f.Value.Pos.Offset {
			// YAML 1.1 booleans: Jekyll reads "yes" as true, while
			// Docusaurus, Hugo and herald (YAML 1.2) read text, so the
			// post is not a draft to them.
			var fix *Fix
			if f.Value.TextStart >= 0 && f.Value.TextEnd > f.Value.TextStart {
				fix = &Fix{Description: fmt.Sprintf("replace %q with %s", f.Value.Text, b),
					Edits: []content.Edit{{Start: f.Value.TextStart, End: f.Value.TextEnd, NewText: b}}}
			}
			r.add(RuleFieldType, f.Value.Pos.Offset, f.Value.Pos.Offset+len(f.Value.Text), fix,
				"%q must be true or false; write %s: %q means %s only to YAML 1.1 readers such as Jekyll, and is text to Docusaurus, Hugo and herald",
				f.Key, b, f.Value.Text, b)
			continue
		}
		r.addAt(RuleFieldType, f.Value.Pos, nil, "%q must be %s, not %s", f.Key, kindList(kinds), f.Value.Kind)
	}
	r.unknownFields()
}

// addWarning reports a finding of rule at warning level at most (used for
// softer variants of error rules).
func (c *Checker) addWarning(r *run, rule string, pos content.Pos, format string, args ...any) {
	sev := r.severity(rule)
	if sev == "" || sev == string(content.SeverityOff) {
		return
	}
	if sev == string(content.SeverityError) {
		sev = string(content.SeverityWarning)
	}
	r.out = append(r.out, Finding{Rule: rule, Severity: sev, Path: r.post.Path, Line: pos.Line, Column: pos.Column,
		Message: fmt.Sprintf(format, args...)})
}

func (r *run) unknownFields() {
	known := map[string]bool{}
	var list []string
	addKnown := func(k string) {
		if !known[k] {
			known[k] = true
			list = append(list, k)
		}
	}
	for _, k := range r.site.Profile.Fields {
		addKnown(k)
	}
	for _, k := range r.c.cfg.Fields {
		addKnown(k)
	}
	for k, n := range r.idx.fields {
		if n >= 2 { // used by another post besides this one
			addKnown(k)
		}
	}
	canon := r.site.Profile.CanonicalKey
	if r.site.Profile.FoldKeys {
		for _, k := range list {
			known[canon(k)] = true
		}
		for a := range r.site.Profile.Aliases {
			known[a] = true
		}
	}
	strict := r.c.boolOption(RuleUnknownField, "strict")
	for _, f := range r.post.FrontMatter.Fields {
		if known[f.Key] || known[canon(f.Key)] {
			continue
		}
		s := content.Nearest(f.Key, list)
		switch {
		case s != "":
			fix := &Fix{Description: fmt.Sprintf("rename %q to %q", f.Key, s),
				Edits: []content.Edit{{Start: f.KeyPos.Offset, End: f.KeyPos.Offset + len(f.Key), NewText: s}}, Review: true}
			if !strings.HasPrefix(string(r.post.Raw[f.KeyPos.Offset:]), f.Key) {
				fix = nil
			}
			r.add(RuleUnknownField, f.KeyPos.Offset, f.KeyPos.Offset+len(f.Key), fix, "unknown field %q; did you mean %q?", f.Key, s)
		case strict:
			r.addAt(RuleUnknownField, f.KeyPos, nil, "unknown field %q (not used by %s or other posts; list it in fields: of .herald.yml if the site uses it)", f.Key, r.site.Profile.Name)
		}
	}
}

// yaml11Bool reads the YAML 1.1 spellings of a boolean that YAML 1.2
// reads as text (yes, no, on, off, y, n, in any case). The caller makes
// sure the value is not quoted.
func yaml11Bool(v content.Value) (string, bool) {
	if v.Kind != content.KindString {
		return "", false
	}
	switch strings.ToLower(v.Text) {
	case "yes", "y", "on":
		return "true", true
	case "no", "n", "off":
		return "false", true
	}
	return "", false
}

func isEmpty(v content.Value) bool {
	switch v.Kind {
	case content.KindNull:
		return true
	case content.KindString:
		return strings.TrimSpace(v.Text) == ""
	case content.KindList:
		return len(v.Items) == 0
	case content.KindMap:
		return len(v.Fields) == 0
	}
	return false
}

func containsKind(ks []content.Kind, k content.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func kindList(ks []content.Kind) string {
	var parts []string
	for _, k := range ks {
		if k == content.KindNull || k == content.KindInt || k == content.KindFloat {
			continue
		}
		parts = append(parts, k.String())
	}
	return strings.Join(parts, " or ")
}

func (r *run) dates() {
	p := r.post
	if p.DateField == nil {
		return
	}
	f := p.DateField
	loc := r.site.Location()
	zoneSet := r.site.TimezoneFrom != ""
	if p.DateErr != nil {
		var de *content.DateError
		if errors.As(p.DateErr, &de) && (de.Kind == content.DateNonexistent || de.Kind == content.DateAmbiguous) {
			r.addAt(RuleDateDST, f.Value.Pos, nil, "%v", de)
		} else {
			r.addAt(RuleDateFormat, f.Value.Pos, nil, "%q: %v", f.Key, p.DateErr)
		}
		return
	}
	d := p.Date
	if p.DateHasOffset {
		_, off := d.Zone()
		_, siteOff := d.In(loc).Zone()
		// Only the zone's own other offset is a slip (the DST copy-paste:
		// +02:00 in February in Berlin); any other offset is the author's
		// choice of zone (+05:30 for a talk in India) and exact.
		if off != siteOff && zoneSet && zoneUses(loc, d, off) {
			msg := fmt.Sprintf("the offset %s is not the site's: %s is at %s on %s, so this date is %s there",
				offsetString(off), loc, offsetString(siteOff), d.In(loc).Format("2006-01-02"), d.In(loc).Format("15:04 MST"))
			fix := r.zoneFix(f.Value, loc)
			if fix != nil {
				msg += fmt.Sprintf("; if %s was meant in %s, write %s", d.Format("15:04"), loc, fix.Edits[0].NewText)
			}
			r.add(RuleDateZone, f.Value.Pos.Offset, f.Value.Pos.Offset+len(f.Value.Text), fix, "%s", msg)
		}
	} else if !zoneSet && r.changed && strings.Contains(f.Value.Text, ":") {
		r.c.addInfo(r, RuleDateZone, f.Value.Pos, "the date has no offset and .herald.yml sets no timezone, so it is read as UTC (%s); set timezone: or add an offset", d.UTC().Format(time.RFC3339))
	}
	// A post that names its own URL (Hugo's url:, Jekyll's permalink:)
	// is served there whatever its path says, so the path's date is only
	// a file name.
	_, ownURL := p.FrontMatter.Field("url")
	if _, ok := p.FrontMatter.Field("permalink"); ok {
		ownURL = true
	}
	// The generator reads the date from the front matter; the path's date
	// matters only where the post's URL shows a date (Docusaurus' dated
	// names, a Jekyll or Hugo permalink with :year and the like).
	if pd := p.PathDate; pd != nil && !ownURL && r.site.Generator.PermalinkHasDate(r.site.Profile, p.Path) {
		ld := d.In(loc)
		if ld.Year() != pd.Year || int(ld.Month()) != pd.Month || (pd.Day != 0 && ld.Day() != pd.Day) {
			want := fmt.Sprintf("%04d-%02d", pd.Year, pd.Month)
			if pd.Day != 0 {
				want += fmt.Sprintf("-%02d", pd.Day)
			}
			r.addAt(RuleDatePathMismatch, f.Value.Pos, nil, "the date %s (in %s) does not match %s in the path %s", ld.Format("2006-01-02"), loc, want, p.Path)
		}
	}
	days := r.c.intOption(RuleDateBackdated, "days", 14)
	if now := r.c.now(); r.changed && !p.Draft && d.Before(now.Add(-time.Duration(days)*24*time.Hour)) && r.enabled(RuleDateBackdated) {
		r.addAt(RuleDateBackdated, f.Value.Pos, nil, "the date is %d days in the past; the post will appear below newer posts, not on top", int(now.Sub(d).Hours()/24))
	}
}

// zoneUses reports whether loc is at offset off (seconds east of UTC) at
// some time within a year of t: its standard or its daylight offset.
func zoneUses(loc *time.Location, t time.Time, off int) bool {
	for m := -12; m <= 12; m++ {
		if _, o := t.AddDate(0, m, 0).In(loc).Zone(); o == off {
			return true
		}
	}
	return false
}

var offsetSuffixRE = regexp.MustCompile(`\s*(Z|[+-]\d\d:?\d\d)$`)

// zoneFix replaces the offset of a date with the site's offset for the same
// wall-clock time. It is a guess (the author may have meant the instant),
// so it is marked for review.
func (r *run) zoneFix(v content.Value, loc *time.Location) *Fix {
	if v.TextStart < 0 {
		return nil
	}
	m := offsetSuffixRE.FindStringSubmatchIndex(v.Text)
	if m == nil {
		return nil
	}
	wall := strings.TrimSpace(v.Text[:m[0]])
	t, err := content.ParseDate(wall, loc)
	if err != nil {
		return nil
	}
	_, off := t.Zone()
	newOff := offsetString(off)
	if old := v.Text[m[2]:m[3]]; old != "Z" && !strings.Contains(old, ":") {
		newOff = strings.Replace(newOff, ":", "", 1)
	}
	if off == 0 && v.Text[m[2]:m[3]] == "Z" {
		return nil
	}
	start := v.TextStart + m[2]
	return &Fix{Description: fmt.Sprintf("use the offset of %s: %s", loc, newOff), Review: true,
		Edits: []content.Edit{{Start: start, End: v.TextStart + m[3], NewText: newOff}}}
}

func (c *Checker) addInfo(r *run, rule string, pos content.Pos, format string, args ...any) {
	if sev := r.severity(rule); sev == "" || sev == string(content.SeverityOff) {
		return
	}
	r.out = append(r.out, Finding{Rule: rule, Severity: string(content.SeverityInfo), Path: r.post.Path, Line: pos.Line, Column: pos.Column,
		Message: fmt.Sprintf(format, args...)})
}

func offsetString(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d:%02d", sign, sec/3600, sec%3600/60)
}

func (r *run) registries() {
	p := r.post
	if reg := r.site.Authors; reg.Exists() {
		for _, a := range p.AuthorRefs {
			if !reg.Has(a.Name) {
				r.unknownRef(RuleUnknownAuthor, "author", a, reg)
			}
		}
	}
	if reg := r.site.Tags; reg.Exists() {
		for _, t := range p.TagRefs {
			if !reg.Has(t.Name) {
				r.unknownRef(RuleUnknownTag, "tag", t, reg)
			}
		}
	}
	seen := map[string]bool{}
	for _, t := range p.TagRefs {
		k := strings.ToLower(t.Name)
		if seen[k] {
			var fix *Fix
			if e, ok := r.removeListItem(t.Value); ok {
				fix = &Fix{Description: fmt.Sprintf("remove the second %q", t.Name), Edits: []content.Edit{e}}
			}
			start := t.Value.Pos.Offset
			if t.Value.TextStart >= 0 {
				start = t.Value.TextStart // inside the quotes
			}
			r.add(RuleDuplicateTag, start, start+len(t.Name), fix, "the tag %q is listed twice", t.Name)
		}
		seen[k] = true
	}
}

// removeListItem returns an edit deleting a list item: its line in a
// block list ("  - x\n"), the item and its comma in a flow list.
func (r *run) removeListItem(v content.Value) (content.Edit, bool) {
	if v.TextStart < 0 {
		return content.Edit{}, false
	}
	lines := r.post.Lines
	ls := lines.Start(v.Pos.Line)
	le := lines.Start(v.Pos.Line + 1)
	line := strings.TrimSpace(string(r.post.Raw[ls:le]))
	if strings.HasPrefix(line, "- ") {
		return content.Edit{Start: ls, End: le}, true
	}
	// A flow list ([a, b] in YAML or TOML): the item and the comma before
	// it. A duplicate is never the first item, so the comma is there.
	raw := r.post.Raw
	start, end := v.Pos.Offset, v.TextEnd
	if start < len(raw) && (raw[start] == '"' || raw[start] == '\'') {
		end++ // the closing quote
	}
	c := start - 1
	for c >= 0 && (raw[c] == ' ' || raw[c] == '\t') {
		c--
	}
	if c < 0 || raw[c] != ',' || end > len(raw) {
		return content.Edit{}, false
	}
	return content.Edit{Start: c, End: end}, true
}

func (r *run) unknownRef(rule, what string, ref content.Ref, reg *content.Registry) {
	s := content.Nearest(ref.Name, reg.Names)
	start, end := ref.Value.Pos.Offset, ref.Value.Pos.Offset+len(ref.Name)
	if s == "" {
		r.add(rule, start, end, nil, "unknown %s %q: it is not in %s", what, ref.Name, reg.Path)
		return
	}
	var fix *Fix
	if ref.Value.TextStart >= 0 {
		start, end = ref.Value.TextStart, ref.Value.TextEnd
		fix = &Fix{Description: fmt.Sprintf("replace %q with %q", ref.Name, s), Edits: []content.Edit{{Start: start, End: end, NewText: s}}, Review: true}
	}
	r.add(rule, start, end, fix, "unknown %s %q: it is not in %s; did you mean %q?", what, ref.Name, reg.Path, s)
}

func (r *run) slug() {
	p := r.post
	if p.URLPath == "" || p.Draft {
		return
	}
	var others []string
	for _, o := range r.idx.urls[p.URLPath] {
		// An index from another commit (UseIndex) may name posts this
		// commit no longer has.
		if o != p.Path && r.site.HasFile(o) {
			others = append(others, o)
		}
	}
	if len(others) == 0 {
		return
	}
	pos := content.Pos{Line: 1, Column: 1}
	for _, k := range []string{"slug", "url", "permalink"} {
		if f, ok := p.FrontMatter.Field(k); ok {
			pos = f.Value.Pos
			break
		}
	}
	r.addAt(RuleDuplicateSlug, pos, nil, "this post is served at %s, like %s; one of them would be hidden", p.URLPath, strings.Join(others, ", "))
}
