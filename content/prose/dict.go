package prose

import (
	_ "embed"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/golangci/misspell"
)

// The embedded word lists; words/NOTICE.md says where each comes from.
var (
	//go:embed words/scowl-american-50.txt
	scowlCommon string
	//go:embed words/scowl-american-70-extra.txt
	scowlExtra string
	//go:embed words/scowl-british-70-extra.txt
	scowlBritish string
	//go:embed words/scowl-80-extra.txt
	scowlRare string
	//go:embed words/herald-terms.txt
	heraldTerms string
	//go:embed words/cspell-software-terms.txt
	softwareTerms string
)

// Flags of a dictionary entry.
const (
	flagKnown    uint8 = 1 << iota // a correctly spelled word
	flagCommon                     // a common English word: eligible as a suggestion
	flagMisspelt                   // a known misspelling; entry.fix holds the correction
	flagRare                       // in the SCOWL size-80 list: known unless a known misspelling
)

// entry is a dictionary entry: flags in the low byte, and for a known
// misspelling the index+1 of its correction in dictionary.fixes above it.
// Four bytes keep the map small, which keeps lookups in cache.
type entry uint32

func (e entry) flags() uint8 { return uint8(e) }

// dictionary is the embedded, read-only word data. It is built once per
// process (see loadDictionary) and never changed afterwards, so it is shared
// by every Checker without locking.
//
// Words are keyed by a 64-bit hash of their lower-case form: the maps hold
// no pointers, so the garbage collector never scans their 180,000 entries
// (it did on every cycle, a sixth of the cost of checking a post), and a
// lookup compares one integer instead of a string. A word that is not in
// the lists shares the hash of one that is with odds of about 10⁻¹⁴.
type dictionary struct {
	seed  maphash.Seed
	words hashTable // hash of a lower-case word -> entry, words of shortLen bytes or more
	short hashTable // the same for shorter words: the most frequent, in a table small enough to stay in cache
	rare  hashTable // the words only SCOWL's size-80 list has, read only for a word the others lack
	fixes []string  // corrections of known misspellings
	// byFirst[c][n] lists the common words of n bytes starting with letter
	// c, with a mask of the letters each contains, for suggestions at edit
	// distance 2. The words are in common, so the lists hold no pointers.
	byFirst [26][maxSuggestLen + 3][]maskedWord
	common  string
}

// maskedWord is a word of n bytes at common[off:off+n] in byFirst[c][n].
type maskedWord struct {
	off  uint32
	mask uint32
}

const maxSuggestLen = 24

// loadDictionary builds the dictionary from the embedded lists on first use.
// The result is immutable.
var loadDictionary = sync.OnceValue(buildDictionary)

