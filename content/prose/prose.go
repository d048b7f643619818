package prose

import (
	"cmp"
	"iter"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/content/internal/substr"
)

// Rule IDs reported in Issue.Rule.
const (
	RuleRepeatedWord  = "repeated-word"
	RuleMisspelling   = "misspelling"
	RuleMojibake      = "mojibake"
	RuleBidiControl   = "bidi-control"
	RuleInvisibleChar = "invisible-char"
	RulePlaceholder   = "placeholder"
	// RuleRepeatedPhrase is a phrase of three words or more, or a
	// sentence, written twice in a row ("in the cluster in the cluster").
	RuleRepeatedPhrase = "repeated-phrase"
)

// Issue is one slip in a run of plain text.
type Issue struct {
	Rule        string // "repeated-word" | "repeated-phrase" | "misspelling" | "mojibake" | "bidi-control" | "invisible-char" | "placeholder"
	Start, End  int    // byte offsets in the text passed to Check
	Message     string // written for the author
	Replacement string // the fixed text for [Start,End); with HasFix false, a suggestion for the author to review
	HasFix      bool   // Replacement is a certain fix: it cannot change the meaning, --fix may apply it
	// Tentative marks a finding that may be what the author meant ("he
	// had had enough", a mojibake whose repair is a guess): the caller
	// reports it at most as a warning, even for a rule whose default is
	// an error. A Tentative issue never has HasFix.
	Tentative bool

	listed   bool // a misspelling on the list of common misspellings
	repoTerm bool // a slip in a term the repository's posts use
}

// Options configures a Checker.
type Options struct {
	Words      []string    // project vocabulary (.herald.yml `words:`), case-insensitive
	Vocabulary *Vocabulary // words seen in the repository's other posts; nil for none
	MinDocs    int         // a word in >= MinDocs documents of Vocabulary counts as known (0 = default 3)
	// Language is the language of the site's texts, a BCP 47 tag ("en",
	// "en-US", "ja"), used when CheckText is not told a text's own
	// language. "" means unknown: each text is then spell-checked only
	// when DetectLanguage finds it English (or too short to tell). Only
	// English is spell-checked; the other rules run in every language.
	Language string
}

// TextOptions describes one text passed to CheckText.
type TextOptions struct {
	// Language is the text's own language (front matter `lang:`, Hugo's
	// content/<lang>/ folder or file.<lang>.md, Docusaurus
	// i18n/<locale>/): a BCP 47 tag; "" falls back to Options.Language,
	// then to DetectLanguage.
	Language string
	// Title marks a title, heading or description, often in Title Case:
	// a capitalised word there is not taken for a name by its capital
	// alone and is spell-checked when it is a near slip of a common word.
	// Pass each field as its own text. A title word that the
	// Vocabulary has seen in any document (the post's own body, added
	// with AddDocument) is taken as meant.
	Title bool
	// Words are known in this text only, case-insensitive: the post's
	// own list, such as cspell's `cSpell:ignore:` front-matter key or a
	// `<!-- cspell:ignore ... -->` comment.
	Words []string
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
	lang    string
}

