package prose

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// benchPost returns the plain text of a real post of about 1,500 words
// (9 KB of text), the size the throughput target is set for.
func benchPost(b *testing.B) (string, *Vocabulary) {
	b.Helper()
	posts := loadCorpus(b)
	best := posts[0]
	for _, p := range posts {
		if abs(p.words-1500) < abs(best.words-1500) {
			best = p
		}
	}
	return strings.Join(best.texts, "\n\n"), corpusVocabulary(posts)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// BenchmarkCheck runs every rule over a realistic post. BenchmarkFields,
// splitting the same text with strings.Fields, is the baseline: the cost
// of merely finding the words.
func BenchmarkCheck(b *testing.B) {
	text, vocab := benchPost(b)
	c := NewChecker(Options{Vocabulary: vocab, Words: []string{"metal-stack"}})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c.Check(text)
	}
}

func BenchmarkFields(b *testing.B) {
	text, _ := benchPost(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = strings.Fields(text)
	}
}

// BenchmarkCheckCorpus checks every post of the corpus once per iteration.
func BenchmarkCheckCorpus(b *testing.B) {
	posts := loadCorpus(b)
	c := NewChecker(Options{Vocabulary: corpusVocabulary(posts)})
	texts := make([]string, len(posts))
	size := 0
	for i, p := range posts {
		texts[i] = strings.Join(p.texts, "\n\n")
		size += len(texts[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			c.Check(t)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "posts/s")
}

func BenchmarkNewChecker(b *testing.B) {
	for b.Loop() {
		NewChecker(Options{Words: []string{"metal-stack", "containerlab"}})
	}
}

// BenchmarkLoadDictionary reads the embedded dictionary, what the first
// Checker of a process pays, and reports the heap it keeps (its tables
// are read in place, not copied).
func BenchmarkLoadDictionary(b *testing.B) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	d, err := decodeDictionary(dictionaryFile)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(d)
	heap := float64(m1.HeapAlloc-m0.HeapAlloc) / 1e6
	for b.Loop() {
		if _, err := decodeDictionary(dictionaryFile); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(heap, "heap-MB")
}

// BenchmarkBuildDictionary builds the dictionary file from the word lists,
// as go generate does (and as every process did before the file).
func BenchmarkBuildDictionary(b *testing.B) {
	for b.Loop() {
		if _, err := buildDictionaryFile("words"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckEnglish is BenchmarkCheck with the language stated, as
// the caller does when the site names it: no detection pass.
func BenchmarkCheckEnglish(b *testing.B) {
	text, vocab := benchPost(b)
	c := NewChecker(Options{Vocabulary: vocab, Language: "en"})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c.Check(text)
	}
}

// BenchmarkCheckVsFields alternates Check and strings.Fields over the same
// post in one loop and reports the ratio of their times, which stays put
// while the load of the machine changes.
func BenchmarkCheckVsFields(b *testing.B) {
	text, vocab := benchPost(b)
	c := NewChecker(Options{Vocabulary: vocab})
	var check, fields time.Duration
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		c.Check(text)
		t1 := time.Now()
		_ = strings.Fields(text)
		fields += time.Since(t1)
		check += t1.Sub(t0)
	}
	b.ReportMetric(float64(check)/float64(fields), "check/fields")
	b.ReportMetric(float64(check.Nanoseconds())/float64(b.N), "check-ns/op")
}

// BenchmarkCheckUnknownWords checks 1 MB of words no dictionary knows: the
// cost stays linear (compare MB/s with BenchmarkCheck).
func BenchmarkCheckUnknownWords(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "qwertz%c%c ", 'a'+i%26, 'a'+i/26%26)
	}
	text := sb.String()
	c := NewChecker(Options{})
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c.Check(text)
	}
}

// BenchmarkScanBytes counts the spaces of the same post with a plain byte
// loop: the floor any tokenizer pays, to calibrate the machine.
func BenchmarkScanBytes(b *testing.B) {
	text, _ := benchPost(b)
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		for i := 0; i < len(text); i++ {
			if text[i] == ' ' {
				n++
			}
		}
	}
	_ = n
}
