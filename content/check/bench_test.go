package check

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/heraldhq/herald/content"
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
	site, err := content.LoadSite(context.Background(), fsys)
	if err != nil {
		b.Fatal(err)
	}
	return site, fsys
}

// BenchmarkGoldmarkParse is the baseline: goldmark parsing the same posts
// and nothing else.
func BenchmarkGoldmarkParse(b *testing.B) {
	posts := make([][]byte, 64)
	for i := range posts {
		posts[i] = realisticPost(uint64(i))
	}
	md := New(nil).md
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		md.Parser().Parse(text.NewReader(posts[i%len(posts)]))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkCheckPost checks one realistic post at a time on one core:
// front matter, every rule, prose included.
func BenchmarkCheckPost(b *testing.B) {
	site, fsys := benchSite(b, 64)
	c := New(site.Config, WithWorkers(1))
	ctx := context.Background()
	if _, err := c.Index(ctx, site); err != nil {
		b.Fatal(err)
	}
	raws := make([][]byte, len(site.Posts))
	for i, p := range site.Posts {
		raws[i] = fsys[p].Data
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(raws[0])))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := i % len(raws)
		post := content.ParsePost(site.Posts[k], raws[k], site.Profile, site.Location())
		if fs := c.Check(ctx, site, post); len(fs) > 200 {
			b.Fatalf("unexpected findings: %d", len(fs))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkCheckSite10000 checks a generated 10,000-post repository from
// scratch: the site index (vocabulary, URLs) and every post.
func BenchmarkCheckSite10000(b *testing.B) { benchmarkCheckSite(b, 10000) }

// BenchmarkCheckSite1000 is the same on 1,000 posts.
func BenchmarkCheckSite1000(b *testing.B) { benchmarkCheckSite(b, 1000) }

func benchmarkCheckSite(b *testing.B, n int) {
	site, _ := benchSite(b, n)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		c := New(site.Config)
		if _, err := c.CheckSite(ctx, site); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "posts/s")
}
