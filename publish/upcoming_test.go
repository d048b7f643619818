package publish

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestUpcoming(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	now := utc(t, "2026-03-10T12:00:00Z")
	gap := resolvePost(t, "blog/gap.md", "Gap", "2026-03-29 02:30", "", false, berlin)
	tests := []struct {
		name  string
		state State
		want  []Item
	}{
		{
			name: "merge: scheduled, blocked, late and date problems; published recent posts",
			state: State{
				Config: Config{Location: berlin},
				Posts: []Post{
					dated(t, "blog/old.md", "2025-01-01", berlin),
					dated(t, "blog/recent.md", "2026-03-09", berlin),
				},
				PRs: []PR{
					ready(1, dated(t, "blog/future.md", "2026-03-12 09:00", berlin), dated(t, "blog/future2.md", "2026-03-11", berlin)),
					with(ready(2, dated(t, "blog/blocked.md", "2026-03-10 08:00", berlin)), func(p *PR) { p.Reviews = nil }),
					ready(3, dated(t, "blog/late.md", "2026-03-10 12:59", berlin)),
					ready(4, gap),
				},
			},
			want: []Item{
				{Path: "blog/gap.md", Title: "Gap", PR: 4, Cause: CausePublish, Strategy: StrategyMerge, Status: ItemBlocked, Reason: gap.DateProblem, Blockers: []string{"date unresolved"}},
				{Path: "blog/recent.md", Title: "Title of blog/recent.md", Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-08T23:00:00Z"), Status: ItemPublished},
				{Path: "blog/blocked.md", Title: "Title of blog/blocked.md", PR: 2, Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-10T07:00:00Z"), Status: ItemBlocked, Reason: "not approved: 0 of 1 required approvals.", Blockers: []string{"not approved"}},
				{Path: "blog/late.md", Title: "Title of blog/late.md", PR: 3, Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-10T11:59:00Z"), Status: ItemLate},
				{Path: "blog/future.md", Title: "Title of blog/future.md", PR: 1, Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-12T08:00:00Z"), Status: ItemScheduled},
				{Path: "blog/future2.md", Title: "Title of blog/future2.md", PR: 1, Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-12T08:00:00Z"), Status: ItemScheduled},
			},
		},
		{
			name: "draft: scheduled and late drafts, a stale one blocked",
			state: State{
				Config: Config{Strategy: StrategyDraft, Location: berlin},
				Posts: []Post{
					resolvePost(t, "blog/next.md", "Next", "2026-03-11", "", true, berlin),
					resolvePost(t, "blog/due.md", "Due", "2026-03-10", "", true, berlin),
					resolvePost(t, "blog/stale.md", "Stale", "2026-01-10", "", true, berlin),
					resolvePost(t, "blog/undated.md", "Undated", "", "", true, berlin),
				},
			},
			want: []Item{
				{Path: "blog/stale.md", Title: "Stale", Cause: CausePublish, Strategy: StrategyDraft, At: utc(t, "2026-01-09T23:00:00Z"), Status: ItemBlocked, Reason: "It fell due more than 7 days ago; set a new date to publish it.", Blockers: []string{"too old to catch up"}},
				{Path: "blog/due.md", Title: "Due", Cause: CausePublish, Strategy: StrategyDraft, At: utc(t, "2026-03-09T23:00:00Z"), Status: ItemLate},
				{Path: "blog/next.md", Title: "Next", Cause: CausePublish, Strategy: StrategyDraft, At: utc(t, "2026-03-10T23:00:00Z"), Status: ItemScheduled},
			},
		},
		{
			name: "rebuild: covered by the last rebuild is published, expiry listed",
			state: State{
				Config: Config{Strategy: StrategyRebuild, Location: berlin},
				Posts: []Post{
					resolvePost(t, "content/a.md", "A", "2026-03-09", "2026-03-20", false, berlin),
					resolvePost(t, "content/b.md", "B", "2026-03-10 10:00", "", false, berlin),
				},
				Done: Done{LastRebuild: utc(t, "2026-03-09T06:00:00Z")},
			},
			want: []Item{
				{Path: "content/a.md", Title: "A", Cause: CausePublish, Strategy: StrategyRebuild, At: utc(t, "2026-03-08T23:00:00Z"), Status: ItemPublished},
				{Path: "content/b.md", Title: "B", Cause: CausePublish, Strategy: StrategyRebuild, At: utc(t, "2026-03-10T09:00:00Z"), Status: ItemLate},
				{Path: "content/a.md", Title: "A", Cause: CauseExpiry, Strategy: StrategyRebuild, At: utc(t, "2026-03-19T23:00:00Z"), Status: ItemScheduled},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Upcoming(tt.state, now)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Upcoming() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(goingOut(Plan(tt.state, now)), lateItems(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("late items differ from what Plan publishes (-plan +upcoming):\n%s", diff)
			}
		})
	}
}

// TestUpcomingAgreesWithPlan checks that an item is late exactly when Plan
// publishes it now.
func TestUpcomingAgreesWithPlan(t *testing.T) {
	t.Parallel()
	now := utc(t, "2026-03-10T12:00:00Z")
	state := State{
		Config: Config{Strategy: StrategyDraft},
		Posts: []Post{
			{Path: "a.md", Title: "A", Draft: true, PublishAt: now.Add(-time.Hour)},
			{Path: "b.md", Title: "B", Draft: true, PublishAt: now},
			{Path: "c.md", Title: "C", Draft: true, PublishAt: now.Add(time.Second)},
		},
	}
	late := map[string]bool{}
	for _, it := range Upcoming(state, now) {
		if it.Status == ItemLate {
			late[it.Path] = true
		}
	}
	flipped := map[string]bool{}
	for _, a := range Plan(state, now) {
		if f, ok := a.(CommitDraftFlip); ok {
			flipped[f.Path] = true
		}
	}
	if diff := cmp.Diff(flipped, late); diff != "" {
		t.Errorf("late items differ from planned flips (-plan +upcoming):\n%s", diff)
	}
}

// goingOut lists what the actions publish or rebuild for now, as
// "cause path" (a merge's posts are publications).
func goingOut(acts []Action) map[string]bool {
	out := map[string]bool{}
	for _, a := range acts {
		switch a := a.(type) {
		case Merge:
			for _, p := range a.Paths {
				out[string(CausePublish)+" "+p] = true
			}
		case CommitDraftFlip:
			out[string(CausePublish)+" "+a.Path] = true
		case TriggerRebuild:
			for _, it := range a.Items {
				out[string(it.Cause)+" "+it.Path] = true
			}
		}
	}
	return out
}

func lateItems(items []Item) map[string]bool {
	out := map[string]bool{}
	for _, it := range items {
		if it.Status == ItemLate {
			out[string(it.Cause)+" "+it.Path] = true
		}
	}
	return out
}

func TestEntriesOf(t *testing.T) {
	t.Parallel()
	at := utc(t, "2026-03-12T08:00:00Z")
	items := []Item{
		{Path: "blog/a.md", PR: 7, At: at, Status: ItemScheduled},
		{Path: "blog/b.md", PR: 7, At: at, Status: ItemScheduled},
		{Path: "blog/c.md", PR: 8, At: at, Status: ItemBlocked, Reason: "not approved"},
		{Path: "blog/gap.md", PR: 9, Status: ItemBlocked},
		{Path: "content/d.md", At: at.Add(time.Hour), Status: ItemLate},
		{Path: "content/d.md", Cause: CauseExpiry, At: at.Add(2 * time.Hour), Status: ItemScheduled},
		{Path: "content/old.md", At: at.Add(-time.Hour), Status: ItemPublished},
	}
	want := []Entry{
		{Repo: "acme/blog", Key: "pr/7", At: at},
		{Repo: "acme/blog", Key: "content/d.md", At: at.Add(time.Hour)},
		{Repo: "acme/blog", Key: "expiry/content/d.md", At: at.Add(2 * time.Hour)},
	}
	if diff := cmp.Diff(want, EntriesOf("acme/blog", items, at)); diff != "" {
		t.Errorf("EntriesOf() mismatch (-want +got):\n%s", diff)
	}
	// Ahead of its time, a blocked item (errors) gets an entry, so that the
	// plan names the blocker at its time.
	ahead := EntriesOf("acme/blog", items[2:3], at.Add(-time.Minute))
	if diff := cmp.Diff([]Entry{{Repo: "acme/blog", Key: "pr/8", At: at}}, ahead); diff != "" {
		t.Errorf("EntriesOf() of a blocked item ahead mismatch (-want +got):\n%s", diff)
	}
}

// TestUpcomingErrorsBlock checks that a post with error findings is listed
// blocked, with the rules, whether it is due or ahead, as Plan holds it
// back; fixed, it is late and goes out.
func TestUpcomingErrorsBlock(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	now := utc(t, "2026-03-10T12:00:00Z")
	reason := func(path string) string {
		return "blocked by link-reversed, unknown-author: herald found 2 errors in the post; it goes out once herald check " + path + " finds none."
	}
	prReason := "blocked by link-reversed, unknown-author: herald found 2 errors in the posts; see the check run."
	tests := []struct {
		name  string
		state State
		want  []Item
	}{
		{
			name: "draft: due and ahead with errors are blocked, the fixed one is late",
			state: State{Config: Config{Strategy: StrategyDraft, Location: berlin}, Posts: []Post{
				withErrors(resolvePost(t, "blog/due.md", "Due", "2026-03-10", "", true, berlin), "unknown-author", "link-reversed"),
				withErrors(resolvePost(t, "blog/next.md", "Next", "2026-03-11", "", true, berlin), "link-reversed", "unknown-author"),
				resolvePost(t, "blog/fixed.md", "Fixed", "2026-03-10", "", true, berlin),
			}},
			want: []Item{
				{Path: "blog/due.md", Title: "Due", Cause: CausePublish, Strategy: StrategyDraft, At: utc(t, "2026-03-09T23:00:00Z"), Status: ItemBlocked, Reason: reason("blog/due.md"), Rules: []string{"link-reversed", "unknown-author"}, Blockers: []string{"blocked by link-reversed, unknown-author"}},
				{Path: "blog/fixed.md", Title: "Fixed", Cause: CausePublish, Strategy: StrategyDraft, At: utc(t, "2026-03-09T23:00:00Z"), Status: ItemLate},
				{Path: "blog/next.md", Title: "Next", Cause: CausePublish, Strategy: StrategyDraft, At: utc(t, "2026-03-10T23:00:00Z"), Status: ItemBlocked, Reason: reason("blog/next.md"), Rules: []string{"link-reversed", "unknown-author"}, Blockers: []string{"blocked by link-reversed, unknown-author"}},
			},
		},
		{
			name: "merge: a future pull request with errors is blocked by them, as the dashboard says",
			state: State{Config: Config{Location: berlin}, PRs: []PR{
				with(ready(1, dated(t, "blog/future.md", "2026-03-12 09:00", berlin)), func(p *PR) { p.HeraldErrors = 2; p.ErrorRules = []string{"unknown-author", "link-reversed"} }),
				with(ready(2, dated(t, "blog/count.md", "2026-03-12 09:00", berlin)), func(p *PR) { p.HeraldErrors = 1 }),
			}},
			want: []Item{
				{Path: "blog/count.md", Title: "Title of blog/count.md", PR: 2, Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-12T08:00:00Z"), Status: ItemBlocked, Reason: "blocked by 1 error: herald found 1 error in the posts; see the check run.", Blockers: []string{"blocked by 1 error"}},
				{Path: "blog/future.md", Title: "Title of blog/future.md", PR: 1, Cause: CausePublish, Strategy: StrategyMerge, At: utc(t, "2026-03-12T08:00:00Z"), Status: ItemBlocked, Reason: prReason, Rules: []string{"link-reversed", "unknown-author"}, Blockers: []string{"blocked by link-reversed, unknown-author"}},
			},
		},
		{
			name: "rebuild: a post with errors ahead is blocked",
			state: State{Config: Config{Strategy: StrategyRebuild, Location: berlin}, Posts: []Post{
				withErrors(resolvePost(t, "content/a.md", "A", "2026-03-11", "", false, berlin), "unknown-author", "link-reversed")}},
			want: []Item{
				{Path: "content/a.md", Title: "A", Cause: CausePublish, Strategy: StrategyRebuild, At: utc(t, "2026-03-10T23:00:00Z"), Status: ItemBlocked, Reason: reason("content/a.md"), Rules: []string{"link-reversed", "unknown-author"}, Blockers: []string{"blocked by link-reversed, unknown-author"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Upcoming(tt.state, now)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Upcoming() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(goingOut(Plan(tt.state, now)), lateItems(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("late items differ from what Plan publishes (-plan +upcoming):\n%s", diff)
			}
		})
	}
}
