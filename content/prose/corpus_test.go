package prose

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus-findings.tsv from the corpus")

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
// published text, so most findings are false ones or tolerated slips: a rise
// means a rule got noisier.
var corpusLimits = map[string]int{
	RuleRepeatedWord:  4,
	RuleMisspelling:   34,
	RuleMojibake:      0,
	RuleBidiControl:   0,
	RuleInvisibleChar: 18,
	RulePlaceholder:   1,
}

// maxFalseFindings caps the findings judged false in
// testdata/corpus-findings.tsv.
const maxFalseFindings = 9

// corpusFindingsFile lists every finding on the corpus with a verdict:
// "true" (a real slip), "true-bad-fix" (a real slip with a wrong fix) or
// "false" (not a slip). -update rewrites it, keeping the verdicts of
// findings it already had and writing "unjudged" for new ones.
const corpusFindingsFile = "testdata/corpus-findings.tsv"

type judgedFinding struct {
	path, rule, text, fix, verdict string
}

func (f judgedFinding) key() string { return f.path + "\t" + f.rule + "\t" + f.text }

func readJudged(t *testing.T) map[string][]judgedFinding {
	t.Helper()
	data, err := os.ReadFile(corpusFindingsFile)
	if err != nil {
		t.Fatalf("read the judged findings: %v", err)
	}
	out := map[string][]judgedFinding{}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 || line == "" {
			continue // header
		}
		f := strings.Split(line, "\t")
		if len(f) < 5 {
			t.Fatalf("%s:%d: want 5 tab-separated fields, got %d", corpusFindingsFile, i+1, len(f))
		}
		j := judgedFinding{path: f[0], rule: f[1], text: f[2], fix: f[3], verdict: f[4]}
		out[j.key()] = append(out[j.key()], j)
	}
	return out
}

// siteOf returns the site folder of a corpus post.
func siteOf(p corpusPost) string {
	site, _, _ := strings.Cut(p.path, "/")
	return site
}

func TestCorpusNoise(t *testing.T) {
	posts := loadCorpus(t)
	// One vocabulary per site, as the bot has for one repository.
	bySite := map[string][]corpusPost{}
	for _, p := range posts {
		bySite[siteOf(p)] = append(bySite[siteOf(p)], p)
	}
	checkers := map[string]*Checker{}
	for site, ps := range bySite {
		checkers[site] = NewChecker(Options{Vocabulary: corpusVocabulary(ps)})
	}
	judged := readJudged(t)
	counts := map[string]int{}
	falses := map[string]int{}
	words := 0
	var current []judgedFinding
	for _, p := range posts {
		words += p.words
		txt := strings.Join(p.texts, "\n\n")
		for _, is := range checkers[siteOf(p)].Check(txt) {
			counts[is.Rule]++
			f := judgedFinding{path: p.path, rule: is.Rule, text: strconv.Quote(txt[is.Start:is.End]), fix: "-", verdict: "unjudged"}
			if is.HasFix {
				f.fix = strconv.Quote(is.Replacement)
			}
			if prev := judged[f.key()]; len(prev) > 0 {
				f.verdict = prev[0].verdict
				judged[f.key()] = prev[1:]
			}
			switch f.verdict {
			case "true", "true-bad-fix":
			case "false":
				falses[is.Rule]++
			default:
				falses[is.Rule]++
				t.Errorf("new finding on the corpus, not judged in %s: %s %s %s (judge it after -update)", corpusFindingsFile, f.path, f.rule, f.text)
			}
			current = append(current, f)
		}
	}
	rules := make([]string, 0, len(corpusLimits))
	for r := range corpusLimits {
		rules = append(rules, r)
	}
	slices.Sort(rules)
	total, totalFalse := 0, 0
	for _, r := range rules {
		total += counts[r]
		totalFalse += falses[r]
		t.Logf("%-15s %3d findings (limit %d), %d judged false", r, counts[r], corpusLimits[r], falses[r])
		if counts[r] > corpusLimits[r] {
			t.Errorf("rule %s: %d findings on the corpus, more than the limit %d", r, counts[r], corpusLimits[r])
		}
	}
	t.Logf("%d posts, %d words: %d findings, %d false (%.0f%% of findings, %.3f per 1,000 words)",
		len(posts), words, total, totalFalse, 100*float64(totalFalse)/float64(max(total, 1)), 1000*float64(totalFalse)/float64(words))
	if totalFalse > maxFalseFindings {
		t.Errorf("%d findings judged false on the corpus, more than %d", totalFalse, maxFalseFindings)
	}
	if *update {
		var b strings.Builder
		b.WriteString("path\trule\ttext\tfix\tverdict\n")
		for _, f := range current {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", f.path, f.rule, f.text, f.fix, f.verdict)
		}
		if err := os.WriteFile(corpusFindingsFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