// NewChecker returns a Checker configured by opts. The embedded dictionary
// is read in place on the first call in a process (microseconds) and shared
// by all Checkers after that.
func NewChecker(opts Options) *Checker {
	c := &Checker{
		dict:    loadDictionary(),
		words:   make(map[string]struct{}, len(opts.Words)),
		vocab:   opts.Vocabulary,
		minDocs: opts.MinDocs,
		lang:    opts.Language,
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
// The language is Options.Language, or detected (see TextOptions).
func (c *Checker) Check(text string) []Issue {
	return c.CheckText(text, TextOptions{})
}

// CheckText is Check with the language and kind of the text stated.
func (c *Checker) CheckText(text string, opts TextOptions) []Issue {
	lang := opts.Language
	if lang == "" {
		lang = c.lang
	}
	var issues []Issue
	issues = c.checkChars(text, issues)
	issues = c.checkWords(text, wordMode{spell: spellLanguage(text, lang), title: opts.Title}, issues)
	if len(opts.Words) > 0 {
		issues = dropWords(text, issues, opts.Words)
	}
	issues = checkPlaceholders(text, issues)
	slices.SortStableFunc(issues, func(a, b Issue) int { return cmp.Compare(a.Start, b.Start) })
	return issues
}

// dropWords removes the misspelling findings of the words of words.
func dropWords(text string, issues []Issue, words []string) []Issue {
	out := issues[:0]
	for _, is := range issues {
		if is.Rule == RuleMisspelling && slices.ContainsFunc(words, func(w string) bool {
			return strings.EqualFold(strings.TrimSpace(w), text[is.Start:is.End])
		}) {
			continue
		}
		out = append(out, is)
	}
	return out
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
	// Most chunks of prose are ASCII letters, maybe followed by one mark
	// of punctuation: read them in one pass and analyse them on the way
	// (see analyseLetters, which says the same of a chunk found).
	upper := 0
	for i+8 <= len(text) {
		n, up := letterRun8(le64(text[i:]))
		i += n
		upper += up
		if n < 8 {
			goto letters
		}
	}
	for i < len(text) {
		c := asciiLetter[text[i]]
		if c == 0 {
			break
		}
		upper += int(c >> 1)
		i++
	}
letters:
	if i > k.start {
		end := i
		if end < len(text) {
			switch text[end] {
			case '.', ',', ';', ':', '!', '?':
				end++
			}
		}
		if end == len(text) || isChunkEnd(text[end]) {
			k.end = end
			k.setLetters(text, i, upper)
			return newlines, true
		}
	}
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

// letterRun8 returns how many of the eight bytes of x (little-endian, the
// first byte lowest) are ASCII letters before the first that is not, and
// how many of those are capitals: the letters of eight bytes of a chunk in
// a few operations rather than eight table lookups.
func letterRun8(x uint64) (n, upper int) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	l := x | 0x20*ones // a letter in lower case
	// For a byte below 0x80, adding 0x80-'a' sets its high bit when it is
	// 'a' or more, and adding 0x80-'z'-1 when it is more than 'z'. A byte
	// of 0x80 or more is no letter (its high bit in x clears it) and may
	// carry into the bytes after it only, which are not counted.
	letter := (l + (0x80-'a')*ones) &^ (l + (0x80-'z'-1)*ones) &^ x & highs
	n = bits.TrailingZeros64(^letter&highs) / 8
	caps := letter &^ (x << 2) // a letter whose 0x20 bit is clear
	if n < 8 {
		caps &= 1<<(8*n) - 1
	}
	return n, bits.OnesCount64(caps)
}

// isChunkEnd reports whether b, an ASCII space, ends a chunk.
func isChunkEnd(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

func isAlnumRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if isGeneralPunct(r) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isGeneralPunct reports whether r is in Unicode's General Punctuation
// block (U+2000 to U+206F: curly quotes, dashes, the ellipsis, spaces and
// invisible marks), none of which is a letter, a digit or a mark: the
// non-ASCII characters prose has most often, told without a search of
// the Unicode tables (TestGeneralPunct checks the block).
func isGeneralPunct(r rune) bool { return r >= 0x2000 && r <= 0x206F }

func isAlnumByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// asciiLetter classifies the bytes of a chunk for analyse's fast path:
// 1 a lower-case ASCII letter, 2 an upper-case one, 0 anything else.
var asciiLetter = func() (t [256]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		t[b] = 1
	}
	for b := 'A'; b <= 'Z'; b++ {
		t[b] = 2
	}
	return t
}()

func (k *chunk) analyse(text string) {
	// Most chunks of prose are ASCII letters, maybe followed by one mark
	// of punctuation: one pass tells them, and sets what the general
	// passes below would (a core of letters, no lead, no special).
	if !k.analyseLetters(text) {
		k.analyseAny(text)
	}
}

// analyseAny analyses any chunk.
func (k *chunk) analyseAny(text string) {
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
		case isGeneralPunct(r):
			k.special = true
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

// analyseLetters analyses a chunk of ASCII letters followed by at most one
// of . , ; : ! ? and reports whether the chunk is one; it leaves k alone
// when it is not.
func (k *chunk) analyseLetters(text string) bool {
	end := k.end
	switch text[end-1] {
	case '.', ',', ';', ':', '!', '?':
		end--
	}
	if end == k.start {
		return false
	}
	upper := 0
	for j := k.start; j < end; j++ {
		c := asciiLetter[text[j]]
		if c == 0 {
			return false
		}
		upper += int(c >> 1)
	}
	k.setLetters(text, end, upper)
	return true
}

// setLetters fills in k for a chunk whose core text[k.start:ce] is ASCII
// letters, upper of them capitals, followed up to k.end by at most one mark
// of punctuation: what nextChunk's fast path and analyseLetters both find.
func (k *chunk) setLetters(text string, ce, upper int) {
	k.cs, k.ce = k.start, ce
	if ce < k.end {
		k.trail = true
		switch text[ce] {
		case '.', '!', '?', ':':
			k.sentenceEnd = true
		}
	}
	k.letters = ce - k.start
	k.upper = upper
	k.firstUpper = asciiLetter[text[k.start]] == 2
	k.hasAnyLetter = true
}

// allowedRepeats are words that English repeats on purpose ("he had had
// enough", "that that is", "bye bye", "really really"): never reported.
var allowedRepeats = [...]string{"had", "that", "bye", "ha", "no", "knock", "very", "really", "so", "much", "many", "long", "more", "far", "again", "over", "round", "blah", "bla", "go", "ho", "tsk", "chop", "now", "there", "hip", "yeah", "dum", "la", "pom", "tut", "boo", "yes", "hey", "hi", "oh", "wow", "ok", "okay", "yay", "woo", "shh", "hmm", "mm", "uh", "ah", "sure", "here", "well", "hello", "thanks", "please", "quickly", "slowly", "bit", "way", "one", "two", "step", "day", "side", "by", "little", "less", "yada", "tick", "tock", "tom", "bling", "rah", "ding", "dong", "beep", "boop", "cha", "na", "da", "doo", "bang", "choo", "zoom", "clap", "etc", "lots"}

var allowedRepeatSet = newFoldSet(allowedRepeats[:])

func allowedRepeat(w string) bool { return allowedRepeatSet.has(w) }

// inFold reports whether list, of ASCII words, holds w ignoring case, as a
// loop of strings.EqualFold would: a word of another length is passed over
// without comparing, unless w has a non-ASCII byte (the Kelvin sign folds
// to "k" in three bytes).
func inFold(list []string, w string) bool {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	for _, a := range list {
		if (!ascii || len(a) == len(w)) && strings.EqualFold(a, w) {
			return true
		}
	}
	return false
}

// foldSet is a list of ASCII words for inFold's question, answered by one
// map lookup of the word in lower case rather than a loop over the list.
type foldSet struct {
	list  []string
	lower map[string]struct{}
	max   int // the longest word's length
}

func newFoldSet(list []string) foldSet {
	s := foldSet{list: list, lower: make(map[string]struct{}, len(list))}
	for _, w := range list {
		s.lower[strings.ToLower(w)] = struct{}{}
		s.max = max(s.max, len(w))
	}
	return s
}

// has reports inFold(s.list, w).
func (s *foldSet) has(w string) bool {
	if len(w) > s.max || len(w) > 24 {
		// Longer than every word: only a non-ASCII fold (the Kelvin sign
		// is three bytes for "k") may match.
		return !isASCII(w) && inFold(s.list, w)
	}
	var buf [24]byte
	for i := 0; i < len(w); i++ {
		b := w[i]
		if b >= utf8.RuneSelf {
			return inFold(s.list, w)
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf[i] = b
	}
	_, ok := s.lower[string(buf[:len(w)])]
	return ok
}

func isASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// certainRepeats are function words that grammatical English never writes
// twice in a row: "the the", "a a", "to to", "of of". Their repetition is
// certainly a slip, reported with a fix; any other repeated word may be
// meant ("has has", "in in" as in "log in in the corner", a chat transcript,
// a lyric) and is reported as Tentative, without a fix. "is is" and "was
// was" are certain too, except after a pronoun or "what", where they are
// grammatical ("what it is is a tool") and not reported.
var certainRepeats = [...]string{"the", "a", "an", "to", "of", "for", "with", "from", "at", "into", "onto", "and", "or", "nor", "but", "than", "our", "their", "my", "your", "its", "these", "those", "we", "they", "should", "would", "could", "must", "if", "been", "be", "are", "were", "also", "via", "is", "was"}

var certainRepeatSet = newFoldSet(certainRepeats[:])

func certainRepeat(w string) bool { return certainRepeatSet.has(w) }

// copulaSubjects are the words after which "is is" and "was was" can be
// grammatical ("what it is is", "all that was was").
var copulaSubjects = [...]string{"it", "this", "that", "what", "which", "he", "she", "there", "here", "thing", "all", "one", "problem", "point", "question", "issue", "reason"}

// wordMode is how checkWords treats one text.
type wordMode struct {
	spell bool // English: spell-check the words
	title bool // a title: capitalised words are checked too
}

// phraseToken is a word of the current block, kept for the repeated-phrase
// rule.
type phraseToken struct {
	start, cs, ce, end int32
	lead, trail        bool
	sentenceStart      bool
	afterRepeat        bool   // the token after a collapsed repeated word
	key                uint32 // length and first and last letters in lower case, to compare words fast
}

// tokenKey returns the phraseToken key of the word w.
func tokenKey(w string) uint32 {
	return uint32(len(w))<<16 | uint32(w[0]|0x20)<<8 | uint32(w[len(w)-1]|0x20)
}

// maxPhraseWords is the longest phrase or sentence the repeated-phrase
// rule finds doubled; beyond minPhraseNoEnd words only whole sentences are
// compared.
const (
	maxPhraseWords = 32
	minPhraseWords = 3
	minPhraseNoEnd = 8
)

func (c *Checker) checkWords(text string, mode wordMode, issues []Issue) []Issue {
	var chunks [2]chunk // the current chunk and the one before, swapped
	k, prev := &chunks[0], &chunks[1]
	havePrev, prevSentenceStart := false, false
	first := len(issues)
	budget := spellState{left: maxSearches}
	sentenceStart := true
	braces := 0 // depth of {...}: template tags, shortcodes, attribute lists
	// The words of the block for the repeated-phrase rule: a key, the
	// start and two flags each, the least that tells a candidate; the
	// tokens are read again from the text for a candidate only.
	var (
		pkeys   [2 * maxPhraseWords]uint32
		pstarts [2 * maxPhraseWords]int32
		pflags  [2 * maxPhraseWords]uint8
		scratch [2 * maxPhraseWords]phraseToken
	)
	ntoks := 0
	stutters := 0
	before := [2]int{-1, -1} // the core of the word before prev, for "what it is is"
	// The block's words and English function words, and its first
	// misspelling, to drop the misspellings of a block that is not
	// English prose (a quotation in another language, a list of names).
	// The function words are counted only for a block with a misspelling finding,
	// which is rare, so that the count costs nothing on most blocks.
	blockFirst, blockStart := len(issues), 0
	endBlock := func(end int) {
		if mode.spell && hasDroppable(issues[blockFirst:]) {
			if words, stops := englishStopRatio(text[blockStart:end]); words >= minBlockWords && stops*blockStopRatio < words {
				issues = dropMisspellings(issues, blockFirst)
			}
		}
		blockFirst = len(issues)
	}
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
			ntoks = 0
			endBlock(k.start)
			blockStart = k.start
		}
		if k.open+k.closed > 0 || braces > 0 {
			braces = max(0, braces+k.open-k.closed)
			havePrev = false
			ntoks = 0
			continue
		}
		word := k.isWord()
		wasSentenceStart := sentenceStart
		collapsed := false
		if word && havePrev && prev.trail && prev.end-prev.ce == 1 && text[prev.ce] == ',' && k.start == prev.end+1 && strings.EqualFold(text[prev.cs:prev.ce], text[k.cs:k.ce]) {
			stutters++ // "the, the": speech
		}
		// repeated's first tests, inlined: most words follow punctuation
		// or a word of another length.
		if word && havePrev && !prev.trail && !k.lead && (prev.ce-prev.cs == k.ce-k.cs || prev.nonASCII || k.nonASCII) &&
			c.repeated(text, prev, k, prevSentenceStart) {
			w := text[prev.cs:prev.ce]
			is := Issue{Rule: RuleRepeatedWord, Start: prev.cs, End: k.ce, Replacement: w}
			switch {
			case !mode.spell || !certainRepeat(w):
				is.Tentative = true
				is.Message = `"` + w + `" is written twice; if that is a slip, remove the second one`
			case (strings.EqualFold(w, "is") || strings.EqualFold(w, "was")) && before[0] >= 0 && copulaSubject(text[before[0]:before[1]]):
				is.Rule = "" // "what it is is": grammatical
			default:
				is.HasFix = true
				is.Message = `"` + w + `" is repeated; remove the second one`
			}
			if is.Rule != "" {
				issues = append(issues, is)
				// "the the the": one finding; the next check finds the rest.
				k.trail = true
				collapsed = true
			}
		} else if mode.spell && word && !k.quoted && !k.nonASCII && (k.hyphen || spellable(k, sentenceStart)) {
			// Most words were met before in the text and noted known:
			// spellWord would pass them over first thing. (It cuts a
			// possessive first, and reads a hyphenated word part by
			// part: those go the long way.)
			known := false
			if n := k.ce - k.cs; !k.hyphen && !(text[k.ce-1] == 's' && possessiveLen(text[k.cs:k.ce]) > 0) {
				if n <= 8 && k.cs+8 <= len(text) {
					// isKnown's most frequent case, inlined by hand: a call
					// per word costs 2.4% of a post's check (callgrind,
					// BenchmarkCheckPost), and the compiler will not inline
					// it.
					head := le64(text[k.cs:]) & (1<<(8*n) - 1)
					sp := &budget.known[knownHash(head, 0, n)]
					known = sp.head == head && int(sp.end-sp.start) == n
				} else {
					known = budget.isKnown(text, k.cs, k.ce)
				}
			}
			if !known {
				issues = c.spellChunk(text, k, spellCtx{sentenceStart: sentenceStart, title: mode.title}, &budget, issues)
			}
		}
		if word && !k.quoted {
			if collapsed && ntoks > 0 {
				// "in the the cluster in the cluster": the phrase rule
				// reads the text as its repeated-word fix leaves it.
				pflags[ntoks-1] |= phraseCollapsed
			} else {
				if ntoks == len(pkeys) {
					copy(pkeys[:], pkeys[maxPhraseWords:])
					copy(pstarts[:], pstarts[maxPhraseWords:])
					copy(pflags[:], pflags[maxPhraseWords:])
					ntoks = maxPhraseWords
				}
				pkeys[ntoks] = tokenKey(text[k.cs:k.ce])
				pstarts[ntoks] = int32(k.start)
				pflags[ntoks] = 0
				if wasSentenceStart {
					pflags[ntoks] = phraseSentenceStart
				}
				ntoks++
				if ntoks >= 2*minPhraseWords && phraseCandidate(pkeys[:ntoks], k.sentenceEnd) {
					toks := phraseTokens(text, pstarts[:ntoks], pflags[:ntoks], scratch[:0])
					if is, ok := repeatedPhrase(text, toks); ok {
						issues = append(issues, is)
						ntoks = 0
					}
				}
			}
		} else {
			ntoks = 0
		}
		if havePrev {
			before = [2]int{prev.cs, prev.ce}
		} else {
			before = [2]int{-1, -1}
		}
		if k.hasAnyLetter || k.digit {
			sentenceStart = k.sentenceEnd
		} else if k.sentenceEnd {
			sentenceStart = true
		}
		k, prev = prev, k
		havePrev, prevSentenceStart = true, wasSentenceStart
	}
	endBlock(len(text))
	issues = dropTranscriptRepeats(issues, first, stutters)
	issues = dropNames(text, issues, first, mode.title)
	return dropRepeatedSpellings(text, issues, first)
}

// dropNames removes the misspelling findings of issues[first:] that their
// context shows to be a name, a handle or a term rather than a slip: a word
// alone in parentheses ("Microsoft Entra ID (azuread)"); an item of a list
// next to names ("Thanks to Jane Doe, lehnerj and @foo"); a word the text
// also writes with a capital inside a sentence ("Voltra ... voltra"), or
// twice or more in any case: a slip is rarely repeated letter for letter,
// a name or a term ("certifi", "squircle") often is. Known misspellings
// (reported unless written three times) and slips in the
// repository's terms are kept.
func dropNames(text string, issues []Issue, first int, title bool) []Issue {
	out := issues[:first]
	for _, is := range issues[first:] {
		if is.Rule == RuleMisspelling && is.listed && !title && 'A' <= text[is.Start] && text[is.Start] <= 'Z' && beforeCapital(text, is.End) {
			continue // "Sebastiaan Deckers": a first name, not "Sebastian"
		}
		if is.Rule != RuleMisspelling || is.listed || is.repoTerm {
			out = append(out, is)
			continue
		}
		s, e := is.Start, is.End
		if s > 0 && e < len(text) && text[s-1] == '(' && text[e] == ')' {
			continue
		}
		if listItemNearName(text, s, e) || afterFullName(text, s, e) {
			continue
		}
		if meantElsewhere(text, s, e) {
			continue
		}
		out = append(out, is)
	}
	return out
}

// listItemNearName reports whether text[s:e] is a whole item of a list (a
// comma, semicolon or "and" before it, and after it one of those, a full
// stop or the end of the line, maybe after a capitalised word: "orchit
// GmbH,") with a name near it: a capitalised word next to a comma, or an
// @handle, within a line or so.
func listItemNearName(text string, s, e int) bool {
	i := s
	for i > 0 && text[i-1] == ' ' {
		i--
	}
	left := i > 0 && (text[i-1] == ',' || text[i-1] == ';' || text[i-1] == '&') ||
		i >= 4 && strings.EqualFold(text[i-4:i], " and")
	if !left {
		return false
	}
	separator := func(j int) bool {
		for j < len(text) && text[j] == ' ' {
			j++
		}
		return j == len(text) || strings.IndexByte(",;&.\n)", text[j]) >= 0 ||
			len(text)-j >= 4 && strings.EqualFold(text[j:j+4], "and ")
	}
	right := separator(e)
	if !right {
		j := e
		for j < len(text) && text[j] == ' ' {
			j++
		}
		if j < len(text) && 'A' <= text[j] && text[j] <= 'Z' {
			for j < len(text) && isLetterByte(text[j]) {
				j++
			}
			right = separator(j)
		}
	}
	if !right {
		return false
	}
	lo, hi := max(0, s-100), min(len(text), e+100)
	for k := lo; k < hi; k++ {
		switch b := text[k]; {
		case b == '@':
			return true
		case b == ',' && k+2 < hi && text[k+1] == ' ' && 'A' <= text[k+2] && text[k+2] <= 'Z':
			return true
		case b == ',' && k > lo:
			// "Simek, ": a capitalised word before a comma.
			p := k
			for p > lo && isLetterByte(text[p-1]) {
				p--
			}
			if p < k && 'A' <= text[p] && text[p] <= 'Z' && p > 0 && (text[p-1] == ' ' || text[p-1] == '\n') {
				return true
			}
		}
	}
	return false
}

// beforeCapital reports whether a capitalised word follows text[:e] after
// one space.
func beforeCapital(text string, e int) bool {
	return e+1 < len(text) && text[e] == ' ' && 'A' <= text[e+1] && text[e+1] <= 'Z'
}

// afterFullName reports whether text[s:e] follows two capitalised words
// and ends its line or comes before a parenthesis: a handle after a name,
// as in contributor lists ("Diego Hurtado ocelotl (Elastic)").
func afterFullName(text string, s, e int) bool {
	j := e
	for j < len(text) && text[j] == ' ' {
		j++
	}
	if j < len(text) && text[j] != '\n' && text[j] != '(' && text[j] != ',' && text[j] != ';' {
		return false
	}
	p := s
	for n := 0; n < 2; n++ {
		if p == 0 || text[p-1] != ' ' {
			return false
		}
		p--
		q := p
		for q > 0 && (isLetterByte(text[q-1]) || text[q-1] == '-' || text[q-1] == '\'') {
			q--
		}
		if q == p || text[q] < 'A' || text[q] > 'Z' {
			return false
		}
		p = q
	}
	return true
}

// meantElsewhere reports whether the word text[s:e] occurs in text twice
// or more, in lower case or capitalised, or once capitalised after a word
// or comma (a name: "Voltra is a player ... voltra").
func meantElsewhere(text string, s, e int) bool {
	lw := strings.ToLower(text[s:e])
	cw := strings.ToUpper(lw[:1]) + lw[1:]
	n := 0
	for _, w := range [...]string{lw, cw} {
		for off := 0; off < len(text); {
			j := strings.Index(text[off:], w)
			if j < 0 {
				break
			}
			at := off + j
			off = at + len(w)
			if at > 0 && isWordByte(text[at-1]) || off < len(text) && isWordByte(text[off]) {
				continue
			}
			n++
			if n >= 2 {
				return true
			}
			if at == s || w == lw {
				continue
			}
			p := at
			for p > 0 && (text[p-1] == ' ' || text[p-1] == '[' || text[p-1] == '*' || text[p-1] == '_') {
				p--
			}
			if p > 0 && p < at && (isWordByte(text[p-1]) || text[p-1] == ',') {
				return true
			}
		}
		if lw == cw {
			break
		}
	}
	return false
}

// A block of minBlockWords words or more in which under one word in
// blockStopRatio is an English function word is not English prose: a
// quotation in another language, a list of names or of terms. Its
// misspelling findings are dropped.
const (
	minBlockWords  = 8
	blockStopRatio = 12
)

// A text with transcriptStutters words repeated across a comma ("so, so",
// "the, the") or transcriptRepeats repeated words is a transcript of
// speech, which repeats words as the speakers did: its repeated words and
// phrases are not reported.
const (
	transcriptStutters = 2
	transcriptRepeats  = 4
)

func dropTranscriptRepeats(issues []Issue, first, stutters int) []Issue {
	n := 0
	for _, is := range issues[first:] {
		if is.Rule == RuleRepeatedWord || is.Rule == RuleRepeatedPhrase {
			n++
		}
	}
	if n == 0 || stutters < transcriptStutters && n < transcriptRepeats {
		return issues
	}
	// Stutters mark speech, where even "the the" is what was said; many
	// repeats alone do not: a sloppy post has as many certain slips, and
	// only the repeats that may be meant are dropped.
	speech := stutters >= transcriptStutters
	out := issues[:first]
	for _, is := range issues[first:] {
		if is.Rule != RuleRepeatedWord && is.Rule != RuleRepeatedPhrase || !speech && !is.Tentative && is.HasFix {
			out = append(out, is)
		}
	}
	return out
}

// hasDroppable reports whether issues hold a misspelling finding that
// dropMisspellings would remove: the test that spares counting the
// function words of a block whose findings are all of other rules.
func hasDroppable(issues []Issue) bool {
	for _, is := range issues {
		if is.Rule == RuleMisspelling && !is.listed && !is.repoTerm {
			return true
		}
	}
	return false
}

// dropMisspellings removes the misspelling findings from issues[first:],
// but for known misspellings and slips in the repository's terms.
func dropMisspellings(issues []Issue, first int) []Issue {
	out := issues[:first]
	for _, is := range issues[first:] {
		if is.Rule != RuleMisspelling || is.listed || is.repoTerm {
			out = append(out, is)
		}
	}
	return out
}

var copulaSubjectsSet = newFoldSet(copulaSubjects[:])

func copulaSubject(w string) bool { return copulaSubjectsSet.has(w) }

// repeatedPhrase reports a phrase of minPhraseWords words or more, or a
// whole sentence, that toks ends with and that is written twice in a row:
// "in the cluster in the cluster", "We are excited. We are excited."
// A phrase is compared word by word ignoring case, with nothing but white
// space inside and between its copies; a sentence (the first copy starts
// one, each ends with . ! or ?) may hold punctuation, the same in both.
// A comma between the copies ("let it go, let it go") is a refrain, not
// a slip.
func repeatedPhrase(text string, toks []phraseToken) (Issue, bool) {
	last := len(toks) - 1
	lt := toks[last]
	endsSentence := lt.trail && strictSentenceEnd(text[lt.ce:lt.end])
	maxN := min(len(toks)/2, maxPhraseWords)
	if !endsSentence {
		maxN = min(maxN, minPhraseNoEnd)
	}
	for n := minPhraseWords; n <= maxN; n++ {
		if toks[last].key != toks[last-n].key || !sameWord(text, toks[last], toks[last-n]) {
			continue
		}
		a, b := toks[len(toks)-2*n:len(toks)-n], toks[len(toks)-n:]
		same := true
		for j := 0; j < n && same; j++ {
			same = sameWord(text, a[j], b[j])
		}
		if !same {
			continue
		}
		sentence := a[0].sentenceStart && b[0].sentenceStart && endsSentence && a[n-1].trail && strictSentenceEnd(text[a[n-1].ce:a[n-1].end])
		ok := true
		if sentence {
			// The same punctuation inside both copies.
			for j := 0; j < n-1 && ok; j++ {
				ok = text[a[j].ce:a[j].end] == text[b[j].ce:b[j].end] && text[a[j].start:a[j].cs] == text[b[j].start:b[j].cs]
			}
		} else {
			for j := 0; j < 2*n-1 && ok; j++ {
				t := toks[len(toks)-2*n+j]
				ok = !t.trail && (j == 0 || !t.lead)
			}
			ok = ok && !b[0].lead && gapOK(text[a[n-1].end:b[0].start])
		}
		if !ok || wholeLines(text, int(a[0].start), int(a[n-1].end), int(b[0].start), int(b[n-1].end)) {
			// Two lines alike ("![Screenshot of x](x.png)" over its
			// caption "_Screenshot of x_", a refrain) are meant.
			continue
		}
		is := Issue{Rule: RuleRepeatedPhrase, Start: int(a[0].cs), End: int(b[n-1].ce)}
		first, second := text[a[0].cs:a[n-1].ce], text[b[0].cs:b[n-1].ce]
		is.Replacement = first
		for _, t := range a {
			if t.afterRepeat {
				is.Replacement = second
			}
		}
		is.HasFix = first == second
		what := "phrase"
		if sentence {
			what = "sentence"
		}
		is.Message = "this " + what + ` is written twice in a row: "` + clip(second, 60) + `"; remove one copy`
		return is, true
	}
	return Issue{}, false
}

// wholeLines reports whether text[as:ae] and text[bs:be] are each a whole
// line, one after the other.
func wholeLines(text string, as, ae, bs, be int) bool {
	if !strings.Contains(text[ae:bs], "\n") {
		return false
	}
	lineStart := func(i int) bool {
		for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
			i--
		}
		return i == 0 || text[i-1] == '\n'
	}
	lineEnd := func(i int) bool {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
			i++
		}
		return i == len(text) || text[i] == '\n'
	}
	return lineStart(as) && lineEnd(ae) && lineStart(bs) && lineEnd(be)
}

