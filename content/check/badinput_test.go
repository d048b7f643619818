package check

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/content"
)

// TestBadInput shows the finding a person sees for each kind of bad input.
func TestBadInput(t *testing.T) {
	marker := &fstest.MapFile{Data: []byte("export default {}\n")}
	bomb := "---\ntitle: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i, prev := 'b', 'a'; i <= 'j'; i, prev = i+1, i {
		bomb += string(i) + ": &" + string(i) + " [" + strings.Repeat("*"+string(prev)+",", 8) + "*" + string(prev) + "]\n"
	}
	bomb += "---\nbody\n"
	tests := []struct {
		name string
		post string
		cfg  string
		want string // path:line:col: severity rule: message (prefix)
	}{
		{"malformed yaml", "---\ntitle: Hello\ntags: [a, b\ndate: 2026-01-01\n---\nbody\n", "",
			"blog/post.md:3:1: error frontmatter-syntax: invalid YAML in front matter: did not find expected ',' or ']'"},
		{"tab indenting a key", "---\ntitle: Hello\ndate: 2026-01-01\n\tauthor: x\n---\nbody\n", "",
			"blog/post.md:4:1: error frontmatter-syntax: invalid YAML in front matter: a tab indents this line; YAML indents with spaces only"},
		{"tab indenting a nested key", "---\ntitle: Hello\nauthors:\n  a: 1\n  \tb: 2\n---\nbody\n", "",
			"blog/post.md:5:3: error frontmatter-syntax: invalid YAML in front matter: a tab indents this line; YAML indents with spaces only"},
		{"unclosed front matter", "---\ntitle: Hello\n\nbody\n", "",
			`blog/post.md:1:1: error frontmatter-syntax: the front matter opened with "---" on line 1 is never closed`},
		{"alias bomb", bomb, "", `blog/post.md:4:8: error frontmatter-syntax: the front matter's aliases expand to more than 10000 values (a "billion laughs")`},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "",
			"blog/post.md:3:1: error unreadable-file: this is a binary file (it has a NUL byte), not a Markdown post"},
		{"invalid utf-8", "---\ntitle: caf\xe9\n---\nbody\n", "",
			"blog/post.md:2:11: error unreadable-file: the file is not valid UTF-8 (byte 0xe9 at offset 14); save it as UTF-8"},
		{"front matter not a map", "---\n- a\n- b\n---\nbody\n", "",
			"blog/post.md:2:1: error frontmatter-syntax: the front matter must be a map of keys and values, not a list"},
		{"unknown profile", "---\ntitle: x\n---\nbody\n", "version: 1\nprofile: gatsby\n",
			`.herald.yml:2:10: error invalid-config: unknown site profile "gatsby" (known: docusaurus, hugo, jekyll); the profile is detected instead`},
		{"unknown time zone", "---\ntitle: x\n---\nbody\n", "version: 1\ntimezone: Europe/Berln\n",
			`.herald.yml:2:11: error invalid-config: unknown time zone "Europe/Berln" (use an IANA name such as Europe/Berlin); UTC is used instead`},
		{"unknown config key", "---\ntitle: x\n---\nbody\n", "version: 1\ntimezon: UTC\n",
			`.herald.yml:2:1: error invalid-config: unknown key "timezon" (did you mean "timezone"?)`},
		{"slip in the strategy", "---\ntitle: x\n---\nbody\n", "version: 1\npublish:\n  strategy: drafts\n",
			`.herald.yml:3:13: error invalid-config: unknown publish strategy "drafts" (did you mean "draft"? one of merge, draft, rebuild)`},
		{"config of the wrong type", "---\ntitle: x\n---\nbody\n", "version: 1\napprovals: two\n",
			`.herald.yml:2:12: error invalid-config: wrong type for approvals: want a whole number, not a string ("two")`},
		{"broken config yaml", "---\ntitle: x\n---\nbody\n", "version: 1\nrules: [\n",
			`.herald.yml:2:1: error invalid-config: invalid YAML: did not find expected node content`},
		{"dst gap", "---\ntitle: x\ndate: 2026-03-29 02:30\n---\nbody\n", "version: 1\ntimezone: Europe/Berlin\n",
			`blog/post.md:3:7: error date-dst: "2026-03-29 02:30" does not exist in Europe/Berlin`},
		{"unclosed fence", "---\ntitle: x\n---\n\n```go\nfunc main() {}\n", "",
			"blog/post.md:5:1: error unclosed-fence: this code fence is never closed"},
		{"lists nested 50,000 deep in 100 KB", "---\ntitle: x\n---\n\n" + strings.Repeat("- ", 50000) + "x\n", "",
			"blog/post.md:5:1: error unreadable-file: too deeply nested to check: lists or quotes 50000 levels deep here, limit 100"},
		{"a paragraph of 25,000 unclosed links", "---\ntitle: x\n---\n\n" + strings.Repeat("[a](", 25000) + "\n", "",
			"blog/post.md:5:1: error unreadable-file: too complex to check: 25000 [ brackets in one paragraph, limit 2000"},
		{"trojan source in code", "---\ntitle: x\n---\n\n```go\nif admin \u202e{\n```\n", "",
			"blog/post.md:6:10: error bidi-control: a bidirectional control character U+202E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"docusaurus.config.js": marker, "blog/post.md": {Data: []byte(tt.post)}}
			if tt.cfg != "" {
				fsys[".herald.yml"] = &fstest.MapFile{Data: []byte(tt.cfg)}
			}
			done := make(chan []Finding, 1)
			go func() { done <- checkMapFS(t, fsys) }()
			var got []Finding
			select {
			case got = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("check did not finish within 10s")
			}
			var lines []string
			for _, f := range got {
				lines = append(lines, f.String())
				if strings.HasPrefix(f.String(), tt.want) {
					t.Logf("%s", f)
					return
				}
			}
			t.Errorf("no finding starting with\n  %s\ngot:\n  %s", tt.want, strings.Join(lines, "\n  "))
		})
	}
}

