package publish

import (
	"fmt"
	"math"
	"time"
)

// Humanize renders d as a time relative to now, rounded to its largest unit:
// a positive d is in the future ("in 3 days"), a negative one in the past ("2
// hours ago"). Less than a minute either way reads "in less than a minute" or
// "less than a minute ago", and zero reads "now".
func Humanize(d time.Duration) string {
	if d == 0 {
		return "now"
	}
	s := HumanDuration(d)
	if d > 0 {
		return "in " + s
	}
	return s + " ago"
}

// HumanDuration renders the length of d (its sign ignored) rounded to its
// largest unit: "less than a minute", "1 minute", "5 hours", "3 days", "2
// months", "1 year". A month counts as 30 days and a year as 365 days, which
// is plenty for "when does it go live".
func HumanDuration(d time.Duration) string {
	a := math.Abs(float64(d))
	const (
		minute = float64(time.Minute)
		hour   = float64(time.Hour)
		day    = 24 * hour
		month  = 30 * day
		year   = 365 * day
	)
	if a < minute {
		return "less than a minute"
	}
	if n := math.Round(a / minute); n < 60 {
		return count(n, "minute")
	}
	if n := math.Round(a / hour); n < 24 {
		return count(n, "hour")
	}
	if n := math.Round(a / day); n < 30 {
		return count(n, "day")
	}
	if n := math.Round(a / month); n < 12 {
		return count(n, "month")
	}
	return count(math.Max(1, math.Round(a/year)), "year")
}

func count(n float64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%.0f %ss", n, unit)
}

// Lateness renders how late something went out, precisely enough for the
// pull request to say "went out late by 2h13m": whole days, hours and minutes
// ("1d2h13m", "2h13m", "45m"), or seconds below a minute ("40s").
func Lateness(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	d = d.Truncate(time.Minute)
	days := int(d / (24 * time.Hour))
	h := int(d % (24 * time.Hour) / time.Hour)
	m := int(d % time.Hour / time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh%dm", days, h, m)
	case h > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	default:
		return fmt.Sprintf("%dm", m)
	}
}
