package gitrepo_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald/gitrepo"
)

// gitIn runs git in dir for a test.
func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Ada", "-c", "user.email=ada@example.com"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v: %s", args, err, out)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadRange(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command")
	}
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(dir, "site/blog/a.md"), "a\n")
	writeFile(t, filepath.Join(dir, "site/blog/b.md"), "b\n")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "one")
	writeFile(t, filepath.Join(dir, "site/blog/c.md"), "c\n")
	writeFile(t, filepath.Join(dir, "other.md"), "o\n")
	gitIn(t, dir, "mv", "site/blog/b.md", "site/blog/moved.md")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "two")

	r, err := gitrepo.ReadRange(context.Background(), filepath.Join(dir, "site"), "HEAD~1..HEAD")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !slices.Equal(r.Changed, []string{"blog/c.md"}) || !slices.Equal(r.Moved, []string{"blog/moved.md"}) {
		t.Errorf("changed %q, moved %q; want [blog/c.md], [blog/moved.md]", r.Changed, r.Moved)
	}
	if b, err := r.Files.(interface{ ReadFile(string) ([]byte, error) }).ReadFile("blog/c.md"); err != nil || string(b) != "c\n" {
		t.Errorf("blog/c.md at HEAD = %q, %v", b, err)
	}

	for _, tt := range []struct{ spec, want string }{
		{"HEAD", `want BASE..HEAD or BASE...HEAD, got "HEAD"`},
		{"-x..HEAD", `want BASE..HEAD or BASE...HEAD, got "-x..HEAD"`},
		{"HEAD~1..nope", "nope is not a commit of "},
	} {
		if _, err := gitrepo.ReadRange(context.Background(), dir, tt.spec); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadRange(%q) = %v, want %q", tt.spec, err, tt.want)
		}
	}
}

func TestInspectWorkTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command")
	}
	ctx := context.Background()
	bare := filepath.Join(t.TempDir(), "site.git")
	gitIn(t, filepath.Dir(bare), "init", "-q", "--bare", bare)
	if wt, err := gitrepo.InspectWorkTree(ctx, bare); err != nil || wt != nil {
		t.Errorf("bare repository: %+v, %v; want nil, nil", wt, err)
	}
	if wt, err := gitrepo.InspectWorkTree(ctx, "https://example.com/site.git"); err != nil || wt != nil {
		t.Errorf("URL: %+v, %v; want nil, nil", wt, err)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	gitIn(t, filepath.Dir(clone), "clone", "-q", bare, clone)
	wt, err := gitrepo.InspectWorkTree(ctx, clone)
	if err != nil || wt == nil {
		t.Fatalf("clone: %+v, %v", wt, err)
	}
	if wt.Remote != "origin" || wt.URL != bare || wt.AcceptsPush {
		t.Errorf("clone: %+v; want remote origin at %s, no pushes accepted", wt, bare)
	}
}

func TestIsRemoteURL(t *testing.T) {
	for _, tt := range []struct {
		remote string
		want   bool
	}{
		{"https://example.com/site.git", true},
		{"git@example.com:acme/site.git", true},
		{"/srv/site.git", false},
		{"../site", false},
		{"dir/a@b:c", false},
	} {
		if got := gitrepo.IsRemoteURL(tt.remote); got != tt.want {
			t.Errorf("IsRemoteURL(%q) = %v, want %v", tt.remote, got, tt.want)
		}
	}
}
