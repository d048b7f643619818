package check

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/content"
)

var updateFindings = flag.Bool("update-findings", false,
	"rewrite testdata/findings/*.txt from the current checker (only when a change of findings is meant)")

// formatFindings writes every field of each finding, fix included, one
// finding a line: what a reader of herald check, the bot's annotations
// and --fix see.
func formatFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d %s %s %q", f.Path, f.Line, f.Column, f.EndLine, f.EndColumn, f.Severity, f.Rule, f.Message)
		if f.Fix != nil {
			fmt.Fprintf(&b, " fix(review=%t) %q", f.Fix.Review, f.Fix.Description)
			for _, e := range f.Fix.Edits {
				fmt.Fprintf(&b, " [%d,%d)%q", e.Start, e.End, e.NewText)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestFindingsUnchanged compares every finding, byte for byte (position,
// span, message, fix and its edits), on the seven corpus sites (as written,
// and with slips put in their posts' bodies, see withSlips) and on the
// generated posts of the benchmarks with testdata/findings/<site>.txt.
// It guards the work that makes the checks cheaper: a faster pass must
// report exactly what the slower one did. TestCorpusJudged judges the
// findings; this test pins them.
func TestFindingsUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	now := func() time.Time { return time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC) }
	type siteCase struct {
		name  string
		fsys  func(t *testing.T) fs.FS
		paths bool // CheckPaths (posts as new ones, date-backdated included) rather than CheckSite
		// digest keeps a digest of each post's findings rather than the
		// findings (the corpus with slips has megabytes of them).
		digest bool
	}
	var cases []siteCase
	for _, s := range corpusSites {
		cases = append(cases, siteCase{name: s.name, fsys: func(t *testing.T) fs.FS {
			return corpusFS(t, filepath.Join("..", "..", "testdata", "corpus", s.name))
		}})
		cases = append(cases, siteCase{name: s.name + "-slips", digest: true, fsys: func(t *testing.T) fs.FS {
			fsys := corpusFS(t, filepath.Join("..", "..", "testdata", "corpus", s.name))
			for p, f := range fsys {
				if strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".mdx") || strings.HasSuffix(p, ".markdown") {
					f.Data = withSlips(f.Data)
				}
			}
			return fsys
		}})
	}
	cases = append(cases, siteCase{name: "generated", paths: true, fsys: func(t *testing.T) fs.FS {
		return memFS{generatedSite(64)}
	}})
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			site, err := content.LoadSite(ctx, sc.fsys(t))
			if err != nil {
				t.Fatal(err)
			}
			c := New(site.Config, WithNow(now))
			var got []Finding
			if sc.paths {
				got, err = c.CheckPaths(ctx, site, site.Posts)
			} else {
				got, err = c.CheckSite(ctx, site)
			}
			if err != nil {
				t.Fatal(err)
			}
			text := formatFindings(got)
			if sc.digest {
				text = digestFindings(got)
			}
			file := filepath.Join("testdata", "findings", sc.name+".txt")
			if *updateFindings {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if text == string(want) {
				return
			}
			gl, wl := strings.Split(text, "\n"), strings.Split(string(want), "\n")
			for i := 0; i < max(len(gl), len(wl)); i++ {
				g, w := "", ""
				if i < len(gl) {
					g = gl[i]
				}
				if i < len(wl) {
					w = wl[i]
				}
				if g != w {
					t.Fatalf("%s: findings differ from line %d (%d findings, want %d):\ngot:  %s\nwant: %s", file, i+1, len(gl)-1, len(wl)-1, g, w)
				}
			}
		})
	}
}

// digestFindings returns, for each post with findings, its path, their
// number and a digest of formatFindings of them.
func digestFindings(fs []Finding) string {
	var b strings.Builder
	for i := 0; i < len(fs); {
		j := i
		for j < len(fs) && fs[j].Path == fs[i].Path {
			j++
		}
		sum := sha256.Sum256([]byte(formatFindings(fs[i:j])))
		fmt.Fprintf(&b, "%s %d %x\n", fs[i].Path, j-i, sum[:12])
		i = j
	}
	return b.String()
}

// withSlips puts slips into the body of a post (after its front matter),
// the same ones on every run, keeping each line's indentation and line
// breaks: in every 7th word two letters are swapped, every 11th is
// written twice, every 13th loses a letter, every 17th gains a doubled
// letter, every 19th is capitalised, and every 23rd and the six words
// before it are repeated.
func withSlips(src []byte) []byte {
	var b bytes.Buffer
	body := src
	if bytes.HasPrefix(src, []byte("---\n")) {
		if i := bytes.Index(src[4:], []byte("\n---\n")); i >= 0 {
			b.Write(src[:4+i+5])
			body = src[4+i+5:]
		}
	}
	n := 0
	var last [][]byte
	for line := range bytes.Lines(body) {
		trimmed := bytes.TrimLeft(line, " \t")
		b.Write(line[:len(line)-len(trimmed)])
		for i, w := range bytes.Fields(trimmed) {
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
				r := bytes.Clone(w)
				r[1], r[2] = r[2], r[1]
				b.Write(r)
			case n%11 == 0:
				b.Write(w)
				b.WriteByte(' ')
				b.Write(w)
			case n%13 == 0 && len(w) > 4:
				b.Write(w[:2])
				b.Write(w[3:])
			case n%17 == 0 && len(w) > 3:
				b.Write(w[:3])
				b.Write(w[2:])
			case n%19 == 0 && len(w) > 0:
				b.Write(bytes.ToUpper(w[:1]))
				b.Write(w[1:])
			case n%23 == 0 && len(last) == 7:
				b.Write(w)
				b.WriteByte(' ')
				b.Write(bytes.Join(last, []byte(" ")))
			default:
				b.Write(w)
			}
		}
		if bytes.HasSuffix(line, []byte("\n")) {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}
