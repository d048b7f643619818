package substr

import (
	"strings"
	"testing"
)

// TestIndex compares Index and IndexBytes with strings.Index on every
// substring of a few texts, and on strings that are not there.
func TestIndex(t *testing.T) {
	texts := []string{
		"",
		"a",
		"export default function; export const x",
		"We export the data, then import it: import\tthis, export ",
		"lorem ipsum Lorem Ipsum LOREM IPSUM lorem ipsumm",
		"xxxxxxxxxxxxxxxxxxxxxxx",
		"exexexport exportexport",
		strings.Repeat("x", 300) + "export " + strings.Repeat("xe", 200) + "export",
		strings.Repeat("pp", 200) + "import " + strings.Repeat("p", 200),
	}
	subs := []string{"export ", "import ", "lorem ipsum", "xx", "xxx", "ex", "port", "zz", "a", "", "exporte", "t "}
	for _, s := range texts {
		if len(s) > 100 {
			continue
		}
		for i := 0; i <= len(s); i++ {
			for j := i; j <= len(s) && j <= i+8; j++ {
				subs = append(subs, s[i:j])
			}
		}
	}
	for _, s := range texts {
		for _, sub := range subs {
			want := strings.Index(s, sub)
			if got := Index(s, sub); got != want {
				t.Errorf("Index(%q, %q) = %d, want %d", s, sub, got, want)
			}
			if got := IndexBytes([]byte(s), sub); got != want {
				t.Errorf("IndexBytes(%q, %q) = %d, want %d", s, sub, got, want)
			}
			if got := Contains(s, sub); got != (want >= 0) {
				t.Errorf("Contains(%q, %q) = %v", s, sub, got)
			}
		}
	}
}

func TestRarest(t *testing.T) {
	for _, tc := range []struct {
		sub  string
		want int
	}{
		{"export ", 1},     // x
		{"import ", 2},     // p
		{"lorem ipsum", 7}, // p
		{"www.", 3},        // .
		{"TODO", 0},
	} {
		if got := rarest(tc.sub); got != tc.want {
			t.Errorf("rarest(%q) = %d, want %d", tc.sub, got, tc.want)
		}
	}
}

// BenchmarkIndex compares Index with strings.Index on 15 KB of prose and
// on 15 KB of the byte Index looks for, where it hands over.
func BenchmarkIndex(b *testing.B) {
	prose := strings.Repeat("the cluster scheduler runs every workload on nodes that the control plane manages and we measured several ", 140)
	for _, tc := range []struct{ name, text, sub string }{
		{"prose/export", prose, "export "},
		{"prose/import", prose, "import "},
		{"prose/lorem", prose, "lorem ipsum"},
		{"x/export", strings.Repeat("x", 15000), "export "},
		{"p/import", strings.Repeat("p", 15000), "import "},
	} {
		b.Run(tc.name+"/strings", func(b *testing.B) {
			for b.Loop() {
				strings.Index(tc.text, tc.sub)
			}
		})
		b.Run(tc.name+"/substr", func(b *testing.B) {
			for b.Loop() {
				Index(tc.text, tc.sub)
			}
		})
	}
}