// Flags of a word kept for the repeated-phrase rule.
const (
	phraseSentenceStart uint8 = 1 << iota // the word starts a sentence
	phraseCollapsed                       // the next word repeats it and is read as one with it
)

// phraseCandidate reports whether the last two words of a block, by their
// keys, are the same as two words minPhraseWords or more before them, as
// the end of a repeated phrase must be: a cheap test before repeatedPhrase.
func phraseCandidate(keys []uint32, sentenceEnd bool) bool {
	last := len(keys) - 1
	maxN := min(len(keys)/2, minPhraseNoEnd)
	if sentenceEnd {
		maxN = min(len(keys)/2, maxPhraseWords)
	}
	k1, k2 := keys[last], keys[last-1]
	for n := minPhraseWords; n <= maxN; n++ {
		if keys[last-n] == k1 && keys[last-n-1] == k2 {
			return true
		}
	}
	return false
}

// phraseTokens reads the words starting at starts again from text, as
// repeatedPhrase needs them, appending them to dst.
func phraseTokens(text string, starts []int32, flags []uint8, dst []phraseToken) []phraseToken {
	var k, next chunk
	for j, s := range starts {
		nextChunk(text, int(s), &k)
		t := phraseToken{start: int32(k.start), cs: int32(k.cs), ce: int32(k.ce), end: int32(k.end),
			key: tokenKey(text[k.cs:k.ce]), lead: k.lead, trail: k.trail, sentenceStart: flags[j]&phraseSentenceStart != 0}
		if flags[j]&phraseCollapsed != 0 {
			nextChunk(text, k.end, &next)
			t.end, t.trail, t.afterRepeat = int32(next.end), next.ce < next.end, true
		}
		dst = append(dst, t)
	}
	return dst
}

