package prose

import (
	"strings"
	"sync"
)

// Rule IDs reported in Issue.Rule.
const (
	RuleRepeatedWord  = "repeated-word"
	RuleMisspelling   = "misspelling"
	RuleMojibake      = "mojibake"
	RuleBidiControl   = "bidi-control"
	RuleInvisibleChar = "invisible-char"
	RulePlaceholder   = "placeholder"
)

// Issue is one slip in a run of plain text.
type Issue struct {
	Rule        string // "repeated-word" | "misspelling" | "mojibake" | "bidi-control" | "invisible-char" | "placeholder"
	Start, End  int    // byte offsets in the text passed to Check
	Message     string // written for the author
	Replacement string // the fixed text for [Start,End)
	HasFix      bool   // Replacement is a safe one-click fix
}

// Options configures a Checker.
type Options struct {
	Words      []string    // project vocabulary (.herald.yml `words:`), case-insensitive
	Vocabulary *Vocabulary // words seen in the repository's other posts; nil for none
	MinDocs    int         // a word in >= MinDocs documents of Vocabulary counts as known (0 = default 3)
}

// Checker runs every rule over runs of plain text. It is safe for
// concurrent use.
type Checker struct {
	opts Options
}

// NewChecker returns a Checker configured by opts.
func NewChecker(opts Options) *Checker {
	if opts.MinDocs <= 0 {
		opts.MinDocs = 3
	}
	return &Checker{opts: opts}
}

// Check runs every rule over text and returns the issues sorted by Start.
func (c *Checker) Check(text string) []Issue {
	return nil
}

// Vocabulary counts, for each word, the number of documents it appears in.
// It is safe for concurrent use.
type Vocabulary struct {
	mu   sync.RWMutex
	docs map[string]int
}

// NewVocabulary returns an empty Vocabulary.
func NewVocabulary() *Vocabulary {
	return &Vocabulary{docs: make(map[string]int)}
}

// AddDocument counts every distinct word of text once.
func (v *Vocabulary) AddDocument(text string) {
	seen := make(map[string]struct{})
	for _, w := range strings.Fields(text) {
		seen[strings.ToLower(w)] = struct{}{}
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
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.docs[strings.ToLower(word)]
}
