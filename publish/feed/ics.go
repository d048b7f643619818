package feed

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/publish"
)

// ProdID identifies herald as the producer of its calendars.
const ProdID = "-//herald//publishing schedule//EN"

// maxLineOctets is RFC 5545's limit on a content line, CRLF excluded.
const maxLineOctets = 75

// WriteICS writes entries as an iCalendar stream (RFC 5545): one VEVENT per
// entry with a resolved time, its UID stable for the repository, path and
// kind, so that calendar clients update an event when a post is rescheduled
// instead of adding another. Lines end in CRLF and are folded at 75 octets;
// text values are escaped.
func WriteICS(w io.Writer, entries []Entry, now time.Time) error {
	bw := bufio.NewWriter(w)
	c := &icsWriter{w: bw}
	c.line("BEGIN", "VCALENDAR")
	c.line("VERSION", "2.0")
	c.line("PRODID", ProdID)
	c.line("CALSCALE", "GREGORIAN")
	c.line("METHOD", "PUBLISH")
	c.line("X-WR-CALNAME", escapeText("herald publishing schedule"))
	stamp := icsTime(now)
	for _, e := range entries {
		if e.At.IsZero() {
			continue // nothing to put in a calendar until the date resolves
		}
		kind := "Publish"
		if e.Cause == publish.CauseExpiry {
			kind = "Expire"
		}
		c.line("BEGIN", "VEVENT")
		c.line("UID", UID(e))
		c.line("DTSTAMP", stamp)
		c.line("DTSTART", icsTime(e.At))
		c.line("SUMMARY", escapeText(fmt.Sprintf("%s: %s (%s)", kind, e.Title, e.Repo)))
		c.line("DESCRIPTION", escapeText(description(e)))
		if e.URL != "" {
			c.line("URL", e.URL)
		}
		status := "CONFIRMED"
		if e.Status == publish.ItemBlocked {
			status = "TENTATIVE"
		}
		c.line("STATUS", status)
		c.line("END", "VEVENT")
	}
	c.line("END", "VCALENDAR")
	if c.err != nil {
		return fmt.Errorf("write schedule calendar: %w", c.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write schedule calendar: %w", err)
	}
	return nil
}

// UID is the calendar UID of an entry: stable per repository, path and kind.
func UID(e Entry) string {
	cause := e.Cause
	if cause == "" {
		cause = publish.CausePublish
	}
	sum := sha256.Sum256([]byte(e.Repo + "\x00" + e.Path + "\x00" + string(cause)))
	return hex.EncodeToString(sum[:16]) + "@herald"
}

func description(e Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s\n", e.Path, e.Repo)
	fmt.Fprintf(&b, "Time: %s\n", publish.FormatTime(e.At, e.location()))
	if e.PR != 0 {
		fmt.Fprintf(&b, "Pull request: #%d\n", e.PR)
	}
	fmt.Fprintf(&b, "Strategy: %s\nStatus: %s", e.Strategy, e.Status)
	if r := publish.ItemReason(e.Item); r != "" {
		fmt.Fprintf(&b, "\n%s", r)
	}
	return b.String()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes an RFC 5545 TEXT value: backslash, semicolon, comma
// and newlines; other control characters are dropped.
func escapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // CRLF is one newline
			}
			b.WriteString(`\n`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r < 0x20 && r != '\t', r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

type icsWriter struct {
	w   *bufio.Writer
	err error
}

// line writes NAME:value folded at 75 octets, never inside a UTF-8
// sequence; each continuation line starts with one space.
func (c *icsWriter) line(name, value string) {
	if c.err != nil {
		return
	}
	s := name + ":" + value
	limit := maxLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if _, c.err = c.w.WriteString(s[:cut] + "\r\n "); c.err != nil {
			return
		}
		s = s[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	_, c.err = c.w.WriteString(s + "\r\n")
}
