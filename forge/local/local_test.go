package local_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/local"
	"github.com/heraldhq/herald/internal/gittest"
)

func TestRepo(t *testing.T) {
	srv := gittest.NewServer(t)
	overHTTP := srv.NewRepo("site", map[string]string{"README.md": "hi\n"})
	onDisk := gittest.NewBareRepo(t, map[string]string{"README.md": "hi\n"})
	trunk := gittest.NewBareRepo(t, map[string]string{"README.md": "hi\n"})
	trunk.SetRef("refs/heads/trunk", trunk.Ref("refs/heads/main"))
	trunk.Git("symbolic-ref", "HEAD", "refs/heads/trunk")
	trunk.SetRef("refs/heads/main", "")

	tests := []struct {
		name, remote string
		want         forge.Repo
	}{
		{"HTTP URL", overHTTP.URL, forge.Repo{Owner: "local", Name: "site", DefaultBranch: "main", CloneURL: overHTTP.URL}},
		{"file URL", onDisk.URL, forge.Repo{Owner: "local", Name: filepath.Base(strings.TrimSuffix(onDisk.Dir, ".git")), DefaultBranch: "main", CloneURL: onDisk.URL}},
		{"path", onDisk.Dir, forge.Repo{Owner: "local", Name: filepath.Base(strings.TrimSuffix(onDisk.Dir, ".git")), DefaultBranch: "main", CloneURL: onDisk.Dir}},
		{"HEAD names another branch", trunk.Dir, forge.Repo{Owner: "local", Name: filepath.Base(strings.TrimSuffix(trunk.Dir, ".git")), DefaultBranch: "trunk", CloneURL: trunk.Dir}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := local.New(tt.remote)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Repo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Repo (-want +got):\n%s", diff)
			}
			prs, err := r.ListOpenPRs(context.Background())
			if err != nil || len(prs) != 0 {
				t.Errorf("ListOpenPRs = %v, %v; want none", prs, err)
			}
		})
	}
}

func TestRepoErrors(t *testing.T) {
	empty := gittest.NewBareRepo(t, nil)
	tests := []struct {
		name, remote, want string
		is                 error
	}{
		{"missing path", filepath.Join(t.TempDir(), "nope.git"), "no such file or directory", nil},
		{"empty repository", empty.Dir, "the repository has no branch", local.ErrEmpty},
		{"refused URL", gittest.RefusedURL(t), "list the references of", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := local.New(tt.remote)
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Repo(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.remote) {
				t.Fatalf("err = %v, want one naming %s and saying %q", err, tt.remote, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want it to match %v", err, tt.is)
			}
		})
	}
	if _, err := local.New(" "); err == nil {
		t.Error("New accepted a blank repository")
	}
}

func TestName(t *testing.T) {
	for remote, want := range map[string]string{
		"/srv/git/site.git":                  "site",
		"/srv/git/site/.git":                 "site",
		"/srv/git/site/":                     "site",
		"https://git.example.com/a/blog.git": "blog",
		"git@example.com:team/docs.git":      "docs",
		"ssh://git@example.com/team/www":     "www",
		"file:///tmp/x/demo.git":             "demo",
	} {
		r, err := local.New(remote)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Name(); got != want {
			t.Errorf("Name of %s = %q, want %q", remote, got, want)
		}
	}
}

func TestToken(t *testing.T) {
	srv := gittest.NewServer(t, gittest.WithToken("s3cret"))
	repo := srv.NewRepo("private", map[string]string{"README.md": "hi\n"})

	anon, err := local.New(repo.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anon.Repo(context.Background()); err == nil {
		t.Error("Repo without the token succeeded")
	}
	r, err := local.New(repo.URL, local.WithToken("", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Repo(context.Background())
	if err != nil || got.DefaultBranch != "main" {
		t.Fatalf("Repo = %+v, %v", got, err)
	}
	creds, err := r.GitCredentials(context.Background())
	if err != nil || creds.Username != local.DefaultUser || creds.Password != "s3cret" {
		t.Errorf("GitCredentials = %v, %v", creds, err)
	}
	if _, err := local.New("https://me:pw@example.com/site.git"); err == nil || !strings.Contains(err.Error(), "carries a password") {
		t.Errorf("New with a password in the URL: %v", err)
	}
}

// TestTokenKeptOutOfErrors: a token given as the user of an https URL (as
// GitHub accepts it) or with WithToken never shows in an error or in String.
func TestTokenKeptOutOfErrors(t *testing.T) {
	const token = "ghp-s3cr3t-4ab1e9"
	srv := gittest.NewServer(t, gittest.WithToken("another"))
	repo := srv.NewRepo("private", map[string]string{"README.md": "hi\n"})
	failing := gittest.NewServer(t)
	broken := failing.NewRepo("broken", map[string]string{"README.md": "hi\n"})
	failing.InjectFault(gittest.Fault{Kind: gittest.Status500})
	withUser := func(u string) string { return strings.Replace(u, "://", "://"+token+"@", 1) }
	tests := []struct {
		name, remote string
		opts         []local.Option
	}{
		{"token as the URL's user, refused", withUser(repo.URL), nil},
		{"token as the URL's user, server error", withUser(broken.URL), nil},
		{"token given apart, server error", broken.URL, []local.Option{local.WithToken("", token)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := local.New(tt.remote, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(r.String(), token) {
				t.Errorf("String() = %q shows the token", r.String())
			}
			_, err = r.Repo(context.Background())
			if err == nil {
				t.Fatal("Repo succeeded")
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error shows the token: %v", err)
			}
			if !strings.Contains(err.Error(), "list the references of http://redacted@") && tt.opts == nil {
				t.Errorf("the error does not name the remote without its token: %v", err)
			}
		})
	}
}
