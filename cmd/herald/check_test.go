package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/content/check"
)

const fosdem = "../../testdata/sites/fosdem-draft"
const fosdemPost = "blog/2026/02-fosdem-recap/index.md"

func runCheckArgs(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"check"}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

// TestCheckFosdemDraft checks the real draft against the defects its
// NOTICE.md lists by line.
func TestCheckFosdemDraft(t *testing.T) {
	out, stderr, code := runCheckArgs(t, fosdem, "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitFindings, stderr)
	}
	var got []check.JSONFinding
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	want := []struct {
		line     int
		rule     string
		severity string
	}{
		{14, "repeated-word", "error"},
		{20, "misspelling", "warning"},
		{24, "mojibake", "error"},
		{32, "mojibake", "error"},
		{36, "link-syntax", "error"},
		{13, "missing-excerpt-marker", "warning"},
		{3, "required-field", "warning"}, // shortDescription is empty
		{5, "date-zone", "warning"},      // +02:00 in Europe/Berlin in February
	}
	for _, w := range want {
		found := false
		for _, f := range got {
			if f.Line == w.line && f.Rule == w.rule && f.Severity == w.severity && f.Path == fosdemPost {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s %s at line %d; got:\n%s", w.severity, w.rule, w.line, out)
		}
	}
	raw, err := os.ReadFile(filepath.Join(fosdem, fosdemPost))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for _, f := range got {
		line := lines[f.Line-1]
		if f.Severity == "error" && (strings.Contains(line, "conferences") || strings.Contains(line, "gerrit91")) {
			t.Errorf("error-level finding on a registered tag or author: %+v", f)
		}
		if f.Rule == "unknown-tag" || f.Rule == "unknown-author" {
			t.Errorf("unexpected registry finding: %+v", f)
		}
	}
}

// TestCheckFixFosdemDraft repairs the repeated word and the mojibake and
// nothing else.
func TestCheckFixFosdemDraft(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fosdem)); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, filepath.FromSlash(fosdemPost))
	if err := os.Chmod(name, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(name)
	_, stderr, _ := runCheckArgs(t, dir, "--fix")
	after, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// Only the certain fixes: the spelling suggestion and the link are left
	// for a person to accept.
	want := strings.NewReplacer("through the the internet", "through the internet", "ðŸ˜›", "😛", "ðŸ¤“", "🤓").Replace(string(before))
	if diff := cmp.Diff(want, string(after)); diff != "" {
		t.Errorf("fixed file differs (-want +got):\n%s\nstderr:\n%s", diff, stderr)
	}
	for _, s := range []string{"repeated-word", "mojibake"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("--fix did not say it fixed %s:\n%s", s, stderr)
		}
	}
}

