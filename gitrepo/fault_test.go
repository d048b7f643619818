package gitrepo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestFetchFaults breaks a fetch in the ways networks and servers do and
// checks that each gives a clear error, changes no ref, and that the
// mirror fetches normally afterwards, also when reopened from disk.
func TestFetchFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		inject  func(srv *gittest.Server)
		restore func(srv *gittest.Server)
		want    string // substring of the error a person sees
	}{
		{
			name:    "connection refused",
			inject:  func(srv *gittest.Server) { srv.Refuse() },
			restore: func(srv *gittest.Server) { srv.Accept() },
			want:    "connection refused",
		},
		{
			name: "500 on the ref advertisement",
			inject: func(srv *gittest.Server) {
				srv.InjectFault(gittest.Fault{Kind: gittest.Status500, Match: "info/refs", Times: 1})
			},
			want: "500",
		},
		{
			name: "500 on the pack exchange",
			inject: func(srv *gittest.Server) {
				srv.InjectFault(gittest.Fault{Kind: gittest.Status500, Match: "git-upload-pack", Times: 1})
			},
			want: "500",
		},
		{
			name: "server closes mid-advertisement",
			inject: func(srv *gittest.Server) {
				srv.InjectFault(gittest.Fault{Kind: gittest.CloseMidResponse, Match: "info/refs", Times: 1})
			},
			want: "the transfer was cut short: unexpected EOF",
		},
		{
			name: "server closes mid-pack",
			inject: func(srv *gittest.Server) {
				srv.InjectFault(gittest.Fault{Kind: gittest.CloseMidResponse, Match: "git-upload-pack", Times: 1})
			},
			want: "the transfer was cut short: unexpected EOF",
		},
		{
			name: "truncated pack",
			inject: func(srv *gittest.Server) {
				srv.InjectFault(gittest.Fault{Kind: gittest.TruncatePack, Match: "git-upload-pack", Times: 1})
			},
			want: "the transfer was cut short: unexpected EOF",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := gittest.NewServer(t)
			files := map[string]string{}
			for i := range 40 {
				files["blog/post-"+string(rune('a'+i%26))+string(rune('a'+i/26))+".md"] = strings.Repeat("some text to make a pack worth cutting\n", 50+i)
			}
			repo := srv.NewRepo("site", files)
			dataDir := t.TempDir()
			m := open(t, newCacheIn(t, dataDir), repo.URL)
			before := resolve(t, m, "main")
			big := map[string]string{}
			for i := range 20 {
				big["blog/new-"+string(rune('a'+i))+".md"] = strings.Repeat("fresh words in a new post "+string(rune('a'+i))+"\n", 80)
			}
			after := repo.Commit("refs/heads/main", big)

			tt.inject(srv)
			err := m.Fetch(ctx, "refs/heads/main")
			if tt.restore != nil {
				tt.restore(srv)
			}
			srv.ClearFaults()
			if err == nil {
				t.Fatal("Fetch succeeded despite the fault")
			}
			t.Logf("error shown: %v", err)
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "fetch refs/heads/main from "+repo.URL+": ") {
				t.Errorf("error = %q, want it to name the ref, the remote and %q", err, tt.want)
			}
			if got := resolve(t, m, "main"); got != before {
				t.Errorf("failed fetch moved main to %s", got)
			}

			// Usable afterwards, in this process and after a restart.
			if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
				t.Fatalf("fetch after the fault: %v", err)
			}
			if got := resolve(t, m, "main").String(); got != after {
				t.Errorf("main = %s, want %s", got, after)
			}
			m2 := open(t, newCacheIn(t, dataDir), repo.URL)
			if got := readFile(t, m2, hash(t, after), "blog/new-c.md"); !strings.HasPrefix(got, "fresh words") {
				t.Errorf("after reopen: %q", got)
			}
		})
	}
}

func TestCloneFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("nothing listens", func(t *testing.T) {
		url := gittest.RefusedURL(t)
		_, err := newCache(t).Open(ctx, url, gitrepo.Anonymous())
		if err == nil || !strings.HasPrefix(err.Error(), "open mirror of "+url+": list remote refs: ") || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("truncated pack, then retry", func(t *testing.T) {
		srv := gittest.NewServer(t)
		repo := srv.NewRepo("site", map[string]string{"a.md": strings.Repeat("a\n", 5000), "b.md": strings.Repeat("b\n", 5000)})
		srv.InjectFault(gittest.Fault{Kind: gittest.TruncatePack, Match: "git-upload-pack", Times: 1})
		c := newCache(t)
		if _, err := c.Open(ctx, repo.URL, gitrepo.Anonymous()); err == nil {
			t.Fatal("Open succeeded with a truncated pack")
		} else {
			t.Logf("error shown: %v", err)
		}
		m := open(t, c, repo.URL)
		if got := resolve(t, m, "main").String(); got != repo.Ref("refs/heads/main") {
			t.Errorf("main = %s", got)
		}
	})
	t.Run("repository does not exist", func(t *testing.T) {
		srv := gittest.NewServer(t)
		_, err := newCache(t).Open(ctx, srv.URL+"/missing.git", gitrepo.Anonymous())
		if err == nil || !strings.Contains(err.Error(), "repository not found") {
			t.Errorf("error = %v", err)
		}
	})
}

func TestPushFault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"post.md": "draft: true\n"})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	commit, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Files: map[string][]byte{"post.md": []byte("draft: false\n")},
		Message: "publish", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(gittest.Fault{Kind: gittest.Status500, Match: "git-receive-pack", Times: 1})
	err = m.Push(ctx, "main", commit, tip)
	if err == nil || errors.Is(err, gitrepo.ErrBranchMoved) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Push through a 500 = %v, want a plain error naming the status", err)
	}
	if got := repo.Ref("refs/heads/main"); got != tip.String() {
		t.Fatalf("remote moved to %s", got)
	}
	if got := resolve(t, m, "main"); got != tip {
		t.Fatalf("mirror moved to %s", got)
	}
	if err := m.Push(ctx, "main", commit, tip); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := repo.ReadFile("main", "post.md"); got != "draft: false\n" {
		t.Errorf("post.md = %q", got)
	}
}
