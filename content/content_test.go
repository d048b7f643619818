package content

import (
	"context"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFrontMatterPositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // key line:col -> value line:col "text"
	}{
		{"yaml", "---\ntitle: Hello\ndate: 2026-02-03\ntags:\n  - news\n  - \"events\"\ndescription:\n---\nbody\n",
			[]string{`title 2:1 -> 2:8 "Hello"`, `date 3:1 -> 3:7 "2026-02-03"`, `tags 4:1 -> 5:3 ""`, `description 7:1 -> 7:13 ""`}},
		{"yaml after blank lines", "\n\n---\ntitle: 'x'\n---\n", []string{`title 4:1 -> 4:8 "x"`}},
		{"toml", "+++\ntitle = \"Hello\"\ndate = 2026-02-03T10:00:00Z\ndraft = true\n[params]\nx = 1\n+++\nbody\n",
			[]string{`title 2:1 -> 2:9 "Hello"`, `date 3:1 -> 3:8 "2026-02-03T10:00:00Z"`, `draft 4:1 -> 4:9 "true"`, `params 5:1 -> 5:1 ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ParsePost("blog/x.md", []byte(tt.src), nil, time.UTC)
			if len(p.Problems) > 0 {
				t.Fatalf("problems: %+v", p.Problems)
			}
			var got []string
			for _, f := range p.FrontMatter.Fields {
				got = append(got, fmtField(f))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func fmtField(f Field) string {
	return f.Key + " " + itoa(f.KeyPos.Line) + ":" + itoa(f.KeyPos.Column) + " -> " + itoa(f.Value.Pos.Line) + ":" + itoa(f.Value.Pos.Column) + " \"" + f.Value.Text + "\""
}

func itoa(i int) string {
	return fmtInt(i)
}

func fmtInt(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return fmtInt(i/10) + string(rune('0'+i%10))
}

func TestParsePostMeaning(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	docusaurus, _ := ProfileByName("docusaurus")
	jekyll, _ := ProfileByName("jekyll")
	hugo, _ := ProfileByName("hugo")
	tests := []struct {
		name    string
		prof    *Profile
		path    string
		src     string
		date    string
		draft   bool
		authors []string
		tags    []string
		url     string
	}{
		{"docusaurus", docusaurus, "blog/2026-02-03-recap/index.md",
			"---\ntitle: R\ndate: 2026-02-03 11:00\nauthors: [a, {name: Inline}]\ntags: [news, {label: Events, permalink: /e}]\ndraft: true\n---\n",
			"2026-02-03T10:00:00Z", true, []string{"a"}, []string{"news", "Events"}, "/blog/2026/02/03/recap"},
		{"jekyll published false", jekyll, "_posts/2026-02-03-recap.md",
			"---\ntitle: R\ndate: 2026-02-03 11:00:00 +0100\nauthor: alice\ntags: swift release\npublished: false\n---\n",
			"2026-02-03T10:00:00Z", true, []string{"alice"}, []string{"swift", "release"}, "/2026/02/03/recap"},
		{"hugo publishDate wins", hugo, "content/blog/x/index.md",
			"+++\ntitle = \"R\"\ndate = 2020-01-01\npublishDate = 2026-02-03\nurl = \"/blog/custom/\"\n+++\n",
			"2026-02-02T23:00:00Z", false, nil, nil, "/blog/custom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ParsePost(tt.path, []byte(tt.src), tt.prof, berlin)
			if p.DateErr != nil || len(p.Problems) > 0 {
				t.Fatalf("date err %v, problems %+v", p.DateErr, p.Problems)
			}
			got := []any{p.Date.UTC().Format(time.RFC3339), p.Draft, p.Authors, p.Tags, p.URLPath}
			want := []any{tt.date, tt.draft, tt.authors, tt.tags, tt.url}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectProfile(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		profile string
		root    string
	}{
		{"docusaurus at root", []string{"docusaurus.config.ts", "blog/x.md"}, "docusaurus", "."},
		{"hugo in subfolder", []string{"README.md", "site/hugo.toml", "site/content/posts/x.md"}, "hugo", "site"},
		{"jekyll", []string{"_config.yml", "_posts/2026-01-01-x.md"}, "jekyll", "."},
		{"shallower wins", []string{"_config.yml", "docs/website/docusaurus.config.js"}, "jekyll", "."},
		{"too deep", []string{"a/b/c/hugo.toml"}, "", ""},
		// https://gohugo.io/getting-started/configuration/#configuration-directory
		{"hugo config directory", []string{"config/_default/hugo.yaml", "config/_default/params.yaml", "content/en/blog/x.md"}, "hugo", "."},
		{"hugo legacy config directory", []string{"site/config/_default/config.toml", "site/content/posts/x.md"}, "hugo", "site"},
		{"hugo legacy config.yaml beside content", []string{"config.yaml", "content/en/blog/x.md"}, "hugo", "."},
		{"a config.yaml without content is not hugo", []string{"config.yaml", "blog/x.md"}, "", ""},
		{"a config.yaml with content too deep below", []string{"a/b/config.yaml", "a/b/c/content/x.md", "a/b/content.md"}, "", ""},
		{"hugo two levels down beside content", []string{"a/b/config.yaml", "a/b/content/x.md"}, "hugo", "a/b"},
		{"a config.yaml of another tool beside a docusaurus site", []string{"config.yaml", "website/docusaurus.config.js"}, "docusaurus", "website"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := DetectProfile(tt.files)
			name, root := "", ""
			if ok {
				name, root = d.Profile.Name, d.Root
			}
			if name != tt.profile || root != tt.root {
				t.Errorf("got %q in %q, want %q in %q", name, root, tt.profile, tt.root)
			}
			// Sorted, the files are searched rather than scanned: the
			// same answer.
			sd, sok := DetectProfile(slices.Sorted(slices.Values(tt.files)))
			if sok != ok || sd.Root != d.Root || sd.Marker != d.Marker || ok && sd.Profile.Name != d.Profile.Name {
				t.Errorf("sorted: got %v in %q (%s), unsorted %v in %q (%s)", sok, sd.Root, sd.Marker, ok, d.Root, d.Marker)
			}
		})
	}
}

func TestLoadSiteSubfolderAndRegistries(t *testing.T) {
	fsys := fstest.MapFS{
		"site/hugo.toml":                    {Data: []byte("title = 'x'\n")},
		"site/data/authors.toml":            {Data: []byte("[alice]\nname = 'Alice'\n[bob]\nname = 'Bob'\n")},
		"site/content/posts/a/index.md":     {Data: []byte("+++\ntitle = 'a'\n+++\n")},
		"site/content/posts/_index.md":      {Data: []byte("section")},
		"site/content/about.md":             {Data: []byte("not a post")},
		".herald.yml":                       {Data: []byte("version: 1\ntimezone: Mars/Olympus\n")},
		"site/content/posts/b.md":           {Data: []byte("---\ntitle: b\n---\n")},
		"site/content/posts/image.png":      {Data: []byte("png")},
		"site/content/en/blog/2026/post.md": {Data: []byte("---\ntitle: c\n---\n")},
	}
	s, err := LoadSite(context.Background(), fsys)
	if err != nil {
		t.Fatalf("LoadSite must not fail on a broken config: %v", err)
	}
	got := []any{s.Profile.Name, s.Root, s.Posts, s.Authors.Names, len(s.ConfigProblems), s.Location().String()}
	want := []any{"hugo", "site", []string{"site/content/en/blog/2026/post.md", "site/content/posts/a/index.md", "site/content/posts/b.md"},
		[]string{"alice", "bob"}, 1, "UTC"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecodeConfig(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // problems as line:col: message
	}{
		{"full", "version: 1\nprofile: hugo\ntimezone: Europe/Berlin\ncontent: [\"content/**/*.md\"]\nrequired: [title]\nwords: [herald]\nrules:\n  misspelling: info\n  image-size: {severity: error, max_kb: 500}\npublish:\n  strategy: rebuild\n  rebuild: {trigger: hook, url: \"https://example.com/hook\"}\napprovals: 2\nresync: \"*/10 * * * *\"\nsite_url: https://example.com\ncommands: [publish, hold]\n", nil},
		{"empty file", "", nil},
		{"unknown keys", "version: 1\nrulez: {}\npublish:\n  strategy: merge\n  stratgy: draft\n",
			[]string{`2:1: unknown key "rulez" (did you mean "rules"?)`, `5:3: unknown key "publish.stratgy" (did you mean "publish.strategy"?)`}},
		{"bad values", "version: 2\nprofile: gatsby\nrules:\n  misspelling: loud\npublish: {strategy: yolo}\napprovals: -1\nresync: every minute\n",
			[]string{"1:10: version 2 is not supported; this herald reads version 1",
				`2:10: unknown site profile "gatsby" (known: docusaurus, hugo, jekyll); the profile is detected instead`,
				`4:16: rule misspelling: severity "loud" must be one of off, info, warning, error`,
				`5:21: unknown publish strategy "yolo" (one of merge, draft, rebuild)`,
				"6:12: approvals must be between 0 and 100, not -1",
				`7:9: resync "every minute" is not a cron spec of five fields (such as "*/5 * * * *")`}},
		{"a slip in the strategy", "version: 1\npublish:\n  strategy: drafts\n  rebuild: {trigger: hok}\n",
			[]string{`3:13: unknown publish strategy "drafts" (did you mean "draft"? one of merge, draft, rebuild)`,
				`4:22: unknown rebuild trigger "hok" (did you mean "hook"? one of workflow_dispatch, repository_dispatch, hook, empty-commit)`}},
		{"wrong type", "version: 1\nwords: herald\n", []string{`2:8: wrong type for words: want a list of strings, not a string ("herald")`}},
		{"wrong types name their keys", "version: [1]\napprovals: two\npublish: draft\ncontent: [a, {b: c}]\nrules:\n  image-size: {severity: error, max_kb: 500}\n",
			[]string{"1:10: wrong type for version: want a whole number, not a list",
				`2:12: wrong type for approvals: want a whole number, not a string ("two")`,
				`3:10: wrong type for publish: want a map, not a string ("draft")`,
				"4:14: wrong type for content: want a string, not a map"}},
		{"a bad severity in a map points at it", "rules:\n  image-size: {max_kb: 500, severity: loud}\n",
			[]string{`2:39: rule image-size: severity "loud" must be one of off, info, warning, error`}},
		{"a bad glob points at its item", "exclude: [\"drafts/**\", \"a/[\"]\n", []string{`1:24: bad pattern "a/[": syntax error in pattern`}},
		{"no version: 1 is the only one", "timezone: UTC\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, probs := DecodeConfig([]byte(tt.src))
			if cfg == nil || cfg.Timezone == nil {
				t.Fatal("no usable config")
			}
			var got []string
			for _, p := range probs {
				got = append(got, itoa(p.Line)+":"+itoa(p.Column)+": "+p.Message)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	cfg, _ := DecodeConfig([]byte("version: 1\ntimezone: Europe/Berlin\nrules:\n  image-size: {severity: error, max_kb: 500}\npublish: {strategy: draft}\n"))
	if cfg.Timezone.String() != "Europe/Berlin" || cfg.Rules["image-size"].Severity != SeverityError ||
		cfg.Rules["image-size"].Options["max_kb"] != 500 || cfg.Publish.Strategy != "draft" || cfg.Approvals != 1 || cfg.Resync != "*/5 * * * *" {
		t.Errorf("decoded %+v", cfg)
	}
	if rc := cfg.Rules["image-size"]; rc.Line != 4 || rc.Column != 3 {
		t.Errorf("rule image-size at %d:%d, want 4:3 (its name)", rc.Line, rc.Column)
	}
	// Unset, or unknown, the strategy is the mode's to choose.
	for _, src := range []string{"version: 1\n", "publish: {strategy: drafts}\n"} {
		if cfg, _ := DecodeConfig([]byte(src)); cfg.Publish.Strategy != "" {
			t.Errorf("%q: strategy %q, want none (the mode chooses)", src, cfg.Publish.Strategy)
		}
	}
}

func TestLoadSiteSymlinks(t *testing.T) {
	fsys := fstest.MapFS{
		"docusaurus.config.js":  {Data: nil},
		"blog/real/index.md":    {Data: []byte("---\ntitle: real\n---\n")},
		"blog/inside.md":        {Data: []byte("real/index.md"), Mode: fs.ModeSymlink},
		"blog/escape.md":        {Data: []byte("../../etc/passwd"), Mode: fs.ModeSymlink},
		"blog/absolute.md":      {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink},
		"blog/loop-a.md":        {Data: []byte("loop-b.md"), Mode: fs.ModeSymlink},
		"blog/loop-b.md":        {Data: []byte("loop-a.md"), Mode: fs.ModeSymlink},
		"static/img/escape.png": {Data: []byte("../../../x.png"), Mode: fs.ModeSymlink},
	}
	s, err := LoadSite(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, sk := range s.Skipped {
		skipped = append(skipped, sk.Path+": "+sk.Reason)
	}
	want := []string{
		"blog/absolute.md: symbolic link to /etc/passwd leaves the repository; not followed",
		"blog/escape.md: symbolic link to ../../etc/passwd leaves the repository; not followed",
		"blog/loop-a.md: symbolic link in a chain of more than 8 links (a loop?); not followed",
		"blog/loop-b.md: symbolic link in a chain of more than 8 links (a loop?); not followed",
		"static/img/escape.png: symbolic link to ../../../x.png leaves the repository; not followed",
	}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if !s.HasFile("blog/inside.md") {
		t.Error("a link inside the repository should be listed")
	}
	p, err := s.ReadPost(context.Background(), "blog/escape.md")
	if err != nil || p.Raw != nil || len(p.Problems) != 1 || p.Problems[0].Kind != ProblemSymlink {
		t.Errorf("escaping link read: %+v, %v", p, err)
	}
}

// TestAliasBombBounded parses a billion-laughs document: aliases are never
// expanded, so time and memory stay proportional to the input.
func TestAliasBombBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\ntitle: bomb\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("---\nbody\n")
	src := []byte(b.String())
	prof, _ := ProfileByName("docusaurus")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	p := ParsePost("blog/bomb.md", src, prof, time.UTC)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	// The generators' YAML readers refuse it or run out of memory: a
	// syntax problem of the post, found without expanding anything.
	if len(p.Problems) != 1 || p.Problems[0].Kind != ProblemSyntax || !strings.Contains(p.Problems[0].Message, "billion laughs") {
		t.Errorf("problems %+v, want one syntax problem naming the billion laughs", p.Problems)
	}
	// 10^12 strings if expanded; a few hundred kilobytes when not.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("parsing a %d-byte alias bomb allocated %d bytes", len(src), alloc)
	}
	if elapsed > 5*time.Second {
		t.Errorf("parsing took %v", elapsed)
	}
}

func TestPostURL(t *testing.T) {
	docusaurus, _ := ProfileByName("docusaurus")
	hugo, _ := ProfileByName("hugo")
	jekyll, _ := ProfileByName("jekyll")
	tests := []struct {
		prof *Profile
		path string
		fm   string
		want string
	}{
		{docusaurus, "blog/2026/02-fosdem-recap/index.md", "", "/blog/2026/02-fosdem-recap"},
		{docusaurus, "website/blog/2024-05-21-aks/index.md", "", "/blog/2024/05/21/aks"},
		{docusaurus, "blog/2024-05-21-aks.md", "slug: short", "/blog/short"},
		{docusaurus, "blog/2024-05-21-aks.md", "slug: /elsewhere/", "/elsewhere"},
		{hugo, "content/en/blog/2021-01-06-update.md", "", "/en/blog/2021-01-06-update"},
		{hugo, "content/en/blog/x/index.md", "url: /blog/2026/07/x/", "/blog/2026/07/x"},
		{jekyll, "_posts/2026-02-05-release.md", "", "/2026/02/05/release"},
		{jekyll, "_posts/2026-02-05-release.md", "permalink: /:year/:title/", "/2026/02/05/release"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.fm, func(t *testing.T) {
			p := ParsePost(tt.path, []byte("---\ntitle: x\n"+tt.fm+"\n---\n"), tt.prof, time.UTC)
			if p.URLPath != tt.want {
				t.Errorf("URLPath = %q, want %q", p.URLPath, tt.want)
			}
		})
	}
}

// TestGeneratorTimezone: without timezone: in .herald.yml, dates without
// an offset are read in the zone the generator reads them in.
func TestGeneratorTimezone(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		post  string
		zone  string
		from  string
		utc   string // the post's date in UTC
	}{
		{"jekyll timezone", map[string]string{"_config.yml": "title: x\ntimezone: America/New_York\n",
			"_posts/2026-02-03-a.md": "---\ntitle: A\ndate: 2026-02-03 10:00:00\n---\n"}, "_posts/2026-02-03-a.md",
			"America/New_York", "_config.yml", "2026-02-03T15:00:00Z"},
		{"hugo timeZone", map[string]string{"hugo.toml": "title = 'x'\ntimeZone = 'Europe/Berlin'\n",
			"content/posts/a.md": "---\ntitle: A\ndate: 2026-02-03T10:00:00\n---\n"}, "content/posts/a.md",
			"Europe/Berlin", "hugo.toml", "2026-02-03T09:00:00Z"},
		{".herald.yml wins", map[string]string{".herald.yml": "version: 1\ntimezone: Asia/Tokyo\n", "_config.yml": "timezone: America/New_York\n",
			"_posts/2026-02-03-a.md": "---\ntitle: A\ndate: 2026-02-03 10:00:00\n---\n"}, "_posts/2026-02-03-a.md",
			"Asia/Tokyo", ".herald.yml", "2026-02-03T01:00:00Z"},
		{"unknown zone in the generator: UTC", map[string]string{"_config.yml": "timezone: Mars/Olympus\n",
			"_posts/2026-02-03-a.md": "---\ntitle: A\ndate: 2026-02-03 10:00:00\n---\n"}, "_posts/2026-02-03-a.md",
			"UTC", "", "2026-02-03T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range tt.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			site, err := LoadSite(context.Background(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			p, err := site.ReadPost(context.Background(), tt.post)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{site.Location().String(), site.TimezoneFrom, p.Date.UTC().Format(time.RFC3339)}
			if diff := cmp.Diff([]string{tt.zone, tt.from, tt.utc}, got); diff != "" {
				t.Errorf("zone, source, date (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadSiteWithListing loads the same repository by walking it and
// from a listing given to LoadSite: the sites agree, links included.
func TestLoadSiteWithListing(t *testing.T) {
	fsys := fstest.MapFS{
		"docusaurus.config.js":     {Data: nil},
		"blog/authors.yml":         {Data: []byte("ada: {}\n")},
		"blog/real/index.md":       {Data: []byte("---\ntitle: real\n---\n")},
		"blog/inside.md":           {Data: []byte("real/index.md"), Mode: fs.ModeSymlink},
		"blog/escape.md":           {Data: []byte("../../etc/passwd"), Mode: fs.ModeSymlink},
		"node_modules/x/index.md":  {Data: []byte("not the site")},
		"blog/node_modules/a.md":   {Data: []byte("not the site either")},
		"static/img/a-b/c.png":     {Data: []byte("png")},
		"static/img/a/c.png":       {Data: []byte("png")},
		"static/img/a.c/index.png": {Data: []byte("png")},
	}
	ctx := context.Background()
	walked, err := LoadSite(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	listing := Listing{
		Files: []string{"blog/authors.yml", "blog/real/index.md", "docusaurus.config.js", "static/img/a-b/c.png", "static/img/a.c/index.png", "static/img/a/c.png"},
		Links: []string{"blog/escape.md", "blog/inside.md"},
	}
	listed, err := LoadSite(ctx, fsys, WithListing(listing))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"node_modules", ".git"} {
		if !SkipDir(name) {
			t.Errorf("SkipDir(%q) = false", name)
		}
	}
	type view struct {
		Files, Posts, Authors []string
		Skipped               []Skipped
		Profile, Root, Marker string
	}
	viewOf := func(s *Site) view {
		return view{s.Files, s.Posts, s.Authors.Names, s.Skipped, s.Profile.Name, s.Root, s.Marker}
	}
	if diff := cmp.Diff(viewOf(walked), viewOf(listed)); diff != "" {
		t.Errorf("site from a listing (-walked +listed):\n%s", diff)
	}
	// Files out of order, and the posts picked by the caller with the
	// site's selector.
	var asked []string
	shuffled := Listing{
		Files: []string{"static/img/a/c.png", "blog/real/index.md", "docusaurus.config.js", "static/img/a.c/index.png", "blog/authors.yml", "static/img/a-b/c.png"},
		Links: listing.Links,
		Posts: func(sel *PostSelector) []string {
			asked = append(asked, sel.Key())
			var out []string
			for _, p := range listing.Files {
				if sel.Match(p) {
					out = append(out, p)
				}
			}
			return out
		},
	}
	picked, err := LoadSite(ctx, fsys, WithListing(shuffled))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viewOf(walked), viewOf(picked)); diff != "" {
		t.Errorf("site from a listing out of order, posts picked by the caller (-walked +listed):\n%s", diff)
	}
	if want := []string{walked.PostSelector().Key()}; !slices.Equal(asked, want) {
		t.Errorf("Posts asked with selectors %q, want %q", asked, want)
	}
	if !listed.HasFile("blog/inside.md") || listed.HasFile("blog/escape.md") {
		t.Errorf("links: inside %v, escape %v", listed.HasFile("blog/inside.md"), listed.HasFile("blog/escape.md"))
	}
}

// TestLoadSiteWithPrevious loads a site, changes its files and loads it
// again with the first as the previous site: what the caller reports
// unchanged is taken from it, the rest is read again, and the first site
// is left as it was.
func TestLoadSiteWithPrevious(t *testing.T) {
	fsys := fstest.MapFS{
		"_config.yml":             {Data: []byte("title: x\ntimezone: America/New_York\n")},
		".herald.yml":             {Data: []byte("version: 1\n")},
		"_data/authors.yml":       {Data: []byte("ada: {}\n")},
		"_posts/2026-01-01-x.md":  {Data: []byte("---\ntitle: x\n---\n")},
		"_data/tags.yml":          {Data: []byte("news: {}\n")},
		"_posts/2026-01-02-y.md":  {Data: []byte("---\ntitle: y\n---\n")},
		"_posts/2026-01-03-z.txt": {Data: []byte("not a post")},
	}
	ctx := context.Background()
	first, err := LoadSite(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	fsys["_config.yml"] = &fstest.MapFile{Data: []byte("title: x\ntimezone: Asia/Tokyo\n")}
	fsys["_data/authors.yml"] = &fstest.MapFile{Data: []byte("bob: {}\n")}
	changed := map[string]bool{"_config.yml": true, "_data/authors.yml": true}
	next, err := LoadSite(ctx, fsys, WithPrevious(first, func(p string) bool { return !changed[p] }))
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Zone, From, Authors, Tags string
		Problems                  int
	}
	viewOf := func(s *Site) view {
		return view{s.Location().String(), s.TimezoneFrom, strings.Join(s.Authors.Names, " "), strings.Join(s.Tags.Names, " "), len(s.ConfigProblems)}
	}
	if diff := cmp.Diff(view{"Asia/Tokyo", "_config.yml", "bob", "news", 0}, viewOf(next)); diff != "" {
		t.Errorf("next site (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(view{"America/New_York", "_config.yml", "ada", "news", 0}, viewOf(first)); diff != "" {
		t.Errorf("first site after the next was loaded (-want +got):\n%s", diff)
	}
	if next.Tags != first.Tags {
		t.Error("the unchanged tags registry was read again")
	}
	// What the caller reports unchanged is not read: here, wrongly.
	again, err := LoadSite(ctx, fsys, WithPrevious(first, func(string) bool { return true }))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(view{"America/New_York", "_config.yml", "ada", "news", 0}, viewOf(again)); diff != "" {
		t.Errorf("site loaded with every file reported unchanged (-want +got):\n%s", diff)
	}
}