// clip shortens s to about n bytes at a word boundary, with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

func sameWord(text string, a, b phraseToken) bool {
	return a.ce-a.cs == b.ce-b.cs && strings.EqualFold(text[a.cs:a.ce], text[b.cs:b.ce])
}

func strictSentenceEnd(punct string) bool {
	return strings.ContainsAny(punct, ".!?")
}

// gapOK reports whether the white space between two words is a space or
// two, or one line break: a sentence, not the columns of a table.
func gapOK(gap string) bool {
	spaces, breaks := 0, 0
	for j := 0; j < len(gap); j++ {
		switch gap[j] {
		case ' ', '\t':
			spaces++
		case '\n':
			spaces = 0
			breaks++
		}
	}
	return spaces <= 2 && breaks <= 1
}

// repeated reports whether chunk k repeats the word of chunk prev as a slip:
// the same word, nothing but a space or a line break between, and not a
// repetition English makes on purpose.
func (c *Checker) repeated(text string, prev, k *chunk, sentenceStart bool) bool {
	if prev.trail || k.lead || !prev.isWord() || k.quoted || prev.quoted {
		return false
	}
	a, b := text[prev.cs:prev.ce], text[k.cs:k.ce]
	if len(a) != len(b) && !prev.nonASCII && !k.nonASCII {
		// Cores of ASCII letters (and ’, which folds to nothing else)
		// of two lengths are two words: no need to compare them.
		return false
	}
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
	if prev.firstUpper && !k.firstUpper && !sentenceStart {
		return false // "Gregor Zeitlinger zeitlinger": a name and its handle
	}
	// Wide gaps are columns of a plain-text table, not a sentence.
	return gapOK(text[prev.end:k.start])
}

