package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// gitIn runs git in dir and fails the test on an error.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=ada", "GIT_COMMITTER_EMAIL=ada@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestPublishDueWorkTree runs herald publish --due --repo on a normal clone:
// the due draft is published on the repository it was cloned from, once,
// and a work tree with no remote is refused with what to pass instead.
func TestPublishDueWorkTree(t *testing.T) {
	t.Parallel()
	far := rfc(time.Now().Add(72 * time.Hour))
	files := siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Hour)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	})
	for _, tc := range []struct {
		name   string
		origin func(t *testing.T) *gittest.Repo
	}{
		{"http", func(t *testing.T) *gittest.Repo { return gittest.NewServer(t).NewRepo("site", files) }},
		{"file", func(t *testing.T) *gittest.Repo { return gittest.NewBareRepo(t, files) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			origin := tc.origin(t)
			clone := filepath.Join(t.TempDir(), "blog")
			gitIn(t, ".", "clone", "--quiet", origin.URL, clone)
			data := t.TempDir()

			r := herald(t, nil, "publish", "--due", "--repo", clone, "--data-dir", data)
			want := regexp.MustCompile(`^[0-9a-f]{7}  publish: Example Project 1\.4 is out \(main of ` + regexp.QuoteMeta(origin.URL) + `\)\n$`)
			if r.code != 0 || !want.MatchString(r.stdout) {
				t.Fatalf("publish from a clone: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if n := origin.CommitCount("refs/heads/main"); n != 2 {
				t.Errorf("commits on the origin's main = %d, want 2", n)
			}
			// The clone is untouched: its checked-out branch was never
			// pushed to.
			if n := gitIn(t, clone, "rev-list", "--count", "HEAD"); n != "1" {
				t.Errorf("commits in the clone = %s, want 1", n)
			}
			r = herald(t, nil, "publish", "--due", "--repo", clone, "--data-dir", data)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "Nothing due: ") || r.stderr != "" || origin.CommitCount("refs/heads/main") != 2 {
				t.Errorf("second run: exit %d, %d commits, stdout %q, stderr %q; want 0, 2 and \"Nothing due: ...\"", r.code, origin.CommitCount("refs/heads/main"), r.stdout, r.stderr)
			}
			// The log says which repository was used.
			r = herald(t, nil, "schedule", "--repo", clone, "--data-dir", data, "--log-level", "info")
			if r.code != 0 || !strings.Contains(r.stderr, "acting on the repository it was cloned from") || !strings.Contains(r.stderr, "remote=origin") {
				t.Errorf("schedule from a clone: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}

	t.Run("upstream remote", func(t *testing.T) {
		t.Parallel()
		origin := gittest.NewBareRepo(t, files)
		clone := filepath.Join(t.TempDir(), "blog")
		gitIn(t, ".", "clone", "--quiet", "--origin", "upstream", origin.URL, clone)
		gitIn(t, clone, "remote", "add", "origin", "/nonexistent/fork.git")
		r := herald(t, nil, "publish", "--due", "--repo", clone, "--data-dir", t.TempDir())
		if r.code != 0 || !strings.Contains(r.stdout, "(main of "+origin.URL+")") || origin.CommitCount("refs/heads/main") != 2 {
			t.Errorf("publish through the upstream's remote: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("relative remote, from a subdirectory", func(t *testing.T) {
		t.Parallel()
		origin := gittest.NewBareRepo(t, files)
		top := t.TempDir()
		clone := filepath.Join(top, "blog")
		gitIn(t, ".", "clone", "--quiet", origin.URL, clone)
		if err := os.Rename(origin.Dir, filepath.Join(top, "site.git")); err != nil {
			t.Fatal(err)
		}
		gitIn(t, clone, "remote", "set-url", "origin", "../site.git")
		r := herald(t, nil, "publish", "--due", "--repo", filepath.Join(clone, "blog"), "--data-dir", t.TempDir())
		moved := filepath.Join(top, "site.git")
		if r.code != 0 || !strings.Contains(r.stdout, "(main of "+moved+")") {
			t.Errorf("publish through a relative remote: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		if n := gitIn(t, moved, "rev-list", "--count", "main"); n != "2" {
			t.Errorf("commits on the origin's main = %s, want 2", n)
		}
	})

	t.Run("no remote", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "blog")
		gitIn(t, ".", "init", "--quiet", "--initial-branch=main", dir)
		for p, body := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		gitIn(t, dir, "add", ".")
		gitIn(t, dir, "commit", "--quiet", "-m", "site")

		r := herald(t, nil, "publish", "--due", "--repo", dir, "--data-dir", t.TempDir())
		want := "herald publish: --repo " + dir + " is a work tree without a remote: Git refuses pushes to its checked-out branch, so herald cannot publish there; pass the bare repository or the URL the site deploys from (--repo URL), or add it with git remote add origin URL\n"
		if r.code != 2 || r.stdout != "" || r.stderr != want {
			t.Errorf("no remote: exit %d, stdout %q, stderr %q; want 2 and\n%s", r.code, r.stdout, r.stderr, want)
		}
		if n := gitIn(t, dir, "rev-list", "--count", "HEAD"); n != "1" {
			t.Errorf("commits in the work tree = %s, want 1", n)
		}
		// Reading needs no push: the schedule of the work tree itself.
		r = herald(t, nil, "schedule", "--repo", dir, "--data-dir", t.TempDir())
		if r.code != 0 || !strings.Contains(r.stdout, "blog/fosdem-recap/index.md") {
			t.Errorf("schedule of a work tree without a remote: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
}

// TestServeWorkTree runs herald serve --repo on a normal clone: it logs the
// repository it acts on and publishes the due draft there, once.
func TestServeWorkTree(t *testing.T) {
	t.Parallel()
	far := rfc(time.Now().Add(72 * time.Hour))
	origin := gittest.NewServer(t).NewRepo("site", siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Minute)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	}))
	clone := filepath.Join(t.TempDir(), "blog")
	gitIn(t, ".", "clone", "--quiet", origin.URL, clone)
	p := startServeProc(t, nil, "--repo", clone, "--poll", "1m")
	p.waitFor("the publish commit on the origin", time.Minute, func() bool { return origin.CommitCount("refs/heads/main") == 2 })
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	want := `"msg":"--repo is a work tree: acting on the repository it was cloned from","repo":"` + clone + `","remote":"origin","url":"` + origin.URL + `"`
	p.waitFor("the remote's URL in the log", time.Minute, func() bool { return strings.Contains(p.logs.String(), want) })
	if code := p.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d", code)
	}
	if n := origin.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("commits on the origin's main = %d, want 2", n)
	}
}
