package content

import (
	"fmt"
	"strings"
	"time"
)

// DateErrorKind says why a front-matter date could not be read.
type DateErrorKind int

// The kinds of DateError.
const (
	// DateInvalid is a value that is not a date in any accepted format.
	DateInvalid DateErrorKind = iota + 1
	// DateNonexistent is a local time skipped by a daylight-saving change.
	DateNonexistent
	// DateAmbiguous is a local time that occurs twice because of a
	// daylight-saving change.
	DateAmbiguous
)

// String returns a short name of the kind.
func (k DateErrorKind) String() string {
	switch k {
	case DateInvalid:
		return "invalid"
	case DateNonexistent:
		return "nonexistent"
	case DateAmbiguous:
		return "ambiguous"
	}
	return fmt.Sprintf("DateErrorKind(%d)", int(k))
}

// DateError is a front-matter date that cannot be turned into one instant.
type DateError struct {
	Value string        // the value as written
	Zone  string        // the zone it was read in (a location name)
	Kind  DateErrorKind // why it failed
	// Candidates holds the two instants an ambiguous local time can mean,
	// earlier first; empty for other kinds.
	Candidates []time.Time
}

// Error describes the problem for the author of the post.
func (e *DateError) Error() string {
	switch e.Kind {
	case DateNonexistent:
		return fmt.Sprintf("%q does not exist in %s: the clocks skip that hour (daylight saving time); add an offset or pick another time", e.Value, e.Zone)
	case DateAmbiguous:
		if len(e.Candidates) == 2 {
			return fmt.Sprintf("%q occurs twice in %s (daylight saving time ends): it could be %s or %s; add an offset",
				e.Value, e.Zone, e.Candidates[0].Format(time.RFC3339), e.Candidates[1].Format(time.RFC3339))
		}
		return fmt.Sprintf("%q occurs twice in %s (daylight saving time ends); add an offset", e.Value, e.Zone)
	}
	return fmt.Sprintf("%q is not a date; write it as 2006-01-02, 2006-01-02T15:04:05 or 2006-01-02T15:04:05+01:00", e.Value)
}

// Layouts with an explicit offset, tried in order.
var offsetLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999 Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04Z07:00",
	"2006-01-02 15:04 Z07:00",
	"2006-01-02 15:04 Z0700",
	// YAML timestamps allow one-digit months and days
	// (2023-2-07T00:00:00.000Z), and js-yaml, go-yaml and Ruby read them.
	"2006-1-2T15:04:05.999999999Z07:00",
	"2006-1-2 15:04:05.999999999Z07:00",
	"2006-1-2 15:04:05.999999999 Z07:00",
	"2006-1-2 15:04:05.999999999 Z0700",
	time.RFC1123Z,
}

// Layouts without an offset: read in the site's zone.
var localLayouts = [...]string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-1-2T15:04:05",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
}

// Date-only layouts: midnight in the site's zone.
var dayLayouts = [...]string{
	time.DateOnly,
	"2006-1-2",
}

// ParseDate reads a front-matter date. RFC 3339 with offset is exact; without offset it is read in loc;
// date-only is midnight in loc. A local time that does not exist (DST gap) or occurs twice (DST overlap)
// returns a *DateError; so does an unparseable value.
//
// Besides RFC 3339 it accepts a space instead of "T", an offset without a
// colon or after a space ("2024-05-21 10:00:00 -0700", as Jekyll writes),
// minutes without seconds, one-digit months, days and hours, and RFC 1123
// with a numeric offset or the zone GMT or UTC. A nil loc means UTC.
func ParseDate(value string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	v := strings.TrimSpace(value)
	if v == "" || len(v) > 64 {
		return time.Time{}, &DateError{Value: value, Zone: loc.String(), Kind: DateInvalid}
	}
	for _, l := range offsetLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	if strings.HasSuffix(v, " GMT") || strings.HasSuffix(v, " UTC") {
		if t, err := time.Parse(time.RFC1123, v[:len(v)-4]+" UTC"); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return inLocation(value, t, loc)
		}
	}
	for _, l := range dayLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return inLocation(value, t, loc)
		}
	}
	return time.Time{}, &DateError{Value: value, Zone: loc.String(), Kind: DateInvalid}
}

// inLocation turns the wall clock of w (parsed as UTC) into an instant in
// loc, refusing wall clocks that do not exist or exist twice there.
func inLocation(value string, w time.Time, loc *time.Location) (time.Time, error) {
	guess := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	// Candidate offsets: the zone at the guess and the zones either side of
	// its period. A wall clock maps to the instants wall-offset for each
	// offset whose period contains that instant.
	offsets := make([]int, 0, 3)
	_, off := guess.Zone()
	offsets = append(offsets, off)
	start, end := guess.ZoneBounds()
	if !start.IsZero() {
		_, o := start.Add(-time.Second).Zone()
		offsets = append(offsets, o)
	}
	if !end.IsZero() {
		_, o := end.Zone()
		offsets = append(offsets, o)
	}
	var found []time.Time
	for _, o := range offsets {
		u := w.Add(-time.Duration(o) * time.Second).In(loc)
		if !sameWall(u, w) {
			continue
		}
		dup := false
		for _, f := range found {
			if f.Equal(u) {
				dup = true
			}
		}
		if !dup {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return time.Time{}, &DateError{Value: value, Zone: loc.String(), Kind: DateNonexistent}
	case 1:
		return found[0], nil
	}
	if found[1].Before(found[0]) {
		found[0], found[1] = found[1], found[0]
	}
	return time.Time{}, &DateError{Value: value, Zone: loc.String(), Kind: DateAmbiguous, Candidates: found[:2]}
}

func sameWall(u, w time.Time) bool {
	y1, m1, d1 := u.Date()
	y2, m2, d2 := w.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && u.Hour() == w.Hour() && u.Minute() == w.Minute() &&
		u.Second() == w.Second() && u.Nanosecond() == w.Nanosecond()
}