// spellable reports whether a word without hyphens is one spellWord
// checks, to skip the call for the many that it would not.
func spellable(k *chunk, sentenceStart bool) bool {
	if k.letters < 3 || k.upper > 1 || k.upper == 1 && !k.firstUpper {
		return false
	}
	return true
}

// spellState is what the spelling rule keeps for one text: the suggestion
// searches left, the words already searched, and words the dictionary
// knows.
type spellState struct {
	left     int
	searched [32]uint64
	n        int
	// known holds, by a hash of their spelling, words of the text (as
	// spans [start, end) of it) that the dictionary or the project's words
	// know and that are not known misspellings: spellWord passes them over
	// without normalising and looking them up again. Prose repeats its
	// words (a post of 1,500 words has some 500 distinct ones, most of
	// them the same hundred), and each dictionary lookup is a read from a
	// table of megabytes, most often a cache miss. Both sources are fixed
	// for the life of a Checker, so the answer cannot change; the
	// repository vocabulary, which can, is not cached.
	known [knownSlots]knownSpan
}

// knownSpan is a word noted known: its span [start, end) of the text, and
// its first eight bytes (all of them when it is shorter, zero-padded), so
// that most words are told apart without reading the text again.
type knownSpan struct {
	head       uint64
	start, end int32
}

