package prose

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkChars runs the character rules (mojibake, bidi-control,
// invisible-char) over text. ASCII text costs one comparison per byte.
func (c *Checker) checkChars(text string, issues []Issue) []Issue {
	rtl := -1         // whether text has right-to-left letters; computed on demand
	lastSpaceEnd := 0 // end of the last double-space finding
	hasRTL := func() bool {
		if rtl < 0 {
			rtl = 0
			for _, r := range text {
				if isRTL(r) {
					rtl = 1
					break
				}
			}
		}
		return rtl == 1
	}
	for i := 0; i < len(text); {
		// Skip eight bytes at a time while they are printable ASCII: no
		// byte with the high bit set, none below 0x20, no DEL.
		for i+8 <= len(text) {
			w := le64(text[i : i+8]) // one load, one bounds check
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			below20 := (w - 0x20*ones) & ^w & highs
			del := (w ^ 0x7f*ones - ones) & ^(w ^ 0x7f*ones) & highs
			if w&highs|below20|del != 0 {
				break
			}
			i += 8
		}
		if i >= len(text) {
			break
		}
		b := text[i]
		if b < utf8.RuneSelf {
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				issues = appendRemoval(issues, RuleInvisibleChar, i, i+1, fmt.Sprintf("the control character %s is invisible; remove it", charName(rune(b))))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			issues = append(issues, Issue{Rule: RuleMojibake, Start: i, End: i + 1,
				Message: "the text has a byte that is not valid UTF-8; save the file as UTF-8"})
			i++
			continue
		}
		if end, fixed, ok := mojibakeAt(text, i); ok {
			issues = append(issues, Issue{Rule: RuleMojibake, Start: i, End: end,
				Message:     fmt.Sprintf("%q looks like mojibake (UTF-8 read as Windows-1252); it should read %q", text[i:end], fixed),
				Replacement: fixed, HasFix: true})
			i = end
			continue
		}
		if r == 'â' && strings.HasPrefix(text[i+size:], "€") {
			// "â€" then no third byte: ” (E2 80 9D) or another
			// punctuation mark whose last byte Windows-1252 has no
			// character for, lost on the way (or turned into U+FFFD). The
			// repair is a guess, so it is offered for review only.
			end := i + size + len("€")
			if strings.HasPrefix(text[end:], "\uFFFD") {
				end += len("\uFFFD")
			}
			issues = append(issues, Issue{Rule: RuleMojibake, Start: i, End: end,
				Message:     fmt.Sprintf("%q looks like mojibake of a punctuation mark whose last byte was lost, most likely ” (a closing quote); restore it", text[i:end]),
				Replacement: "”", Tentative: true})
			i = end
			continue
		}
		switch {
		case r == utf8.RuneError:
			// In a word ("caf\uFFFD") a letter was lost; alone it may be
			// named on purpose ("the replacement character \uFFFD"), so
			// it is only a warning.
			issues = append(issues, Issue{Rule: RuleMojibake, Start: i, End: i + size,
				Message:   "U+FFFD REPLACEMENT CHARACTER marks a character lost in an encoding conversion; restore the original character",
				Tentative: !nextToLetter(text, i, i+size)})
		case r == 0x202A || r == 0x202B || r == 0x202C || r == 0x202D || r == 0x202E ||
			r == 0x2066 || r == 0x2067 || r == 0x2068 || r == 0x2069:
			// Embeddings, overrides and isolates reorder what a reader sees
			// (Trojan Source). Removal is safe only in left-to-right text.
			is := Issue{Rule: RuleBidiControl, Start: i, End: i + size,
				Message: fmt.Sprintf("the invisible bidirectional control %s makes the text display in a different order than it is written; remove it", charName(r))}
			if !hasRTL() {
				is.HasFix = true
			}
			issues = append(issues, is)
		case r == 0x200E || r == 0x200F || r == 0x061C:
			// Direction marks are needed in right-to-left text; elsewhere
			// they are a leftover of copying and pasting.
			if !hasRTL() {
				issues = appendRemoval(issues, RuleBidiControl, i, i+size,
					fmt.Sprintf("the invisible direction mark %s has no use in left-to-right text; remove it", charName(r)))
			}
		case r == 0x200B || r == 0x2060 || r == 0xFEFF || r == 0x00AD || r == 0x180E ||
			r >= 0x2061 && r <= 0x2064 || r == 0x034F || r == 0x115F || r == 0x1160 ||
			r == 0x3164 || r == 0xFFA0 || r >= 0xFFF9 && r <= 0xFFFB || r >= 0x80 && r <= 0x9F:
			issues = appendRemoval(issues, RuleInvisibleChar, i, i+size,
				fmt.Sprintf("the invisible character %s hides in the text; remove it", charName(r)))
		case r == 0x200C || r == 0x200D:
			// Joiners belong in emoji sequences and in scripts that join
			// letters (Arabic, Persian, Indic); between Latin letters or
			// spaces they are a slip.
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if isPlainNeighbour(prev) && isPlainNeighbour(next) {
				issues = appendRemoval(issues, RuleInvisibleChar, i, i+size,
					fmt.Sprintf("the invisible character %s does nothing here; remove it", charName(r)))
			}
		case r == 0x2028 || r == 0x2029:
			issues = append(issues, Issue{Rule: RuleInvisibleChar, Start: i, End: i + size,
				Message:     fmt.Sprintf("%s is not a line break most tools understand; use a plain space or line break", charName(r)),
				Replacement: " ", HasFix: true})
		case isNoBreakSpace(r):
			// A no-break space on its own is deliberate (French punctuation,
			// "10 km"); next to another space it shows as a double space.
			start, end := i, i
			for start > lastSpaceEnd && isSpaceByte(text[start-1]) {
				start--
			}
			for end < len(text) {
				if isSpaceByte(text[end]) {
					end++
					continue
				}
				if r, n := utf8.DecodeRuneInString(text[end:]); isNoBreakSpace(r) {
					end += n
					continue
				}
				break
			}
			if end-start > size {
				issues = append(issues, Issue{Rule: RuleInvisibleChar, Start: start, End: end,
					Message:     fmt.Sprintf("a %s next to a space shows as a double space; use one space", charName(r)),
					Replacement: " ", HasFix: true})
				lastSpaceEnd = end
			}
			i = end
			continue
		}
		i += size
	}
	return issues
}

// appendRemoval appends an issue whose fix removes [start,end), merging it
// with a directly preceding removal of the same rule.
func appendRemoval(issues []Issue, rule string, start, end int, msg string) []Issue {
	if n := len(issues); n > 0 {
		last := &issues[n-1]
		if last.Rule == rule && last.End == start && last.HasFix && last.Replacement == "" {
			last.End = end
			return issues
		}
	}
	return append(issues, Issue{Rule: rule, Start: start, End: end, Message: msg, HasFix: true})
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' }

func isNoBreakSpace(r rune) bool { return r == 0x00A0 || r == 0x202F || r == 0x2007 }

// isPlainNeighbour reports whether r, next to a zero-width joiner, shows the
// joiner has no purpose: an ASCII character, a Latin letter, a space, or the
// edge of the text.
func isPlainNeighbour(r rune) bool {
	return r == utf8.RuneError || r < 0x250 || unicode.IsSpace(r)
}

func isRTL(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFE ||
		r >= 0x10800 && r <= 0x10FFF || r >= 0x1E800 && r <= 0x1EFFF
}

// charName names a character for a message: its code point and, for the
// characters the rules report, its Unicode name.
func charName(r rune) string {
	name := map[rune]string{
		0x00A0: "NO-BREAK SPACE", 0x00AD: "SOFT HYPHEN", 0x034F: "COMBINING GRAPHEME JOINER",
		0x061C: "ARABIC LETTER MARK", 0x115F: "HANGUL CHOSEONG FILLER", 0x1160: "HANGUL JUNGSEONG FILLER",
		0x180E: "MONGOLIAN VOWEL SEPARATOR", 0x2007: "FIGURE SPACE",
		0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER", 0x200D: "ZERO WIDTH JOINER",
		0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK",
		0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
		0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING",
		0x202C: "POP DIRECTIONAL FORMATTING", 0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
		0x202F: "NARROW NO-BREAK SPACE", 0x2060: "WORD JOINER",
		0x2061: "FUNCTION APPLICATION", 0x2062: "INVISIBLE TIMES", 0x2063: "INVISIBLE SEPARATOR", 0x2064: "INVISIBLE PLUS",
		0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
		0x2069: "POP DIRECTIONAL ISOLATE", 0x3164: "HANGUL FILLER", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
		0xFFA0: "HALFWIDTH HANGUL FILLER", 0xFFF9: "INTERLINEAR ANNOTATION ANCHOR",
		0xFFFA: "INTERLINEAR ANNOTATION SEPARATOR", 0xFFFB: "INTERLINEAR ANNOTATION TERMINATOR",
	}[r]
	if name == "" {
		return fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("U+%04X %s", r, name)
}

// cp1252High maps the bytes 0x80-0x9F to the characters Windows-1252 gives
// them. The five bytes it leaves undefined map to the C1 control of the same
// value, as most decoders that do not fail produce.
var cp1252High = [32]rune{
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
}

// nextToLetter reports whether text[s:e] touches a letter on either side.
func nextToLetter(text string, s, e int) bool {
	if s > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:s]); unicode.IsLetter(r) {
			return true
		}
	}
	if e < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[e:]); unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// cp1252Byte returns the Windows-1252 byte of r, if it has one above 0x7F.