func buildDictionary() *dictionary {
	d := &dictionary{seed: maphash.MakeSeed()}
	lists := [...]struct {
		text  string
		flags uint8
	}{
		{scowlCommon, flagKnown | flagCommon},
		{scowlExtra, flagKnown},
		{scowlBritish, flagKnown},
		{softwareTerms, flagKnown},
		{heraldTerms, flagKnown},
		{scowlRare, flagRare},
	}
	// Size the tables by the lines of each length class (a bound: the
	// same word in two lists or two cases is counted twice).
	nShort, nLong, nRare := len(misspell.DictMain)/2, len(misspell.DictMain)/2, 0
	for _, l := range lists {
		for line := range strings.Lines(l.text) {
			if l.flags == flagRare {
				nRare++
			} else if len(strings.TrimSpace(line)) < shortLen {
				nShort++
			} else {
				nLong++
			}
		}
	}
	d.short = newHashTable(nShort)
	d.words = newHashTable(nLong)
	d.rare = newHashTable(nRare)
	var common strings.Builder
	var buf [64]byte
	for _, l := range lists {
		for line := range strings.Lines(l.text) {
			w := strings.TrimSpace(line)
			if w == "" || w[0] == '#' || len(w) > len(buf) || strings.HasSuffix(w, "'s") {
				// Possessives are stripped before lookup; skip them here.
				continue
			}
			lw := appendLower(buf[:0], w)
			t, h := d.table(lw)
			old := t.get0(h)
			if l.flags == flagRare {
				if old.flags()&flagKnown == 0 {
					// Not "Native" of the size-80 list, "native" of the others.
					d.rare.put(h, entry(flagKnown|flagRare))
				}
				continue
			}
			t.put(h, old|entry(l.flags))
			if l.flags&flagCommon != 0 && old.flags()&flagCommon == 0 && len(lw) >= 2 && len(lw) <= maxSuggestLen+2 && isLowerASCIIBytes(lw) {
				c := lw[0] - 'a'
				d.byFirst[c][len(lw)] = append(d.byFirst[c][len(lw)], maskedWord{uint32(common.Len()), letterMask(string(lw))})
				common.Write(lw)
			}
		}
	}
	for i := 0; i+1 < len(misspell.DictMain); i += 2 {
		wrong, right := misspell.DictMain[i], strings.ToLower(misspell.DictMain[i+1])
		if len(wrong) > len(buf) {
			continue
		}
		lw := appendLower(buf[:0], wrong)
		t, h := d.table(lw)
		e := t.get0(h)
		if e.flags()&(flagKnown|flagMisspelt) != 0 {
			// A word the dictionaries up to size 70 know is not flagged on
			// the word of one list; a word only the size-80 list has
			// ("dependancies", "everwhere", "supercede") is a misspelling.
			continue
		}
		d.fixes = append(d.fixes, right)
		// In the main table, read before the rare one.
		t.put(h, e|entry(flagMisspelt)|entry(len(d.fixes))<<8)
	}
	// The tables were sized by a bound; fit them to what they hold, so
	// that lookups touch less memory.
	d.short, d.words, d.rare = d.short.fit(), d.words.fit(), d.rare.fit()
	d.common = common.String()
	return d
}

// hashOf returns the hash of a lower-case word, as the tables key it.
func (d *dictionary) hashOf(w []byte) uint64 { return maphash.Bytes(d.seed, w) }

// table returns the table and the hash of a lower-case word.
func (d *dictionary) table(w []byte) (*hashTable, uint64) {
	if len(w) < shortLen {
		return &d.short, maphash.Bytes(d.seed, w)
	}
	return &d.words, maphash.Bytes(d.seed, w)
}

// appendLower appends w in ASCII lower case (other bytes as they are).
func appendLower(dst []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		b := w[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}

// shortLen is the length from which words go to dictionary.words.
const shortLen = 5

// lookupBytes returns the entry of a lower-case word.
func (d *dictionary) lookupBytes(w []byte) (entry, bool) {
	t, h := d.table(w)
	if e, ok := t.get(h); ok {
		return e, true
	}
	return d.rare.get(h)
}

// hashTable maps word hashes to entries: open addressing with linear
// probing in a power-of-two table at most two-thirds full, key and entry side by
// side, so a lookup most often reads one cache line (a Go map reads its
// directory, a control word and a slot, and hashes the key again).
type hashTable struct {
	slots []hashSlot
	mask  uint64
}

type hashSlot struct {
	h uint64 // 0: empty (a hash of 0 is stored as 1)
	e entry
}

func newHashTable(n int) hashTable {
	size := 16
	for size < n+n/2 {
		size *= 2
	}
	return hashTable{slots: make([]hashSlot, size), mask: uint64(size - 1)}
}

func (t *hashTable) put(h uint64, e entry) {
	h = max(h, 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if s := &t.slots[i]; s.h == 0 || s.h == h {
			s.h, s.e = h, e
			return
		}
	}
}

// fit returns t in a table of the size newHashTable gives for the entries
// it holds.
func (t *hashTable) fit() hashTable {
	n := 0
	for _, s := range t.slots {
		if s.h != 0 {
			n++
		}
	}
	out := newHashTable(n)
	if len(out.slots) >= len(t.slots) {
		return *t
	}
	for _, s := range t.slots {
		if s.h != 0 {
			out.put(s.h, s.e)
		}
	}
	return out
}

// get0 returns the entry of h, or 0.
func (t *hashTable) get0(h uint64) entry {
	e, _ := t.get(h)
	return e
}

func (t *hashTable) get(h uint64) (entry, bool) {
	h = max(h, 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		switch s := &t.slots[i]; s.h {
		case h:
			return s.e, true
		case 0:
			return 0, false
		}
	}
}

// fix returns the correction of a known misspelling.
func (d *dictionary) fix(e entry) string {
	return d.fixes[e>>8-1]
}

func letterMask(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		m |= 1 << (w[i] - 'a')
	}
	return m
}

