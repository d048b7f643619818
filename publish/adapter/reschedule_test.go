package adapter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

func TestRescheduleOnBranch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	post := "---\ntitle: Hello\ndate: \"2026-03-02 09:00\" # Berlin time\ndraft: false\n---\nBody\n"
	_, repo := newRepo(t, map[string]string{"docusaurus.config.js": "x\n"})
	repo.Apply(gittestChange("refs/heads/post-hello", map[string]string{"blog/a.md": post}))
	m := openMirror(t, repo.URL)
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 10, 9, 30, 0, 0, ny)
	moved := false
	b := &hookBranch{Branch: adapter.NewBranch(m, "post-hello", herald), before: func() {
		// The author pushes while herald reschedules.
		repo.Commit("refs/heads/post-hello", map[string]string{"blog/img.txt": "x"})
		moved = true
	}}
	r := publish.Reschedule{Path: "blog/a.md", At: at, Zone: ny, Profile: docusaurus(t), Location: ber,
		By: "ann", Now: now}
	c, err := publish.RescheduleOnBranch(ctx, b, r)
	if err != nil {
		t.Fatal(err)
	}
	if !moved || c != repo.Ref("refs/heads/post-hello") {
		t.Fatalf("commit %s, branch at %s", c, repo.Ref("refs/heads/post-hello"))
	}
	want := strings.Replace(post, "2026-03-02 09:00", "2026-03-10T09:30:00-04:00", 1)
	if got := repo.ReadFile(c, "blog/a.md"); got != want {
		t.Errorf("post:\n%q\nwant\n%q", got, want)
	}
	if got := repo.ReadFile(c, "blog/img.txt"); got != "x" {
		t.Errorf("the author's push was lost")
	}
	msg := repo.Git("log", "-1", "--format=%B", c)
	if !strings.HasPrefix(msg, "schedule: blog/a.md for 2026-03-10 13:30 UTC (09:30 EDT, America/New_York)") || !strings.Contains(msg, "@ann") {
		t.Errorf("message %q", msg)
	}
	// Asked again: the post already says so; nothing is pushed.
	c2, err := publish.RescheduleOnBranch(ctx, adapter.NewBranch(m, "post-hello", herald), r)
	if err != nil || c2 != "" {
		t.Errorf("second reschedule: %q %v", c2, err)
	}

	// A post missing from the branch is a clear error.
	r.Path = "blog/missing.md"
	_, err = publish.RescheduleOnBranch(ctx, adapter.NewBranch(m, "post-hello", herald), r)
	if err == nil || !strings.Contains(err.Error(), "reschedule blog/missing.md: the post is not on the branch at") {
		t.Errorf("missing post: %v", err)
	}
	// So is a deleted branch.
	r.Path = "blog/a.md"
	_, err = publish.RescheduleOnBranch(ctx, adapter.NewBranch(m, "gone", herald), r)
	if err == nil || errors.Is(err, publish.ErrBranchMoved) || !strings.Contains(err.Error(), "the branch no longer exists") {
		t.Errorf("deleted branch: %v", err)
	}
}
