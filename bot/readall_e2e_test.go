package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestBranchPostsReadEitherWay reads the default branch of a local-mode
// site of 150 posts with the draft strategy twice: with the git command,
// which lists the folders and reads the posts in one pass each, and with
// go-git alone, one by one. The schedules are the same, and hold every
// dated draft, wherever it sorts among the posts.
func TestBranchPostsReadEitherWay(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command")
	}
	files := map[string]string{
		"docusaurus.config.js": "module.exports = { title: 'Site' };\n",
		"blog/authors.yml":     "ada:\n  name: Ada\n",
		"blog/tags.yml":        "news:\n  label: News\n",
		".herald.yml":          "version: 1\ntimezone: Europe/Berlin\nsite_url: https://example.org\npublish:\n  strategy: draft\n",
	}
	drafts := 0
	for i := range 150 {
		draft := i%37 == 0 || i == 149
		fm := fmt.Sprintf("title: Post %d\ndate: 20%02d-%02d-%02dT10:00:00\nauthors: [ada]\ntags: [news]\n", i, 20+i%6, 1+i%12, 1+i%28)
		if draft {
			fm = fmt.Sprintf("title: Draft %d\ndate: 2030-%02d-%02dT10:00:00\ndraft: true\nauthors: [ada]\ntags: [news]\n", i, 1+i%12, 1+i%28)
			drafts++
		}
		files[fmt.Sprintf("blog/%03d-post/index.md", i)] = "---\n" + fm + "---\n\nWhat it says.\n\n<!-- truncate -->\n\nThe rest.\n"
	}
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("many", files)
	now := &clock{now: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)}
	var logs bytes.Buffer
	schedule := func(git string) []entryView {
		logs.Reset()
		b := localBot(t, repo, "many", now, slog.New(slog.DiscardHandler), gitrepo.WithGitCommand(git),
			gitrepo.WithLogger(slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		if err := b.ReconcileAll(context.Background(), []bot.Target{{Repo: "local/many"}}); err != nil {
			t.Fatal(err)
		}
		return scheduleView(t, b)
	}
	withGit := schedule("git")
	if !strings.Contains(logs.String(), `msg="files read with git cat-file"`) || !strings.Contains(logs.String(), "files=150") {
		t.Errorf("the posts were not read in one pass of git cat-file; the mirror's log:\n%s", logs.String())
	}
	withGoGit := schedule("")
	if diff := cmp.Diff(withGoGit, withGit); diff != "" {
		t.Errorf("schedule (-go-git +git):\n%s", diff)
	}
	scheduled := 0
	for _, e := range withGit {
		if e.Item.Status == "scheduled" {
			scheduled++
		}
	}
	if scheduled != drafts {
		t.Errorf("%d posts scheduled, want the %d drafts: %+v", scheduled, drafts, withGit)
	}
}
