package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestFeedbackFollowsTheSite checks a pull request, changes the site under
// it, and checks it again: the feedback on the new head is that of the site
// at the new head and merge base, never of what was read before (the
// tree listings and the check index are kept between the two reconciles).
func TestFeedbackFollowsTheSite(t *testing.T) {
	t.Parallel()
	const renamed = "blog/2026/02-fosdem/index.md"
	tests := []struct {
		name string
		// next makes the pull request's second head from the base, the
		// first head and the post; it returns the head and the path the
		// post is at there.
		next func(w *world, base, head1, post string) (head, path string)
		// gone and present are rules whose annotations must be absent from
		// and present on the second head.
		gone, present []string
	}{
		{
			name: "force-push replaces the head",
			next: func(w *world, base, _, post string) (string, string) {
				fixed := strings.Replace(post, "through the the internet", "through the internet", 1)
				fixed = strings.Replace(fixed, "authors: [gerrit91]", "authors: [nobody-known]", 1)
				return w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: base, Files: map[string]string{postPath: fixed}}), postPath
			},
			gone: []string{"repeated-word"}, present: []string{"unknown-author"},
		},
		{
			name: "the post is renamed",
			next: func(w *world, _, head1, post string) (string, string) {
				return w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: head1, Files: map[string]string{renamed: post}, Delete: []string{postPath}}), renamed
			},
			present: []string{"repeated-word"},
		},
		{
			name: "the authors registry gains the post's author",
			next: func(w *world, _, head1, post string) (string, string) {
				files := siteFiles(t)
				return w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: head1, Files: map[string]string{
					"blog/authors.yml": files["blog/authors.yml"] + "\nnewcomer:\n  name: New Comer\n",
					postPath:           strings.Replace(post, "authors: [gerrit91]", "authors: [newcomer]", 1),
				}}), postPath
			},
			gone: []string{"unknown-author"}, present: []string{"repeated-word"},
		},
		{
			name: ".herald.yml turns a rule off",
			next: func(w *world, _, head1, _ string) (string, string) {
				return w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: head1, Files: map[string]string{
					".herald.yml": "version: 1\nrules:\n  repeated-word: {severity: off}\n",
				}}), postPath
			},
			gone: []string{"repeated-word"}, present: []string{"mojibake"},
		},
		{
			name: "rebased on a main whose posts use the misspelled word",
			next: func(w *world, _, _, post string) (string, string) {
				// Three posts on main use the word: the vocabulary of the
				// new merge base knows it, that of the old one did not.
				files := map[string]string{}
				for i := range 3 {
					files[fmt.Sprintf("blog/2025/%02d-word/index.md", i)] = "---\ntitle: Word\ndate: 2025-01-01\nauthors: [gerrit91]\n---\n\nA policitical post.\n\n<!-- truncate -->\n"
				}
				main := w.git.Apply(gittest.Change{Ref: "refs/heads/main", Files: files})
				return w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: main, Files: map[string]string{postPath: post}}), postPath
			},
			gone: []string{"misspelling"}, present: []string{"repeated-word"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, posts := basicSite(t)
			post := posts[postPath]
			w := newWorld(t, base)
			baseSHA := w.git.Ref("refs/heads/main")
			head1 := w.openPR(2, posts)
			if err := w.reconcile(); err != nil {
				t.Fatal(err)
			}
			first := rulesOn(w, head1)
			if first["repeated-word"] == 0 || first["misspelling"] == 0 {
				t.Fatalf("first head: annotations by rule %v, want repeated-word and misspelling", first)
			}

			head2, path := tc.next(w, baseSHA, head1, post)
			w.git.SetRef("refs/heads/fosdem", head2)
			w.fake.SetHead(fullName, 2, head2, []fakegithub.File{{Path: path, Status: "added", Additions: 60, Patch: w.patch(baseSHA, head2, path)}})
			w.deliver("pull_request", "synchronize", 2, head2)
			got := rulesOn(w, head2)
			for _, r := range tc.gone {
				if got[r] != 0 {
					t.Errorf("%s still reported on the new head; annotations by rule %v", r, got)
				}
			}
			for _, r := range tc.present {
				if got[r] == 0 {
					t.Errorf("no %s on the new head; annotations by rule %v", r, got)
				}
			}
		})
	}
}

// rulesOn counts herald's annotations on head by rule.
func rulesOn(w *world, head string) map[string]int {
	w.t.Helper()
	runs := w.fake.CheckRuns(fullName, head)
	if len(runs) != 1 {
		w.t.Fatalf("check runs on %s = %d, want 1", head[:7], len(runs))
	}
	out := map[string]int{}
	for _, a := range runs[0].Annotations {
		out[a.Title]++
	}
	return out
}
