package prose

import (
	_ "embed"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// dictionaryFile is the dictionary in the form lookups read, built from the
// word lists of words/ (words/NOTICE.md says where each comes from) and the
// common misspellings of github.com/golangci/misspell by TestDictionaryFile:
// building it from the 340,000 lines of the lists took a quarter of a
// second at every start of the process; reading it costs nothing, since
// its tables are read in place. Rebuild it with go generate after changing
// a list or the format.
//
//go:generate go test -run ^TestDictionaryFile$ -update-dictionary
//go:embed words/dictionary.bin
var dictionaryFile string

// Flags of a dictionary entry.
const (
	flagKnown    uint8 = 1 << iota // a correctly spelled word
	flagCommon                     // a common English word: eligible as a suggestion
	flagMisspelt                   // a known misspelling; entry.fix holds the correction
	flagRare                       // in the SCOWL size-80 list: known unless a known misspelling
)

// entry is a dictionary entry: flags in the low four bits, and for a known
// misspelling, in the twenty bits above them, the offset+1 of its
// correction in dictionary.fixes.
type entry uint32

const (
	entryBits = 24                          // the bits of an entry in a table slot
	flagBits  = 4                           // the bits of the flags in an entry
	maxFixOff = 1<<(entryBits-flagBits) - 2 // the largest offset of a correction an entry holds
	fpShift   = entryBits                   // the fingerprint of a word is its hash without these low bits
	fileMagic = "herald-dict 1\n"           // the first bytes of dictionaryFile: the format
)

func (e entry) flags() uint8 { return uint8(e & (1<<flagBits - 1)) }

// dictionary is the embedded, read-only word data, read in place from
// dictionaryFile (see loadDictionary) and never changed, so it is shared
// by every Checker without locking.
//
// Words are keyed by a 64-bit hash of their lower-case form (wordHash):
// the tables hold no pointers, so the garbage collector never scans them,
// and a lookup compares one integer instead of a string. A slot keeps the
// top 40 bits of the hash and the table index its low bits, so a word that
// is not in the lists passes for one that is with odds of about 10⁻¹² per
// lookup.
type dictionary struct {
	words hashTable // words of shortLen bytes or more
	short hashTable // the shorter words: the most frequent, in a table small enough to stay in cache
	rare  hashTable // the words only SCOWL's size-80 list has, read only for a word the others lack
	fixes string    // corrections of known misspellings, each ended by a line break
	// byFirst[c][n] lists the common words of n bytes starting with letter
	// c, with a mask of the letters each contains, for suggestions at edit
	// distance 2. The lists are parts of dictionaryFile, read in place.
	byFirst [26][maxSuggestLen + 3]maskedList
	common  string
}

// maskedWord is a word of n bytes at common[off:off+n] in byFirst[c][n].
type maskedWord struct {
	off  uint32
	mask uint32
}

// maskedList is a list of maskedWords, 8 bytes each (off, then mask,
// little-endian).
type maskedList string

func (l maskedList) len() int { return len(l) / 8 }

func (l maskedList) at(j int) maskedWord {
	s := string(l[8*j:])
	return maskedWord{off: le32(s), mask: le32(s[4:])}
}

const maxSuggestLen = 24

// loadDictionary reads the dictionary from dictionaryFile on first use. The
// result is immutable.
var loadDictionary = sync.OnceValue(func() *dictionary {
	d, err := decodeDictionary(dictionaryFile)
	if err != nil {
		// The file is part of the source, and TestDictionaryFile reads it:
		// only a broken build gets here.
		panic(fmt.Sprintf("prose: embedded words/dictionary.bin: %v", err))
	}
	return d
})

// The layout of dictionaryFile: fileMagic, then sections, each a 32-bit
// little-endian length and its bytes, in this order: the tables short,
// words and rare (8 bytes a slot: the fingerprint above fpShift, the entry
// below); fixes; common; the masked words (off and mask, 4 bytes each) of
// byFirst in order of letter and length; and the number of words of each
// byFirst list (4 bytes each).

// decodeDictionary reads a dictionary in the layout of dictionaryFile. The
// tables and strings are parts of data, not copies.
func decodeDictionary(data string) (*dictionary, error) {
	rest, ok := strings.CutPrefix(data, fileMagic)
	if !ok {
		return nil, errors.New("not a dictionary of this format")
	}
	var sections [7]string
	for i := range sections {
		if len(rest) < 4 {
			return nil, fmt.Errorf("section %d: truncated", i)
		}
		n := int(le32(rest))
		if n > len(rest)-4 {
			return nil, fmt.Errorf("section %d: %d bytes, %d left", i, n, len(rest)-4)
		}
		sections[i], rest = rest[4:4+n], rest[4+n:]
	}
	if rest != "" {
		return nil, fmt.Errorf("%d bytes after the last section", len(rest))
	}
	d := &dictionary{fixes: sections[3], common: sections[4]}
	for i, t := range []*hashTable{&d.short, &d.words, &d.rare} {
		n := len(sections[i]) / 8
		if n < 1 || n&(n-1) != 0 || len(sections[i]) != 8*n {
			return nil, fmt.Errorf("table %d: %d bytes, not a power of two of slots", i, len(sections[i]))
		}
		*t = hashTable{slots: sections[i], mask: uint64(n - 1)}
	}
	masked, counts := sections[5], sections[6]
	if len(counts) != 4*26*(maxSuggestLen+3) || len(masked)%8 != 0 {
		return nil, fmt.Errorf("suggestion lists: %d and %d bytes", len(masked), len(counts))
	}
	// The offsets into common are checked where the file is built
	// (TestDictionaryFile); here only that the lists fill the section.
	for c := range d.byFirst {
		for n := range d.byFirst[c] {
			k := 8 * int(le32(counts[4*(c*(maxSuggestLen+3)+n):]))
			if k > len(masked) {
				return nil, fmt.Errorf("suggestion list %c/%d: %d words, %d left", 'a'+c, n, k/8, len(masked)/8)
			}
			d.byFirst[c][n], masked = maskedList(masked[:k]), masked[k:]
		}
	}
	if len(masked) != 0 {
		return nil, fmt.Errorf("%d suggestions in no list", len(masked)/8)
	}
	return d, nil
}

// le32 and le64 read a little-endian integer at the start of s.
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// wordHash returns the hash of a lower-case word as the tables key it. It
// is fixed (wyhash's construction with constant secrets), not seeded per
// process, since the tables are built ahead of time; the tables are never
// written to, so words chosen to collide can make a lookup no longer.
func wordHash(p []byte) uint64 {
	const s0, s1, seed = 0x2d358dccaa6c78a5, 0x8bb84b93962eacc9, 0x4b33a62ed433d4a3
	n := len(p)
	sd := uint64(seed)
	var a, b uint64
	switch {
	case n > 16:
		i := 0
		for ; n-i > 16; i += 16 {
			sd = mix(leBytes64(p[i:])^s1, leBytes64(p[i+8:])^sd)
		}
		a, b = leBytes64(p[n-16:]), leBytes64(p[n-8:])
	case n >= 4:
		q := (n >> 3) << 2
		a = uint64(leBytes32(p))<<32 | uint64(leBytes32(p[q:]))
		b = uint64(leBytes32(p[n-4:]))<<32 | uint64(leBytes32(p[n-4-q:]))
	case n > 0:
		a = uint64(p[0])<<16 | uint64(p[n>>1])<<8 | uint64(p[n-1])
	}
	hi, lo := bits.Mul64(a^s1, b^sd)
	return mix(lo^s0^uint64(n), hi^s1)
}

// mix folds the 128-bit product of a and b into 64 bits.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func leBytes32(p []byte) uint32 {
	_ = p[3]
	return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24
}

