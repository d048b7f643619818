package prose

import (
	"math/rand/v2"
	"testing"
)

// TestAnalyseLetters checks analyse's fast path for chunks of letters
// against the general one: each chunk is analysed both ways and the
// results must be the same, field for field.
func TestAnalyseLetters(t *testing.T) {
	chunks := []string{
		"word", "Word", "WORD", "wOrd", "a", "I", "the.", "end!", "why?", "note:", "list,", "then;",
		"ends.)", "two..", "e.g.", "don't", "it’s", "multi-cluster", "x2", "(word", "word)", "\"word\"",
		"`code`", "word-", "-flag", "café", "{word}", "@user", "#tag", ".", ",", "?!", "Hello,", "K8s.",
		"über", "naïve.", "a.b", "A.", "ab:", "ab::", "word\u00a0", "…", "word…",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcXYZ.,;:!?'-()\"`{}@#0123é’"
	for range 20000 {
		n := 1 + rng.IntN(6)
		b := make([]rune, n)
		for i := range b {
			b[i] = []rune(alphabet)[rng.IntN(len([]rune(alphabet)))]
		}
		chunks = append(chunks, string(b))
	}
	for _, c := range chunks {
		fast := chunk{start: 0, end: len(c)}
		if !fast.analyseLetters(c) {
			continue
		}
		slow := chunk{start: 0, end: len(c)}
		slow.analyseAny(c)
		if fast != slow {
			t.Errorf("%q: fast path %+v, general %+v", c, fast, slow)
		}
	}
	for _, c := range []string{"word", "Word.", "then;", "WORD!"} {
		k := chunk{start: 0, end: len(c)}
		if !k.analyseLetters(c) {
			t.Errorf("%q: not taken by the fast path", c)
		}
	}
}