func cp1252Byte(r rune) (byte, bool) {
	if r >= 0xA0 && r <= 0xFF || r >= 0x80 && r <= 0x9F && cp1252High[r-0x80] == r {
		return byte(r), true
	}
	if r < 0x100 {
		return 0, false
	}
	for i, c := range cp1252High {
		if c == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}

// mojibakeAt reports whether a run of mojibake starts at text[i]: characters
// whose Windows-1252 bytes form UTF-8 multi-byte sequences of plausible
// characters. It returns the end of the run and the repaired text (repaired
// repeatedly when the text was mangled more than once).
func mojibakeAt(text string, i int) (end int, fixed string, ok bool) {
	end, fixed, ok = mojibakeRun(text, i)
	if !ok {
		return 0, "", false
	}
	for range 3 {
		e, again, ok := mojibakeRun(fixed, 0)
		if !ok || e != len(fixed) {
			break
		}
		fixed = again
	}
	return end, fixed, true
}

func mojibakeRun(text string, i int) (end int, fixed string, ok bool) {
	var buf [64]byte
	out := buf[:0]
	seqs, nbsp := 0, false
	j := i
	for j < len(text) && len(out) < len(buf)-4 {
		n, hasNBSP := mojibakeSeq(text, j)
		if n == 0 {
			break
		}
		var seq [4]byte
		k := 0
		for _, r := range text[j : j+n] {
			b, _ := cp1252Byte(r)
			seq[k] = b
			k++
		}
		r, _ := utf8.DecodeRune(seq[:k])
		if !plausible(r, k) {
			break
		}
		out = append(out, seq[:k]...)
		nbsp = nbsp || hasNBSP
		seqs++
		j += n
	}
	if seqs == 0 {
		return 0, "", false
	}
	if seqs == 1 && nbsp && !(len(out) == 2 && out[0] == 0xC2) {
		// A single sequence through a no-break space is more likely real
		// text (French «\u00a0café\u00a0») than mojibake; "Â\u00a0" is the
		// exception, a mangled no-break space.
		return 0, "", false
	}
	return j, string(out), true
}

// mojibakeSeq returns the byte length in text of one UTF-8 sequence spelled
// as Windows-1252 characters starting at text[j], or 0.
func mojibakeSeq(text string, j int) (n int, hasNBSP bool) {
	r, size := utf8.DecodeRuneInString(text[j:])
	if r < 0xC2 || r > 0xF4 {
		// Windows-1252 writes the lead bytes 0xC2 to 0xF4 as the
		// characters of the same numbers (Â to ô), and every other
		// character as a byte that leads no sequence: no need to look it
		// up.
		return 0, false
	}
	lead, ok := cp1252Byte(r)
	if !ok {
		return 0, false
	}
	var need int
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead >= 0xE0 && lead <= 0xEF:
		need = 2
	case lead >= 0xF0 && lead <= 0xF4:
		need = 3
	default:
		return 0, false
	}
	seq := [4]byte{lead}
	k := j + size
	for c := 1; c <= need; c++ {
		r, size := utf8.DecodeRuneInString(text[k:])
		b, ok := cp1252Byte(r)
		if !ok || b < 0x80 || b > 0xBF {
			return 0, false
		}
		hasNBSP = hasNBSP || b == 0xA0
		seq[c] = b
		k += size
	}
	if !utf8.Valid(seq[:need+1]) {
		return 0, false
	}
	return k - j, hasNBSP
}

// plausible reports whether r, decoded from n bytes, is a character that
// real text contains; it keeps legitimate accented text (a capital letter
// followed by a quote or a dash) from reading as mojibake.
func plausible(r rune, n int) bool {
	switch n {
	case 2:
		return r >= 0xA0 && r <= 0x17F || r >= 0x370 && r <= 0x52F
	case 3:
		return r >= 0x2000 && r <= 0x2BFF || r >= 0x3000 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 ||
			r >= 0xFE00 && r <= 0xFE0F || r >= 0xFF00 && r <= 0xFFEF || r >= 0x0900 && r <= 0x0DFF || r >= 0x1E00 && r <= 0x1EFF
	default:
		return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x20000 && r <= 0x3FFFF
	}
}
