package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRuneCount(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefg", "abcdefgh", "abcdefghi", "héllo wörld, a longer line of prose",
		strings.Repeat("x", 17) + "é" + strings.Repeat("y", 9), "\xff\xfe plain ascii after invalid bytes", strings.Repeat("ascii ", 9) + "\xe2\x80"} {
		if got, want := runeCount([]byte(s)), utf8.RuneCount([]byte(s)); got != want {
			t.Errorf("runeCount(%q) = %d, want %d", s, got, want)
		}
	}
}
