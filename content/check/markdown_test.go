package check

import (
	"strings"
	"testing"
)

// TestSlugifyASCII compares slugify with its reading rune by rune, which
// its ASCII path must agree with.
func TestSlugifyASCII(t *testing.T) {
	for _, s := range []string{"", " ", "Section 0", "  Why We Moved  ", "A_b-C d\te", "C++ & Go: 2x faster!", "\v\fx\r\n", strings.Repeat("Long Heading ", 10), "Ünïcode Heading", "K\u212a"} {
		if got, want := slugify(s), slugifyRunes(s); got != want {
			t.Errorf("slugify(%q) = %q, want %q", s, got, want)
		}
		if got, want := slugify([]byte(s)), slugifyRunes(s); got != want {
			t.Errorf("slugify([]byte(%q)) = %q, want %q", s, got, want)
		}
	}
}

func TestContainsLower(t *testing.T) {
	for _, c := range []struct{ s, sub string }{
		{"https://github.com/Slorber", "slorber"}, {"https://github.com/slorber", "SLORBER"},
		{"https://example.com/docs/page", "docs"}, {"https://example.com/", "docs"},
		{"abc", ""}, {"", "a"}, {"ab", "abc"}, {"https://x.dev/\u212aelvin", "kelvin"}, {"https://x.dev/ÉTÉ", "été"},
		{"aaab", "aab"}, {"ABAB", "bab"}, {strings.Repeat("a", 300) + "Handle", "handle"}, {"https://x.dev/" + strings.Repeat("B", 70), strings.Repeat("b", 70)},
	} {
		want := strings.Contains(strings.ToLower(c.s), strings.ToLower(c.sub))
		if got := containsLower(c.s, []byte(c.sub)); got != want {
			t.Errorf("containsLower(%q, %q) = %t, want %t", c.s, c.sub, got, want)
		}
	}
}
