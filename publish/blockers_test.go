package publish

import (
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald/forge"
)

func TestBlockers(t *testing.T) {
	t.Parallel()
	clean := PR{Number: 1, HeadSHA: "abc", CheckedSHA: "abc", Mergeable: forge.MergeableClean,
		Reviews: []forge.Review{{User: "ann", State: forge.ReviewApproved, CommitID: "abc"}}}
	tests := []struct {
		name string
		edit func(*PR)
		want []string // shorts; a transient one ends in "~"
	}{
		{name: "nothing in the way", edit: func(*PR) {}},
		{name: "errors and no approval", edit: func(p *PR) { p.HeraldErrors = 2; p.Reviews = nil }, want: []string{"herald errors", "approval"}},
		{name: "held by label", edit: func(p *PR) { p.Labels = []string{DefaultHoldLabel} }, want: []string{"on hold"}},
		{name: "held by command", edit: func(p *PR) { p.HeldByCommand = true }, want: []string{"on hold"}},
		{name: "not checked yet is transient", edit: func(p *PR) { p.CheckedSHA = "old" }, want: []string{"not checked~"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pr := clean
			tc.edit(&pr)
			var got []string
			for _, b := range Blockers(Config{}, pr) {
				s := b.Short
				if b.Transient {
					s += "~"
				}
				if b.Long == "" {
					t.Errorf("%s has no sentence", b.Short)
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Blockers = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBlockersSaid checks the words every surface uses for what holds a
// pull request back, and the one line ItemReason makes of an item: the
// status description, the items of the feeds and the dashboard, and the
// blocker comment say the same.
func TestBlockersSaid(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	due := utc(t, "2026-05-01T08:00:00Z")
	post := dated(t, "blog/a.md", "2026-05-01 10:00", berlin)
	tests := []struct {
		name   string
		edit   func(*PR)
		words  []string
		reason string // ItemReason of its item once due
	}{
		{name: "errors by their rules", edit: func(p *PR) { p.ErrorRules = []string{"unknown-author", "link-reversed", "unknown-author"} },
			words:  []string{"blocked by link-reversed, unknown-author"},
			reason: "blocked by link-reversed, unknown-author: herald found 3 errors in the posts; see the check run."},
		{name: "errors counted only", edit: func(p *PR) { p.HeraldErrors = 2 },
			words:  []string{"blocked by 2 errors"},
			reason: "blocked by 2 errors: herald found 2 errors in the posts; see the check run."},
		{name: "not approved", edit: func(p *PR) { p.Reviews = nil },
			words: []string{"not approved"}, reason: "not approved: 0 of 1 required approvals."},
		{name: "held and not approved", edit: func(p *PR) { p.Labels = []string{DefaultHoldLabel}; p.Reviews = nil },
			words:  []string{"held", "not approved"},
			reason: "held: by the label `herald/hold`; remove the label to publish. not approved: 0 of 1 required approvals."},
		{name: "held by command", edit: func(p *PR) { p.HeldByCommand = true },
			words: []string{"held"}, reason: "held: by `/herald hold`; comment `/herald unhold` to publish."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pr := with(ready(7, post), tc.edit)
			var words []string
			for _, b := range Blockers(Config{}, pr) {
				words = append(words, b.Said())
			}
			if !slices.Equal(words, tc.words) {
				t.Errorf("Said = %q, want %q", words, tc.words)
			}
			state := State{Config: Config{Location: berlin}, PRs: []PR{pr}}
			items := Upcoming(state, due)
			if len(items) != 1 || !slices.Equal(items[0].Blockers, tc.words) || ItemReason(items[0]) != tc.reason {
				t.Fatalf("items = %+v; want blockers %q and the line %q", items, tc.words, tc.reason)
			}
			for _, a := range Plan(state, due) {
				switch a := a.(type) {
				case SetStatus:
					if want := "Due 2026-05-01 08:00 UTC; " + SayBlockers(tc.words); a.Description != want {
						t.Errorf("status %q, want %q", a.Description, want)
					}
				case Comment:
					for _, w := range tc.words {
						if !strings.Contains(a.Body, "\n- "+w+": ") {
							t.Errorf("blocker comment does not begin a line with %q:\n%s", w+": ", a.Body)
						}
					}
				}
			}
		})
	}
}

func TestItemReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		it   Item
		want string
	}{
		{"nothing in the way", Item{Status: ItemScheduled}, ""},
		{"a reason without words", Item{Reason: "It fell due long ago."}, "It fell due long ago."},
		{"words without a reason", Item{Blockers: []string{"held"}}, "held"},
		{"a reason that says its words", Item{Blockers: []string{"not approved"}, Reason: "not approved: 0 of 1 required approvals."}, "not approved: 0 of 1 required approvals."},
		{"a reason that does not", Item{Blockers: []string{SaidDateUnresolved}, Reason: `"2026-03-29 02:30" does not exist in Europe/Berlin`},
			`date unresolved: "2026-03-29 02:30" does not exist in Europe/Berlin`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ItemReason(tc.it); got != tc.want {
				t.Errorf("ItemReason = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestExplanation shows what the dashboard writes under a blocked post's
// words: the reason, less the words it may begin with.
func TestExplanation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		blockers []string
		reason   string
		want     string
	}{
		{nil, "It fell due long ago.", "It fell due long ago."},
		{[]string{"not approved"}, "not approved: 0 of 1 required approvals.", "0 of 1 required approvals."},
		{[]string{"blocked by mojibake", "held"}, "blocked by mojibake: herald found 1 error in the post.", "herald found 1 error in the post."},
		{[]string{SaidDateUnresolved}, `"2026-03-29 02:30" does not exist in Europe/Berlin`, `"2026-03-29 02:30" does not exist in Europe/Berlin`},
	}
	for _, tc := range tests {
		if got := Explanation(tc.blockers, tc.reason); got != tc.want {
			t.Errorf("Explanation(%q, %q) = %q, want %q", tc.blockers, tc.reason, got, tc.want)
		}
	}
}
