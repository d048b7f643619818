package prose

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateIssues = flag.Bool("update-issues", false,
	"rewrite testdata/corpus-issues.txt from the current checker (only when a change of issues is meant)")

// TestIssuesUnchanged pins every issue, byte for byte (rule, span,
// message, replacement, flags), that a checker without vocabulary or
// project words finds in the corpus texts, as body and as title, as written
// and with slips put in (see withSlips), in
// testdata/corpus-issues.txt. Without the vocabulary far more words are
// unknown than in a real run, so the spelling paths (suggestions,
// derivations, budgets) are all exercised: a faster pass must find exactly
// what the slower one did.
func TestIssuesUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	posts := loadCorpus(t)
	c := NewChecker(Options{})
	file := filepath.Join("testdata", "corpus-issues.txt")
	wantLines := map[string]bool{}
	if !*updateIssues {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			wantLines[l] = true
		}
	}
	var b strings.Builder
	var post strings.Builder
	for _, p := range posts {
		for _, mode := range []struct {
			name  string
			texts []string
			opts  TextOptions
		}{
			{"body", []string{strings.Join(p.texts, "\n\n")}, TextOptions{Language: p.lang, Words: p.ignore}},
			{"title", p.fields, TextOptions{Language: p.lang, Title: true}},
			{"slips", []string{withSlips(strings.Join(p.texts, "\n\n"))}, TextOptions{Language: p.lang}},
			{"title-slips", []string{withSlips(strings.Join(p.fields, " "))}, TextOptions{Language: p.lang, Title: true}},
		} {
			post.Reset()
			n := 0
			for _, txt := range mode.texts {
				for _, is := range c.CheckText(txt, mode.opts) {
					n++
					fmt.Fprintf(&post, "%s [%d,%d)%q %q fix=%q hasfix=%t tentative=%t\n", is.Rule,
						is.Start, is.End, txt[is.Start:is.End], is.Message, is.Replacement, is.HasFix, is.Tentative)
				}
			}
			if n == 0 {
				continue
			}
			// A digest per post and mode keeps the file small (the issues
			// with slips run to megabytes); -v prints the issues of a post
			// whose digest changed, to compare with the parent commit's.
			sum := sha256.Sum256([]byte(post.String()))
			line := fmt.Sprintf("%s %s %d %x", p.path, mode.name, n, sum[:12])
			fmt.Fprintln(&b, line)
			if !*updateIssues && !wantLines[line] {
				t.Errorf("issues of %s (%s) changed: now %d, digest %x", p.path, mode.name, n, sum[:12])
				t.Logf("%s", post.String())
			}
		}
	}
	if *updateIssues {
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := strings.Count(b.String(), "\n"); got != len(wantLines) {
		t.Errorf("%d posts and modes with issues, want %d (%s)", got, len(wantLines), file)
	}
}

// withSlips puts slips into text, the same ones on every run: in every
// 7th word two letters are swapped, every 11th is written twice, every
// 13th loses a letter, every 17th gains a doubled letter, every 19th is
// capitalised, and every 23rd and the six words before it are repeated.
func withSlips(text string) string {
	var b strings.Builder
	n := 0
	var last []string
	for line := range strings.Lines(text) {
		for i, w := range strings.Fields(line) {
			if i > 0 {
				b.WriteByte(' ')
			}
			n++
			last = append(last, w)
			if len(last) > 7 {
				last = last[1:]
			}
			switch {
			case n%7 == 0 && len(w) > 3:
				r := []byte(w)
				r[1], r[2] = r[2], r[1]
				w = string(r)
			case n%11 == 0:
				w = w + " " + w
			case n%13 == 0 && len(w) > 4:
				w = w[:2] + w[3:]
			case n%17 == 0 && len(w) > 3:
				w = w[:2] + w[2:3] + w[2:]
			case n%19 == 0 && len(w) > 0:
				w = strings.ToUpper(w[:1]) + w[1:]
			case n%23 == 0 && len(last) == 7:
				w = w + " " + strings.Join(last, " ")
			}
			b.WriteString(w)
		}
		if strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
