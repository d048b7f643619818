package check

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/content"
)

var updateJudged = flag.Bool("update-judged", false,
	"rewrite testdata/judged/*.tsv from the corpus run: verdicts of known findings are kept, new findings get the verdict ? (to be judged by a person)")

// corpusFS reads a corpus site into memory, adding the files its
// existing-paths.txt lists (present in the source repository, left out of
// the copy) as empty files, so links to them count as present.
func corpusFS(t testing.TB, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(dir), p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"existing-paths.txt", "skipped-paths.txt"} {
		data, err := os.ReadFile(dir + "/" + list)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			p, _, _ := strings.Cut(strings.TrimSpace(line), "\t")
			if p != "" && m[p] == nil && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".markdown") && !strings.HasSuffix(p, ".mdx") {
				m[p] = &fstest.MapFile{}
			}
		}
	}
	return m
}

// corpusSites are the real, published sites of testdata/corpus (see its
// README.md), with the generator and post count each must be read as.
var corpusSites = []struct {
	name    string
	profile string
	root    string
	posts   int
}{
	{"Azure-AKS", "docusaurus", "website", 83},
	{"electron-website", "docusaurus", ".", 130},
	{"facebook-react-native-website", "docusaurus", "website", 94},
	{"fluxcd-website", "hugo", ".", 77},
	{"grpc-grpc.io", "hugo", ".", 59},
	{"open-telemetry-opentelemetry.io", "hugo", ".", 140},
	{"swiftlang-swift-org-website", "jekyll", ".", 150},
}

// judgement is a person's verdict on one finding of the corpus run.
type judgement struct {
	key      string // path:line:col rule
	severity string
	verdict  string // "true", "false", or "?" when nobody has judged it yet
	reason   string
	message  string
}

func findingKey(f Finding) string {
	return fmt.Sprintf("%s:%d:%d %s", f.Path, f.Line, f.Column, f.Rule)
}

func judgedPath(site string) string { return filepath.Join("testdata", "judged", site+".tsv") }

// readJudged reads a site's judged findings: one per line, tab-separated
// key, severity, verdict, reason, message. Lines starting with # are comments.
func readJudged(t *testing.T, site string) map[string][]judgement {
	t.Helper()
	out := map[string][]judgement{}
	f, err := os.Open(judgedPath(site))
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("%s:%d: %d columns, want 5 (key, severity, verdict, reason, message)", judgedPath(site), n, len(cols))
		}
		j := judgement{key: cols[0], severity: cols[1], verdict: cols[2], reason: cols[3], message: cols[4]}
		switch j.verdict {
		case "true", "false", "?":
		default:
			t.Fatalf("%s:%d: verdict %q, want true, false or ?", judgedPath(site), n, j.verdict)
		}
		out[j.key] = append(out[j.key], j)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func writeJudged(t *testing.T, site string, js []judgement) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Every finding herald gives on this real, published site, judged by a person.\n")
	b.WriteString("# key (path:line:col rule)\tseverity\tverdict (true: a real defect; false: the checker is wrong)\treason\tmessage\n")
	for _, j := range js {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", j.key, j.severity, j.verdict, j.reason, strings.ReplaceAll(j.message, "\t", " "))
	}
	if err := os.MkdirAll(filepath.Dir(judgedPath(site)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(judgedPath(site), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkCorpusSite loads one corpus site and checks every post, as
// herald check does on a whole repository.
func checkCorpusSite(t *testing.T, name string) (*content.Site, []Finding) {
	t.Helper()
	ctx := context.Background()
	site, err := content.LoadSite(ctx, corpusFS(t, filepath.Join("..", "..", "testdata", "corpus", name)))
	if err != nil {
		t.Fatal(err)
	}
	c := New(site.Config, WithNow(func() time.Time { return time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC) }))
	got, err := c.CheckSite(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	return site, append(c.ConfigFindings(site), got...)
}

// TestCorpusJudged checks the seven real, published sites of
// testdata/corpus and compares every finding with a person's verdict in
// testdata/judged/<site>.tsv. It fails on a finding nobody judged, on a
// finding judged true that is no longer reported (a real defect lost),
// and when false findings exceed the precision targets of the design:
// one false error per 100 posts, 0.1 false warnings or notes per post.
// Run with -v for the table per rule; -update-judged rewrites the lists.
func TestCorpusJudged(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	for _, s := range corpusSites {
		t.Run(s.name, func(t *testing.T) {
			site, got := checkCorpusSite(t, s.name)
			if site.Profile.Name != s.profile || site.Root != s.root || len(site.Posts) != s.posts {
				t.Fatalf("read as %s at %q with %d posts, want %s at %q with %d", site.Profile.Name, site.Root, len(site.Posts), s.profile, s.root, s.posts)
			}
			judged := readJudged(t, s.name)
			left := map[string][]judgement{}
			for k, v := range judged {
				left[k] = append([]judgement(nil), v...)
			}
			type tally struct{ n, trueN, falseN int }
			perRule := map[string]*tally{}
			var out []judgement
			falseErrors, falseOthers := 0, 0
			for _, f := range got {
				k := findingKey(f)
				j := judgement{key: k, severity: f.Severity, verdict: "?", message: f.Message}
				if l := left[k]; len(l) > 0 {
					j.verdict, j.reason = l[0].verdict, l[0].reason
					left[k] = l[1:]
				} else if !*updateJudged {
					t.Errorf("unjudged finding: %s", f)
				}
				out = append(out, j)
				tl := perRule[f.Rule+" "+f.Severity]
				if tl == nil {
					tl = &tally{}
					perRule[f.Rule+" "+f.Severity] = tl
				}
				tl.n++
				switch j.verdict {
				case "true":
					tl.trueN++
				case "false":
					tl.falseN++
					if f.Severity == "error" {
						falseErrors++
					} else {
						falseOthers++
					}
				case "?":
					if !*updateJudged {
						t.Errorf("finding judged ? (judge it true or false): %s", f)
					}
				}
			}
			for _, l := range left {
				for _, j := range l {
					if j.verdict == "true" {
						t.Errorf("a real defect is no longer reported: %s (%s)", j.key, j.reason)
					}
				}
			}
			if *updateJudged {
				writeJudged(t, s.name, out)
			}
			keys := make([]string, 0, len(perRule))
			for k := range perRule {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				tl := perRule[k]
				t.Logf("%-36s %4d findings, %4d true, %4d false", k, tl.n, tl.trueN, tl.falseN)
			}
			t.Logf("%d posts: %d false errors (limit %d), %d false warnings and notes (limit %s)",
				s.posts, falseErrors, s.posts/100, falseOthers, strconv.FormatFloat(float64(s.posts)/10, 'f', 1, 64))
			if falseErrors > max(s.posts/100, 0) {
				t.Errorf("%d false errors on %d posts, more than 1 per 100 posts", falseErrors, s.posts)
			}
			if float64(falseOthers) > float64(s.posts)/10 {
				t.Errorf("%d false warnings and notes on %d posts, more than 0.1 per post", falseOthers, s.posts)
			}
		})
	}
}
