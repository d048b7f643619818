package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
)

// TestBranchPostsFollowCommits moves the default branch of a local-mode
// site with the draft strategy through a series of commits. After each, the
// schedule of a bot that has followed every commit, and so reads again only
// the posts a commit changed, is that of a bot reading the commit afresh;
// and the first reads only what changed.
func TestBranchPostsFollowCommits(t *testing.T) {
	draft := func(title, date string) string {
		return fmt.Sprintf("---\ntitle: %s\ndate: %s\ndraft: true\nauthors: [ada]\ntags: [news]\n---\n\nWhat is coming.\n\n<!-- truncate -->\n\nThe rest.\n", title, date)
	}
	files := map[string]string{
		"docusaurus.config.js":    "module.exports = { title: 'Site' };\n",
		"blog/authors.yml":        "ada:\n  name: Ada\n",
		"blog/tags.yml":           "news:\n  label: News\n",
		".herald.yml":             "version: 1\ntimezone: UTC\nsite_url: https://example.org\npublish:\n  strategy: draft\n",
		"blog/2030/a/index.md":    draft("A", "2030-03-01T10:00:00"),
		"blog/2030/b/index.md":    draft("B", "2030-04-01T10:00:00"),
		"blog/2030/c/index.md":    draft("C", "2030-05-01T10:00:00"),
		"blog/2029/old/index.md":  "---\ntitle: Old\ndate: 2029-01-01\nauthors: [ada]\ntags: [news]\n---\n\nOut already.\n",
		"blog/2030/d-e/index.md":  draft("D-E", "2030-06-01T10:00:00"),
		"blog/2030/d/notapost.js": "no\n",
	}
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("drafts", files)
	now := &clock{now: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)}
	var logs bytes.Buffer
	newBot := func(log *slog.Logger) *bot.Bot { return localBot(t, repo, "drafts", now, log) }
	kept := newBot(slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()
	targets := []bot.Target{{Repo: "local/drafts"}}
	reads := regexp.MustCompile(`msg="default branch posts read".* read=(\d+)`)
	steps := []struct {
		name   string
		change gittest.Change
		read   string // the posts the kept bot reads
	}{
		{"the first commit", gittest.Change{}, "5"},
		{"a draft's date moved", gittest.Change{Files: map[string]string{"blog/2030/a/index.md": draft("A", "2030-03-02T10:00:00")}}, "1"},
		{"a draft added beside one whose name it starts with", gittest.Change{Files: map[string]string{"blog/2030/d/index.md": draft("D", "2030-07-01T10:00:00")}}, "1"},
		{"a draft deleted", gittest.Change{Delete: []string{"blog/2030/b/index.md"}}, "0"},
		{"a draft renamed", gittest.Change{Files: map[string]string{"blog/2030/f/index.md": draft("C", "2030-05-01T10:00:00")},
			Delete: []string{"blog/2030/c/index.md"}}, "1"},
		{"a file that is no post changed", gittest.Change{Files: map[string]string{"blog/2030/d/notapost.js": "still no\n"}}, "0"},
		{"the time zone changed", gittest.Change{Files: map[string]string{".herald.yml": "version: 1\ntimezone: Asia/Tokyo\nsite_url: https://example.org\npublish:\n  strategy: draft\n"}}, "5"},
		{"the registries changed", gittest.Change{Files: map[string]string{"blog/tags.yml": "news:\n  label: News\nevents: {}\n"}}, "0"},
	}
	for _, st := range steps {
		if st.change.Files != nil || st.change.Delete != nil {
			st.change.Ref = "refs/heads/main"
			repo.Apply(st.change)
		}
		logs.Reset()
		if err := kept.ReconcileAll(ctx, targets); err != nil {
			t.Fatal(err)
		}
		fresh := newBot(slog.New(slog.DiscardHandler))
		if err := fresh.ReconcileAll(ctx, targets); err != nil {
			t.Fatal(err)
		}
		got, want := scheduleView(t, kept), scheduleView(t, fresh)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: schedule (-fresh +kept):\n%s", st.name, diff)
		}
		if len(got) == 0 || got[0].URL == "" {
			t.Errorf("%s: schedule %+v, want the drafts with their URLs", st.name, got)
		}
		if m := reads.FindStringSubmatch(logs.String()); m == nil || m[1] != st.read {
			t.Errorf("%s: posts read %v, want %s", st.name, m, st.read)
		}
	}
}

// localBot returns a new bot of the plain Git repository repo, served as
// local/name, with a mirror cache of its own made with opts.
func localBot(t *testing.T, repo *gittest.Repo, name string, now *clock, log *slog.Logger, opts ...gitrepo.Option) *bot.Bot {
	t.Helper()
	clients := bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) {
		return plainGit{forge.Repo{Owner: "local", Name: name, DefaultBranch: "main", CloneURL: repo.URL}}, nil
	})
	cache, err := gitrepo.NewCache(t.TempDir(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	b, err := bot.New(clients, gitMirrors(cache), bot.WithClock(now.Now), bot.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entryView is a schedule entry with its time zone named.
type entryView struct {
	Repo, URL, Zone string
	Item            publish.Item
}

func scheduleView(t *testing.T, b *bot.Bot) []entryView {
	t.Helper()
	es, err := b.Schedule(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []entryView
	for _, e := range es {
		out = append(out, entryView{e.Repo, e.URL, e.Location.String(), e.Item})
	}
	return out
}
