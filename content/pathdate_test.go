package content

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The regular expressions pathDate was written with: the reference that
// the hand-written reader is held to.
var (
	refFullPathDateRE  = regexp.MustCompile(`(?:^|/)(\d{4})[-/](\d{2})[-/](\d{2})(?:[-/]|\.md$|$)`)
	refMonthPathDateRE = regexp.MustCompile(`(?:^|/)(\d{4})/(\d{2})(?:-|/)`)
)

func refPathDate(p string) *PathDate {
	if m := refFullPathDateRE.FindStringSubmatch(p); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			return &PathDate{Year: y, Month: mo, Day: d}
		}
	}
	if m := refMonthPathDateRE.FindStringSubmatch(p); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 {
			return &PathDate{Year: y, Month: mo}
		}
	}
	return nil
}

func TestPathDate(t *testing.T) {
	tests := []struct {
		name, path string
		want       *PathDate
	}{
		{"jekyll", "_posts/2026-02-03-fosdem.md", &PathDate{2026, 2, 3}},
		{"docusaurus folder", "blog/2026-02-03-fosdem/index.md", &PathDate{2026, 2, 3}},
		{"date folders", "blog/2026/02/03/fosdem.md", &PathDate{2026, 2, 3}},
		{"date is the name", "blog/2026-02-03.md", &PathDate{2026, 2, 3}},
		{"date ends the path", "blog/2026/02/03", &PathDate{2026, 2, 3}},
		{"date at the start", "2026-02-03-x.md", &PathDate{2026, 2, 3}},
		{"month folder", "blog/2026/02-fosdem/index.md", &PathDate{Year: 2026, Month: 2}},
		{"month folders", "blog/2026/02/fosdem.md", &PathDate{Year: 2026, Month: 2}},
		{"bench layout", "blog/2019/03127-post/index.md", nil},
		{"no date", "blog/fosdem/index.md", nil},
		{"inside a name", "blog/x2026-02-03-a.md", nil},
		{"date then other text", "blog/2026-02-03x.md", nil},
		{"date then .mdx", "blog/2026-02-03.mdx", nil},
		{"the first month folder decides", "blog/2026/13/01/2026/02-a.md", nil},
		{"a bad full date falls to the month folder", "blog/2026/02/32/a.md", &PathDate{Year: 2026, Month: 2}},
		{"first full date decides", "a/2026-13-01/2026-02-03.md", nil},
		{"day out of range", "blog/2026-02-32-a.md", nil},
		{"month zero", "blog/2026/00-a.md", nil},
		{"mixed separators", "blog/2026-02/03-a.md", &PathDate{2026, 2, 3}},
		{"month folder needs a slash", "blog/2026-02-a.md", nil},
		{"non-ASCII digits", "blog/２０２６-02-03-a.md", nil},
		{"empty", "", nil},
		{"short", "2026/0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pathDate(tt.path)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pathDate(%q) (-want +got):\n%s", tt.path, diff)
			}
			if diff := cmp.Diff(refPathDate(tt.path), got); diff != "" {
				t.Errorf("pathDate(%q) differs from the regular expressions (-ref +got):\n%s", tt.path, diff)
			}
		})
	}
}

// TestPathDateAsRegexp holds pathDate to the regular expressions on paths
// built from the pieces a date is made of.
func TestPathDateAsRegexp(t *testing.T) {
	pieces := []string{"/", "-", ".md", "md", ".", "x", "0", "1", "2", "9", "00", "02", "12", "13", "31", "32", "2026", "1999", "blog/", "_posts/", "index.md", "é"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var p []byte
		for range 1 + r.IntN(10) {
			p = append(p, pieces[r.IntN(len(pieces))]...)
		}
		s := string(p)
		if diff := cmp.Diff(refPathDate(s), pathDate(s)); diff != "" {
			t.Fatalf("pathDate(%q) differs from the regular expressions (-ref +got):\n%s", s, diff)
		}
	}
}

func FuzzPathDate(f *testing.F) {
	for _, s := range []string{"_posts/2026-02-03-a.md", "blog/2026/02-a/index.md", "2026/02/03"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := cmp.Diff(refPathDate(s), pathDate(s)); diff != "" {
			t.Fatalf("pathDate(%q) differs from the regular expressions (-ref +got):\n%s", s, diff)
		}
	})
}
