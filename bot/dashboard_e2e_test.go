package bot_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish/dashboard"
)

// dashboardOf returns the dashboard's view of the test repository.
func dashboardOf(t *testing.T, b *bot.Bot) dashboard.Repo {
	t.Helper()
	repos, err := b.Dashboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 1 || repos[0].Name != fullName {
		t.Fatalf("dashboard repositories = %+v, want %s alone", repos, fullName)
	}
	return repos[0]
}

// TestDashboardNamesBlockersAndPublications: the dashboard says a pull
// request with errors is blocked by the rules of its errors and the missing
// approval, before its time too (as the summary comment does); once fixed,
// approved and due it lists the publication and how late it went out, and
// every reconcile says when it ran and how long it took.
func TestDashboardNamesBlockersAndPublications(t *testing.T) {
	base, post := basicSite(t)
	w := newWorld(t, base)
	if repos, err := w.bot.Dashboard(context.Background()); err != nil || len(repos) != 0 {
		t.Fatalf("before any reconcile: %+v, %v; want no repository", repos, err)
	}
	head := w.openPR(2, post)
	w.deliver("pull_request", "opened", 2, head)

	r := dashboardOf(t, w.bot)
	if len(r.Upcoming) != 1 {
		t.Fatalf("upcoming = %+v, want the one post", r.Upcoming)
	}
	p := r.Upcoming[0]
	want := []string{"blocked by link-syntax, mojibake, repeated-word", "not approved"}
	if p.State != dashboard.Blocked || !slices.Equal(p.Blockers, want) {
		t.Errorf("post state %s by %q, want blocked by %q", p.State, p.Blockers, want)
	}
	if !strings.Contains(p.Reason, "herald found 4 errors in the posts") || !strings.Contains(p.Reason, "not approved: 0 of 1 required approvals") || strings.Contains(p.Reason, "`") {
		t.Errorf("reason %q, want the errors and the approval in plain sentences", p.Reason)
	}
	if p.Title != "Looking back at FOSDEM 2026" || p.Path != postPath || p.PR != 2 || p.URL != "https://github.com/acme/blog/pull/2" || !p.At.Equal(time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("post = %+v", p)
	}
	if r.Location == nil || r.Location.String() != "Europe/Berlin" || r.Strategy != "merge" {
		t.Errorf("repository zone %v, strategy %q", r.Location, r.Strategy)
	}
	if r.Reconcile == nil || !r.Reconcile.At.Equal(w.clock.Now()) || len(r.Reconcile.Errors) != 0 {
		t.Errorf("last reconcile = %+v, want one at %s without errors", r.Reconcile, w.clock.Now())
	}

	// A second bot (a restart) reads the rules back from the summary
	// comment, without checking again.
	other := w.newBot()
	if err := other.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName, InstallationID: instID}}); err != nil {
		t.Fatal(err)
	}
	if got := dashboardOf(t, other).Upcoming; len(got) != 1 || !slices.Equal(got[0].Blockers, want) {
		t.Errorf("after a restart: upcoming = %+v, want blocked by %q", got, want)
	}

	// Fixed and approved: scheduled; then due, merged 0.4 s after its time.
	_, fixed := cleanPost(t)
	baseSHA := w.git.Ref("refs/heads/main")
	head = w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: head, Files: fixed, Message: "fix the errors"})
	w.git.SetRef("refs/heads/fosdem", head)
	w.fake.SetHead(fullName, 2, head, []fakegithub.File{{Path: postPath, Status: "added", Patch: w.patch(baseSHA, head, postPath)}})
	w.deliver("pull_request", "synchronize", 2, head)
	w.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head})
	w.deliver("pull_request_review", "submitted", 2, head)
	if got := dashboardOf(t, w.bot).Upcoming; len(got) != 1 || got[0].State != dashboard.Scheduled || len(got[0].Blockers) != 0 {
		t.Fatalf("fixed and approved: upcoming = %+v, want scheduled", got)
	}
	due := time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)
	w.clock.Set(due.Add(400 * time.Millisecond))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	r = dashboardOf(t, w.bot)
	if len(r.Upcoming) != 0 {
		t.Errorf("after the merge: upcoming = %+v, want none", r.Upcoming)
	}
	wantPub := []dashboard.Publication{{Title: "Looking back at FOSDEM 2026", Path: postPath, PR: 2, URL: "https://github.com/acme/blog/pull/2", Due: due, At: due.Add(400 * time.Millisecond)}}
	if diff := cmp.Diff(wantPub, r.Recent); diff != "" {
		t.Errorf("recent publications (-want +got):\n%s", diff)
	}
	if late := r.Recent[0].Late(); late != 400*time.Millisecond {
		t.Errorf("late by %s, want 400ms", late)
	}
}

// TestDashboardSaysWhyAReconcileFailed: a repository that cannot be read
// shows the error of its last reconcile.
func TestDashboardSaysWhyAReconcileFailed(t *testing.T) {
	base, _ := basicSite(t)
	w := newWorld(t, base)
	w.fake.FailNext("repos/get", 5, http.StatusNotFound)
	if err := w.reconcile(); err == nil {
		t.Fatal("reconcile of a missing repository succeeded")
	}
	r := dashboardOf(t, w.bot)
	if r.Reconcile == nil || len(r.Reconcile.Errors) == 0 {
		t.Fatalf("last reconcile = %+v, want its error", r.Reconcile)
	}
	if got := r.Reconcile.Errors[0]; !strings.Contains(got, "read repository") || !strings.Contains(got, "404") {
		t.Errorf("error shown: %q, want what failed and GitHub's answer", got)
	}
}
