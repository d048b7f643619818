package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	var got []jsonFinding
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
	for _, format := range []string{"text", "json", "sarif", "github"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := runCheckArgs(t, fosdem, "--format", format)
			if code != exitFindings {
				t.Fatalf("exit %d; stderr %s", code, stderr)
			}
			switch format {
			case "text":
				if !strings.Contains(out, fosdemPost+":14:303: error repeated-word: ") {
					t.Errorf("text output:\n%s", out)
				}
				if want := "herald check: 4 errors, 4 warnings in 1 of 1 posts\n"; stderr != want {
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
	want := "herald check: no posts found: the docusaurus profile (the default: no docusaurus.config.*, hugo.toml or _config.yml found) looks for blog/**/*.md, blog/**/*.mdx\n"
	if code != exitOK || out != "" || stderr != want {
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
	if want := "herald check: 4 errors, 5 warnings in 1 of 1 posts\n"; stderr != want {
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
	var got []jsonFinding
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
