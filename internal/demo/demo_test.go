package demo

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/publish"
)

// TestNineNearest: the demo's other drafts are due at nine in the morning
// in Berlin, within twelve hours of their offset from the start, so the
// schedule it prints reads the same at any time of day.
func TestNineNearest(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ t, want string }{
		{"2026-11-28T21:01:00+01:00", "2026-11-29T09:00:00+01:00"},
		{"2026-11-28T20:59:00+01:00", "2026-11-28T09:00:00+01:00"},
		{"2026-11-28T09:00:00+01:00", "2026-11-28T09:00:00+01:00"},
		{"2026-11-28T02:00:00+01:00", "2026-11-28T09:00:00+01:00"},
		{"2026-03-29T01:00:00+01:00", "2026-03-29T09:00:00+02:00"}, // the spring-forward day
		{"2026-10-25T23:30:00+01:00", "2026-10-26T09:00:00+01:00"},
	} {
		in, _ := time.Parse(time.RFC3339, tt.t)
		got := nineNearest(in, berlin)
		if got.Format(time.RFC3339) != tt.want {
			t.Errorf("nineNearest(%s) = %s, want %s", tt.t, got.Format(time.RFC3339), tt.want)
		}
		if d := got.Sub(in); d > 12*time.Hour || d < -12*time.Hour {
			t.Errorf("nineNearest(%s) is %s away", tt.t, d)
		}
	}
	now := time.Date(2026, 11, 25, 20, 1, 0, 0, time.UTC)
	if got := publish.Humanize(nineNearest(now.Add(72*time.Hour), berlin).Sub(now)); got != "in 3 days" {
		t.Errorf("a draft three days ahead, at 20:01 UTC: %s", got)
	}
}
