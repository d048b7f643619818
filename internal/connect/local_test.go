package connect

import (
	"context"
	"log/slog"
	"testing"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestLocalCheckFollowsTheTree checks local mode's default branch as it
// moves: a commit that changes a post is checked again; an empty commit
// (a rebuild strategy's, a merge that changes no file) has the same tree,
// and its check is the last one's findings, told for the new commit,
// without reading the site again.
func TestLocalCheckFollowsTheTree(t *testing.T) {
	post := func(says string) string {
		return "---\ntitle: Hello\ndate: 2026-01-05T10:00:00Z\nauthors: [ada]\ntags: [news]\n---\n\nIt says " + says + ".\n\n<!-- truncate -->\n\nMore.\n"
	}
	repo := gittest.NewBareRepo(t, map[string]string{
		"docusaurus.config.js":     "module.exports = {};\n",
		"blog/authors.yml":         "ada:\n  name: Ada\n",
		"blog/tags.yml":            "news:\n  label: News\n",
		"blog/2026/hello/index.md": post("the the word twice"),
	})
	type told struct {
		commit   string
		findings []check.Finding
	}
	var checks []told
	ctx := context.Background()
	e, err := New(ctx, Settings{Repo: repo.Dir, DataDir: t.TempDir()}, slog.New(slog.DiscardHandler), Options{
		CheckBranch: true,
		OnCheck: func(commit string, _ int, fs []check.Finding) {
			checks = append(checks, told{commit, fs})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	steps := []struct {
		name     string
		change   *gittest.Change
		findings int
	}{
		{name: "the first commit", findings: 1},
		{name: "an empty commit", change: &gittest.Change{Ref: "refs/heads/main", Message: "rebuild"}, findings: 1},
		{name: "the repeated word fixed", change: &gittest.Change{Ref: "refs/heads/main", Files: map[string]string{"blog/2026/hello/index.md": post("the word once")}}, findings: 0},
	}
	for i, st := range steps {
		want := repo.Git("rev-parse", "refs/heads/main")
		if st.change != nil {
			want = repo.Apply(*st.change)
		}
		if err := e.ReconcileAll(ctx); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if len(checks) != i+1 {
			t.Fatalf("%s: %d checks told, want %d", st.name, len(checks), i+1)
		}
		c := checks[i]
		if c.commit != want || len(c.findings) != st.findings {
			t.Errorf("%s: told %s with %d findings, want %s with %d", st.name, c.commit, len(c.findings), want, st.findings)
		}
	}
	if len(checks[1].findings) > 0 && &checks[1].findings[0] != &checks[0].findings[0] {
		t.Error("the empty commit's check read the site again instead of taking the last one's findings")
	}
}
