package check

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"runtime/debug"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/text"
)

// realisticPost returns a post of about 1,500 words with front matter,
// headings, links, images, code and a list.
func realisticPost(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	words := strings.Fields("the cluster scheduler runs every workload on nodes that the control plane manages and we measured latency throughput memory with several configurations before moving production traffic to the new platform where operators can observe metrics and logs in one place")
	var b bytes.Buffer
	fmt.Fprintf(&b, "---\ntitle: Post %d about clusters\ndate: 2025-%02d-%02dT10:00:00+01:00\nauthors: [alice, bob]\ntags: [news, kubernetes]\ndescription: \"A post about running clusters.\"\n---\n\n", seed, 1+seed%12, 1+seed%28)
	b.WriteString("An introduction paragraph that sets the scene for the reader.\n\n<!-- truncate -->\n\n")
	n := 0
	for sec := 0; n < 1500; sec++ {
		fmt.Fprintf(&b, "## Section %d\n\n", sec)
		for p := 0; p < 3 && n < 1500; p++ {
			for i := 0; i < 60; i++ {
				b.WriteString(words[rng.IntN(len(words))])
				if i%17 == 16 {
					b.WriteString(" [docs](https://example.com/docs/page)")
				}
				if i%23 == 22 {
					b.WriteString(" `kubectl get pods`")
				}
				b.WriteByte(' ')
				n++
			}
			b.WriteString("done.\n\n")
		}
		if sec%2 == 0 {
			b.WriteString("![A diagram of the setup](./diagram.png)\n\n```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: demo\n```\n\n- one item\n- another item\n\n")
		}
	}
	return b.Bytes()
}

func benchSite(b *testing.B, posts int) (*content.Site, fstest.MapFS) {
	b.Helper()
	fsys := generatedSite(posts)
	site, err := content.LoadSite(context.Background(), memFS{fsys})
	if err != nil {
		b.Fatal(err)
	}
	return site, fsys
}

// generatedSite is a Docusaurus site of posts realistic posts.
func generatedSite(posts int) fstest.MapFS {
	fsys := fstest.MapFS{
		"docusaurus.config.js": {Data: nil},
		"blog/authors.yml":     {Data: []byte("alice: {}\nbob: {}\n")},
		"blog/tags.yml":        {Data: []byte("news: {}\nkubernetes: {}\n")},
	}
	for i := range posts {
		dir := fmt.Sprintf("blog/2025-%02d-%02d-post-%d", 1+i%12, 1+i%28, i)
		fsys[dir+"/index.md"] = &fstest.MapFile{Data: realisticPost(uint64(i))}
		fsys[dir+"/diagram.png"] = &fstest.MapFile{Data: []byte("png")}
	}
	return fsys
}

// memFS is a MapFS whose ReadFile and Stat look files up directly
// (fstest.MapFS.Open scans the map, which would dominate a 10,000-post
// benchmark and measure the test harness instead of the checks).
type memFS struct{ fstest.MapFS }

func (m memFS) ReadFile(name string) ([]byte, error) {
	if f, ok := m.MapFS[name]; ok && !f.Mode.IsDir() {
		return append([]byte(nil), f.Data...), nil
	}
	return m.MapFS.ReadFile(name)
}

func (m memFS) Stat(name string) (fs.FileInfo, error) {
	if f, ok := m.MapFS[name]; ok && !f.Mode.IsDir() {
		return fileInfo{name: path.Base(name), size: int64(len(f.Data))}, nil
	}
	return m.MapFS.Stat(name)
}

type fileInfo struct {
	name string
	size int64
}

func (fi fileInfo) Name() string       { return fi.name }
func (fi fileInfo) Size() int64        { return fi.size }
func (fi fileInfo) Mode() fs.FileMode  { return 0o644 }
func (fi fileInfo) ModTime() time.Time { return time.Time{} }
func (fi fileInfo) IsDir() bool        { return false }
func (fi fileInfo) Sys() any           { return nil }

