package check

import "testing"

func TestVocabularyText(t *testing.T) {
	in := "Intro with `code span` and https://example.com/x words.\n\n```go\nfunc hidden() {}\n```\n<!-- a comment -->\n> quoted text\n~~~\nalso hidden\n~~~\nend"
	got := vocabularyText([]byte(in))
	for _, bad := range []string{"code", "span", "example", "hidden", "comment", "func"} {
		if containsWord(got, bad) {
			t.Errorf("%q leaked into the vocabulary text: %q", bad, got)
		}
	}
	for _, good := range []string{"Intro", "words.", "quoted", "end"} {
		if !containsWord(got, good) {
			t.Errorf("%q missing from %q", good, got)
		}
	}
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w && (i == 0 || s[i-1] == ' ' || s[i-1] == '\n') {
			return true
		}
	}
	return false
}