// suggestions returns the words nearest to w (lower-case ASCII): the common
// words at edit distance 1, else the other known words at distance 1
// ("diagnositcs"), with near true; else, when w has minFarLen letters or
// more, the common words at distance 2 with the same first letter, with near
// false. Words only the size-80 list knows are never suggested. It returns
// at most limit+1 words, so a caller can tell "exactly one" from "several".
func (d *dictionary) suggestions(w string, limit int) (out []string, near bool) {
	if out := d.doubling(w, limit); len(out) == 1 {
		// A letter doubled or not doubled ("occured", "commiters",
		// "targetting"): the commonest slip, to any known word.
		return out, true
	}
	if out := d.nearby(w, limit, flagCommon); len(out) > 0 {
		return out, true
	}
	if out := d.nearby(w, limit, flagKnown); len(out) > 0 {
		return out, true
	}
	if len(w) < minFarLen || len(w) > maxSuggestLen {
		return nil, false
	}
	// Two edits away, only a word that w holds with two letters added
	// ("observated", "policitical": a repeated syllable): two letters
	// changed ("exfiltrate", "exhilarate"; "wunderbar", "wonderbra") is a
	// different word far more often than a slip.
	var out2 []string
	for _, cand := range d.distance2(w, limit) {
		if len(cand) == len(w)-2 && isSubsequence(cand, w) && !strings.HasPrefix(w, cand) {
			// Not two letters at the end: "pointerup" is "pointer" + "up".
			out2 = append(out2, cand)
		}
	}
	return out2, false
}

// isSubsequence reports whether a's letters appear in b in order.
func isSubsequence(a, b string) bool {
	i := 0
	for j := 0; j < len(b) && i < len(a); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// doubling returns the known words that w becomes when one of its letters
// is doubled or a doubled letter is made single.
func (d *dictionary) doubling(w string, limit int) []string {
	var out []string
	var stack [64]byte
	if len(w) >= len(stack) {
		return nil
	}
	try := func(b []byte) {
		if e, ok := d.lookupBytes(b); ok && e.flags()&flagKnown != 0 && !slices.Contains(out, string(b)) {
			out = append(out, string(b))
		}
	}
	for i := 1; i < len(w) && len(out) <= limit; i++ {
		if w[i] == w[i-1] {
			try(append(append(stack[:0], w[:i]...), w[i+1:]...))
		} else if isLetterByte(w[i]) && !isVowel(w[i]) || w[i] == 'e' || w[i] == 'o' {
			try(append(append(append(stack[:0], w[:i+1]...), w[i]), w[i+1:]...))
		}
	}
	return out
}

// slipOfCommon reports whether w is a common word of six letters or more
// with one letter dropped (not the first), one doubled, or two neighbouring
// letters swapped.
func (d *dictionary) slipOfCommon(w []byte) bool {
	if len(w)+1 < 6 || len(w) >= 63 {
		return false
	}
	var buf [64]byte
	common := func(b []byte) bool {
		e, ok := d.lookupBytes(b)
		return ok && e.flags()&flagCommon != 0
	}
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] && common(append(append(buf[:0], w[:i]...), w[i+1:]...)) {
			return true // "difffused"
		}
	}
	for i := 1; i+1 < len(w); i++ {
		if w[i] != w[i+1] {
			b := append(buf[:0], w...)
			b[i], b[i+1] = b[i+1], b[i]
			if common(b) {
				return true
			}
		}
	}
	// A dropped letter: a common word one letter longer, with the same
	// first letter and every letter of w, that w is with one deleted.
	if !isLowerASCIIBytes(w) || len(w)+1 > maxSuggestLen+2 {
		return false
	}
	m := letterMask(string(w))
	for _, cand := range d.byFirst[w[0]-'a'][len(w)+1] {
		if m&^cand.mask != 0 || bits.OnesCount32(m^cand.mask) > 1 {
			continue
		}
		if c := d.common[cand.off : int(cand.off)+len(w)+1]; oneDeleted(c, w) {
			return true
		}
	}
	return false
}