// gcAsHeraldCheck runs the benchmark with the GOGC herald check runs with
// (GCPercent) unless the GOGC environment variable is set, and restores
// Go's setting after it.
func gcAsHeraldCheck(b *testing.B) {
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(GCPercent)
		b.Cleanup(func() { debug.SetGCPercent(prev) })
	}
}

// BenchmarkGoldmarkParse is the baseline: goldmark parsing the same posts
// and nothing else, with the collector set as for BenchmarkCheckPost.
func BenchmarkGoldmarkParse(b *testing.B) {
	gcAsHeraldCheck(b)
	posts := make([][]byte, 64)
	for i := range posts {
		posts[i] = realisticPost(uint64(i))
	}
	md := New(nil).md
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		md.Parser().Parse(text.NewReader(posts[i%len(posts)]))
	}
	reportRates(b, b.N, cpuTime()-cpu0)
}

// BenchmarkCheckPost checks one realistic post at a time on one core:
// front matter, every rule, prose included, with the collector set as
// herald check sets it (GCPercent).
func BenchmarkCheckPost(b *testing.B) {
	gcAsHeraldCheck(b)
	site, c, raws := benchPosts(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(raws[0])))
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		k := i % len(raws)
		post := content.ParsePost(site.Posts[k], raws[k], site.Profile, site.Location())
		if fs := c.Check(ctx, site, post); len(fs) > 200 {
			b.Fatalf("unexpected findings: %d", len(fs))
		}
	}
	reportRates(b, b.N, cpuTime()-cpu0)
}

// benchPosts returns a 64-post site, a one-core checker with its index
// built, and the text of each post of the site (in site.Posts order).
func benchPosts(b *testing.B) (*content.Site, *Checker, [][]byte) {
	b.Helper()
	site, fsys := benchSite(b, 64)
	c := New(site.Config, WithWorkers(1))
	if _, err := c.Index(context.Background(), site); err != nil {
		b.Fatal(err)
	}
	raws := make([][]byte, len(site.Posts))
	for i, p := range site.Posts {
		raws[i] = fsys[p].Data
	}
	return site, c, raws
}

// BenchmarkCheckSite10000 checks a generated 10,000-post repository from
// scratch: the site index (vocabulary, URLs) and every post.
func BenchmarkCheckSite10000(b *testing.B) { benchmarkCheckSite(b, 10000) }

// BenchmarkCheckSite1000 is the same on 1,000 posts.
func BenchmarkCheckSite1000(b *testing.B) { benchmarkCheckSite(b, 1000) }

func benchmarkCheckSite(b *testing.B, n int) {
	gcAsHeraldCheck(b)
	site, _ := benchSite(b, n)
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		c := New(site.Config)
		if _, err := c.CheckSite(ctx, site); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - cpu0
	reportRates(b, n*b.N, cpu)
	// The cores the check kept busy on average: CPU time over wall time
	// (up to GOMAXPROCS when the machine has them to spare).
	b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores")
}

// reportRates reports posts per wall-clock second and per CPU second (the
// second is what "per core" means, and holds on a busy machine).
func reportRates(b *testing.B, posts int, cpu time.Duration) {
	b.ReportMetric(float64(posts)/b.Elapsed().Seconds(), "posts/s")
	if cpu > 0 {
		b.ReportMetric(float64(posts)/cpu.Seconds(), "posts/cpu-s")
	}
}

// BenchmarkIndex10000 builds the site index of a 10,000-post repository
// (what the bot needs before checking the posts of one pull request).
func BenchmarkIndex10000(b *testing.B) {
	site, _ := benchSite(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := New(site.Config).Index(ctx, site); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, 10000*b.N, cpuTime()-cpu0)
}

