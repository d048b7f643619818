package feed

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/publish"
)

func humanize(d time.Duration) string { return publish.Humanize(d.Round(time.Second)) }

// WriteText writes the upcoming entries (everything not yet published) as a
// table for a terminal: the time in UTC, in the site zone and relative to now,
// the status, the repository, the path and the title, with a blocked entry's
// reason on the line below, under its status. Control characters in titles,
// paths and reasons (newlines, terminal escapes) are shown as spaces.
func WriteText(w io.Writer, entries []Entry, now time.Time) error {
	header := []string{"UTC", "SITE TIME", "WHEN", "STATUS", "REPO", "PATH", "TITLE"}
	rows := [][]string{header}
	var reasons []string
	for _, e := range entries {
		if e.Status == publish.ItemPublished {
			continue
		}
		utc, local, when := "-", "-", "date unresolved"
		if !e.At.IsZero() {
			utc = e.At.UTC().Format("2006-01-02 15:04")
			local = e.At.In(e.location()).Format("2006-01-02 15:04 MST")
			when = humanize(e.At.Sub(now))
		}
		status := string(e.Status)
		if e.Cause == publish.CauseExpiry {
			status += " (expiry)"
		}
		rows = append(rows, []string{utc, local, when, status, clean(e.Repo), clean(e.Path), clean(e.Title)})
		reasons = append(reasons, clean(publish.ItemReason(e.Item)))
	}
	if len(rows) == 1 {
		_, err := fmt.Fprintln(w, "No upcoming posts.")
		return err
	}
	widths := make([]int, len(header))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for n, r := range rows {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteString("\n")
		if n > 0 && reasons[n-1] != "" {
			indent := widths[0] + widths[1] + widths[2] + 3*2
			b.WriteString(strings.Repeat(" ", indent) + reasons[n-1] + "\n")
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write schedule: %w", err)
	}
	return nil
}

// clean makes s safe for one terminal line.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
}