func checkMapFS(t *testing.T, fsys fstest.MapFS) []Finding {
	ctx := context.Background()
	site, err := content.LoadSite(ctx, fsys)
	if err != nil {
		t.Errorf("LoadSite: %v", err)
		return nil
	}
	c := New(site.Config, WithNow(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }))
	fs, err := c.CheckSite(ctx, site)
	if err != nil {
		t.Errorf("CheckSite: %v", err)
	}
	return fs
}

// TestBadInputOnDisk covers inputs that need a real file system: a 50 MB
// post and a symbolic link leaving the repository.
func TestBadInputOnDisk(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.md")
	if err := os.WriteFile(secret, []byte("---\ntitle: secret\n---\nsecret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "docusaurus.config.js"), nil, 0o644))
	must(os.MkdirAll(filepath.Join(dir, "blog"), 0o755))
	must(os.Symlink(secret, filepath.Join(dir, "blog", "link.md")))
	must(os.Symlink("../../"+filepath.Base(outside)+"/secret.md", filepath.Join(dir, "blog", "rel.md")))
	big := bytes.Repeat([]byte("All work and no play makes a dull post. "), 50<<20/40+1)
	must(os.WriteFile(filepath.Join(dir, "blog", "big.md"), append([]byte("---\ntitle: big\n---\n"), big...), 0o644))

	site, err := content.LoadSite(context.Background(), os.DirFS(dir))
	must(err)
	got, err := New(site.Config).CheckSite(context.Background(), site)
	must(err)
	want := []string{
		"blog/big.md:1:1: error unreadable-file: the file is 50.0 MB; herald checks posts up to 10 MB",
		"blog/link.md:1:1: error unreadable-file: this is a symbolic link to " + secret + " leaves the repository; not followed",
		"blog/rel.md:1:1: error unreadable-file: this is a symbolic link to ../../",
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
		if strings.Contains(f.Message, "secret") && !strings.Contains(f.Message, "symbolic link") {
			t.Errorf("content behind a link was read: %s", f)
		}
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing %q in:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}
