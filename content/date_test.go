package content

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata"
)

func TestParseDate(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		value string
		want  string // RFC 3339 in UTC, or "" when an error is expected
		kind  DateErrorKind
	}{
		{"rfc3339 offset", "2026-02-03T11:00:00+02:00", "2026-02-03T09:00:00Z", 0},
		{"rfc3339 Z", "2026-02-03T11:00:00Z", "2026-02-03T11:00:00Z", 0},
		{"fraction", "2026-02-03T11:00:00.5+01:00", "2026-02-03T10:00:00.5Z", 0},
		{"space and offset", "2024-05-21 10:00:00 -0700", "2024-05-21T17:00:00Z", 0},
		{"space offset colon", "2024-05-21 10:00:00+02:00", "2024-05-21T08:00:00Z", 0},
		{"local winter", "2026-02-03 11:00:00", "2026-02-03T10:00:00Z", 0},
		{"local summer", "2026-07-03T11:00:00", "2026-07-03T09:00:00Z", 0},
		{"minutes only", "2026-07-03 11:00", "2026-07-03T09:00:00Z", 0},
		{"one-digit hour", "2026-07-03 9:05:00", "2026-07-03T07:05:00Z", 0},
		{"one-digit month", "2026-7-03 09:05:00", "2026-07-03T07:05:00Z", 0},
		{"YAML timestamp with a one-digit month (a real Electron post)", "2023-2-07T00:00:00.000Z", "2023-02-07T00:00:00Z", 0},
		{"date only", "2026-02-03", "2026-02-02T23:00:00Z", 0},
		{"rfc1123 gmt", "Fri, 05 Apr 2024 10:00:00 GMT", "2024-04-05T10:00:00Z", 0},
		{"dst gap", "2026-03-29 02:30:00", "", DateNonexistent},
		{"dst overlap", "2026-10-25 02:30:00", "", DateAmbiguous},
		{"offset in dst gap is fine", "2026-03-29T02:30:00+01:00", "2026-03-29T01:30:00Z", 0},
		{"garbage", "next tuesday", "", DateInvalid},
		{"empty", "", "", DateInvalid},
		{"bad month", "2026-13-01", "", DateInvalid},
		{"abbreviated zone refused", "Fri, 05 Apr 2024 10:00:00 MST", "", DateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.value, berlin)
			if tt.kind != 0 {
				var de *DateError
				if !errors.As(err, &de) {
					t.Fatalf("ParseDate(%q) = %v, %v; want a *DateError", tt.value, got, err)
				}
				if de.Kind != tt.kind {
					t.Fatalf("kind = %v, want %v (%v)", de.Kind, tt.kind, err)
				}
				if de.Zone != "Europe/Berlin" {
					t.Errorf("zone = %q", de.Zone)
				}
				t.Logf("message: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.value, err)
			}
			if s := got.UTC().Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("ParseDate(%q) = %s, want %s", tt.value, s, tt.want)
			}
		})
	}
}

func TestParseDateAmbiguousCandidates(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	_, err := ParseDate("2026-11-01 01:30", ny)
	var de *DateError
	if !errors.As(err, &de) || de.Kind != DateAmbiguous {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	got := de.Candidates[0].UTC().Format(time.RFC3339) + " " + de.Candidates[1].UTC().Format(time.RFC3339)
	if want := "2026-11-01T05:30:00Z 2026-11-01T06:30:00Z"; got != want {
		t.Errorf("candidates = %s, want %s", got, want)
	}
}

func TestParseDateNilLocation(t *testing.T) {
	got, err := ParseDate("2026-02-03", nil)
	if err != nil || !got.Equal(time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got %v, %v", got, err)
	}
}
