package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
)

func cleanPost(t *testing.T) (base, post map[string]string) {
	base, post = basicSite(t)
	post[postPath] = strings.NewReplacer("the the", "the", "ðŸ˜›", "😛", "ðŸ¤“", "🤓", "[https://containerlab.dev/]", "<https://containerlab.dev/>").Replace(post[postPath])
	return base, post
}

// comment posts a conversation comment and delivers issue_comment/created.
func (w *world) comment(n int, user, body string) int64 {
	w.t.Helper()
	id := w.fake.AddComment(fullName, fakegithub.Comment{Issue: n, User: user, Body: body})
	if err := w.reconcile(); err != nil {
		w.t.Fatalf("reconcile after %q: %v", body, err)
	}
	return id
}

func reactions(w *world, n int, id int64) []string {
	for _, c := range w.fake.Comments(fullName, n) {
		if c.ID == id {
			var out []string
			for _, r := range c.Reactions {
				out = append(out, r.User+":"+r.Content)
			}
			return out
		}
	}
	return nil
}

// answers returns herald's commands comment.
func answers(w *world, n int) string {
	for _, c := range w.fake.Comments(fullName, n) {
		if strings.Contains(c.Body, "herald:"+bot.CommandsKey) {
			return c.Body
		}
	}
	return ""
}

func TestCommands(t *testing.T) {
	base, post := cleanPost(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	w.fake.SetPermission(fullName, "maintainer", "write")
	w.fake.SetPermission(fullName, "mallory", "read")
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}

	t.Run("refused without write access", func(t *testing.T) {
		id := w.comment(2, "mallory", "Please ship it!\n/herald publish now")
		if got := reactions(w, 2, id); !slices.Equal(got, []string{"herald[bot]:confused"}) {
			t.Errorf("reactions = %v", got)
		}
		if a := answers(w, 2); !strings.Contains(a, "`/herald publish now` needs write access to this repository, and you have read access") {
			t.Errorf("answer:\n%s", a)
		}
		if len(w.fake.Merges()) != 0 {
			t.Error("merged on a refused command")
		}
	})
	t.Run("hold", func(t *testing.T) {
		id := w.comment(2, "maintainer", "/herald hold")
		if !slices.Contains(w.fake.PR(fullName, 2).Labels, publish.DefaultHoldLabel) {
			t.Errorf("labels = %v", w.fake.PR(fullName, 2).Labels)
		}
		if got := reactions(w, 2, id); !slices.Equal(got, []string{"herald[bot]:+1"}) {
			t.Errorf("reactions = %v", got)
		}
	})
	t.Run("held pull request is not published now", func(t *testing.T) {
		w.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head})
		w.comment(2, "maintainer", "/herald publish now")
		if len(w.fake.Merges()) != 0 {
			t.Fatal("merged while on hold")
		}
		if a := answers(w, 2); !strings.Contains(a, "Not published: held: by the label") {
			t.Errorf("answer:\n%s", a)
		}
	})
	t.Run("check runs the checks again, once", func(t *testing.T) {
		w.comment(2, "maintainer", "/herald check")
		if got := len(w.fake.CheckRuns(fullName, head)); got != 2 {
			t.Errorf("check runs = %d, want 2", got)
		}
		if err := w.reconcile(); err != nil {
			t.Fatal(err)
		}
		if got := len(w.fake.CheckRuns(fullName, head)); got != 2 {
			t.Errorf("check runs after another reconcile = %d, want 2: a command ran twice", got)
		}
	})
	t.Run("help and unknown commands", func(t *testing.T) {
		w.comment(2, "maintainer", "/herald help\n/herald frobnicate")
		a := answers(w, 2)
		for _, want := range []string{"`/herald schedule <time> [zone]`", "`/herald frobnicate` is not a command herald knows"} {
			if !strings.Contains(a, want) {
				t.Errorf("answers lack %q:\n%s", want, a)
			}
		}
		if n := len(w.fake.Comments(fullName, 2)); n != 2+5 {
			t.Errorf("comments = %d, want the summary, the answers and five commands", n)
		}
	})
	t.Run("unhold then publish now", func(t *testing.T) {
		w.comment(2, "maintainer", "/herald unhold")
		if slices.Contains(w.fake.PR(fullName, 2).Labels, publish.DefaultHoldLabel) {
			t.Fatal("still on hold")
		}
		w.comment(2, "maintainer", "/herald publish now")
		if m := w.fake.Merges(); len(m) != 1 || m[0].SHA != head {
			t.Fatalf("merges = %+v, want one at %s", m, head)
		}
		if a := answers(w, 2); !strings.Contains(a, "> @maintainer: `/herald publish now`\n\nPublished.") {
			t.Errorf("answer:\n%s", a)
		}
	})
}