// knownSlots is the size of spellState.known: a post's distinct words
// fit, and the 16 KB are cleared once per text.
const (
	knownBits  = 10
	knownSlots = 1 << knownBits
)

// knownKey returns the head of the word text[s:e] (see knownSpan) and its
// slot in spellState.known.
func knownKey(text string, s, e int) (head uint64, slot int) {
	// The first and last eight bytes, read as words rather than byte by
	// byte.
	n := e - s
	var tail uint64
	switch {
	case n >= 8:
		head, tail = le64(text[s:]), le64(text[e-8:])>>3
	case s+8 <= len(text):
		head = le64(text[s:]) & (1<<(8*n) - 1)
	default:
		head = shortHead(text[s:e])
	}
	return head, knownHash(head, tail, n)
}

// knownHash returns the slot of spellState.known for a word of n bytes
// with the given head and tail (see knownKey).
func knownHash(head, tail uint64, n int) int {
	return int((head ^ tail ^ uint64(n)<<56) * 0x9E3779B97F4A7C15 >> (64 - knownBits))
}

// shortHead returns the bytes of w, shorter than eight, as a little-endian
// number (a word at the end of the text, which cannot be read eight bytes
// at a time); apart from knownKey so that knownKey is inlined.
func shortHead(w string) (head uint64) {
	for i := len(w) - 1; i >= 0; i-- {
		head = head<<8 | uint64(w[i])
	}
	return head
}

// isKnown reports whether the word text[s:e] was noted by noteKnown.
func (st *spellState) isKnown(text string, s, e int) bool {
	head, slot := knownKey(text, s, e)
	sp := &st.known[slot]
	return sp.head == head && int(sp.end-sp.start) == e-s && (e-s <= 8 || text[sp.start+8:sp.end] == text[s+8:e])
}

// noteKnown notes the known word text[s:e].
func (st *spellState) noteKnown(text string, s, e int) {
	head, slot := knownKey(text, s, e)
	st.known[slot] = knownSpan{head: head, start: int32(s), end: int32(e)}
}

// seen reports whether the word of hash h was searched before, and notes
// it (the 32 most recent words are kept).
func (st *spellState) seen(h uint64) bool {
	for _, s := range st.searched[:min(st.n, len(st.searched))] {
		if s == h {
			return true
		}
	}
	st.searched[st.n%len(st.searched)] = h
	st.n++
	return false
}

// spellCtx is where a word to spell stands.
type spellCtx struct {
	sentenceStart bool // the word starts a sentence: its capital says nothing
	title         bool // a title: a capitalised word may be a slip too
	part          bool // a part of a hyphenated word ("react-native-opentok")
}

// spellChunk checks the spelling of a word chunk, part by part when it is
// hyphenated and unknown as a whole.
func (c *Checker) spellChunk(text string, k *chunk, sc spellCtx, budget *spellState, issues []Issue) []Issue {
	core := text[k.cs:k.ce]
	if !k.hyphen {
		return c.spellWord(text, k.cs, k.ce, sc, budget, issues)
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
			psc := sc
			psc.sentenceStart = sc.sentenceStart && first
			psc.part = true
			issues = c.spellWord(text, s, e, psc, budget, issues)
		}
		first = false
		s = e + 1
	}
	return issues
}

// prefixes are written with a hyphen before a word ("multi-cluster").
var prefixes = [...]string{"anti", "auto", "bi", "co", "counter", "cross", "de", "hyper", "inter", "intra", "macro", "meta", "micro", "mid", "mini", "multi", "non", "post", "pre", "pro", "pseudo", "re", "semi", "sub", "super", "tri", "ultra", "un", "uni"}

var prefixesSet = newFoldSet(prefixes[:])

func isPrefix(w string) bool { return prefixesSet.has(w) }

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

// possessiveLen returns the length of the 's or ’s that w ends in, which
// spellWord cuts, or 0.
func possessiveLen(w string) int {
	switch {
	case strings.HasSuffix(w, "'s"):
		return len("'s")
	case strings.HasSuffix(w, "’s"):
		return len("’s")
	}
	return 0
}

