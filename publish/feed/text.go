package feed

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/heraldhq/herald/publish"
)

func humanize(d time.Duration) string { return publish.Humanize(d.Round(time.Second)) }

// WriteText writes the upcoming entries (everything not yet published) as a
// table for a terminal: the time in UTC, in the site zone and relative to now,
// the status, the repository, the path and the title, with a blocked entry's
// reason on the line below, under its status.
func WriteText(w io.Writer, entries []Entry, now time.Time) error {
	var upcoming []Entry
	for _, e := range entries {
		if e.Status != publish.ItemPublished {
			upcoming = append(upcoming, e)
		}
	}
	if len(upcoming) == 0 {
		_, err := fmt.Fprintln(w, "No upcoming posts.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UTC\tSITE TIME\tWHEN\tSTATUS\tREPO\tPATH\tTITLE")
	for _, e := range upcoming {
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", utc, local, when, status, e.Repo, e.Path, e.Title)
		if e.Reason != "" {
			fmt.Fprintf(tw, "\t\t\t  %s\n", e.Reason)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write schedule: %w", err)
	}
	return nil
}
