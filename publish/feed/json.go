package feed

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/heraldhq/herald/publish"
)

// Document is the JSON body of GET /schedule.
type Document struct {
	// GeneratedAt is when the document was rendered, in UTC.
	GeneratedAt time.Time   `json:"generated_at"`
	Entries     []JSONEntry `json:"entries"`
}

// JSONEntry is one entry of Document.
type JSONEntry struct {
	Repo  string `json:"repo"`
	Path  string `json:"path"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	PR    int    `json:"pr,omitempty"`
	// Kind is "publish", or "expiry" for a rebuild at a post's expiry.
	Kind string `json:"kind"`
	// PublishAt is the time in UTC (RFC 3339); absent when the post's date
	// could not be resolved.
	PublishAt *time.Time `json:"publish_at,omitempty"`
	// PublishAtLocal is the same instant in the site zone, with its offset.
	PublishAtLocal string `json:"publish_at_local,omitempty"`
	Zone           string `json:"zone"`
	// In is the time relative to GeneratedAt, such as "in 3 days".
	In       string `json:"in,omitempty"`
	Strategy string `json:"strategy"`
	// Status is scheduled, late, blocked or published.
	Status string `json:"status"`
	// Reason says why a blocked entry cannot go out: its blockers, then
	// how to clear them (publish.ItemReason, as every surface says it).
	Reason string `json:"reason,omitempty"`
	// Blockers name what blocks it, in the words of every surface
	// ("blocked by link-reversed, unknown-author", "not approved", "held").
	Blockers []string `json:"blockers,omitempty"`
	// Rules are the rule IDs of the error findings that block the entry,
	// when those are what blocks it.
	Rules []string `json:"rules,omitempty"`
}

// NewDocument builds the JSON document for entries at now.
func NewDocument(entries []Entry, now time.Time) Document {
	doc := Document{GeneratedAt: now.UTC(), Entries: make([]JSONEntry, 0, len(entries))}
	for _, e := range entries {
		j := JSONEntry{
			Repo: e.Repo, Path: e.Path, Title: e.Title, URL: e.URL, PR: e.PR,
			Kind: string(e.Cause), Zone: e.location().String(), Strategy: string(e.Strategy),
			Status: string(e.Status), Reason: publish.ItemReason(e.Item), Blockers: e.Blockers, Rules: e.Rules,
		}
		if j.Kind == "" {
			j.Kind = "publish"
		}
		if !e.At.IsZero() {
			at := e.At.UTC()
			j.PublishAt = &at
			j.PublishAtLocal = e.At.In(e.location()).Format(time.RFC3339)
			j.In = humanize(e.At.Sub(now))
		}
		doc.Entries = append(doc.Entries, j)
	}
	return doc
}

// WriteJSON writes the schedule document for entries at now.
func WriteJSON(w io.Writer, entries []Entry, now time.Time) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(NewDocument(entries, now)); err != nil {
		return fmt.Errorf("write schedule JSON: %w", err)
	}
	return nil
}
