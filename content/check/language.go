package check

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/heraldhq/herald/content"
)

// postLanguage is the language a post is written in, as the site says it
// (a BCP 47 tag such as "ja"), or "" when the site does not say and the
// text rules detect it: front matter `lang:` (Jekyll, and most themes),
// Hugo's content/<lang>/ folders and name.<lang>.md files for the
// languages of its configuration
// (https://gohugo.io/content-management/multilingual/#translate-your-content),
// Docusaurus' i18n/<locale>/ folders
// (https://docusaurus.io/docs/i18n/introduction).
func postLanguage(site *content.Site, p *content.Post) string {
	for _, key := range []string{"lang", "language", "locale"} {
		if f, ok := p.FrontMatter.Field(key); ok && f.Value.Kind == content.KindString && f.Value.Text != "" {
			return f.Value.Text
		}
	}
	segs := strings.Split(p.Path, "/")
	switch site.Profile.Name {
	case "hugo":
		langs := site.Generator.Languages
		if i := slices.Index(segs, "content"); i >= 0 && i+1 < len(segs) && slices.Contains(langs, strings.ToLower(segs[i+1])) {
			return segs[i+1]
		}
		name := strings.TrimSuffix(path.Base(p.Path), path.Ext(p.Path))
		if ext := path.Ext(name); ext != "" && slices.Contains(langs, strings.ToLower(ext[1:])) {
			return ext[1:]
		}
		if len(langs) > 0 {
			return site.Generator.DefaultLanguage
		}
	case "docusaurus":
		if i := slices.Index(segs, "i18n"); i >= 0 && i+1 < len(segs) {
			return segs[i+1]
		}
	}
	return ""
}

var (
	// spellIgnoreKeyRE names the front-matter keys that list a post's own
	// words for cspell (cSpell:ignore:, or gRPC's spelling: cSpell:ignore ...).
	spellIgnoreKeyRE = regexp.MustCompile(`(?i)^(?:cspell:(?:ignore|words)|spelling)$`)
	// spellIgnoreCommentRE is a cspell comment in the body:
	// <!-- cspell:ignore word word --> or <!-- spell-checker:words ... -->.
	spellIgnoreCommentRE = regexp.MustCompile(`(?i)<!--\s*(?:cspell|spell-checker):\s*(?:ignore|words)\b([^>]*?)-->`)
	spellDirectiveRE     = regexp.MustCompile(`(?i)\bcspell:(?:ignore|words)\b`)
)

// postWords are the words a post declares as its own for spell checkers,
// in front matter or cspell comments: known in that post only.
func postWords(p *content.Post) []string {
	var out []string
	add := func(s string) {
		s = spellDirectiveRE.ReplaceAllString(s, " ")
		out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })...)
	}
	for _, f := range p.FrontMatter.Fields {
		if !spellIgnoreKeyRE.MatchString(f.Key) {
			continue
		}
		add(f.Value.Text)
		for _, it := range f.Value.Items {
			add(it.Text)
		}
	}
	if body := p.Body(); len(body) > 0 {
		for _, m := range spellIgnoreCommentRE.FindAllSubmatch(body, -1) {
			add(string(m[1]))
		}
	}
	return out
}
