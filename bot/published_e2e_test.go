package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// summaryOf returns herald's summary comment on pull request n.
func summaryOf(t *testing.T, w *world, n int) string {
	t.Helper()
	for _, c := range w.fake.Comments(fullName, n) {
		if key, _, ok := forge.ParseMarker(c.Body); ok && key == "herald-summary" {
			return c.Body
		}
	}
	t.Fatalf("no summary comment on #%d", n)
	return ""
}

// TestSummarySaysPublished: once herald merged a pull request, its summary
// comment says each post was published, when and how long after its time,
// and no longer when it goes live; its findings stay as they were, without
// the one-click suggestions that a merged pull request no longer takes.
func TestSummarySaysPublished(t *testing.T) {
	base, post := cleanPost(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	w.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head})
	w.deliver("pull_request", "opened", 2, head)
	before := summaryOf(t, w, 2)
	if !strings.Contains(before, "2026-02-03 09:00 UTC (10:00 CET, Europe/Berlin), in 4 days") {
		t.Fatalf("summary before the merge lacks when the post goes live:\n%s", before)
	}

	w.clock.Set(time.Date(2026, 2, 3, 9, 0, 0, 400_000_000, time.UTC))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if len(w.fake.Merges()) != 1 {
		t.Fatalf("merges = %+v, want one", w.fake.Merges())
	}
	after := summaryOf(t, w, 2)
	want := "| published 2026-02-03 09:00 UTC (10:00 CET, Europe/Berlin), 0.4 s after its time |"
	if !strings.Contains(after, want) {
		t.Errorf("summary after the merge lacks %q:\n%s", want, after)
	}
	for _, stale := range []string{"in less than a minute", "due now", "in 4 days"} {
		if strings.Contains(after, stale) {
			t.Errorf("summary after the merge still says %q:\n%s", stale, after)
		}
	}
	// Everything but the post's time reads as before.
	if got, wantRest := cutWhen(after), cutWhen(before); got != wantRest {
		t.Errorf("summary changed beyond the post's time:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// cutWhen drops the last cell of the posts table's rows and the offers of
// one-click suggestions.
func cutWhen(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimSuffix(l, " — one-click fix suggested inline")
		if strings.HasPrefix(l, "| **") {
			if i := strings.LastIndex(strings.TrimSuffix(l, " |"), " | "); i >= 0 {
				l = l[:i]
			}
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
