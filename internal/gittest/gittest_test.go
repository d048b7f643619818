package gittest_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/gittest"
)

// git runs the git command as a client and returns its output and error.
func git(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(cmd.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

func TestServerServesCloneAndPush(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "a\n", "dir/b.md": "b\n"})
	pr := repo.CreatePullRef(4, "main", map[string]string{"c.md": "c\n"})

	out, err := git(t, "", "ls-remote", repo.URL)
	if err != nil {
		t.Fatalf("ls-remote: %v\n%s", err, out)
	}
	for _, want := range []string{repo.Ref("main") + "\tHEAD", repo.Ref("main") + "\trefs/heads/main", pr + "\trefs/pull/4/head"} {
		if !strings.Contains(out, want) {
			t.Errorf("ls-remote lacks %q:\n%s", want, out)
		}
	}

	work := t.TempDir()
	if out, err := git(t, work, "clone", "--quiet", repo.URL, "w"); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "--quiet", "--allow-empty", "-m", "empty"},
		{"push", "--quiet", "origin", "main"},
	} {
		if out, err := git(t, work+"/w", args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if n := repo.CommitCount("main"); n != 2 {
		t.Errorf("commits after push = %d, want 2", n)
	}
	if st := srv.Stats(); st.Requests == 0 || st.BytesSent == 0 || st.BytesReceived == 0 {
		t.Errorf("stats not counted: %+v", st)
	}
	srv.ResetStats()
	if st := srv.Stats(); st != (gittest.Stats{}) {
		t.Errorf("after reset: %+v", st)
	}
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": strings.Repeat("a\n", 10000)})
	tests := []struct {
		name  string
		fault gittest.Fault
		want  string
	}{
		{"500", gittest.Fault{Kind: gittest.Status500, Match: "info/refs", Times: 1}, "500"},
		{"close mid-response", gittest.Fault{Kind: gittest.CloseMidResponse, Match: "git-upload-pack", Times: 1}, ""},
		{"truncated pack", gittest.Fault{Kind: gittest.TruncatePack, Match: "git-upload-pack", Times: 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.InjectFault(tt.fault)
			defer srv.ClearFaults()
			out, err := git(t, t.TempDir(), "clone", "--quiet", "--bare", repo.URL, "x.git")
			if err == nil {
				t.Fatalf("clone succeeded despite %v", tt.fault.Kind)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("git said %q, want %q", out, tt.want)
			}
			// Times: 1 means the next clone works.
			if out, err := git(t, t.TempDir(), "clone", "--quiet", "--bare", repo.URL, "y.git"); err != nil {
				t.Errorf("clone after the fault: %v\n%s", err, out)
			}
		})
	}
	t.Run("refuse and accept", func(t *testing.T) {
		srv.Refuse()
		out, err := git(t, "", "ls-remote", repo.URL)
		srv.Accept()
		if err == nil || !strings.Contains(out, "Connection refused") && !strings.Contains(out, "Failed to connect") {
			t.Errorf("ls-remote while refusing: %v\n%s", err, out)
		}
		if out, err := git(t, "", "ls-remote", repo.URL); err != nil {
			t.Errorf("ls-remote after Accept: %v\n%s", err, out)
		}
	})
}

func TestServerToken(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.WithToken("tok"))
	repo := srv.NewRepo("private", map[string]string{"a.md": "a\n"})
	if out, err := git(t, "", "ls-remote", repo.URL); err == nil {
		t.Errorf("ls-remote without token succeeded:\n%s", out)
	}
	withToken := strings.Replace(repo.URL, "http://", "http://x-access-token:tok@", 1)
	if out, err := git(t, "", "ls-remote", withToken); err != nil {
		t.Errorf("ls-remote with token: %v\n%s", err, out)
	}
}

func TestBareRepoChanges(t *testing.T) {
	t.Parallel()
	repo := gittest.NewBareRepo(t, map[string]string{"a.md": "a\n", "gone.md": "g\n"})
	first := repo.Ref("main")
	second := repo.Apply(gittest.Change{
		Ref:         "refs/heads/main",
		Files:       map[string]string{"b.md": "b\n"},
		Executables: map[string]string{"run.sh": "#!/bin/sh\n"},
		Symlinks:    map[string]string{"link": "a.md"},
		Delete:      []string{"gone.md"},
		Message:     "second",
	})
	if got := repo.Git("rev-parse", "main~1"); got != first {
		t.Errorf("parent = %s, want %s", got, first)
	}
	if got := repo.Git("ls-tree", "-r", "--format=%(objectmode) %(path)", second); got != "100644 a.md\n100644 b.md\n120000 link\n100755 run.sh" {
		t.Errorf("tree:\n%s", got)
	}
	if got := repo.Git("log", "-1", "--format=%s", "main"); got != "second" {
		t.Errorf("message = %q", got)
	}
	repo.SetRef("refs/heads/other", first)
	if got := repo.Ref("refs/heads/other"); got != first {
		t.Errorf("other = %s", got)
	}
	repo.SetRef("refs/heads/other", "")
	if got := repo.Ref("refs/heads/other"); got != "" {
		t.Errorf("deleted ref = %s", got)
	}
	if !strings.HasPrefix(repo.URL, "file://") {
		t.Errorf("URL = %s", repo.URL)
	}
}