func leBytes64(p []byte) uint64 {
	_ = p[7]
	return uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24 |
		uint64(p[4])<<32 | uint64(p[5])<<40 | uint64(p[6])<<48 | uint64(p[7])<<56
}

// hashOf returns the hash of a lower-case word, as the tables key it.
func (d *dictionary) hashOf(w []byte) uint64 { return wordHash(w) }

// table returns the table and the hash of a lower-case word.
func (d *dictionary) table(w []byte) (*hashTable, uint64) {
	if len(w) < shortLen {
		return &d.short, wordHash(w)
	}
	return &d.words, wordHash(w)
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
// probing in a power-of-two table at most two-thirds full, read in place
// from dictionaryFile. A slot is 8 bytes, the fingerprint of the word
// (its hash without the low fpShift bits, never 0) above its entry, so a
// lookup most often reads one cache line and the tables take half the
// memory of a hash and an entry side by side.
type hashTable struct {
	slots string // 8 bytes a slot, little-endian
	mask  uint64
}

// fingerprint returns what a slot keeps of the hash h.
func fingerprint(h uint64) uint64 { return max(h>>fpShift, 1) }

func (t *hashTable) get(h uint64) (entry, bool) {
	fp := fingerprint(h)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := le64(t.slots[i*8:])
		switch s >> fpShift {
		case fp:
			return entry(s & (1<<entryBits - 1)), true
		case 0:
			return 0, false
		}
	}
}

// fix returns the correction of a known misspelling.
func (d *dictionary) fix(e entry) string {
	s := d.fixes[e>>flagBits-1:]
	return s[:strings.IndexByte(s, '\n')]
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
	list := d.byFirst[w[0]-'a'][len(w)+1]
	for j := range list.len() {
		cand := list.at(j)
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
		list := d.byFirst[first][n]
		for j := range list.len() {
			cand := list.at(j)
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
