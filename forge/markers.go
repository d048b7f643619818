package forge

import (
	"bufio"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxCommentLength is the longest body, in characters, a forge accepts for
// one comment. SplitComment keeps every part within it.
const MaxCommentLength = 65536

var (
	keyPattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)
	markerPattern = regexp.MustCompile(`<!-- herald:([A-Za-z0-9][A-Za-z0-9._/-]*)(?: part=(\d+))? -->`)
)

// ValidKey reports whether key may name a marker: letters, digits and
// ". _ / -", starting with a letter or digit.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

// Marker returns the hidden marker that identifies herald's comment with the
// given key: "<!-- herald:KEY -->" for the first part, "<!-- herald:KEY
// part=N -->" for later parts of a split comment.
func Marker(key string, part int) string {
	if part <= 1 {
		return "<!-- herald:" + key + " -->"
	}
	return "<!-- herald:" + key + " part=" + strconv.Itoa(part) + " -->"
}

// ParseMarker finds the first herald marker in body and returns its key and
// part number (1 when the marker has no part).
func ParseMarker(body string) (key string, part int, ok bool) {
	m := markerPattern.FindStringSubmatch(body)
	if m == nil {
		return "", 0, false
	}
	part = 1
	if m[2] != "" {
		n, err := strconv.Atoi(m[2])
		if err != nil || n < 1 {
			return "", 0, false
		}
		part = n
	}
	return m[1], part, true
}

// SplitComment marks body with key's marker and cuts it into parts that each
// fit MaxCommentLength characters, marker included. Cuts fall at line ends
// where a line fits, else inside the line at a character boundary. An empty
// body gives one part holding only the marker.
func SplitComment(key, body string) []string {
	return splitComment(key, body, MaxCommentLength)
}

func splitComment(key, body string, limit int) []string {
	// Reserve room for the longest marker any part could carry, so a part
	// never grows past the limit when its marker is prepended. Bytes bound
	// characters from above, so counting bytes is safe.
	room := limit - len(Marker(key, 9999)) - 1
	if room < 1 {
		room = 1
	}
	var chunks []string
	var cur strings.Builder
	flush := func() {
		chunks = append(chunks, cur.String())
		cur.Reset()
	}
	rest := body
	for rest != "" {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		if cur.Len()+len(line) <= room {
			cur.WriteString(line)
			continue
		}
		if cur.Len() > 0 {
			flush()
		}
		for len(line) > room {
			cut := room
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			if cut == 0 {
				cut = room
			}
			cur.WriteString(line[:cut])
			flush()
			line = line[cut:]
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 || len(chunks) == 0 {
		flush()
	}
	parts := make([]string, len(chunks))
	for i, c := range chunks {
		parts[i] = Marker(key, i+1) + "\n" + c
	}
	return parts
}

// SuggestionBody returns a review comment body that explains message and
// offers replacement as a one-click suggestion for the commented lines. The
// fence grows past any backtick run inside the replacement.
func SuggestionBody(message, replacement string) string {
	fence := "```"
	for strings.Contains(replacement, fence) {
		fence += "`"
	}
	replacement = strings.TrimSuffix(replacement, "\n")
	var b strings.Builder
	if message != "" {
		b.WriteString(message)
		b.WriteString("\n\n")
	}
	b.WriteString(fence + "suggestion\n")
	if replacement != "" {
		b.WriteString(replacement + "\n")
	}
	b.WriteString(fence)
	return b.String()
}

// LineRange is an inclusive range of line numbers.
type LineRange struct {
	// Start and End are 1-based and inclusive.
	Start, End int
}

// DiffLines returns the ranges of head-side lines a unified diff patch shows
// (added and context lines): the lines a forge accepts review comments on.
func DiffLines(patch string) ([]LineRange, error) {
	var out []LineRange
	sc := bufio.NewScanner(strings.NewReader(patch))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line, inHunk := 0, false
	add := func(n int) {
		if k := len(out); k > 0 && out[k-1].End == n-1 {
			out[k-1].End = n
			return
		}
		out = append(out, LineRange{n, n})
	}
	for sc.Scan() {
		t := sc.Text()
		if strings.HasPrefix(t, "@@") {
			var a, b, c, d int
			if _, err := fmt.Sscanf(hunkHeader(t), "@@ -%d,%d +%d,%d @@", &a, &b, &c, &d); err != nil {
				return nil, fmt.Errorf("bad hunk header %q: %w", t, err)
			}
			line, inHunk = c, true
			continue
		}
		if !inHunk {
			continue
		}
		switch {
		case strings.HasPrefix(t, "+"), strings.HasPrefix(t, " "), t == "":
			add(line)
			line++
		case strings.HasPrefix(t, "-"), strings.HasPrefix(t, `\`):
		default:
			return nil, fmt.Errorf("bad diff line %q", t)
		}
	}
	return out, sc.Err()
}

// hunkHeader normalises "@@ -a +c @@" (counts omitted when 1) to the
// four-number form.
func hunkHeader(h string) string {
	end := strings.Index(h[2:], "@@")
	if end < 0 {
		return h
	}
	fields := strings.Fields(h[2 : end+2])
	for i, f := range fields {
		if !strings.Contains(f, ",") {
			fields[i] = f + ",1"
		}
	}
	return "@@ " + strings.Join(fields, " ") + " @@"
}

// InRanges reports whether line lies in one of ranges.
func InRanges(ranges []LineRange, line int) bool {
	for _, r := range ranges {
		if line >= r.Start && line <= r.End {
			return true
		}
	}
	return false
}