// BenchmarkCheckVsParse alternates, in one loop, goldmark parsing a post
// and the full check of the same post (front matter, every rule, prose),
// and reports the ratio of their times: the cost of the checks in units of
// the Markdown parse, which holds while the load of the machine changes.
func BenchmarkCheckVsParse(b *testing.B) {
	site, c, raws := benchPosts(b)
	ctx := context.Background()
	md := goldmark.New()
	var parse, check time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := i % len(raws)
		t0 := time.Now()
		md.Parser().Parse(text.NewReader(raws[k]))
		t1 := time.Now()
		post := content.ParsePost(site.Posts[k], raws[k], site.Profile, site.Location())
		c.Check(ctx, site, post)
		check += time.Since(t1)
		parse += t1.Sub(t0)
	}
	b.ReportMetric(float64(check)/float64(parse), "check/parse")
	b.ReportMetric(float64(b.N)/check.Seconds(), "checks/s")
	b.ReportMetric(float64(b.N)/parse.Seconds(), "parses/s")
}

// BenchmarkHostilePost checks 100 KB posts built to be expensive (lists
// nested 50,000 deep, 25,000 unclosed links in one paragraph, emphasis
// nested 25,000 deep) against a 100 KB realistic post as the baseline in
// the same run: the budget per post keeps each within a small multiple
// of an honest post of the same size.
func BenchmarkHostilePost(b *testing.B) {
	site, c, raws := benchPosts(b)
	ctx := context.Background()
	var honest []byte
	for len(honest) < 100_000 {
		honest = append(honest, raws[len(honest)%len(raws)][len("---\n"):]...)
	}
	fm := "---\ntitle: x\n---\n\n"
	posts := []struct{ name, body string }{
		{"honest-100KB", fm + string(honest[:100_000])},
		{"nested-lists", fm + strings.Repeat("- ", 50000) + "x\n"},
		{"unclosed-links", fm + strings.Repeat("[a](", 25000) + "\n"},
		{"nested-emphasis", fm + strings.Repeat("*_", 25000) + "x" + strings.Repeat("_*", 25000) + "\n"},
	}
	for _, p := range posts {
		b.Run(p.name, func(b *testing.B) {
			raw := []byte(p.body)
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				post := content.ParsePost(site.Posts[0], raw, site.Profile, site.Location())
				c.Check(ctx, site, post)
			}
		})
	}
}

// BenchmarkCheckCorpus checks the real, published posts of the seven
// corpus sites (testdata/corpus) one at a time on one core, each site's
// index built beforehand: the per-post cost on posts as people write them
// (sizes, code, links, names), next to BenchmarkCheckPost's generated ones.
func BenchmarkCheckCorpus(b *testing.B) {
	ctx := context.Background()
	type sitePosts struct {
		site *content.Site
		c    *Checker
		raws [][]byte
	}
	var sites []sitePosts
	size, n := 0, 0
	for _, s := range corpusSites {
		fsys := corpusFS(b, path.Join("..", "..", "testdata", "corpus", s.name))
		site, err := content.LoadSite(ctx, fsys)
		if err != nil {
			b.Fatal(err)
		}
		c := New(site.Config, WithWorkers(1), WithNow(func() time.Time { return time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC) }))
		if _, err := c.Index(ctx, site); err != nil {
			b.Fatal(err)
		}
		sp := sitePosts{site: site, c: c}
		for _, p := range site.Posts {
			raw, err := fs.ReadFile(fsys, p)
			if err != nil {
				b.Fatal(err)
			}
			sp.raws = append(sp.raws, raw)
			size += len(raw)
		}
		n += len(site.Posts)
		sites = append(sites, sp)
	}
	b.ReportAllocs()
	b.SetBytes(int64(size))
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, s := range sites {
			for i, raw := range s.raws {
				post := content.ParsePost(s.site.Posts[i], raw, s.site.Profile, s.site.Location())
				s.c.Check(ctx, s.site, post)
			}
		}
	}
	reportRates(b, n*b.N, cpuTime()-cpu0)
}