// spellWord checks the word text[s:e] (letters, apostrophes).
// budget counts down the suggestion searches left for this text.
func (c *Checker) spellWord(text string, s, e int, sc spellCtx, budget *spellState, issues []Issue) []Issue {
	// The finding and its fix leave a possessive alone.
	e -= possessiveLen(text[s:e])
	w := text[s:e]
	if len(w) > 48 {
		return issues
	}
	// A word noted known passed the tests below when it was noted: the
	// same spelling passes them again. (Fewer than three bytes are fewer
	// than three letters: never noted.)
	if len(w) >= 3 && budget.isKnown(text, s, e) {
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
	// with the repository's own terms ("Kuberentes" for "Kubernetes"). In
	// a title, capitals say nothing: every word is checked, but only for
	// near slips (see below).
	name := firstUpper && !sc.sentenceStart && !sc.title
	var buf [64]byte
	lw := appendNorm(buf[:0], w)
	en, ok := c.dict.lookupBytes(lw)
	if ok && en.flags()&flagMisspelt != 0 && !name {
		if c.projectWord(lw) || sc.title && c.vocab != nil && c.vocab.documents(lw) > 0 || c.agentNoun(lw) {
			return issues
		}
		fix := c.dict.fix(en)
		if firstUpper {
			fix = strings.ToUpper(fix[:1]) + fix[1:]
		}
		return append(issues, Issue{Rule: RuleMisspelling, Start: s, End: e,
			Message:     `"` + w + `" is a common misspelling of "` + fix + `"`,
			Replacement: fix, HasFix: true, listed: true})
	}
	if ok && en.flags()&flagKnown != 0 && en.flags()&flagMisspelt == 0 {
		budget.noteKnown(text, s, e)
		return issues
	}
	if _, ok := c.words[string(lw)]; ok {
		budget.noteKnown(text, s, e)
		return issues
	}
	if ok && en.flags()&flagKnown != 0 || c.projectWord(lw) {
		return issues
	}
	if sc.title && c.vocab != nil && c.vocab.documents(lw) > 0 {
		// A title word that the post's own body (or another post) uses is
		// meant: "mirrord", "nftables" in the title of a post about them.
		return issues
	}
	if (!firstUpper || sc.title) && (c.derivedWord(lw, sc.part) || c.identifier(lw) && !c.dict.slipOfCommon(lw)) {
		return issues
	}
	if letters >= minUnknownLen+1 && c.vocab != nil && isLowerASCIIBytes(lw) && budget.left > 0 {
		// A slip in a term of the repository: one edit from a word its
		// posts use often. Swaps alone cost little and are not counted.
		if !firstUpper {
			budget.left--
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
				Replacement: fix, HasFix: true, repoTerm: true})
		}
	}
	if firstUpper && !sc.title {
		// An unknown capitalised word is most often a name; only known
		// misspellings and slips in the repository's terms are reported.
		return issues
	}
	if letters < minUnknownLen || !isLowerASCIIBytes(lw) {
		// Short unknown words are mostly abbreviations (libc, objc, ptr).
		return issues
	}
	if budget.left <= 0 {
		// A text with this many unknown words is not English prose (a
		// data dump, another language); stop before it costs time.
		return issues
	}
	if budget.seen(c.dict.hashOf(lw)) {
		// Searched before in this text: a word written twice is meant
		// (dropNames drops the first finding too), so spare the search.
		return issues
	}
	budget.left--
	sugg, near := c.dict.suggestions(string(lw), 3)
	if len(sugg) == 0 || !near && (sc.title || sc.part || len(sugg) > 1) {
		// Nothing in the dictionary is close: a name, a term or a
		// handle far more often than a slip. Titles and parts of
		// hyphenated names ("react-native-opentok") are held to near
		// slips only.
		return issues
	}
	if len(sugg) > 1 && (letters < minFarLen || sc.title) {
		// A short word near several words sits among them by chance more
		// often than by a slip ("gradle": grade, cradle; "godoc").
		return issues
	}
	is := Issue{Rule: RuleMisspelling, Start: s, End: e}
	switch {
	case !near:
		// Two edits away: too far to name a word (a suggestion far from
		// the word is worse than none), near enough to ask.
		is.Message = `"` + w + `" is not in the dictionary; check its spelling`
	case len(sugg) == 1:
		fix := sugg[0]
		if firstUpper {
			fix = strings.ToUpper(fix[:1]) + fix[1:]
		}
		is.Message = `"` + w + `" looks misspelled; did you mean "` + fix + `"?`
		// Short words are more often names close to a word by chance
		// ("kpack", "knack"): suggest, but offer no one-click fix.
		if len(w) >= minFixLen {
			is.Replacement, is.HasFix = fix, true
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
const minUnknownLen = 6

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

// suffixes are stripped to find the stem of an inflected or derived
// technical word ("configs", "kubeconfigs", "containerized", "sheetify");
// the stem must be known. Suffixes that turn a slip into a stem, such as
// "-ation" ("reconcilation" = "reconcile" + "-ation"), are left out.
var suffixes = [...]string{"s", "es", "ed", "d", "ing", "er", "ers", "ly", "able", "ability", "ify", "ified", "ifies", "ifying", "ivity", "ness", "less", "ful"}

// dropsE are the suffixes before which a stem drops its final e
// ("configurable", "substituters", "inclusivity").
var dropsE = [...]string{"ing", "ed", "er", "ers", "able", "ability", "ivity"}

// derivedWord reports whether w is an inflection, a derivation, a prefixed
// form or a compound of known words ("multicluster", "dataplane", "severities",
// "embedders", "devdocs"). A common word with a letter dropped or two
// letters swapped is a slip, never a derivation (see slipOfCommon), but in
// a part of a hyphenated word ("no-brainer"), which is often a word of its
// compound only.
func (c *Checker) derivedWord(w []byte, part bool) bool {
	// "misleding", "likenes", "granchild": a letter dropped from, or two
	// swapped in, a common word is a slip before it is a derivation
	// ("misled" + "-ing") or a compound ("gran" + "child"). The slip test
	// costs a search, so it runs only for a word that derives.
	if n := len(w); n > 4 && w[n-1] == 's' && w[n-2] != 's' && c.commonWord(w[:n-1]) {
		return true // a plural of a common word ("nestings"), not "nestlings"
	}
	return c.derived(w) && (part || !c.dict.slipOfCommon(w))
}

func (c *Checker) derived(w []byte) bool {
	var buf [64]byte
	for _, suf := range suffixes {
		n := len(w) - len(suf)
		if n < 3 || string(w[n:]) != suf {
			continue
		}
		stem := w[:n]
		if suf[0] == 'e' && stem[n-1] == 'e' {
			continue // "bicycleed": English writes "bicycled"
		}
		if isVowel(suf[0]) && n >= 3 && !isVowel(stem[n-1]) && isVowel(stem[n-2]) && !isVowel(stem[n-3]) && stem[n-1] != 'w' && stem[n-1] != 'x' && stem[n-1] != 'y' {
			// A stem ending consonant-vowel-consonant that the dictionary
			// doubles before this suffix: "occured" and "begining" are
			// slips of "occurred" and "beginning", not derivations.
			dbl := append(append(append(buf[:0], stem...), stem[n-1]), suf...)
			if c.commonOrKnown(dbl) {
				return false
			}
		}
		if c.knownWord(stem) {
			return true
		}
		if suf == "ivity" {
			// "inclusivity" -> "inclusive".
			if c.knownWord(append(append(buf[:0], w[:n]...), "ive"...)) {
				return true
			}
			continue
		}
		if slices.Contains(dropsE[:], suf) && c.knownWord(append(append(buf[:0], stem...), 'e')) {
			return true // dropped e: "configurable" -> "configure"
		}
		if suf == "es" {
			// y -> i: "severities" -> "severity".
			if stem[n-1] == 'i' && c.knownWord(append(append(buf[:0], stem[:n-1]...), 'y')) {
				return true
			}
		}
		// A doubled final consonant, when the stem doubles it in a word the
		// dictionary knows: "embedders" (embedded), "moddable" (modded);
		// not "targetting" (targeted).
		if n >= 4 && stem[n-1] == stem[n-2] && !isVowel(stem[n-1]) && c.knownWord(stem[:n-1]) {
			dbl := append(buf[:0], stem...)
			if c.mainWord(append(dbl, "ed"...)) || c.mainWord(append(dbl[:n], "ing"...)) {
				return true
			}
		}
	}
	for _, p := range prefixes {
		if len(w) > len(p)+2 && string(w[:len(p)]) == p && c.knownWord(w[len(p):]) {
			return true
		}
	}
	// Compounds: parts of three letters or more, seven in all, so that a
	// short slip ("natvie" = "nat" + "vie") is not taken for one. The first
	// part may be any known word of the main lists ("dev" + "docs"), when
	// the second is a common word of four letters or more (or its plural).
	for i := 3; len(w) >= 7 && i+3 <= len(w); i++ {
		if c.commonWord(w[:i]) && (c.commonWord(w[i:]) || c.mainWord(w[i:]) && i >= 4) {
			return true
		}
		if len(w)-i >= 4 && c.mainWord(w[:i]) && (c.commonWord(w[i:]) || w[len(w)-1] == 's' && len(w)-i >= 5 && c.commonWord(w[i:len(w)-1])) {
			return true
		}
	}
	return false
}

// agentNoun reports whether w is a known verb ending in e with -r or -rs
// ("substituters"): the list of common misspellings has a few such words
// that are English all the same.
func (c *Checker) agentNoun(w []byte) bool {
	n := len(w)
	switch {
	case n > 5 && w[n-1] == 's' && w[n-2] == 'r' && w[n-3] == 'e':
		return c.mainWord(w[:n-2])
	case n > 4 && w[n-1] == 'r' && w[n-2] == 'e':
		return c.mainWord(w[:n-1])
	}
	return false
}

// identifier reports whether w is a word of four letters or more with a
// prefix or suffix of one or two consonants, the way C and Go names are
// formed ("fprint", "gcustom", "wcwidth", "peekfd"), or "go" before a word
// ("golint"): a name of code, not a slip.
func (c *Checker) identifier(w []byte) bool {
	consonants := func(b []byte) bool {
		for _, x := range b {
			if isVowel(x) || x == 'y' {
				return false
			}
		}
		return true
	}
	for n := 1; n <= 2 && n+4 <= len(w); n++ {
		if consonants(w[:n]) && c.mainWord(w[n:]) || consonants(w[len(w)-n:]) && c.mainWord(w[:len(w)-n]) {
			return true
		}
	}
	return len(w) >= 6 && w[0] == 'g' && w[1] == 'o' && c.commonWord(w[2:])
}

func isVowel(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// mainWord reports whether w is known to the lists other than SCOWL's
// size-80 one, whose rare words ("asy", "dicus") are too easily part of a
// slip.
func (c *Checker) mainWord(w []byte) bool {
	e, ok := c.dict.lookupBytes(w)
	return ok && e.flags()&flagKnown != 0 && e.flags()&flagRare == 0
}

func (c *Checker) commonOrKnown(w []byte) bool {
	e, ok := c.dict.lookupBytes(w)
	return ok && e.flags()&flagKnown != 0
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
			if mentioned(text, s, e) {
				continue
			}
			issues = append(issues, Issue{Rule: RulePlaceholder, Start: s, End: e,
				Message: `"` + p + `" is a placeholder; finish the text or remove it before publishing`})
		}
	}
	for _, p := range [...]string{"lorem ipsum", "Lorem ipsum", "Lorem Ipsum", "LOREM IPSUM"} {
		for s := range indexAll(text, p) {
			if s > 0 && isWordByte(text[s-1]) || mentioned(text, s, s+len(p)) {
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

// mentioned reports whether the placeholder text[s:e] is named in a list of
// placeholders ("TODO, TBD, FIXME, lorem ipsum"), as a text about them
// does, rather than left in the post.
func mentioned(text string, s, e int) bool {
	isPlaceholder := func(w string) bool {
		return slices.Contains(placeholders[:], w) || strings.EqualFold(w, "lorem ipsum")
	}
	if rest, ok := strings.CutPrefix(text[e:], ", "); ok {
		for _, p := range placeholders {
			if strings.HasPrefix(rest, p) {
				return true
			}
		}
		if len(rest) >= 11 && isPlaceholder(rest[:11]) {
			return true
		}
	}
	if before, ok := strings.CutSuffix(text[:s], ", "); ok {
		i := len(before)
		for i > 0 && (isWordByte(before[i-1]) || before[i-1] == ' ') && len(before)-i < 11 {
			i--
		}
		w := strings.TrimSpace(before[i:])
		return w != "" && (isPlaceholder(w) || len(w) > 5 && isPlaceholder(w[len(w)-5:]) || len(w) > 4 && isPlaceholder(w[len(w)-4:]) || len(w) > 3 && isPlaceholder(w[len(w)-3:]))
	}
	return false
}

// indexAll yields the offset of each occurrence of sub in text, left to
// right, without overlaps.
func indexAll(text, sub string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for off := 0; ; {
			j := substr.Index(text[off:], sub)
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
		// "TODO: write this", "TODO write this", but not the noun at the
		// start of a title or item: "TODO list app", "TODO items".
		return !nounAfter(text[e:])
	}
	j := e
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	if j == len(text) || text[j] == '\n' || text[j] == '\r' {
		return true
	}
	switch text[j] {
	case ':', '-', '!':
		return true
	case ')', ']':
		// "(TODO)", "[TBD]": a note in brackets; not "such as TODO)".
		return i >= 0 && (text[i] == '(' && text[j] == ')' || text[i] == '[' && text[j] == ']')
	}
	return strings.HasPrefix(text[j:], "—") || strings.HasPrefix(text[j:], "–")
}

// todoNouns are the words that TODO, TBD or XXX modify as an adjective
// ("TODO list", "TBD items").
var todoNouns = [...]string{"list", "lists", "app", "apps", "application", "applications", "item", "items", "manager", "tracker", "comment", "comments", "file", "files", "entry", "entries", "task", "tasks", "note", "notes", "marker", "markers", "section"}

var todoNounSet = newFoldSet(todoNouns[:])

// nounAfter reports whether rest starts with a space and one of todoNouns.
func nounAfter(rest string) bool {
	if len(rest) < 2 || rest[0] != ' ' {
		return false
	}
	rest = rest[1:]
	n := 0
	for n < len(rest) && isLetterByte(rest[n]) {
		n++
	}
	return todoNounSet.has(rest[:n])
}

func isWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}
