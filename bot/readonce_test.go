package bot

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// TestReadOnce: within one reconcile, the conversation and the statuses
// read are not read again, and herald's writes over them keep them as the
// forge now holds them; a write over nothing read reads first, as the
// forge's own methods do. A review goes over the pull request and the diff
// as its caller read them.
func TestReadOnce(t *testing.T) {
	const head = "1111111111111111111111111111111111111111"
	patch := "@@ -0,0 +1,5 @@\n+---\n+title: Hello\n+---\n+\n+the the post"
	start := func(t *testing.T) (*fakegithub.Server, *readOnce, int) {
		t.Helper()
		fake := fakegithub.New(t, fakegithub.Options{})
		fake.AddToken("tok", "herald-bot")
		fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
		n := fake.AddPR("acme/blog", fakegithub.PR{Title: "Add hello", Author: "alice", HeadRef: "hello", HeadSHA: head,
			BaseSHA: "2222222222222222222222222222222222222222",
			Files:   []fakegithub.File{{Path: "blog/hello.md", Status: "added", Additions: 5, Patch: patch}}})
		c, err := github.NewTokenClient("tok", "acme", "blog", github.Options{BaseURL: fake.URL(), Transport: fake.Client().Transport,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Login(context.Background()); err != nil {
			t.Fatal(err)
		}
		return fake, newReadOnce(c), n
	}
	calls := func(fake *fakegithub.Server, from int) map[string]int {
		out := map[string]int{}
		for _, r := range fake.Requests()[from:] {
			out[r.Op]++
		}
		return out
	}
	ctx := context.Background()
	tests := []struct {
		name string
		do   func(t *testing.T, r *readOnce, n int)
		want map[string]int
	}{
		{"a comment upserted twice over the conversation read", func(t *testing.T, r *readOnce, n int) {
			if _, err := r.IssueComments(ctx, n); err != nil {
				t.Fatal(err)
			}
			for _, body := range []string{"first", "second", "second"} {
				if _, err := r.UpsertComment(ctx, n, "summary", body); err != nil {
					t.Fatal(err)
				}
			}
			cs, err := r.IssueComments(ctx, n)
			if err != nil || len(cs) != 1 || cs[0].Body != forge.Marker("summary", 1)+"\nsecond" {
				t.Errorf("comments as kept = %+v, %v", cs, err)
			}
		}, map[string]int{"issues/list-comments": 1, "issues/create-comment": 1, "issues/update-comment": 1}},
		{"a comment upserted with nothing read", func(t *testing.T, r *readOnce, n int) {
			if _, err := r.UpsertComment(ctx, n, "summary", "first"); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"issues/list-comments": 1, "issues/create-comment": 1}},
		{"a status set twice over the statuses read", func(t *testing.T, r *readOnce, n int) {
			if _, err := r.CombinedStatus(ctx, head); err != nil {
				t.Fatal(err)
			}
			st := forge.Status{Context: "herald/schedule", State: forge.StatusPending, Description: "due"}
			for i, want := range []bool{true, false} {
				if wrote, err := r.SetStatus(ctx, head, st); wrote != want || err != nil {
					t.Errorf("SetStatus #%d = %v, %v; want %v", i, wrote, err, want)
				}
			}
			cs, err := r.CombinedStatus(ctx, head)
			if err != nil || len(cs.Statuses) != 1 || cs.Statuses[0] != st {
				t.Errorf("statuses as kept = %+v, %v", cs.Statuses, err)
			}
		}, map[string]int{"repos/get-combined-status-for-ref": 1, "repos/create-commit-status": 1}},
		{"a review over the pull request and diff as read", func(t *testing.T, r *readOnce, n int) {
			p, err := r.PR(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			files, err := r.ChangedFiles(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.CreateReviewOn(ctx, p, files, forge.ReviewRequest{CommitID: head, Comments: []forge.ReviewComment{{Path: "blog/hello.md", Line: 5, Body: "x"}}})
			if err != nil || len(res.Posted) != 1 {
				t.Errorf("CreateReviewOn = %+v, %v", res, err)
			}
		}, map[string]int{"pulls/get": 1, "pulls/list-files": 1, "pulls/create-review": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, r, n := start(t)
			from := len(fake.Requests())
			tt.do(t, r, n)
			if diff := cmp.Diff(tt.want, calls(fake, from)); diff != "" {
				t.Errorf("calls by operation (-want +got):\n%s", diff)
			}
		})
	}
}