func TestCheckFormats(t *testing.T) {
	// A copy outside any Git repository: paths are relative to it in every
	// format (TestCheckSARIFStructure covers a site inside a repository).
	site := t.TempDir()
	if err := os.CopyFS(site, os.DirFS(fosdem)); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif", "github"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := runCheckArgs(t, site, "--format", format)
			if code != exitFindings {
				t.Fatalf("exit %d; stderr %s", code, stderr)
			}
			switch format {
			case "text":
				if !strings.Contains(out, fosdemPost+":14:303: error repeated-word: ") {
					t.Errorf("text output:\n%s", out)
				}
				if want := "herald check: 4 errors, 4 warnings in 1 of 1 post\n"; stderr != want {
					t.Errorf("summary %q, want %q", stderr, want)
				}
			case "sarif":
				var doc struct {
					Version string `json:"version"`
					Runs    []struct {
						Results []struct {
							RuleID string `json:"ruleId"`
						} `json:"results"`
					} `json:"runs"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) == 0 {
					t.Errorf("sarif: %v %+v", err, doc)
				}
			case "github":
				if !strings.Contains(out, "::error file="+fosdemPost+",line=14,col=303,endLine=14,endColumn=310,title=repeated-word::") {
					t.Errorf("github output:\n%s", out)
				}
			}
		})
	}
}

func TestCheckUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing path", []string{"/nonexistent/site"}, "no such file or directory"},
		{"bad format", []string{fosdem, "--format", "xml"}, `unknown format "xml"`},
		{"two paths", []string{fosdem, fosdem}, "one PATH expected"},
		{"bad diff", []string{fosdem, "--diff", "main"}, "want BASE..HEAD"},
		{"missing config", []string{fosdem, "--config", "/nonexistent.yml"}, "read config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCheckArgs(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestCheckDiff checks only the posts changed between two commits, read
// from git rather than the working tree.
func TestCheckDiff(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fosdem)); err != nil {
		t.Fatal(err)
	}
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun("init", "-q", "-b", "main")
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "base")
	post := "blog/2099/03-new/index.md"
	if err := os.MkdirAll(filepath.Join(dir, "blog/2099/03-new"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "---\ntitle: New\ndate: 2099-03-04T10:00:00+01:00\nauthors: [gerit91]\ntags: [news]\n---\n\nA short post.\n"
	if err := os.WriteFile(filepath.Join(dir, post), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "new post")
	// A working-tree change that --diff must not see.
	if err := os.WriteFile(filepath.Join(dir, post), []byte("no front matter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCheckArgs(t, dir, "--diff", "HEAD~1..HEAD")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s; out %s", code, stderr, out)
	}
	want := post + `:4:11: error unknown-author: unknown author "gerit91": it is not in blog/authors.yml; did you mean "gerrit91"?` + "\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	_, stderr, code = runCheckArgs(t, dir, "--diff", "HEAD~1..nope")
	if code != exitUsage || !strings.Contains(stderr, "nope is not a commit") {
		t.Errorf("bad revision: exit %d, %s", code, stderr)
	}
}

func TestCheckConfigFlag(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "strict.yml")
	if err := os.WriteFile(cfg, []byte("version: 1\ntimezone: Europe/Berlin\nrules:\n  repeated-word: off\n  mojibake: off\n  link-syntax: warning\n  misspelling: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCheckArgs(t, fosdem, "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d, want 0 with the error rules off; stderr %s\n%s", code, stderr, out)
	}
	if strings.Contains(out, "repeated-word") || !strings.Contains(out, "warning link-syntax") {
		t.Errorf("config not applied:\n%s", out)
	}
}

func TestCheckEmptySite(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := runCheckArgs(t, dir)
	want := "herald check: no posts found: the docusaurus profile (the default: no docusaurus.config.*, hugo.toml, config/_default/hugo.toml or _config.yml found) looks for blog/**/*.md, blog/**/*.mdx; point herald check at the site's folder, or set content: in .herald.yml\n"
	if code != exitUsage || out != "" || stderr != want {
		t.Errorf("exit %d, out %q, stderr %q", code, out, stderr)
	}
}

// TestCheckOneFile checks one post, found within its repository (the
// folder holding .herald.yml), with the repository's registries.
func TestCheckOneFile(t *testing.T) {
	out, stderr, code := runCheckArgs(t, filepath.Join(fosdem, fosdemPost))
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	if !strings.Contains(out, fosdemPost+":14:303: error repeated-word") || strings.Contains(out, "unknown-author") {
		t.Errorf("output:\n%s", out)
	}
	// One named post is treated as new: date-backdated applies to it.
	if want := "herald check: 4 errors, 5 warnings in 1 of 1 post\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

// TestCheckDiffSubfolder checks a site that lives in a folder of the
// repository: paths are relative to that folder, as for a plain check.
func TestCheckDiffSubfolder(t *testing.T) {
	repo := t.TempDir()
	site := filepath.Join(repo, "website")
	if err := os.CopyFS(site, os.DirFS(fosdem)); err != nil {
		t.Fatal(err)
	}
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun("init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("repo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "base")
	name := filepath.Join(site, filepath.FromSlash(fosdemPost))
	if err := os.Chmod(name, 0o644); err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile(name)
	if err := os.WriteFile(name, append(src, []byte("\nA new line with a TODO: left in.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun("commit", "-q", "-am", "edit")
	out, stderr, code := runCheckArgs(t, site, "--diff", "HEAD~1..HEAD", "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d; %s", code, stderr)
	}
	var got []check.JSONFinding
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range got {
		if f.Path != fosdemPost {
			t.Errorf("path %q not relative to the site folder", f.Path)
		}
		if f.Rule == "placeholder" && f.Line == 46 {
			found = true
		}
	}
	if !found {
		t.Errorf("no placeholder finding on line 46:\n%s", out)
	}
}

// TestCheckSARIFStructure validates the SARIF log against what SARIF 2.1.0
// requires and GitHub code scanning reads: version and $schema, one run
// whose driver names every rule (with descriptions and a help link to an
// existing section of docs/rules.md), and results whose ruleId, ruleIndex,
// level, message and locations are well formed, with URIs relative to the
// top of the Git repository and columns counted as characters.
func TestCheckSARIFStructure(t *testing.T) {
	repo := t.TempDir()
	site := filepath.Join(repo, "website")
	if err := os.CopyFS(site, os.DirFS(fosdem)); err != nil {
		t.Fatal(err)
	}
	// A post whose path needs percent-encoding in a URI.
	spaced := "blog/2026/03-a b/index.md"
	if err := os.MkdirAll(filepath.Join(site, "blog/2026/03-a b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, filepath.FromSlash(spaced)), []byte("---\ntitle: A\ndate: 2026-03-01\nauthors: [gerrit91]\n---\n\nThe the 😛 emoji, then the the end.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCheckArgs(t, site, "--format", "sarif")
	if code != exitFindings {
		t.Fatalf("exit %d; %s", code, stderr)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string                 `json:"id"`
						ShortDescription *struct{ Text string } `json:"shortDescription"`
						FullDescription  *struct{ Text string } `json:"fullDescription"`
						HelpURI          string                 `json:"helpUri"`
						Default          map[string]string      `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string                 `json:"ruleId"`
				RuleIndex *int                   `json:"ruleIndex"`
				Level     string                 `json:"level"`
				Message   *struct{ Text string } `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif") || len(log.Runs) != 1 {
		t.Fatalf("version %q, $schema %q, %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "herald" || run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("driver %q, columnKind %q", run.Tool.Driver.Name, run.ColumnKind)
	}
	doc, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]bool{"error": true, "warning": true, "note": true, "none": true}
	index := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		if _, dup := index[r.ID]; dup || r.ID == "" {
			t.Errorf("rule %d: id %q empty or repeated", i, r.ID)
		}
		index[r.ID] = i
		if r.ShortDescription == nil || r.ShortDescription.Text == "" || r.FullDescription == nil || r.FullDescription.Text == "" {
			t.Errorf("rule %s: no short or full description", r.ID)
		}
		base, anchor, _ := strings.Cut(r.HelpURI, "#")
		if !strings.HasPrefix(base, "https://") || !bytes.Contains(doc, []byte("\n### "+anchor+"\n")) {
			t.Errorf("rule %s: helpUri %q does not lead to a section of docs/rules.md", r.ID, r.HelpURI)
		}
		if !levels[r.Default["level"]] {
			t.Errorf("rule %s: default level %q", r.ID, r.Default["level"])
		}
	}
	var uris []string
	for _, res := range run.Results {
		if i, ok := index[res.RuleID]; !ok || res.RuleIndex == nil || *res.RuleIndex != i {
			t.Errorf("result of %q: ruleIndex %v does not name it", res.RuleID, res.RuleIndex)
		}
		if !levels[res.Level] || res.Message == nil || res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result of %s: level %q, message %v, %d locations", res.RuleID, res.Level, res.Message, len(res.Locations))
			continue
		}
		pl := res.Locations[0].PhysicalLocation
		u := pl.ArtifactLocation.URI
		if strings.Contains(u, ":") || strings.HasPrefix(u, "/") || strings.Contains(u, " ") || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result of %s: uri %q (base %q) is not a relative reference", res.RuleID, u, pl.ArtifactLocation.URIBaseID)
		}
		if r := pl.Region; r.StartLine < 1 || r.StartColumn < 1 || r.EndLine != 0 && (r.EndLine < r.StartLine || r.EndColumn < 1) {
			t.Errorf("result of %s: region %+v", res.RuleID, r)
		}
		if res.RuleID == "repeated-word" {
			uris = append(uris, fmt.Sprintf("%s:%d:%d-%d", u, pl.Region.StartLine, pl.Region.StartColumn, pl.Region.EndColumn))
		}
	}
	// Columns after the emoji count it as one character (UTF-16 would
	// count two); paths are from the top of the repository.
	want := []string{
		"website/blog/2026/02-fosdem-recap/index.md:14:303-310",
		"website/blog/2026/03-a%20b/index.md:7:1-8",
		"website/blog/2026/03-a%20b/index.md:7:23-30",
	}
	if diff := cmp.Diff(want, uris); diff != "" {
		t.Errorf("repeated-word locations (-want +got):\n%s", diff)
	}
}

// TestCheckFixUntilDone: --fix applies fixes that only show once another
// is applied ("the the the"), keeps CRLF line endings and every other
// byte, and a second run finds nothing left to fix.
func TestCheckFixUntilDone(t *testing.T) {
	dir := t.TempDir()
	files := map[string][2]string{ // path -> before, after
		"blog/2026-12-03-a.md": {
			"---\ntitle: T\ndate: 2026-12-03\ntags:\n  - news\n  - News\n---\n\nIt was the the the best. We we go (a)[https://a.b] (b)[https://c.d].\nA\u200b\u200bB and ðŸ˜›ðŸ˜› x, `the the` in code.\n",
			"---\ntitle: T\ndate: 2026-12-03\ntags:\n  - news\n---\n\nIt was the best. We go [a](https://a.b) [b](https://c.d).\nAB and 😛😛 x, `the the` in code.\n"},
		"blog/2026-12-04-b.md": {
			"---\r\ntitle: T\r\ndate: 2026-12-04\r\n---\r\n\r\nThis is the the post.\r\n\r\nSee (the docs)[https://example.com] now.\r\n",
			"---\r\ntitle: T\r\ndate: 2026-12-04\r\n---\r\n\r\nThis is the post.\r\n\r\nSee [the docs](https://example.com) now.\r\n"},
	}
	if err := os.WriteFile(filepath.Join(dir, "docusaurus.config.js"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "blog"), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, ba := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), []byte(ba[0]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := runCheckArgs(t, dir, "--fix")
	if code != exitOK || out != "" {
		t.Errorf("exit %d, want 0 with everything fixed; out:\n%s\nstderr:\n%s", code, out, stderr)
	}
	for p, ba := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ba[1], string(got)); diff != "" {
			t.Errorf("%s after --fix (-want +got):\n%s", p, diff)
		}
	}
	_, stderr, _ = runCheckArgs(t, dir, "--fix")
	if strings.Contains(stderr, "fixed ") {
		t.Errorf("second --fix changed something:\n%s", stderr)
	}
	for p, ba := range files {
		if got, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))); string(got) != ba[1] {
			t.Errorf("%s changed on the second run", p)
		}
	}
}

// TestCheckDiffRenameDelete: a post only moved is checked at its new path
// as a post already published (no date-backdated), a post moved and
// edited as a new one, a deleted one not at all; the summary counts the
// posts the diff changed, not the whole site.
func TestCheckDiffRenameDelete(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fosdem)); err != nil {
		t.Fatal(err)
	}
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	src := "---\ntitle: T\ndate: 2020-03-01T10:00:00+01:00\nauthors: [gerrit91]\n---\n\nA post with the the slip, about %s.\n"
	for _, p := range []string{"blog/2020/03-a/index.md", "blog/2020/03-b/index.md", "blog/2020/03-c/index.md"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(fmt.Sprintf(src, filepath.Base(filepath.Dir(p)))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun("init", "-q", "-b", "main")
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "base")
	gitRun("mv", "blog/2020/03-a", "blog/2020/03-moved")
	gitRun("mv", "blog/2020/03-c", "blog/2020/03-moved-and-edited")
	edited := filepath.Join(dir, "blog/2020/03-moved-and-edited/index.md")
	b, _ := os.ReadFile(edited)
	if err := os.WriteFile(edited, append(b, "\nOne more line.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun("rm", "-q", "-r", "blog/2020/03-b")
	gitRun("commit", "-q", "-am", "move, edit and delete")
	out, stderr, code := runCheckArgs(t, dir, "--diff", "HEAD~1..HEAD")
	want := "blog/2020/03-moved-and-edited/index.md:3:7: warning date-backdated: the date is "
	if code != exitFindings || !strings.HasPrefix(strings.SplitN(out, "\n", 2)[0], want) ||
		!strings.Contains(out, "blog/2020/03-moved-and-edited/index.md:7:13: error repeated-word") ||
		!strings.Contains(out, "blog/2020/03-moved/index.md:7:13: error repeated-word") ||
		strings.Count(out, "\n") != 3 || stderr != "herald check: 2 errors, 1 warning in 2 of 2 posts\n" {
		t.Errorf("exit %d\nout:\n%s\nstderr: %s", code, out, stderr)
	}
	out, stderr, code = runCheckArgs(t, dir, "--diff", "HEAD..HEAD")
	if code != exitOK || out != "" || stderr != "herald check: HEAD..HEAD changes no posts\n" {
		t.Errorf("empty diff: exit %d, out %q, stderr %q", code, out, stderr)
	}
}

// TestCheckOneFileOutsideRepository: a post of a site that is in no Git
// repository and has no .herald.yml is checked within the site its
// generator's marker shows, with paths from there.
func TestCheckOneFileOutsideRepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte("title: x\ntimezone: Europe/Berlin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "_posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	post := filepath.Join(dir, "_posts", "2099-02-03-p.md")
	if err := os.WriteFile(post, []byte("---\ntitle: P\ndate: 2099-02-05 10:00\n---\n\nA post.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCheckArgs(t, post)
	want := "_posts/2099-02-03-p.md:3:7: info date-path-mismatch: the date 2099-02-05 (in Europe/Berlin) does not match 2099-02-03 in the path _posts/2099-02-03-p.md\n"
	if code != exitOK || out != want {
		t.Errorf("exit %d\nout:\n%s\nwant:\n%s\nstderr: %s", code, out, want, stderr)
	}
}

// TestCheckFixKeepsConfig: the re-check after --fix reads the site with
// the --config file the first check used.
func TestCheckFixKeepsConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "herald.yml")
	post := filepath.Join(dir, "blog", "2026-12-03-a.md")
	for name, data := range map[string]string{
		filepath.Join(dir, "docusaurus.config.js"): "",
		cfg:  "version: 1\nrequired: [title, description]\n",
		post: "---\ntitle: T\ndate: 2026-12-03\n---\n\nIt was the the best.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := runCheckArgs(t, dir, "--fix", "--config", cfg)
	if code != exitFindings || !strings.Contains(out, `blog/2026-12-03-a.md:1:1: error required-field: the required field "description" is missing`) ||
		strings.Contains(out, "repeated-word") {
		t.Errorf("exit %d, want %d with only the missing description left; out:\n%s\nstderr:\n%s", code, exitFindings, out, stderr)
	}
	if got, _ := os.ReadFile(post); !strings.Contains(string(got), "It was the best.") {
		t.Errorf("post after --fix:\n%s", got)
	}
}

// TestCheckSummaryCountsPosts: the summary counts posts only, and names the
// other files with findings (here the configuration) after them.
func TestCheckSummaryCountsPosts(t *testing.T) {
	dir := t.TempDir()
	for p, src := range map[string]string{
		"docusaurus.config.js": "module.exports = {};\n",
		".herald.yml":          "version: 1\nbogus: true\n",
		"blog/2026/a/index.md": "---\ntitle: A\ndate: 2026-01-05\n---\n\nText.\n\n<!-- truncate -->\n\nMore.\n",
		"blog/2026/b/index.md": "---\ntitle: B\ndate: 2026-01-06\n---\n\nThe the text.\n\n<!-- truncate -->\n\nMore.\n",
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, _ := runCheckArgs(t, dir)
	if !strings.HasSuffix(stderr, " in 1 of 2 posts and .herald.yml\n") {
		t.Errorf("stderr %q, want the summary to count 1 of 2 posts and name .herald.yml\nout:\n%s", stderr, out)
	}
}

// TestCheckConfigFindingsPointAtTheValue: herald check shows each defect of
// .herald.yml at the line and column of the value concerned, naming the key
// of a wrong type and the strategy a slip meant.
func TestCheckConfigFindingsPointAtTheValue(t *testing.T) {
	dir := t.TempDir()
	for p, src := range map[string]string{
		"docusaurus.config.js": "module.exports = {};\n",
		".herald.yml":          "version: 1\napprovals: two\npublish:\n  strategy: drafts\n",
		"blog/2026/a/index.md": "---\ntitle: A\ndate: 2026-01-05\n---\n\nText.\n\n<!-- truncate -->\n\nMore.\n",
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := runCheckArgs(t, dir, "--color", "never")
	for _, want := range []string{
		`.herald.yml:2:12: error invalid-config: wrong type for approvals: want a whole number, not a string ("two")` + "\n",
		`.herald.yml:4:13: error invalid-config: unknown publish strategy "drafts" (did you mean "draft"? one of merge, draft, rebuild)` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s%s", want, out, stderr)
		}
	}
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
}
