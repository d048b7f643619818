package bot_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestForkPullRequestPolicy states herald's policy for pull requests from
// forks, where the author is an outsider: herald checks them and comments
// on them like any other, but never pushes to the fork's branch
// (`/herald schedule` is refused with the reason, and the fork is never
// contacted: herald reads the head from the base repository's
// refs/pull/N/head), and never runs anything from the pull request: a
// .herald.yml in it that names a build hook and a site to poll is read as
// data for the checks only, so neither is ever called.
func TestForkPullRequestPolicy(t *testing.T) {
	base, post := cleanPost(t)
	w := newWorld(t, base)
	var tripped atomic.Int32
	tripwire := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { tripped.Add(1) }))
	t.Cleanup(tripwire.Close)

	files := maps.Clone(post)
	files[".herald.yml"] = base[".herald.yml"] + "site_url: " + tripwire.URL + "/\n" +
		"publish:\n  strategy: rebuild\n  rebuild:\n    trigger: hook\n    url: " + tripwire.URL + "/build\n"
	baseSHA := w.git.Ref("refs/heads/main")
	head := w.git.CreatePullRef(2, baseSHA, files)
	// The fork, on a Git server of its own, holds the head branch.
	forkSrv := gittest.NewServer(t)
	fork := forkSrv.NewRepo("blog", files)
	forkTip := fork.Ref("refs/heads/main")
	w.fake.AddRepo(fakegithub.Repo{Owner: "eve", Name: "blog", CloneURL: fork.URL})
	mergeable := true
	var fs []fakegithub.File
	for p := range files {
		fs = append(fs, fakegithub.File{Path: p, Status: "added", Additions: strings.Count(files[p], "\n"), Patch: w.patch(baseSHA, head, p)})
	}
	w.fake.AddPR(fullName, fakegithub.PR{Number: 2, Title: "FOSDEM recap", Author: "eve", HeadRef: "main", HeadSHA: head,
		HeadRepo: "eve/blog", BaseRef: "main", BaseSHA: baseSHA, Mergeable: &mergeable, Files: fs})
	w.fake.SetPermission(fullName, "maintainer", "write")
	forkSrv.ResetStats()
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}

	t.Run("checked and commented like any pull request", func(t *testing.T) {
		if n := len(w.fake.CheckRuns(fullName, head)); n != 1 {
			t.Errorf("check runs on the fork's head = %d, want 1", n)
		}
		summary := false
		for _, c := range w.fake.Comments(fullName, 2) {
			summary = summary || strings.Contains(c.Body, "herald:"+bot.SummaryKey)
		}
		if !summary {
			t.Error("no summary comment on the fork's pull request")
		}
	})
	t.Run("schedule is refused with the reason", func(t *testing.T) {
		before := w.git.Ref("refs/heads/main")
		w.comment(2, "maintainer", "/herald schedule 2026-03-02 09:30 Europe/Berlin")
		want := "The branch of this pull request lives in a fork, where herald cannot push; change the date in the post's front matter instead."
		if a := answers(w, 2); !strings.Contains(a, want) {
			t.Errorf("answer lacks %q:\n%s", want, a)
		}
		if got := fork.Ref("refs/heads/main"); got != forkTip {
			t.Errorf("the fork's branch moved to %s", got)
		}
		if got := w.git.Ref("refs/heads/main"); got != before {
			t.Errorf("the base repository's main moved to %s", got)
		}
		if w.git.Ref("refs/heads/fosdem") != "" {
			t.Error("herald created a branch in the base repository")
		}
	})
	t.Run("the fork is never contacted", func(t *testing.T) {
		if st := forkSrv.Stats(); st.Requests != 0 {
			t.Errorf("herald made %d requests to the fork's Git server", st.Requests)
		}
	})
	t.Run("nothing the pull request names is run or called", func(t *testing.T) {
		if n := tripped.Load(); n != 0 {
			t.Errorf("the build hook or site named in the pull request's .herald.yml was called %d times", n)
		}
	})
}
