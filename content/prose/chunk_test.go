package prose

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
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

// nextChunkRef is nextChunk without its fast path: the general scan and
// the general analysis.
func nextChunkRef(text string, i int, k *chunk) (newlines int, ok bool) {
	for i < len(text) {
		b := text[i]
		if b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v' {
			i++
			continue
		}
		if b == '\n' {
			newlines++
			i++
			continue
		}
		if b >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(text[i:]); isSpaceRune(r) {
				i += size
				continue
			}
		}
		break
	}
	if i >= len(text) {
		return newlines, false
	}
	*k = chunk{start: i}
	for i < len(text) {
		b := text[i]
		if b > ' ' && b < utf8.RuneSelf {
			i++
			continue
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v' {
			break
		}
		if b >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:])
			if isSpaceRune(r) {
				break
			}
			i += size
			continue
		}
		i++
	}
	k.end = i
	k.analyseAny(text)
	return newlines, true
}

// TestNextChunk compares nextChunk, fast path included, with the general
// scan and analysis on random texts, chunk by chunk.
func TestNextChunk(t *testing.T) {
	pieces := []string{"word", "Word", "WORD", "a", "I", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\f", "\v", ".", ",", ";", ":", "!", "?",
		"..", "'", "’", "-", "(", ")", "\"", "`", "{", "}", "@", "#", "x2", "é", "\u00a0", "\u2009", "\u3000", "\xff", "\x01", "_"}
	rng := rand.New(rand.NewPCG(5, 6))
	var texts []string
	// Every byte after every number of letters.
	for c := range 256 {
		for n := range 12 {
			texts = append(texts, "AbcdefghiJkl"[:n]+string([]byte{byte(c)})+"xyz", "abcdefghijkl"[:n]+string([]byte{byte(c)})+" z")
		}
	}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(16) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		var got, want chunk
		for i, j := 0, 0; ; {
			gn, gok := nextChunk(text, i, &got)
			wn, wok := nextChunkRef(text, j, &want)
			if gn != wn || gok != wok || gok && got != want {
				t.Fatalf("%q at %d: nextChunk = %d %t %+v, want %d %t %+v", text, i, gn, gok, got, wn, wok, want)
			}
			if !gok {
				break
			}
			i, j = got.end, want.end
		}
	}
}