// oneDeleted reports whether w is long with one letter deleted.
func oneDeleted[S string | []byte](long string, w S) bool {
	i := 0
	for i < len(w) && long[i] == w[i] {
		i++
	}
	return long[i+1:] == string(w[i:])
}

// minFarLen is the shortest unknown word reported for being two edits from
// a common word: shorter ones are more often names or terms.
const minFarLen = 7

// nearby returns the words with any of flags at edit distance 1 of w.
func (d *dictionary) nearby(w string, limit int, flags uint8) []string {
	return editsOf(w, limit, func(b []byte) bool {
		e, ok := d.lookupBytes(b)
		return ok && e.flags()&flags != 0 && e.flags()&flagRare == 0
	})
}

// editsOf returns the strings at edit distance 1 of w (no edit of the first
// letter) that known reports, at most limit+1 of them.
func editsOf[S string | []byte](w S, limit int, known func([]byte) bool) []string {
	var out []string
	seen := func(b []byte) bool {
		for _, o := range out {
			if o == string(b) {
				return true
			}
		}
		return false
	}
	// try looks a candidate up without copying it; only a hit is copied.
	try := func(b []byte) bool {
		if known(b) && !seen(b) {
			out = append(out, string(b))
		}
		return len(out) > limit
	}
	var stack [64]byte
	buf := stack[:0]
	// Edits at the first letter are left out: a word that differs from a
	// dictionary word there ("kstatus", "ztunnel") is far more often a
	// name than a slip.
	// Deletions.
	for i := 1; i < len(w); i++ {
		buf = append(append(buf[:0], w[:i]...), w[i+1:]...)
		if try(buf) {
			return out
		}
	}
	// Transpositions.
	for i := 0; i+1 < len(w); i++ {
		buf = append(buf[:0], w...)
		buf[i], buf[i+1] = buf[i+1], buf[i]
		if buf[i] != buf[i+1] && try(buf) {
			return out
		}
	}
	// Substitutions.
	for i := 1; i < len(w); i++ {
		buf = append(buf[:0], w...)
		for c := byte('a'); c <= 'z'; c++ {
			if c == w[i] {
				continue
			}
			buf[i] = c
			if try(buf) {
				return out
			}
		}
	}
	// Insertions.
	for i := 1; i <= len(w); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			buf = append(append(append(buf[:0], w[:i]...), c), w[i:]...)
			if try(buf) {
				return out
			}
		}
	}
	return out
}

// distance2 returns the common words at edit distance 2 of w.
func (d *dictionary) distance2(w string, limit int) []string {
	var out []string
	// Distance 2, same first letter, scanned by length with a letter-set
	// filter: two edits change at most four letters of the set.
	m := letterMask(w)
	first := w[0] - 'a'
	for n := len(w) - 2; n <= len(w)+2; n++ {
		for _, cand := range d.byFirst[first][n] {
			if bits.OnesCount32(cand.mask^m) > 4 {
				continue
			}
			if word := d.common[cand.off : int(cand.off)+n]; editDistanceAtMost(w, word, 2) {
				out = append(out, word)
				if len(out) > limit {
					return out
				}
			}
		}
	}
	return out
}

// editDistanceAtMost reports whether the optimal-string-alignment distance
// between a and b is at most k.
func editDistanceAtMost(a, b string, k int) bool {
	if d := len(a) - len(b); d > k || -d > k {
		return false
	}
	var rows [3][maxSuggestLen + 4]int
	if len(b)+1 > len(rows[0]) {
		return false
	}
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > k {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)] <= k
}
