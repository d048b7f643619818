package publish

import (
	"testing"
	"time"
)

func TestHumanize(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"zero", 0, "now"},
		{"seconds ahead", 30 * time.Second, "in less than a minute"},
		{"seconds ago", -59 * time.Second, "less than a minute ago"},
		{"one minute", time.Minute, "in 1 minute"},
		{"minutes round to nearest", 90*time.Second + time.Millisecond, "in 2 minutes"},
		{"59.5 minutes is an hour", 59*time.Minute + 30*time.Second, "in 1 hour"},
		{"hours ago", -2 * time.Hour, "2 hours ago"},
		{"23 hours", 23*time.Hour + 29*time.Minute, "in 23 hours"},
		{"23.5 hours is a day", 23*time.Hour + 30*time.Minute, "in 1 day"},
		{"three days", 3*day - 2*time.Hour, "in 3 days"},
		{"days ago", -10 * day, "10 days ago"},
		{"29 days", 29 * day, "in 29 days"},
		{"a month", 31 * day, "in 1 month"},
		{"months ago", -100 * day, "3 months ago"},
		{"eleven months", 340 * day, "in 11 months"},
		{"a year", 360 * day, "in 1 year"},
		{"years", 800 * day, "in 2 years"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Humanize(tt.d); got != tt.want {
				t.Errorf("Humanize(%s) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestLateness(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{40 * time.Second, "40s"},
		{time.Minute, "1m"},
		{2*time.Hour + 13*time.Minute + 59*time.Second, "2h13m"},
		{2 * time.Hour, "2h0m"},
		{26*time.Hour + 5*time.Minute, "1d2h5m"},
		{-3 * time.Minute, "3m"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := Lateness(tt.d); got != tt.want {
				t.Errorf("Lateness(%s) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		name string
		at   time.Time
		loc  *time.Location
		want string
	}{
		{"UTC only", utc(t, "2026-03-02T08:00:00Z"), nil, "2026-03-02 08:00 UTC"},
		{"same day in Berlin", utc(t, "2026-03-02T08:00:00Z"), berlin, "2026-03-02 08:00 UTC (09:00 CET, Europe/Berlin)"},
		{"previous day in New York", utc(t, "2026-07-04T02:00:00Z"), ny, "2026-07-04 02:00 UTC (2026-07-03 22:00 EDT, America/New_York)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FormatTime(tt.at, tt.loc); got != tt.want {
				t.Errorf("FormatTime() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPreciseLateness(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0 s"},
		{-time.Second, "0.0 s"},
		{400 * time.Millisecond, "0.4 s"},
		{9*time.Second + 940*time.Millisecond, "9.9 s"},
		{42 * time.Second, "42 s"},
		{2*time.Hour + 13*time.Minute + 5*time.Second, "2h13m"},
	} {
		if got := PreciseLateness(c.d); got != c.want {
			t.Errorf("PreciseLateness(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
