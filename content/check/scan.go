package check

import (
	"bytes"
	"unicode/utf8"
)

// Hand-written scanners for patterns that a regular expression found on
// the hot path: each reads a post's body once for every post checked, and
// Go's regexp engine spends most of its time there on a bounded
// repetition ({0,199}) or on every letter of the body (\b(?:id|name)).
// Each finds exactly what its expression, quoted in its comment, finds
// with FindAllIndex (TestScanners compares them on edge cases and on
// random text).

// htmlIDs calls fn with the value of each HTML id or name attribute of b,
// as (?i)\b(?:id|name)\s*=\s*["']([^"']+)["'] finds them.
func htmlIDs(b []byte, fn func(value []byte)) {
	for i := 0; i < len(b); i++ {
		c := b[i] | 0x20
		if c != 'i' && c != 'n' || i > 0 && isWordChar(b[i-1]) {
			continue
		}
		j := i
		switch {
		case c == 'i' && i+1 < len(b) && b[i+1]|0x20 == 'd':
			j += 2
		case c == 'n' && i+3 < len(b) && b[i+1]|0x20 == 'a' && b[i+2]|0x20 == 'm' && b[i+3]|0x20 == 'e':
			j += 4
		default:
			continue
		}
		j = skipPerlSpace(b, j)
		if j >= len(b) || b[j] != '=' {
			continue
		}
		j = skipPerlSpace(b, j+1)
		if j >= len(b) || b[j] != '"' && b[j] != '\'' {
			continue
		}
		k := j + 1
		for k < len(b) && b[k] != '"' && b[k] != '\'' {
			k++
		}
		if k == j+1 || k >= len(b) {
			continue
		}
		fn(b[j+1 : k])
		i = k // the match ends after the closing quote, at k+1
	}
}

// isWordChar reports whether c is an ASCII word character, what \b reads.
func isWordChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// skipPerlSpace skips what \s* matches from b[i:]: \t \n \f \r and space.
func skipPerlSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\f' || b[i] == '\r') {
		i++
	}
	return i
}

// braceSpans returns the spans of b that \{P[^{}\n]{0,max-1}\} finds (P
// a first rune that first accepts), or, with colon, \{:[^}\n]{0,max}\}.
// Runes are counted as the regexp counts them: an invalid byte is one.
func braceSpans(b []byte, max int, colon bool, first func(r rune) bool) [][]int {
	var out [][]int
	for off := 0; off < len(b); {
		i := bytes.IndexByte(b[off:], '{')
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		j, n := i+1, 0
		if colon {
			if j >= len(b) || b[j] != ':' {
				continue
			}
			j++
		} else {
			if j >= len(b) {
				break
			}
			r, size := utf8.DecodeRune(b[j:])
			if !first(r) {
				continue
			}
			j += size
			n = 1
		}
		for j < len(b) && n <= max {
			c := b[j]
			if c == '}' {
				break
			}
			if c == '\n' || !colon && c == '{' {
				n = max + 1 // the class stops here, without a }
				break
			}
			if c < utf8.RuneSelf {
				j++
			} else {
				_, size := utf8.DecodeRune(b[j:])
				j += size
			}
			n++
		}
		if j < len(b) && b[j] == '}' && n <= max {
			out = append(out, []int{i, j + 1})
			off = j + 1
		}
	}
	return out
}

// mdxExprSpans finds what \{[^{}\n#][^{}\n]{0,199}\} finds.
func mdxExprSpans(b []byte) [][]int {
	return braceSpans(b, 200, false, func(r rune) bool { return r != '{' && r != '}' && r != '\n' && r != '#' })
}

// kramdownIALSpans finds what \{:[^}\n]{0,200}\} finds.
func kramdownIALSpans(b []byte) [][]int {
	return braceSpans(b, 200, true, nil)
}

// mdxESMSpans finds what (?m)^(?:import|export)\s.*$ finds: a line that
// starts with import or export and a space (\s, which may be the line's
// break: the match then runs to the end of the next line).
func mdxESMSpans(b []byte) [][]int {
	var out [][]int
	for ls := 0; ls < len(b); {
		if len(b)-ls > 6 && (bytes.HasPrefix(b[ls:], []byte("import")) || bytes.HasPrefix(b[ls:], []byte("export"))) {
			if c := b[ls+6]; c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' {
				end := len(b)
				if e := bytes.IndexByte(b[ls+7:], '\n'); e >= 0 {
					end = ls + 7 + e
				}
				out = append(out, []int{ls, end})
				ls = end
			}
		}
		nl := bytes.IndexByte(b[ls:], '\n')
		if nl < 0 {
			break
		}
		ls += nl + 1
	}
	return out
}