func TestScheduleCommand(t *testing.T) {
	base, post := cleanPost(t)
	w := newWorld(t, base)
	w.openPR(2, post)
	w.fake.SetPermission(fullName, "maintainer", "maintain")
	w.comment(2, "maintainer", "/herald schedule 2026-03-02 09:30 Europe/Berlin")
	text := w.git.ReadFile("refs/heads/fosdem", postPath)
	if !strings.Contains(text, "date: 2026-03-02T09:30:00+01:00\n") {
		t.Errorf("the post's date was not rewritten:\n%s", text[:300])
	}
	if a := answers(w, 2); !strings.Contains(a, "Rescheduled to 2026-03-02 08:30 UTC (09:30 CET, Europe/Berlin)") {
		t.Errorf("answer:\n%s", a)
	}
	w.comment(2, "maintainer", "/herald schedule next tuesday")
	if a := answers(w, 2); !strings.Contains(a, "is not a time herald understands") {
		t.Errorf("answer:\n%s", a)
	}
}

func TestTokenModeUsesCommitStatuses(t *testing.T) {
	base, post := basicSite(t)
	srv := gittest.NewServer(t)
	repo := srv.NewRepo(name, base)
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken("ghp_test", "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: owner, Name: name, CloneURL: repo.URL})
	baseSHA := repo.Ref("refs/heads/main")
	head := repo.CreatePullRef(4, baseSHA, post)
	mergeable := true
	diff := repo.Git("diff", baseSHA, head)
	fake.AddPR(fullName, fakegithub.PR{Number: 4, HeadRef: "x", HeadSHA: head, BaseRef: "main", BaseSHA: baseSHA, Mergeable: &mergeable,
		Files: []fakegithub.File{{Path: postPath, Status: "added", Patch: diff[strings.Index(diff, "@@"):]}}})
	c, err := github.NewTokenClient("ghp_test", owner, name, github.Options{BaseURL: fake.URL(), Transport: fake.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	cache, err := gitrepo.NewCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	now := func() time.Time { return time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC) }
	b, err := bot.New(bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) { return c, nil }), gitMirrors(cache),
		bot.WithClock(now), bot.WithCommitStatuses(), bot.WithLogin("herald-bot"))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := b.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fake.CheckRuns(fullName, head)); n != 0 {
		t.Errorf("check runs = %d in token mode", n)
	}
	var herald []fakegithub.Status
	for _, s := range fake.Statuses(fullName, head) {
		if s.Context == bot.CheckName {
			herald = append(herald, s)
		}
	}
	if len(herald) != 1 || herald[0].State != "failure" || herald[0].Description != "4 errors, 4 warnings" {
		t.Errorf("herald statuses = %+v, want one failure saying 4 errors, 4 warnings", herald)
	}
	if n := len(fake.Comments(fullName, 4)); n != 1 {
		t.Errorf("comments = %d, want 1", n)
	}
}

func fakeReview(head string) fakegithub.Review {
	return fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head}
}

func fakeComment(n int, user, body string) fakegithub.Comment {
	return fakegithub.Comment{Issue: n, User: user, Body: body}
}
