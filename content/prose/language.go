package prose

import (
	"unicode"
	"unicode/utf8"
)

// IsEnglish reports whether a language tag (BCP 47, "en", "en-US",
// "en_GB", any case) names English. The empty tag, an unknown language,
// is not English: the caller detects it first (see DetectLanguage).
func IsEnglish(tag string) bool {
	if len(tag) < 2 || tag[0]|0x20 != 'e' || tag[1]|0x20 != 'n' {
		return false
	}
	return len(tag) == 2 || tag[2] == '-' || tag[2] == '_'
}

// minDetectLetters is the least number of letters DetectLanguage decides on.
const minDetectLetters = 80

// DetectLanguage guesses the language of a text whose language nobody
// stated, enough to tell whether to spell-check it with an English
// dictionary. It returns:
//
//   - "en" for English;
//   - "ja" when a tenth of the letters or more are kana, "ko" Hangul, "zh"
//     Han without kana;
//   - "und-Cyrl", "und-Grek", "und-Arab", "und-Hebr", "und-Deva", "und-Thai"
//     or "und" (another script) when most of the letters are not Latin;
//   - "und-Latn" for Latin-script text that is not English: under one word
//     in twelve is an English function word ("the", "of", "and", ...;
//     English prose has one in three or four, technical English one in five
//     or six, Spanish and Portuguese next to none);
//   - "" when the text has too few letters to tell (under 80): the caller
//     takes the site's language, or English.
//
// It reads code points and words once, without allocating. Names, code
// words and product names in another language's text do not make it
// English: CJK letters count twice, since one stands for a syllable.
func DetectLanguage(text string) string {
	var latin, kana, han, hangul, cyrl, grek, arab, hebr, deva, thai, other int
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			if 'a' <= b|0x20 && b|0x20 <= 'z' {
				latin++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r < 0x250:
			if unicode.IsLetter(r) {
				latin++
			}
		case 0x3040 <= r && r <= 0x30FF || 0x31F0 <= r && r <= 0x31FF || 0xFF66 <= r && r <= 0xFF9D:
			kana += 2
		case 0x4E00 <= r && r <= 0x9FFF || 0x3400 <= r && r <= 0x4DBF || 0xF900 <= r && r <= 0xFAFF:
			han += 2
		case 0xAC00 <= r && r <= 0xD7AF || 0x1100 <= r && r <= 0x11FF || 0x3130 <= r && r <= 0x318F:
			hangul += 2
		case 0x400 <= r && r <= 0x52F:
			cyrl++
		case 0x370 <= r && r <= 0x3FF || 0x1F00 <= r && r <= 0x1FFF:
			grek++
		case 0x600 <= r && r <= 0x6FF || 0x750 <= r && r <= 0x77F:
			arab++
		case 0x590 <= r && r <= 0x5FF:
			hebr++
		case 0x900 <= r && r <= 0x97F:
			deva++
		case 0xE00 <= r && r <= 0xE7F:
			thai++
		case unicode.IsLetter(r):
			other++
		}
	}
	cjk := kana + han + hangul
	nonLatin := cjk + cyrl + grek + arab + hebr + deva + thai + other
	if latin+nonLatin < minDetectLetters {
		return ""
	}
	switch {
	case kana*10 >= latin+nonLatin:
		return "ja"
	case hangul*10 >= latin+nonLatin:
		return "ko"
	case han*5 >= latin+nonLatin:
		return "zh"
	}
	if nonLatin >= latin {
		best, tag := other, "und"
		for _, s := range [...]struct {
			n   int
			tag string
		}{{cyrl, "und-Cyrl"}, {grek, "und-Grek"}, {arab, "und-Arab"}, {hebr, "und-Hebr"}, {deva, "und-Deva"}, {thai, "und-Thai"}} {
			if s.n > best {
				best, tag = s.n, s.tag
			}
		}
		return tag
	}
	words, stops := englishStopRatio(text)
	if words < 12 {
		return ""
	}
	if stops*12 < words {
		return "und-Latn"
	}
	return "en"
}

// englishStopRatio counts the Latin words of text and those of them that are
// English function words.
func englishStopRatio(text string) (words, stops int) {
	for i := 0; i < len(text); {
		if !isLetterByte(text[i]) {
			if text[i] >= utf8.RuneSelf {
				// A word with non-ASCII letters is no English function
				// word; skip it whole.
				j := i
				for j < len(text) && (text[j] >= utf8.RuneSelf || isLetterByte(text[j])) {
					j++
				}
				if j > i+1 {
					words++
				}
				i = max(j, i+1)
				continue
			}
			i++
			continue
		}
		j := i
		for j < len(text) && isLetterByte(text[j]) {
			j++
		}
		if j < len(text) && text[j] >= utf8.RuneSelf {
			// "está", "não": a word with accents, not English.
			for j < len(text) && (text[j] >= utf8.RuneSelf || isLetterByte(text[j])) {
				j++
			}
			words++
			i = j
			continue
		}
		words++
		if isStopWord(text[i:j]) {
			stops++
		}
		i = j
	}
	return words, stops
}

func isLetterByte(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

// isStopWord reports whether w (ASCII letters) is one of the commonest
// English function words that are not also common words of Spanish,
// Portuguese, French, German or Italian ("a", "do", "as", "in", "an", "will"
// are left out for that reason).
func isStopWord(w string) bool {
	if len(w) < 2 || len(w) > 5 {
		return false
	}
	var buf [5]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	switch string(buf[:len(w)]) {
	case "the", "and", "of", "to", "is", "that", "for", "it", "with", "was", "on", "are", "be",
		"this", "by", "from", "or", "at", "have", "not", "which", "you", "we", "can", "but",
		"all", "has", "their", "they", "its", "also", "been", "our", "when", "there", "if",
		"into", "how", "these", "what", "than", "other", "only", "your", "about", "would",
		"could", "them", "then", "may", "just", "some", "any", "like", "such", "both", "out",
		"were", "more", "one", "new", "each", "should", "those",
		"where", "who", "after", "over", "while", "first", "way", "here", "many", "much",
		"well", "now", "very", "same", "using", "used", "make", "get", "does", "did", "had":
		return true
	}
	return false
}

// detectSample is the number of bytes at the start of a text that
// spellLanguage reads to detect its language.
const detectSample = 1024

// spellLanguage reports whether text, whose language is tag ("" for
// unknown), is English and so spell-checked.
func spellLanguage(text, tag string) bool {
	if tag == "" {
		// A sample of the start is enough to tell, and bounds the cost;
		// checkWords looks at the function words of each block again.
		if len(text) > detectSample {
			cut := detectSample
			for cut < len(text) && text[cut] != ' ' && cut < detectSample+64 {
				cut++
			}
			text = text[:cut]
		}
		tag = DetectLanguage(text)
		return tag == "" || tag == "en"
	}
	return IsEnglish(tag)
}
