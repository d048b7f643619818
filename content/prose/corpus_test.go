package prose

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus-findings.txt from the corpus")

// corpusDir holds real, published posts of three sites (see its README.md).
const corpusDir = "../../testdata/corpus"

type corpusPost struct {
	path  string
	texts []string // the plain text of each block
	words int
}

// loadCorpus reads every post of the corpus and extracts its plain text the
// way the check engine does: goldmark text nodes, without front matter,
// code, HTML or URLs.
func loadCorpus(tb testing.TB) []corpusPost {
	tb.Helper()
	var posts []corpusPost
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".markdown")) {
			return nil
		}
		rel, _ := filepath.Rel(corpusDir, path)
		if !strings.Contains(rel, "/") || strings.HasSuffix(rel, "/NOTICE.md") {
			return nil // the corpus README and notices are not posts
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		texts := plainTexts(src)
		words := 0
		for _, t := range texts {
			words += len(strings.Fields(t))
		}
		posts = append(posts, corpusPost{path: filepath.ToSlash(rel), texts: texts, words: words})
		return nil
	})
	if err != nil {
		tb.Fatalf("read corpus: %v", err)
	}
	if len(posts) < 300 {
		tb.Fatalf("corpus has %d posts, want the 310 of testdata/corpus", len(posts))
	}
	return posts
}

// stripFrontMatter removes a leading YAML (---) or TOML (+++) block.
func stripFrontMatter(src []byte) []byte {
	for _, delim := range []string{"---", "+++"} {
		if !bytes.HasPrefix(src, []byte(delim+"\n")) && !bytes.HasPrefix(src, []byte(delim+"\r\n")) {
			continue
		}
		rest := src[len(delim)+1:]
		for off := 0; off < len(rest); {
			nl := bytes.IndexByte(rest[off:], '\n')
			line := rest[off:]
			if nl >= 0 {
				line = rest[off : off+nl]
			}
			if string(bytes.TrimRight(line, "\r \t")) == delim {
				if nl < 0 {
					return nil
				}
				return rest[off+nl+1:]
			}
			if nl < 0 {
				break
			}
			off += nl + 1
		}
	}
	return src
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// plainTexts returns the text of each leaf block of a Markdown document:
// its text nodes joined, line breaks kept, a code span or inline HTML
// written as a non-word marker.
func plainTexts(src []byte) []string {
	src = stripFrontMatter(src)
	doc := markdown.Parser().Parse(text.NewReader(src))
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan, *ast.RawHTML, *ast.AutoLink:
			if entering {
				b.WriteString("``")
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte('\n')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		default:
			if n.Type() == ast.TypeBlock && !entering {
				flush()
			}
		}
		return ast.WalkContinue, nil
	})
	flush()
	return out
}

func corpusVocabulary(posts []corpusPost) *Vocabulary {
	v := NewVocabulary()
	for _, p := range posts {
		v.AddDocument(strings.Join(p.texts, "\n\n"))
	}
	return v
}

// corpusLimits caps the findings per rule on the corpus. The corpus is
// published text, so nearly every finding is a false one: a rise means the
// rules got noisier. testdata/corpus-findings.txt lists the findings and
// the judgement of each; refresh it with -update when a rule changes.
var corpusLimits = map[string]int{
	RuleRepeatedWord:  6,
	RuleMisspelling:   28,
	RuleMojibake:      0,
	RuleBidiControl:   0,
	RuleInvisibleChar: 18,
	RulePlaceholder:   1,
}

func TestCorpusNoise(t *testing.T) {
	posts := loadCorpus(t)
	c := NewChecker(Options{Vocabulary: corpusVocabulary(posts)})
	counts := map[string]int{}
	words := 0
	var report strings.Builder
	for _, p := range posts {
		words += p.words
		{
			txt := strings.Join(p.texts, "\n\n")
			for _, is := range c.Check(txt) {
				counts[is.Rule]++
				fix := ""
				if is.HasFix {
					fix = fmt.Sprintf(" -> %q", is.Replacement)
				}
				fmt.Fprintf(&report, "%s\t%s\t%q%s\t%s\n", p.path, is.Rule, txt[is.Start:is.End], fix, is.Message)
			}
		}
	}
	rules := make([]string, 0, len(corpusLimits))
	for r := range corpusLimits {
		rules = append(rules, r)
	}
	slices.Sort(rules)
	for _, r := range rules {
		t.Logf("%-15s %4d findings (limit %d)", r, counts[r], corpusLimits[r])
		if counts[r] > corpusLimits[r] {
			t.Errorf("rule %s: %d findings on the corpus, more than the limit %d; see the findings with -update and testdata/corpus-findings.txt", r, counts[r], corpusLimits[r])
		}
	}
	t.Logf("%d posts, %d words", len(posts), words)
	if *update {
		if err := os.WriteFile("testdata/corpus-findings.txt", []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
