package prose

import (
	"hash/maphash"
	"sync"
)

// Vocabulary counts, for each word, the number of documents it appears in,
// so that a word the repository uses in several posts is not reported as a
// misspelling. It is safe for concurrent use.
//
// Words are kept as 64-bit hashes of their normalised form, not as strings:
// a 10,000-post repository holds hundreds of thousands of distinct words, and
// the hashes cost no allocation per word and a fraction of the memory. Two
// words with the same hash (odds of about n²/2⁶⁵ for n words, below one in
// ten million for a million words) would share their count.
type Vocabulary struct {
	seed maphash.Seed
	mu   sync.RWMutex
	docs map[uint64]int32 // hash of the normalised word -> documents
}

// NewVocabulary returns an empty Vocabulary.
func NewVocabulary() *Vocabulary {
	return &Vocabulary{seed: maphash.MakeSeed(), docs: make(map[uint64]int32)}
}

// hashSet is a set of word hashes for one document: open addressing in a
// power-of-two table, reused from document to document through setPool.
type hashSet struct {
	slots []uint64 // 0 is empty
	list  []uint64 // the members, in insertion order
}

var setPool = sync.Pool{New: func() any { return &hashSet{slots: make([]uint64, 4096)} }}

// add adds h, which is not 0.
func (s *hashSet) add(h uint64) {
	if 2*(len(s.list)+1) > len(s.slots) {
		old := s.list
		s.slots = make([]uint64, 2*len(s.slots))
		s.list = s.list[:0:0]
		for _, o := range old {
			s.add(o)
		}
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return
		case 0:
			s.slots[i] = h
			s.list = append(s.list, h)
			return
		}
	}
}

func (s *hashSet) reset() {
	clear(s.slots)
	s.list = s.list[:0]
}

// AddDocument counts every distinct word of text once: words as the
// spelling rule sees them (letters with inner apostrophes and hyphens), in
// lower case, and each part of a hyphenated word. Call it once per post with
// the same plain text later passed to Check.
func (v *Vocabulary) AddDocument(text string) {
	v.update(text, 1)
}

// RemoveDocument undoes AddDocument(text): call it with the same text when a
// post is deleted or before adding its new version, to keep a Vocabulary up
// to date without rebuilding it.
func (v *Vocabulary) RemoveDocument(text string) {
	v.update(text, -1)
}

func (v *Vocabulary) update(text string, delta int32) {
	set := setPool.Get().(*hashSet)
	v.distinctWords(text, set)
	v.mu.Lock()
	for _, h := range set.list {
		n := v.docs[h] + delta
		if n <= 0 {
			delete(v.docs, h)
		} else {
			v.docs[h] = n
		}
	}
	v.mu.Unlock()
	set.reset()
	setPool.Put(set)
}

// hash returns the hash of a normalised word, never 0.
func (v *Vocabulary) hash(w []byte) uint64 {
	return max(maphash.Bytes(v.seed, w), 1)
}

// distinctWords adds the hashes of the words of text to set.
func (v *Vocabulary) distinctWords(text string, set *hashSet) {
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
		set.add(v.hash(appendNorm(buf[:0], text[k.cs:k.ce])))
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
				set.add(v.hash(appendNorm(buf[:0], text[s:e])))
			}
			s = e + 1
		}
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
	h := v.hash(w)
	v.mu.RLock()
	defer v.mu.RUnlock()
	return int(v.docs[h])
}

// nearby returns the words at edit distance 1 of w (normalised) found in at
// least minDocs documents, at most limit+1 of them. With swapsOnly, only
// two neighbouring letters swapped count as an edit.
func (v *Vocabulary) nearby(w []byte, minDocs, limit int, swapsOnly bool) []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if !swapsOnly {
		return editsOf(w, limit, func(b []byte) bool { return int(v.docs[v.hash(b)]) >= minDocs })
	}
	var out []string
	var stack [64]byte
	for i := 1; i+1 < len(w); i++ {
		if w[i] == w[i+1] {
			continue
		}
		b := append(stack[:0], w...)
		b[i], b[i+1] = b[i+1], b[i]
		if int(v.docs[v.hash(b)]) >= minDocs {
			out = append(out, string(b))
			if len(out) > limit {
				break
			}
		}
	}
	return out
}
