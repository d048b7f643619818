package prose

import (
	"cmp"
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule IDs reported in Issue.Rule.
const (
	RuleRepeatedWord  = "repeated-word"
	RuleMisspelling   = "misspelling"
	RuleMojibake      = "mojibake"
	RuleBidiControl   = "bidi-control"
	RuleInvisibleChar = "invisible-char"
	RulePlaceholder   = "placeholder"
)

// Issue is one slip in a run of plain text.
type Issue struct {
	Rule        string // "repeated-word" | "misspelling" | "mojibake" | "bidi-control" | "invisible-char" | "placeholder"
	Start, End  int    // byte offsets in the text passed to Check
	Message     string // written for the author
	Replacement string // the fixed text for [Start,End)
	HasFix      bool   // Replacement is a safe one-click fix
}

// Options configures a Checker.
type Options struct {
	Words      []string    // project vocabulary (.herald.yml `words:`), case-insensitive
	Vocabulary *Vocabulary // words seen in the repository's other posts; nil for none
	MinDocs    int         // a word in >= MinDocs documents of Vocabulary counts as known (0 = default 3)
}

// DefaultMinDocs is the number of documents of a Vocabulary a word must
// appear in to count as known when Options.MinDocs is 0.
const DefaultMinDocs = 3

// Checker runs every rule over runs of plain text. It is safe for
// concurrent use.
type Checker struct {
	dict    *dictionary
	words   map[string]struct{} // Options.Words, normalised by normWord
	vocab   *Vocabulary
	minDocs int
}

// NewChecker returns a Checker configured by opts. The embedded dictionaries
// are loaded on the first call in a process (tens of milliseconds) and shared by all
// Checkers after that.
func NewChecker(opts Options) *Checker {
	c := &Checker{
		dict:    loadDictionary(),
		words:   make(map[string]struct{}, len(opts.Words)),
		vocab:   opts.Vocabulary,
		minDocs: opts.MinDocs,
	}
	if c.minDocs <= 0 {
		c.minDocs = DefaultMinDocs
	}
	for _, w := range opts.Words {
		if w = strings.TrimSpace(w); w != "" {
			c.words[normWord(w)] = struct{}{}
		}
	}
	return c
}

// Check runs every rule over text and returns the issues sorted by Start.
// Issues never overlap within one rule; issues of different rules may.
func (c *Checker) Check(text string) []Issue {
	var issues []Issue
	issues = c.checkChars(text, issues)
	issues = c.checkWords(text, issues)
	issues = checkPlaceholders(text, issues)
	slices.SortStableFunc(issues, func(a, b Issue) int { return cmp.Compare(a.Start, b.Start) })
	return issues
}

// normWord lower-cases w, writes apostrophes as ' and drops a possessive
// 's, the form in which words are looked up.
func normWord(w string) string {
	var buf [64]byte
	return string(appendNorm(buf[:0], w))
}

func appendNorm(dst []byte, w string) []byte {
	i := 0
	for ; i < len(w); i++ {
		b := w[i]
		if b >= utf8.RuneSelf {
			break
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	for _, r := range w[i:] {
		switch {
		case r < utf8.RuneSelf:
			b := byte(r)
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			dst = append(dst, b)
		case r == '’':
			dst = append(dst, '\'')
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	if n := len(dst); n > 2 && dst[n-2] == '\'' && dst[n-1] == 's' {
		dst = dst[:n-2]
	}
	return dst
}

// chunk is a run of text between white space, with its core: the chunk
// without leading and trailing punctuation.
type chunk struct {
	start, end   int // the chunk
	cs, ce       int // its core
	lead, trail  bool
	sentenceEnd  bool // trailing punctuation ends a sentence (. ! ? :)
	letters      int  // letters in the core
	upper        int  // upper-case letters in the core
	firstUpper   bool
	digit        bool // the core has a digit
	nonASCII     bool // the core has a non-ASCII letter
	special      bool // the core has a character other than letters, digits, ' ’ and single -
	hyphen       bool
	quoted       bool // the chunk is one word wrapped in quotes or backticks
	hasAnyLetter bool
	open, closed int // braces { and } in the chunk
}

// isWord reports whether the core is a word: letters with inner
// apostrophes and hyphens.
func (k *chunk) isWord() bool {
	return k.letters > 0 && !k.digit && !k.special
}

func isSpaceRune(r rune) bool {
	return r == 0x00A0 || r == 0x202F || r == 0x2007 || r == 0x3000 || r >= 0x2000 && r <= 0x200A ||
		r == 0x205F || r == 0x2028 || r == 0x2029 || r == 0x85
}

// nextChunk finds the chunk starting at or after i and writes it to k. It
// returns the number of line breaks skipped before it, and ok false at the
// end of text.
func nextChunk(text string, i int, k *chunk) (newlines int, ok bool) {
	for i < len(text) {
		b := text[i]
		if b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v' {
			i++
			continue
		}
		if b == '\n' {
			newlines++
			i++
			continue
		}
		if b >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(text[i:]); isSpaceRune(r) {
				i += size
				continue
			}
		}
		break
	}
	if i >= len(text) {
		return newlines, false
	}
	*k = chunk{start: i}
	for i < len(text) {
		b := text[i]
		if b > ' ' && b < utf8.RuneSelf {
			i++
			continue
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v' {
			break
		}
		if b >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:])
			if isSpaceRune(r) {
				break
			}
			i += size
			continue
		}
		i++
	}
	k.end = i
	k.analyse(text)
	return newlines, true
}

func isAlnumRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isAlnumByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

func (k *chunk) analyse(text string) {
	cs, ce := k.start, k.end
	for cs < ce {
		if b := text[cs]; b < utf8.RuneSelf {
			if isAlnumByte(b) {
				break
			}
			cs++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[cs:ce])
		if isAlnumRune(r) {
			break
		}
		cs += size
	}
	for ce > cs {
		if b := text[ce-1]; b < utf8.RuneSelf {
			if isAlnumByte(b) {
				break
			}
			ce--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(text[cs:ce])
		if isAlnumRune(r) {
			break
		}
		ce -= size
	}
	k.cs, k.ce = cs, ce
	k.lead = cs > k.start
	k.trail = ce < k.end
	if k.lead && text[cs-1] == '-' {
		k.special = true // a suffix ("-ization") or a command-line flag
	}
	for j := k.start; j < cs; j++ {
		switch text[j] {
		case '{':
			k.open++
		case '}':
			k.closed++
		case '@', '#', '$', '%', '~', '/', '\\', '<', '>', '=', '|', '&', '^':
			// A mention, hashtag, variable, path or markup: not prose.
			k.special = true
		}
	}
	for j := ce; j < k.end; j++ {
		switch text[j] {
		case '{':
			k.open++
		case '}':
			k.closed++
		case '.', '!', '?', ':':
			k.sentenceEnd = true
		case '/', '\\', '<', '>', '=', '|', '&', '^', '@', '(', '[':
			k.special = true
		}
	}
	if k.lead && k.trail {
		switch q := text[k.start]; q {
		case '"', '\'', '`':
			k.quoted = strings.IndexByte(text[ce:k.end], q) >= 0
		}
	}
	prevHyphen := false
	for j := cs; j < ce; {
		b := text[j]
		if b < utf8.RuneSelf {
			switch {
			case 'a' <= b && b <= 'z':
				k.letters++
			case 'A' <= b && b <= 'Z':
				if k.letters == 0 {
					k.firstUpper = true
				}
				k.letters++
				k.upper++
			case '0' <= b && b <= '9':
				k.digit = true
			case b == '\'':
			case b == '-':
				if prevHyphen {
					k.special = true
				}
				k.hyphen = true
			case b == '{':
				k.open++
				k.special = true
			case b == '}':
				k.closed++
				k.special = true
			default:
				k.special = true
			}
			prevHyphen = b == '-'
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		prevHyphen = false
		switch {
		case r == '’':
		case unicode.IsLetter(r):
			if unicode.IsUpper(r) {
				if k.letters == 0 {
					k.firstUpper = true
				}
				k.upper++
			}
			k.letters++
			k.nonASCII = true
		case unicode.IsDigit(r):
			k.digit = true
		case unicode.Is(unicode.Mn, r):
			k.nonASCII = true
		default:
			k.special = true
		}
		j += size
	}
	k.hasAnyLetter = k.letters > 0
}

// allowedRepeats are words that English repeats on purpose ("he had had
// enough", "that that is", "what it is is").
var allowedRepeats = [...]string{"had", "that", "is", "bye", "ha", "no", "knock", "very", "really", "so", "much", "many", "long", "more", "far", "again", "over", "round", "blah", "bla", "go", "ho", "tsk", "chop", "now", "there", "hip", "yeah", "dum", "la", "pom", "tut", "boo"}

func allowedRepeat(w string) bool {
	for _, a := range allowedRepeats {
		if strings.EqualFold(a, w) {
			return true
		}
	}
	return false
}

func (c *Checker) checkWords(text string, issues []Issue) []Issue {
	var chunks [2]chunk // the current chunk and the one before, swapped
	k, prev := &chunks[0], &chunks[1]
	havePrev, prevSentenceStart := false, false
	first, budget := len(issues), maxSearches
	sentenceStart := true
	braces := 0 // depth of {...}: template tags, shortcodes, attribute lists
	for i := 0; ; {
		newlines, ok := nextChunk(text, i, k)
		if !ok {
			break
		}
		i = k.end
		if newlines >= 2 {
			sentenceStart = true
			havePrev = false
			braces = 0
		}
		if k.open+k.closed > 0 || braces > 0 {
			braces = max(0, braces+k.open-k.closed)
			havePrev = false
			continue
		}
		word := k.isWord()
		wasSentenceStart := sentenceStart
		if word && havePrev && c.repeated(text, prev, k, prevSentenceStart) {
			w := text[prev.cs:prev.ce]
			issues = append(issues, Issue{Rule: RuleRepeatedWord, Start: prev.cs, End: k.ce,
				Message:     `"` + w + `" is repeated; remove the second one`,
				Replacement: w, HasFix: true})
			// "the the the": one finding; the next check finds the rest.
			k.trail = true
		} else if word && !k.quoted && !k.nonASCII && (k.hyphen || spellable(k, sentenceStart)) {
			issues = c.spellChunk(text, k, sentenceStart, &budget, issues)
		}
		if k.hasAnyLetter || k.digit {
			sentenceStart = k.sentenceEnd
		} else if k.sentenceEnd {
			sentenceStart = true
		}
		k, prev = prev, k
		havePrev, prevSentenceStart = true, wasSentenceStart
	}
	return dropRepeatedSpellings(text, issues, first)
}

// repeated reports whether chunk k repeats the word of chunk prev as a slip:
// the same word, nothing but a space or a line break between, and not a
// repetition English makes on purpose.
func (c *Checker) repeated(text string, prev, k *chunk, sentenceStart bool) bool {
	if prev.trail || k.lead || !prev.isWord() || k.quoted || prev.quoted {
		return false
	}
	a, b := text[prev.cs:prev.ce], text[k.cs:k.ce]
	if !strings.EqualFold(a, b) || allowedRepeat(b) {
		return false
	}
	if len(b) == 1 && b != "a" && b != "A" && b != "I" {
		return false // initials, variables
	}
	if k.firstUpper && (!prev.firstUpper || !sentenceStart) {
		// "set Set": the second starts something new (a column, a name);
		// "Walla Walla", "the Late Late Show": a name.
		return false
	}
	if k.upper > 1 {
		return false // acronyms and names in capitals
	}
	gap := text[prev.end:k.start]
	spaces := 0
	for j := 0; j < len(gap); j++ {
		switch gap[j] {
		case ' ', '\t':
			spaces++
		case '\n':
			spaces = 0
		}
	}
	// Wide gaps are columns of a plain-text table, not a sentence.
	return spaces <= 2
}

// spellable reports whether a word without hyphens is one spellWord
// checks, to skip the call for the many that it would not.
func spellable(k *chunk, sentenceStart bool) bool {
	if k.letters < 3 || k.upper > 1 || k.upper == 1 && !k.firstUpper {
		return false
	}
	return true
}

// spellChunk checks the spelling of a word chunk, part by part when it is
// hyphenated and unknown as a whole.
func (c *Checker) spellChunk(text string, k *chunk, sentenceStart bool, budget *int, issues []Issue) []Issue {
	core := text[k.cs:k.ce]
	if !k.hyphen {
		return c.spellWord(text, k.cs, k.ce, sentenceStart, budget, issues)
	}
	if k.upper == 0 || k.upper == 1 && k.firstUpper {
		var buf [64]byte
		if len(core) <= len(buf) && c.knownWord(appendNorm(buf[:0], core)) {
			return issues
		}
	}
	first := true
	for s := k.cs; s < k.ce; {
		e := strings.IndexByte(text[s:k.ce], '-')
		if e < 0 {
			e = k.ce
		} else {
			e += s
		}
		if e > s && !(e < k.ce && isPrefix(text[s:e])) {
			issues = c.spellWord(text, s, e, sentenceStart && first, budget, issues)
		}
		first = false
		s = e + 1
	}
	return issues
}

// prefixes are written with a hyphen before a word ("multi-cluster").
var prefixes = [...]string{"anti", "auto", "bi", "co", "counter", "cross", "de", "hyper", "inter", "intra", "macro", "meta", "micro", "mid", "mini", "multi", "non", "post", "pre", "pro", "pseudo", "re", "semi", "sub", "super", "tri", "ultra", "un", "uni"}

func isPrefix(w string) bool {
	for _, p := range prefixes {
		if strings.EqualFold(p, w) {
			return true
		}
	}
	return false
}

// knownWord reports whether a normalised word is correctly spelled as far as
// the dictionaries, the project words and the repository vocabulary know.
func (c *Checker) knownWord(w []byte) bool {
	if e, ok := c.dict.lookupBytes(w); ok && e.flags()&flagKnown != 0 {
		return true
	}
	return c.projectWord(w)
}

func (c *Checker) projectWord(w []byte) bool {
	if _, ok := c.words[string(w)]; ok {
		return true
	}
	return c.vocab != nil && c.vocab.documents(w) >= c.minDocs
}

// spellWord checks the word text[s:e] (letters, apostrophes).
// budget counts down the suggestion searches left for this text.
func (c *Checker) spellWord(text string, s, e int, sentenceStart bool, budget *int, issues []Issue) []Issue {
	// The finding and its fix leave a possessive alone.
	if strings.HasSuffix(text[s:e], "'s") {
		e -= 2
	} else if strings.HasSuffix(text[s:e], "’s") {
		e -= len("’s")
	}
	w := text[s:e]
	if len(w) > 48 {
		return issues
	}
	letters, upper, firstUpper := 0, 0, false
	for i := 0; i < len(w); i++ {
		b := w[i]
		switch {
		case 'a' <= b && b <= 'z':
			letters++
		case 'A' <= b && b <= 'Z':
			if letters == 0 {
				firstUpper = true
			}
			letters++
			upper++
		}
	}
	if letters < 3 || upper > 1 || upper == 1 && !firstUpper {
		// Short words, acronyms, CamelCase and iOS-style names.
		return issues
	}
	// A capitalised word inside a sentence is a name: it is only compared
	// with the repository's own terms ("Kuberentes" for "Kubernetes").
	name := firstUpper && !sentenceStart
	var buf [64]byte
	lw := appendNorm(buf[:0], w)
	en, ok := c.dict.lookupBytes(lw)
	if ok && en.flags()&flagMisspelt != 0 && !name {
		if c.projectWord(lw) {
			return issues
		}
		fix := c.dict.fix(en)
		if firstUpper {
			fix = strings.ToUpper(fix[:1]) + fix[1:]
		}
		return append(issues, Issue{Rule: RuleMisspelling, Start: s, End: e,
			Message:     `"` + w + `" is a common misspelling of "` + fix + `"`,
			Replacement: fix, HasFix: true})
	}
	if ok && en.flags()&flagKnown != 0 || c.projectWord(lw) {
		return issues
	}
	if !firstUpper && c.derivedWord(lw) {
		return issues
	}
	if letters >= minUnknownLen+1 && c.vocab != nil && isLowerASCIIBytes(lw) && *budget > 0 {
		// A slip in a term of the repository: one edit from a word its
		// posts use often. Swaps alone cost little and are not counted.
		if !firstUpper {
			*budget--
		}
		// For a capitalised word only swapped letters count: a name one
		// letter away from a word or another name is most often right.
		if near := c.vocab.nearby(lw, 2*c.minDocs, 1, firstUpper); len(near) == 1 {
			fix := near[0]
			if firstUpper {
				fix = strings.ToUpper(fix[:1]) + fix[1:]
			}
			return append(issues, Issue{Rule: RuleMisspelling, Start: s, End: e,
				Message:     `"` + w + `" looks misspelled; did you mean "` + fix + `", as other posts write it?`,
				Replacement: fix, HasFix: true})
		}
	}
	if firstUpper {
		// An unknown capitalised word is most often a name; only known
		// misspellings and slips in the repository's terms are reported.
		return issues
	}
	if letters < minUnknownLen || !isLowerASCIIBytes(lw) {
		// Short unknown words are mostly abbreviations (libc, objc, ptr).
		return issues
	}
	if *budget <= 0 {
		// A text with this many unknown words is not English prose (a
		// data dump, another language); stop before it costs time.
		return issues
	}
	*budget--
	sugg := c.dict.suggestions(string(lw), 3)
	is := Issue{Rule: RuleMisspelling, Start: s, End: e}
	switch len(sugg) {
	case 0:
		// Nothing in the dictionary is close: a name, a term or a
		// handle far more often than a slip.
		return issues
	case 1:
		is.Message = `"` + w + `" looks misspelled; did you mean "` + sugg[0] + `"?`
		// Short words are more often names close to a word by chance
		// ("kpack", "knack"): suggest, but offer no one-click fix.
		if len(w) >= minFixLen {
			is.Replacement, is.HasFix = sugg[0], true
		}
	default:
		if len(sugg) > 3 {
			sugg = sugg[:3]
		}
		is.Message = `"` + w + `" looks misspelled; did you mean "` + strings.Join(sugg, `", "`) + `"?`
	}
	return append(issues, is)
}

// minUnknownLen is the shortest word reported for not being in the
// dictionaries (known misspellings are reported from 3 letters).
const minUnknownLen = 5

// minFixLen is the shortest unknown word offered a one-click fix.
const minFixLen = 6

// maxSearches bounds the suggestion searches for one text, so a huge
// text of unknown words costs linear time.
const maxSearches = 200

// dropRepeatedSpellings removes the misspelling findings of words written
// the same way three times or more in the text: a name or a term the author
// means ("mirrord"), not a slip. It keeps the order of issues.
func dropRepeatedSpellings(text string, issues []Issue, first int) []Issue {
	spelled := 0
	for _, is := range issues[first:] {
		if is.Rule == RuleMisspelling {
			spelled++
		}
	}
	if spelled < 3 {
		return issues
	}
	counts := make(map[string]int, spelled)
	for _, is := range issues[first:] {
		if is.Rule == RuleMisspelling {
			counts[strings.ToLower(text[is.Start:is.End])]++
		}
	}
	out := issues[:first]
	for _, is := range issues[first:] {
		if is.Rule == RuleMisspelling && counts[strings.ToLower(text[is.Start:is.End])] >= 3 {
			continue
		}
		out = append(out, is)
	}
	return out
}

func isLowerASCIIBytes(w []byte) bool {
	for _, b := range w {
		if b < 'a' || b > 'z' {
			return false
		}
	}
	return true
}

// suffixes are stripped to find the stem of an inflected technical word
// ("configs", "kubeconfigs", "containerized"); the stem must be known.
var suffixes = [...]string{"s", "es", "ed", "d", "ing", "er", "ers", "ly", "able", "ability"}

// derivedWord reports whether w is an inflection, a prefixed form or a
// compound of two known words ("multicluster", "dataplane").
func (c *Checker) derivedWord(w []byte) bool {
	for _, suf := range suffixes {
		if n := len(w) - len(suf); n >= 3 && string(w[n:]) == suf {
			if c.knownWord(w[:n]) {
				return true
			}
			if suf == "ing" || suf == "ed" || suf == "er" || suf == "able" {
				// Dropped e: "configurable" -> "configure".
				var buf [64]byte
				stem := append(append(buf[:0], w[:n]...), 'e')
				if c.knownWord(stem) {
					return true
				}
			}
		}
	}
	for _, p := range prefixes {
		if len(w) > len(p)+2 && string(w[:len(p)]) == p && c.knownWord(w[len(p):]) {
			return true
		}
	}
	// Compounds: parts of three letters or more, seven in all, so that a
	// short slip ("natvie" = "nat" + "vie") is not taken for one.
	for i := 3; len(w) >= 7 && i+3 <= len(w); i++ {
		if c.commonWord(w[:i]) && (c.commonWord(w[i:]) || c.knownWord(w[i:]) && i >= 4) {
			return true
		}
	}
	return false
}

func (c *Checker) commonWord(w []byte) bool {
	e, ok := c.dict.lookupBytes(w)
	return ok && e.flags()&flagCommon != 0
}

// placeholders are written in capitals; in lower case they are ordinary
// words ("a todo app").
var placeholders = [...]string{"TODO", "TBD", "FIXME", "XXX", "TKTK"}

func checkPlaceholders(text string, issues []Issue) []Issue {
	for _, p := range placeholders {
		for s := range indexAll(text, p) {
			e := s + len(p)
			if s > 0 && isWordByte(text[s-1]) || e < len(text) && isWordByte(text[e]) {
				continue
			}
			if (p == "TODO" || p == "TBD" || p == "XXX") && !looksLikeNote(text, s, e) {
				// "our TODO list", "a TBD date": the word, not a note.
				continue
			}
			issues = append(issues, Issue{Rule: RulePlaceholder, Start: s, End: e,
				Message: `"` + p + `" is a placeholder; finish the text or remove it before publishing`})
		}
	}
	for _, p := range [...]string{"lorem ipsum", "Lorem ipsum", "Lorem Ipsum", "LOREM IPSUM"} {
		for s := range indexAll(text, p) {
			if s > 0 && isWordByte(text[s-1]) {
				continue
			}
			issues = append(issues, Issue{Rule: RulePlaceholder, Start: s, End: s + len(p),
				Message: `"` + p + `" is placeholder text; replace it with the real text`})
		}
	}
	for _, p := range [...]string{"[insert ", "[Insert ", "[INSERT ", "<insert ", "<Insert ", "{insert ", "{Insert "} {
		closer := byte(']')
		switch p[0] {
		case '<':
			closer = '>'
		case '{':
			closer = '}'
		}
		for s := range indexAll(text, p) {
			off := s + len(p)
			rest := text[off:min(len(text), off+120)]
			e := strings.IndexByte(rest, closer)
			if e < 0 || strings.IndexByte(rest[:e], '\n') >= 0 {
				continue
			}
			end := off + e + 1
			issues = append(issues, Issue{Rule: RulePlaceholder, Start: s, End: end,
				Message: `"` + text[s:end] + `" is a placeholder; replace it with the real text`})
		}
	}
	return issues
}

// indexAll yields the offset of each occurrence of sub in text, left to
// right, without overlaps.
func indexAll(text, sub string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for off := 0; ; {
			j := strings.Index(text[off:], sub)
			if j < 0 || !yield(off+j) {
				return
			}
			off += j + len(sub)
		}
	}
}

// looksLikeNote reports whether text[s:e] stands as a note: at the start
// of a line or after an opening bracket, or followed by a colon, a closing
// bracket, a dash or the end of the line.
func looksLikeNote(text string, s, e int) bool {
	i := s - 1
	for i >= 0 && (text[i] == ' ' || text[i] == '\t') {
		i--
	}
	if i < 0 || text[i] == '\n' || text[i] == '(' || text[i] == '[' {
		return true
	}
	j := e
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	if j == len(text) || text[j] == '\n' || text[j] == '\r' {
		return true
	}
	switch text[j] {
	case ':', ')', ']', '-', '!':
		return true
	}
	return strings.HasPrefix(text[j:], "—") || strings.HasPrefix(text[j:], "–")
}

func isWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}
