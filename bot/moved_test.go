package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestMovedPostIsNotNew shows that a pull request which only moves a
// published post (a new folder layout, say) gets no date-backdated warning
// for it, while the same post added as a new file does: the warning is for
// authors who date a new post in the past, not for a reorganisation.
func TestMovedPostIsNotNew(t *testing.T) {
	t.Parallel()
	const movedPath = "blog/2026/02-fosdem/index.md"
	for _, tc := range []struct {
		name       string
		delete     []string
		status     string
		wantWarned bool
	}{
		{name: "moved", delete: []string{postPath}, status: "renamed", wantWarned: false},
		{name: "copied as a new post", status: "added", wantWarned: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := siteFiles(t)
			w := newWorld(t, files)
			// Six weeks after the post's date: a new post with that date is
			// backdated.
			w.clock.Set(time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC))
			base := w.git.Ref("refs/heads/main")
			head := w.git.Apply(gittest.Change{Ref: "refs/pull/3/head", From: base,
				Files: map[string]string{movedPath: files[postPath]}, Delete: tc.delete})
			w.git.SetRef("refs/heads/reorganise", head)
			mergeable := true
			w.fake.AddPR(fullName, fakegithub.PR{Number: 3, Title: "Reorganise the blog", Author: "gerrit91", HeadRef: "reorganise",
				HeadSHA: head, BaseRef: "main", BaseSHA: base, Mergeable: &mergeable,
				Files: []fakegithub.File{{Path: movedPath, PreviousPath: map[bool]string{true: postPath}[tc.status == "renamed"],
					Status: tc.status, Patch: w.patch(base, head, movedPath)}}})
			if err := w.reconcile(); err != nil {
				t.Fatal(err)
			}
			runs := w.fake.CheckRuns(fullName, head)
			if len(runs) != 1 {
				t.Fatalf("check runs on the head = %d, want 1", len(runs))
			}
			warned := false
			for _, a := range runs[0].Annotations {
				if a.Path == movedPath && strings.Contains(a.Title+a.Message, "date-backdated") {
					warned = true
				}
			}
			if warned != tc.wantWarned {
				t.Errorf("date-backdated on %s: %v, want %v\nannotations: %+v", movedPath, warned, tc.wantWarned, runs[0].Annotations)
			}
		})
	}
}
