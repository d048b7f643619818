package check

import (
	"context"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/content"
)

// corpusFS reads a corpus site into memory, adding the files its
// existing-paths.txt lists (present in the source repository, left out of
// the copy) as empty files, so links to them count as present.
func corpusFS(t *testing.T, dir string) fstest.MapFS {
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
			if p != "" && m[p] == nil && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".markdown") {
				m[p] = &fstest.MapFile{}
			}
		}
	}
	return m
}

// TestCorpusNoise checks 310 real, published posts and reports the
// findings per rule (run with -v). Published posts are nearly free of
// defects, so these counts are the rules' noise on real technical prose.
// The test fails on rules that must be silent on them.
func TestCorpusNoise(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	sites := []struct {
		dir     string
		profile string
		posts   int
	}{
		{"../../testdata/corpus/Azure-AKS", "docusaurus", 83},
		{"../../testdata/corpus/fluxcd-website", "hugo", 77},
		{"../../testdata/corpus/swiftlang-swift-org-website", "jekyll", 150},
	}
	total := map[string]int{}
	for _, s := range sites {
		t.Run(s.profile, func(t *testing.T) {
			ctx := context.Background()
			site, err := content.LoadSite(ctx, corpusFS(t, s.dir))
			if err != nil {
				t.Fatal(err)
			}
			if site.Profile.Name != s.profile || len(site.Posts) != s.posts {
				t.Fatalf("profile %s with %d posts, want %s with %d", site.Profile.Name, len(site.Posts), s.profile, s.posts)
			}
			c := New(site.Config, WithNow(func() time.Time { return time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC) }))
			got, err := c.CheckSite(ctx, site)
			if err != nil {
				t.Fatal(err)
			}
			words := 0
			for _, p := range site.Posts {
				post, err := site.ReadPost(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				words += c.parse(post).words(1 << 30)
			}
			per := map[string]int{}
			for _, f := range got {
				per[f.Rule+" "+f.Severity]++
				total[f.Rule]++
				if f.Rule == RuleDatePathMismatch && s.profile == "hugo" {
					if post, err := site.ReadPost(ctx, f.Path); err == nil {
						if _, ok := post.FrontMatter.Field("url"); ok {
							t.Errorf("post with its own url: %s", f)
						}
					}
				}
				switch f.Rule {
				case RuleFrontmatterSyntax, RuleFrontmatterMissing, RuleUnreadableFile, RuleUnknownAuthor, RuleDateFormat, RuleDateDST, RuleDuplicateSlug, RuleUnclosedFence:
					t.Errorf("published post: %s", f)
				}
			}
			keys := make([]string, 0, len(per))
			for k := range per {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Logf("%-32s %d", k, per[k])
			}
			t.Logf("%d posts, %d words of prose; misspelling findings per 10,000 words: %.1f",
				len(site.Posts), words, float64(per[RuleMisspelling+" warning"])*10000/float64(words))
			if testing.Verbose() && os.Getenv("HERALD_CORPUS_FINDINGS") != "" {
				for _, f := range got {
					t.Logf("%s", f)
				}
			}
		})
	}
}
