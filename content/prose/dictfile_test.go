package prose

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golangci/misspell"
)

var updateDictionary = flag.Bool("update-dictionary", false, "rebuild words/dictionary.bin from the word lists (go generate)")

const dictionaryPath = "words/dictionary.bin"

// TestDictionaryFile builds the dictionary from the word lists and the
// common misspellings and compares it with the embedded words/dictionary.bin,
// so the file never falls behind a list; -update-dictionary (go generate)
// writes it.
func TestDictionaryFile(t *testing.T) {
	built, err := buildDictionaryFile("words")
	if err != nil {
		t.Fatal(err)
	}
	if *updateDictionary {
		if err := os.WriteFile(filepath.FromSlash(dictionaryPath), built, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(built, []byte(dictionaryFile)) {
		t.Fatalf("%s (%d bytes) is not what the word lists build (%d bytes): run go generate ./content/prose", dictionaryPath, len(dictionaryFile), len(built))
	}
	d, err := decodeDictionary(string(built))
	if err != nil {
		t.Fatal(err)
	}
	// What decodeDictionary leaves to this test: each suggestion is a
	// common word of its list's letter and length, with its letters' mask.
	for c := range d.byFirst {
		for n, list := range d.byFirst[c] {
			for j := range list.len() {
				w := list.at(j)
				if int(w.off)+n > len(d.common) {
					t.Fatalf("suggestion %d of %c/%d: offset %d beyond the common words", j, 'a'+c, n, w.off)
				}
				if word := d.common[w.off : int(w.off)+n]; word[0] != byte('a'+c) || letterMask(word) != w.mask {
					t.Fatalf("suggestion %d of %c/%d: %q with mask %#x", j, 'a'+c, n, word, w.mask)
				}
			}
		}
	}
}

// TestDecodeDictionaryRejects shows the error a damaged dictionary file
// gives instead of lookups that read out of bounds.
func TestDecodeDictionaryRejects(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "not a dictionary of this format"},
		{"other format", "herald-dict 0\n", "not a dictionary of this format"},
		{"truncated", fileMagic + "\x10\x00\x00\x00abc", "section 0: 16 bytes, 3 left"},
		{"no sections", fileMagic, "section 0: truncated"},
		{"table not a power of two", fileMagic + strings.Repeat("\x18\x00\x00\x00"+strings.Repeat("\x00", 24), 3) + strings.Repeat("\x00\x00\x00\x00", 4), "table 0: 24 bytes, not a power of two of slots"},
		{"trailing bytes", dictionaryFile + "x", "1 bytes after the last section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeDictionary(tc.data)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// buildTable is a hashTable being built: slots keep the whole hash, so
// that the table can be refitted, until encode keeps the fingerprints.
type buildTable struct {
	slots []buildSlot
	mask  uint64
}

type buildSlot struct {
	h uint64 // 0: empty (a hash of 0 is stored as 1)
	e entry
}

func newBuildTable(n int) buildTable {
	size := 16
	for size < n+n/2 {
		size *= 2
	}
	return buildTable{slots: make([]buildSlot, size), mask: uint64(size - 1)}
}

func (t *buildTable) put(h uint64, e entry) {
	h = max(h, 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if s := &t.slots[i]; s.h == 0 || s.h == h {
			s.h, s.e = h, e
			return
		}
	}
}

func (t *buildTable) get0(h uint64) entry {
	h = max(h, 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		switch s := &t.slots[i]; s.h {
		case h:
			return s.e
		case 0:
			return 0
		}
	}
}

// fit returns t in a table of the size newBuildTable gives for the entries
// it holds.
func (t *buildTable) fit() buildTable {
	n := 0
	for _, s := range t.slots {
		if s.h != 0 {
			n++
		}
	}
	out := newBuildTable(n)
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

// encode returns the slots as hashTable reads them, and checks that each
// word is found by its fingerprint: no word before it in its run of slots
// has the same top bits of the hash.
func (t *buildTable) encode() ([]byte, error) {
	out := make([]byte, 8*len(t.slots))
	for i, s := range t.slots {
		if s.h != 0 {
			binary.LittleEndian.PutUint64(out[8*i:], fingerprint(s.h)<<fpShift|uint64(s.e))
		}
	}
	read := hashTable{slots: string(out), mask: t.mask}
	for _, s := range t.slots {
		if e, ok := read.get(s.h); s.h != 0 && (!ok || e != s.e) {
			return nil, fmt.Errorf("the word of hash %#x is not found by its fingerprint", s.h)
		}
	}
	return out, nil
}

// dictionaryLists are the word lists of the dictionary, in the order they
// are read, with the flags of their words.
var dictionaryLists = [...]struct {
	file  string
	flags uint8
}{
	{"scowl-american-50.txt", flagKnown | flagCommon},
	{"scowl-american-70-extra.txt", flagKnown},
	{"scowl-british-70-extra.txt", flagKnown},
	{"cspell-software-terms.txt", flagKnown},
	{"herald-terms.txt", flagKnown},
	{"scowl-80-extra.txt", flagRare},
}

// buildDictionaryFile builds the content of words/dictionary.bin from the
// word lists in the folder dir and misspell.DictMain.
func buildDictionaryFile(dir string) ([]byte, error) {
	texts := make([]string, len(dictionaryLists))
	for i, l := range dictionaryLists {
		b, err := os.ReadFile(filepath.Join(dir, l.file))
		if err != nil {
			return nil, err
		}
		texts[i] = string(b)
	}
	// Size the tables by the lines of each length class (a bound: the
	// same word in two lists or two cases is counted twice).
	nShort, nLong, nRare := len(misspell.DictMain)/2, len(misspell.DictMain)/2, 0
	for i, l := range dictionaryLists {
		for line := range strings.Lines(texts[i]) {
			if l.flags == flagRare {
				nRare++
			} else if len(strings.TrimSpace(line)) < shortLen {
				nShort++
			} else {
				nLong++
			}
		}
	}
	short, words, rare := newBuildTable(nShort), newBuildTable(nLong), newBuildTable(nRare)
	table := func(w []byte) (*buildTable, uint64) {
		if len(w) < shortLen {
			return &short, wordHash(w)
		}
		return &words, wordHash(w)
	}
	var byFirst [26][maxSuggestLen + 3][]maskedWord
	var common, fixes strings.Builder
	var buf [64]byte
	for i, l := range dictionaryLists {
		for line := range strings.Lines(texts[i]) {
			w := strings.TrimSpace(line)
			if w == "" || w[0] == '#' || len(w) > len(buf) || strings.HasSuffix(w, "'s") {
				// Possessives are stripped before lookup; skip them here.
				continue
			}
			lw := appendLower(buf[:0], w)
			t, h := table(lw)
			old := t.get0(h)
			if l.flags == flagRare {
				if old.flags()&flagKnown == 0 {
					// Not "Native" of the size-80 list, "native" of the others.
					rare.put(h, entry(flagKnown|flagRare))
				}
				continue
			}
			t.put(h, old|entry(l.flags))
			if l.flags&flagCommon != 0 && old.flags()&flagCommon == 0 && len(lw) >= 2 && len(lw) <= maxSuggestLen+2 && isLowerASCIIBytes(lw) {
				c := lw[0] - 'a'
				byFirst[c][len(lw)] = append(byFirst[c][len(lw)], maskedWord{uint32(common.Len()), letterMask(string(lw))})
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
		t, h := table(lw)
		e := t.get0(h)
		if e.flags()&(flagKnown|flagMisspelt) != 0 {
			// A word the dictionaries up to size 70 know is not flagged on
			// the word of one list; a word only the size-80 list has
			// ("dependancies", "everwhere", "supercede") is a misspelling.
			continue
		}
		if fixes.Len() > maxFixOff || strings.Contains(right, "\n") {
			return nil, fmt.Errorf("the correction %q of %q does not fit an entry", right, wrong)
		}
		// In the main table, read before the rare one.
		t.put(h, e|entry(flagMisspelt)|entry(fixes.Len()+1)<<flagBits)
		fixes.WriteString(right)
		fixes.WriteByte('\n')
	}
	// The tables were sized by a bound; fit them to what they hold, so
	// that lookups touch less memory.
	short, words, rare = short.fit(), words.fit(), rare.fit()
	out := []byte(fileMagic)
	section := func(b []byte) {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	for _, t := range []*buildTable{&short, &words, &rare} {
		b, err := t.encode()
		if err != nil {
			return nil, err
		}
		section(b)
	}
	section([]byte(fixes.String()))
	section([]byte(common.String()))
	var masked, counts []byte
	for c := range byFirst {
		for n := range byFirst[c] {
			for _, w := range byFirst[c][n] {
				masked = binary.LittleEndian.AppendUint32(masked, w.off)
				masked = binary.LittleEndian.AppendUint32(masked, w.mask)
			}
			counts = binary.LittleEndian.AppendUint32(counts, uint32(len(byFirst[c][n])))
		}
	}
	section(masked)
	section(counts)
	return out, nil
}
