package prose

import "sync"

// Vocabulary counts, for each word, the number of documents it appears in,
// so that a word the repository uses in several posts is not reported as a
// misspelling. It is safe for concurrent use.
type Vocabulary struct {
	mu   sync.RWMutex
	docs map[string]int // normalised word -> documents
}

// NewVocabulary returns an empty Vocabulary.
func NewVocabulary() *Vocabulary {
	return &Vocabulary{docs: make(map[string]int)}
}

// AddDocument counts every distinct word of text once: words as the
// spelling rule sees them (letters with inner apostrophes and hyphens), in
// lower case, and each part of a hyphenated word. Call it once per post with
// the same plain text later passed to Check.
func (v *Vocabulary) AddDocument(text string) {
	seen := make(map[string]struct{})
	var buf [64]byte
	var k chunk
	for i := 0; ; {
		_, ok := nextChunk(text, i, &k)
		if !ok {
			break
		}
		i = k.end
		if !k.isWord() || k.ce-k.cs > len(buf) {
			continue
		}
		core := text[k.cs:k.ce]
		seen[string(appendNorm(buf[:0], core))] = struct{}{}
		if !k.hyphen {
			continue
		}
		for s := k.cs; s < k.ce; {
			e := k.ce
			for j := s; j < k.ce; j++ {
				if text[j] == '-' {
					e = j
					break
				}
			}
			if e > s {
				seen[string(appendNorm(buf[:0], text[s:e]))] = struct{}{}
			}
			s = e + 1
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for w := range seen {
		v.docs[w]++
	}
}

// Documents reports how many documents added so far contain word
// (case-insensitive).
func (v *Vocabulary) Documents(word string) int {
	var buf [64]byte
	if len(word) > len(buf) {
		return 0
	}
	return v.documents(appendNorm(buf[:0], word))
}

func (v *Vocabulary) documents(w []byte) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.docs[string(w)]
}

// nearby returns the words at edit distance 1 of w (normalised) found in at
// least minDocs documents, at most limit+1 of them. With swapsOnly, only
// two neighbouring letters swapped count as an edit.
func (v *Vocabulary) nearby(w []byte, minDocs, limit int, swapsOnly bool) []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if !swapsOnly {
		return editsOf(w, limit, func(b []byte) bool { return v.docs[string(b)] >= minDocs })
	}
	var out []string
	var stack [64]byte
	for i := 1; i+1 < len(w); i++ {
		if w[i] == w[i+1] {
			continue
		}
		b := append(stack[:0], w...)
		b[i], b[i+1] = b[i+1], b[i]
		if v.docs[string(b)] >= minDocs {
			out = append(out, string(b))
			if len(out) > limit {
				break
			}
		}
	}
	return out
}
