package bot_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/webhook"
)

// callsPost is a one-post pull request's post with a fixable slip on line 8
// (an inline suggestion) and, with extra, a second one in its last line.
func callsPost(title, extra string) string {
	return "---\ntitle: " + title + "\nauthors: [ada]\ntags: [events]\ndate: 2026-02-03T10:00:00+01:00\n---\n\n" +
		"An opening paragraph about the the conference.\n\n<!-- truncate -->\n\nThe talks were recorded.\n" + extra
}

// TestPullRequestReconcileCalls counts the GitHub API calls, by operation,
// of the reconcile of one pull_request delivery after a push to a one-post
// pull request: each thing is read once per reconcile and written only when
// it changes. Review comments are read a second time only after herald posts
// suggestions, to see a second replica's copies of them.
func TestPullRequestReconcileCalls(t *testing.T) {
	// Every reconcile of a new head reads these once and writes the check
	// run, the schedule status and the summary comment (its text names the
	// head). The repository is not read: the pull request names it.
	always := map[string]int{
		"pulls/get":                         1,
		"issues/list-comments":              1,
		"repos/get-combined-status-for-ref": 1,
		"checks/list-for-ref":               1,
		"pulls/list-files":                  1,
		"pulls/list-review-comments":        1,
		"pulls/list-reviews":                1,
		"issues/update-comment":             1,
		"checks/create":                     1,
		"repos/create-commit-status":        1,
	}
	with := func(more map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range always {
			out[k] = v
		}
		for k, v := range more {
			out[k] += v
		}
		return out
	}
	tests := []struct {
		name string
		post string
		want map[string]int
	}{
		{"the suggestions stay as they are", callsPost("Pushed again", "We met met there.\n"), always},
		{"a new slip and one fixed", callsPost("Pushed again", "We were were there.\n"),
			with(map[string]int{"pulls/create-review": 1, "pulls/list-review-comments": 1, "pulls/delete-review-comment": 1})},
		{"a slip fixed", callsPost("Pushed again", "We met there.\n"),
			with(map[string]int{"pulls/delete-review-comment": 1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, benchSiteFiles)
			baseSHA := w.git.Ref("refs/heads/main")
			w.openPR(1, map[string]string{newPath: callsPost("First", "We met met there.\n")})
			req := webhook.Request{Repo: fullName, PR: 1, InstallationID: instID, Event: "pull_request", Action: "synchronize"}
			ctx := context.Background()
			if err := w.bot.Reconcile(ctx, req); err != nil {
				t.Fatal(err)
			}
			if n := len(w.fake.ReviewComments(fullName, 1)); n != 2 {
				t.Fatalf("suggestions after the first reconcile = %d, want 2", n)
			}
			head := w.git.Apply(gittest.Change{Ref: "refs/pull/1/head", From: baseSHA, Files: map[string]string{newPath: tt.post}, Message: "push"})
			w.fake.SetHead(fullName, 1, head, []fakegithub.File{{Path: newPath, Status: "added", Patch: w.patch(baseSHA, head, newPath)}})
			before := len(w.fake.Requests())
			if err := w.bot.Reconcile(ctx, req); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, r := range w.fake.Requests()[before:] {
				got[r.Op]++
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("calls of one reconcile by operation (-want +got):\n%s", diff)
			}
			if runs := w.fake.CheckRuns(fullName, head); len(runs) != 1 {
				t.Errorf("check runs on the new head = %d, want 1", len(runs))
			}
		})
	}
}

// TestFirstReconcileLabelCalls: the first check of a pull request with a
// post dated ahead adds the scheduled label over the labels read with the
// pull request, and the plan sees it added: the labels are neither read
// nor added a second time.
func TestFirstReconcileLabelCalls(t *testing.T) {
	w := newWorld(t, benchSiteFiles)
	head := w.openPR(1, map[string]string{newPath: callsPost("First", "We met met there.\n")})
	before := len(w.fake.Requests())
	req := webhook.Request{Repo: fullName, PR: 1, InstallationID: instID, Event: "pull_request", Action: "opened"}
	if err := w.bot.Reconcile(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range w.fake.Requests()[before:] {
		got[r.Op]++
	}
	want := map[string]int{"issues/list-labels-on-issue": 0, "issues/add-labels": 1}
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%s called %d times, want %d (all calls: %v)", op, got[op], n, got)
		}
	}
	if runs := w.fake.CheckRuns(fullName, head); len(runs) != 1 {
		t.Errorf("check runs on the head = %d, want 1", len(runs))
	}
}
