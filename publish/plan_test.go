package publish

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// utc parses an RFC 3339 instant for expectations.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// resolvePost writes a post with these front-matter values (an empty date
// or expiry is left out) and reads it as production does: content.ParsePost
// with the Hugo profile, which knows an expiry field, then PostOf.
func resolvePost(t *testing.T, path, title, date, expiry string, draft bool, loc *time.Location) Post {
	t.Helper()
	prof, err := content.ProfileByName("hugo")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\n", title)
	if date != "" {
		fmt.Fprintf(&b, "date: %q\n", date)
	}
	if expiry != "" {
		fmt.Fprintf(&b, "expiryDate: %q\n", expiry)
	}
	fmt.Fprintf(&b, "draft: %t\n---\nBody.\n", draft)
	return PostOf(content.ParsePost(path, []byte(b.String()), prof, loc))
}

// dated resolves a front-matter date value as herald does and fails the test
// when it has a problem.
func dated(t *testing.T, path, date string, loc *time.Location) Post {
	t.Helper()
	p := resolvePost(t, path, "Title of "+path, date, "", false, loc)
	if p.DateProblem != "" {
		t.Fatalf("%s: unexpected date problem: %s", path, p.DateProblem)
	}
	return p
}

const (
	head  = "1111111111111111111111111111111111111111"
	other = "2222222222222222222222222222222222222222"
)

// ready returns a pull request that can merge as soon as its posts are due.
func ready(n int, posts ...Post) PR {
	return PR{
		Number:     n,
		HeadSHA:    head,
		CheckedSHA: head,
		Reviews:    []forge.Review{{User: "maintainer", State: forge.ReviewApproved, CommitID: head}},
		Checks:     []Check{{Context: "ci", State: CheckSuccess}},
		Mergeable:  forge.MergeableClean,
		Posts:      posts,
	}
}

func with(pr PR, f func(*PR)) PR {
	f(&pr)
	return pr
}

// blockerText mirrors the comment layout asserted literally in
// TestBlockerCommentBody.
func blockerText(due string, reasons ...string) string {
	var b strings.Builder
	b.WriteString("herald could not publish this pull request at its time, " + due + ".\n\n")
	for _, r := range reasons {
		b.WriteString("- " + r + "\n")
	}
	b.WriteString("\nIt goes out as soon as this is resolved, and this comment is updated rather than repeated.")
	return b.String()
}

func TestPlanMerge(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	ny := mustLoad(t, "America/New_York")
	cfg := Config{Location: berlin}

	// 2026-03-02 09:00 in Berlin (CET) is 08:00 UTC.
	post := dated(t, "blog/2026/03-02-launch/index.md", "2026-03-02 09:00", berlin)
	due := utc(t, "2026-03-02T08:00:00Z")
	dueText := "2026-03-02 08:00 UTC (09:00 CET, Europe/Berlin)"

	tests := []struct {
		name  string
		state State
		now   time.Time
		want  []Action
	}{
		{
			name:  "future post is labelled scheduled, status pending, wake at its time",
			state: State{Config: cfg, PRs: []PR{ready(7, post)}},
			now:   utc(t, "2026-03-01T12:00:00Z"),
			want: []Action{
				SetLabel{PR: 7, Label: LabelScheduled},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Scheduled for 2026-03-02 08:00 UTC"},
				Wake{At: due},
			},
		},
		{
			name: "future post already labelled and status set: only the wake",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled}
				p.Status = forge.Status{State: forge.StatusPending, Description: "Scheduled for 2026-03-02 08:00 UTC"}
			})}},
			now:  utc(t, "2026-03-01T12:00:00Z"),
			want: []Action{Wake{At: due}},
		},
		{
			name:  "due and ready: status success just before the merge, on time",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) { p.Labels = []string{LabelScheduled} })}},
			now:   due.Add(400 * time.Millisecond),
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{post.Path}, Due: due},
			},
		},
		{
			name:  "within the one-minute slack is on time",
			state: State{Config: cfg, PRs: []PR{ready(7, post)}},
			now:   due.Add(59 * time.Second),
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{post.Path}, Due: due},
			},
		},
		{
			name:  "due while herald was down: merged at once and flagged late",
			state: State{Config: Config{Location: berlin, MergeMethod: forge.MergeSquash}, PRs: []PR{ready(7, post)}},
			now:   due.Add(2*time.Hour + 13*time.Minute),
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeSquash, Paths: []string{post.Path}, Due: due, Late: 2*time.Hour + 13*time.Minute},
			},
		},
		{
			name: "several posts wait for the latest time",
			state: State{Config: cfg, PRs: []PR{ready(7,
				dated(t, "blog/b.md", "2026-03-02T08:00:00Z", berlin),
				dated(t, "blog/a.md", "2026-03-03T08:00:00Z", berlin),
			)}},
			now: utc(t, "2026-03-02T09:00:00Z"),
			want: []Action{
				SetLabel{PR: 7, Label: LabelScheduled},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Scheduled for 2026-03-03 08:00 UTC"},
				Wake{At: utc(t, "2026-03-03T08:00:00Z")},
			},
		},
		{
			name: "several posts go together at the latest time",
			state: State{Config: cfg, PRs: []PR{ready(7,
				dated(t, "blog/b.md", "2026-03-02T08:00:00Z", berlin),
				dated(t, "blog/a.md", "2026-03-03T08:00:00Z", berlin),
			)}},
			now: utc(t, "2026-03-03T08:00:00Z"),
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-03 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{"blog/a.md", "blog/b.md"}, Due: utc(t, "2026-03-03T08:00:00Z")},
			},
		},
		{
			name:  "not approved at its time: label, one comment, pending status",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) { p.Reviews = nil; p.Labels = []string{LabelScheduled} })}},
			now:   due.Add(time.Second),
			want: []Action{
				SetLabel{PR: 7, Label: LabelBlocked},
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, "not approved: 0 of 1 required approvals.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; not approved"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"not approved: 0 of 1 required approvals."}},
			},
		},
		{
			name: "blocker already named: not repeated",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Reviews = nil
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Status = forge.Status{State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; not approved"}
				p.Comments = []PostedComment{{Key: BlockerCommentKey, Body: blockerText(dueText, "not approved: 0 of 1 required approvals.")}}
			})}},
			now: due.Add(10 * time.Minute),
			want: []Action{
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"not approved: 0 of 1 required approvals."}},
			},
		},
		{
			name: "approval arrives after the time: published on the next plan, late",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Status = forge.Status{State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; not approved"}
				p.Comments = []PostedComment{{Key: BlockerCommentKey, Body: blockerText(dueText, "not approved: 0 of 1 required approvals.")}}
			})}},
			now: due.Add(3 * time.Hour),
			want: []Action{
				RemoveLabel{PR: 7, Label: LabelBlocked},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{post.Path}, Due: due, Late: 3 * time.Hour},
			},
		},
		{
			name: "blockers change: the same comment is edited",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Checks = []Check{{Context: "ci", State: CheckFailure}}
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Comments = []PostedComment{{Key: BlockerCommentKey, Body: blockerText(dueText, "not approved: 0 of 1 required approvals.")}}
			})}},
			now: due,
			want: []Action{
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, "checks failing: `ci`.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; checks failing"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"checks failing: `ci`."}},
			},
		},
		{
			name: "changes requested block even with an approval; a later comment review changes nothing",
			state: State{Config: Config{Location: berlin, ApprovalsRequired: 2}, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Reviews = []forge.Review{
					{User: "ann", State: forge.ReviewApproved, CommitID: head},
					{User: "bob", State: forge.ReviewChangesRequested, CommitID: head},
					{User: "bob", State: forge.ReviewCommented, CommitID: head},
				}
			})}},
			now: due,
			want: []Action{
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, "changes requested: by @bob.", "not approved: 1 of 2 required approvals.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; changes requested; not approved"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"changes requested: by @bob.", "not approved: 1 of 2 required approvals."}},
			},
		},
		{
			name: "a dismissed review no longer approves",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Status = forge.Status{State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; not approved"}
				p.Comments = []PostedComment{{Key: BlockerCommentKey, Body: blockerText(dueText, "not approved: 0 of 1 required approvals.")}}
				p.Reviews = append(p.Reviews, forge.Review{User: "maintainer", State: forge.ReviewDismissed, CommitID: head})
			})}},
			now:  due,
			want: []Action{Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"not approved: 0 of 1 required approvals."}}},
		},
		{
			name: "stale approval does not count when stale approvals are dismissed",
			state: State{Config: Config{Location: berlin, DismissStaleApprovals: true}, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Reviews = []forge.Review{{User: "ann", State: forge.ReviewApproved, CommitID: other}}
			})}},
			now: due,
			want: []Action{
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, "not approved: 0 of 1 required approvals on the head commit 1111111.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; not approved"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"not approved: 0 of 1 required approvals on the head commit 1111111."}},
			},
		},
		{
			name: "stale approval counts by default",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Reviews = []forge.Review{{User: "ann", State: forge.ReviewApproved, CommitID: other}}
			})}},
			now: due,
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{post.Path}, Due: due},
			},
		},
		{
			name: "no approval required",
			state: State{Config: Config{Location: berlin, ApprovalsRequired: NoApprovalRequired}, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Reviews = nil
			})}},
			now: due,
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{post.Path}, Due: due},
			},
		},
		{
			name: "required context not reported and another pending; herald's own status is ignored",
			state: State{Config: Config{Location: berlin, RequiredContexts: []string{"build", "ci"}}, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Checks = []Check{{Context: "ci", State: CheckSuccess}, {Context: "ci", State: CheckPending}, {Context: StatusContext, State: CheckPending}, {Context: "lint", State: CheckFailure}}
			})}},
			now: due,
			want: []Action{
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, "checks pending: `build` (not reported), `ci`.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; checks pending"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"checks pending: `build` (not reported), `ci`."}},
			},
		},
		{
			name: "held by label, with herald errors, draft and conflicting",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked, "herald/hold"}
				p.Draft = true
				p.HeraldErrors = 2
				p.Mergeable = forge.MergeableDirty
			})}},
			now: due,
			want: []Action{
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText,
					"draft pull request: mark it ready for review.",
					"held: by the label `herald/hold`; remove the label to publish.",
					"blocked by 2 errors: herald found 2 errors in the posts; see the check run.",
					"conflict: it has conflicts with the base branch; resolve them.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; draft pull request; held; blocked by 2 errors; conflict"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{
					"draft pull request: mark it ready for review.",
					"held: by the label `herald/hold`; remove the label to publish.",
					"blocked by 2 errors: herald found 2 errors in the posts; see the check run.",
					"conflict: it has conflicts with the base branch; resolve them."}},
			},
		},
		{
			name: "held by command, with a custom hold label configured",
			state: State{Config: Config{Location: berlin, HoldLabel: "do-not-merge"}, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked, "herald/hold"}
				p.HeldByCommand = true
			})}},
			now: due,
			want: []Action{
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, "held: by `/herald hold`; comment `/herald unhold` to publish.")},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; held"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"held: by `/herald hold`; comment `/herald unhold` to publish."}},
			},
		},
		{
			name: "head pushed after the check: no merge, no comment, look again soon",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled}
				p.CheckedSHA = other
			})}},
			now: due,
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; not checked"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"not checked: herald has not checked the head commit 1111111 yet."}},
				Wake{At: due.Add(DefaultRetry)},
			},
		},
		{
			name: "mergeability not computed yet: look again soon",
			state: State{Config: Config{Location: berlin, Retry: 5 * time.Second}, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Labels = []string{LabelScheduled}
				p.Mergeable = forge.MergeableUnknown
			})}},
			now: due,
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-03-02 08:00 UTC; mergeability unknown"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{"mergeability unknown: GitHub has not computed whether it can merge yet."}},
				Wake{At: due.Add(5 * time.Second)},
			},
		},
		{
			name: "blocked by branch protection (our own pending status) still merges",
			state: State{Config: cfg, PRs: []PR{with(ready(7, post), func(p *PR) {
				p.Mergeable = forge.MergeableBlocked
				p.Status = forge.Status{State: forge.StatusPending, Description: "Scheduled for 2026-03-02 08:00 UTC"}
			})}},
			now: due,
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-03-02 08:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{post.Path}, Due: due},
			},
		},
		{
			name: "date removed from the PR: herald's labels go, the status no longer holds the merge",
			state: State{Config: cfg, PRs: []PR{with(ready(7, resolvePost(t, "blog/x.md", "X", "", "", false, berlin)), func(p *PR) {
				p.Labels = []string{"docs", LabelScheduled, LabelBlocked}
				p.Status = forge.Status{State: forge.StatusPending, Description: "Scheduled for 2026-03-02 08:00 UTC"}
			})}},
			now: due,
			want: []Action{
				RemoveLabel{PR: 7, Label: LabelScheduled},
				RemoveLabel{PR: 7, Label: LabelBlocked},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "No scheduled post"},
			},
		},
		{
			name:  "a PR with a draft post only is not scheduled",
			state: State{Config: cfg, PRs: []PR{ready(7, resolvePost(t, "blog/x.md", "X", "2026-03-01", "", true, berlin))}},
			now:   due,
			want:  nil,
		},
		{
			name: "pull requests are planned in number order, one wake for the earliest",
			state: State{Config: cfg, PRs: []PR{
				with(ready(9, dated(t, "blog/late.md", "2026-03-05T00:00:00Z", berlin)), func(p *PR) { p.HeadSHA, p.CheckedSHA = other, other }),
				ready(3, dated(t, "blog/early.md", "2026-03-04T00:00:00Z", berlin)),
			}},
			now: due,
			want: []Action{
				SetLabel{PR: 3, Label: LabelScheduled},
				SetStatus{PR: 3, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Scheduled for 2026-03-04 00:00 UTC"},
				SetLabel{PR: 9, Label: LabelScheduled},
				SetStatus{PR: 9, SHA: other, Context: StatusContext, State: forge.StatusPending, Description: "Scheduled for 2026-03-05 00:00 UTC"},
				Wake{At: utc(t, "2026-03-04T00:00:00Z")},
			},
		},
		// Dates: local times, DST and date-only values, resolved as herald
		// resolves front matter.
		{
			name:  "date-only value means midnight in the site zone (Berlin, CEST)",
			state: State{Config: cfg, PRs: []PR{ready(7, dated(t, "blog/d.md", "2026-04-01", berlin))}},
			now:   utc(t, "2026-03-31T21:59:59Z"),
			want: []Action{
				SetLabel{PR: 7, Label: LabelScheduled},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Scheduled for 2026-03-31 22:00 UTC"},
				Wake{At: utc(t, "2026-03-31T22:00:00Z")},
			},
		},
		{
			name:  "date-only value in New York is due at 04:00 UTC in summer",
			state: State{Config: Config{Location: ny}, PRs: []PR{ready(7, dated(t, "blog/d.md", "2026-07-04", ny))}},
			now:   utc(t, "2026-07-04T04:00:00Z"),
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-07-04 04:00 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{"blog/d.md"}, Due: utc(t, "2026-07-04T04:00:00Z")},
			},
		},
		{
			name:  "the hour after the spring-forward gap in Berlin resolves in CEST",
			state: State{Config: cfg, PRs: []PR{ready(7, dated(t, "blog/d.md", "2026-03-29T03:00:00", berlin))}},
			now:   utc(t, "2026-03-29T00:59:00Z"),
			want: []Action{
				SetLabel{PR: 7, Label: LabelScheduled},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Scheduled for 2026-03-29 01:00 UTC"},
				Wake{At: utc(t, "2026-03-29T01:00:00Z")},
			},
		},
		{
			name:  "an offset date is exact whatever the zone (New York on the fall-back day)",
			state: State{Config: Config{Location: ny}, PRs: []PR{ready(7, dated(t, "blog/d.md", "2026-11-01T01:30:00-04:00", ny))}},
			now:   utc(t, "2026-11-01T05:30:00Z"),
			want: []Action{
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusSuccess, Description: "Due 2026-11-01 05:30 UTC; publishing"},
				Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{"blog/d.md"}, Due: utc(t, "2026-11-01T05:30:00Z")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Plan(tt.state, tt.now)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanDateProblems(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		name    string
		loc     *time.Location
		date    string
		problem string // a fragment of the message the author reads
	}{
		{name: "Berlin spring-forward gap", loc: berlin, date: "2026-03-29 02:30", problem: "does not exist in Europe/Berlin"},
		{name: "Berlin fall-back overlap", loc: berlin, date: "2026-10-25T02:30:00", problem: "occurs twice in Europe/Berlin"},
		{name: "New York spring-forward gap", loc: ny, date: "2026-03-08 02:15", problem: "does not exist in America/New_York"},
		{name: "New York fall-back overlap", loc: ny, date: "2026-11-01 01:30", problem: "occurs twice in America/New_York"},
		{name: "not a date", loc: ny, date: "next tuesday", problem: "is not a date"},
		{name: "impossible day", loc: berlin, date: "2026-02-30", problem: "is not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			post := resolvePost(t, "blog/p.md", "P", tt.date, "", false, tt.loc)
			if !strings.Contains(post.DateProblem, tt.problem) {
				t.Fatalf("DateProblem = %q, want it to contain %q", post.DateProblem, tt.problem)
			}
			if !post.PublishAt.IsZero() {
				t.Fatalf("PublishAt = %v, want zero for a date with a problem", post.PublishAt)
			}
			ok := dated(t, "blog/ok.md", "2026-01-01T00:00:00Z", tt.loc)
			state := State{Config: Config{Location: tt.loc}, PRs: []PR{ready(4, ok, post)}}
			reason := "`blog/p.md`: " + post.DateProblem
			body := "herald will not publish this pull request: the date of a post could not be resolved, and herald does not guess.\n\n" +
				"- " + reason + "\n\nGive the date with an offset (such as `2026-03-29T10:00:00+02:00`), or a local time that exists exactly once in " + tt.loc.String() + ", and push."
			want := []Action{
				SetLabel{PR: 4, Label: LabelBlocked},
				SetStatus{PR: 4, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Not scheduled: the date of blog/p.md could not be resolved"},
				Comment{PR: 4, Key: BlockerCommentKey, Body: body},
				Blocked{PR: 4, Paths: []string{"blog/p.md"}, Reasons: []string{reason}},
			}
			// Long after every date: still never merged.
			got := Plan(state, utc(t, "2027-01-01T00:00:00Z"))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBlockerCommentBody(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	post := dated(t, "blog/x.md", "2026-10-24 23:30", berlin)
	pr := with(ready(5, post), func(p *PR) { p.Reviews = nil; p.Labels = []string{LabelScheduled, LabelBlocked} })
	got := Plan(State{Config: Config{Location: berlin}, PRs: []PR{pr}}, utc(t, "2026-10-25T00:00:00Z"))
	want := Comment{PR: 5, Key: BlockerCommentKey, Body: `herald could not publish this pull request at its time, 2026-10-24 21:30 UTC (23:30 CEST, Europe/Berlin).

- not approved: 0 of 1 required approvals.

It goes out as soon as this is resolved, and this comment is updated rather than repeated.`}
	if len(got) == 0 {
		t.Fatal("Plan() returned no actions")
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("blocker comment mismatch (-want +got):\n%s", diff)
	}
}

func TestPlanDraft(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	cfg := Config{Strategy: StrategyDraft, Location: berlin}
	draft := func(path, date string) Post { return resolvePost(t, path, "Title "+path, date, "", true, berlin) }
	tests := []struct {
		name  string
		posts []Post
		now   time.Time
		want  []Action
	}{
		{
			name:  "due draft is flipped on time",
			posts: []Post{draft("blog/a.md", "2026-05-01 10:00")},
			now:   utc(t, "2026-05-01T08:00:30Z"),
			want:  []Action{CommitDraftFlip{Path: "blog/a.md", Title: "Title blog/a.md", Due: utc(t, "2026-05-01T08:00:00Z")}},
		},
		{
			name:  "future draft: wake at its time",
			posts: []Post{draft("blog/a.md", "2026-05-01 10:00"), draft("blog/b.md", "2026-06-01")},
			now:   utc(t, "2026-04-01T00:00:00Z"),
			want:  []Action{Wake{At: utc(t, "2026-05-01T08:00:00Z")}},
		},
		{
			name:  "overdue drafts are caught up, late, in path order",
			posts: []Post{draft("blog/b.md", "2026-05-01"), draft("blog/a.md", "2026-05-01 10:00")},
			now:   utc(t, "2026-05-02T00:00:00Z"),
			want: []Action{
				CommitDraftFlip{Path: "blog/a.md", Title: "Title blog/a.md", Due: utc(t, "2026-05-01T08:00:00Z"), Late: 16 * time.Hour},
				CommitDraftFlip{Path: "blog/b.md", Title: "Title blog/b.md", Due: utc(t, "2026-04-30T22:00:00Z"), Late: 26 * time.Hour},
			},
		},
		{
			name:  "a draft that fell due beyond the catch-up window is reported, not flipped",
			posts: []Post{draft("blog/old.md", "2025-01-01")},
			now:   utc(t, "2026-05-02T00:00:00Z"),
			want: []Action{Blocked{Paths: []string{"blog/old.md"}, Due: utc(t, "2024-12-31T23:00:00Z"), Reasons: []string{
				"It fell due 2024-12-31 23:00 UTC, more than 7 days ago; herald only catches up on the last 7 days. Set a new date to publish it."}}},
		},
		{
			name:  "a draft in the DST gap is reported, never flipped",
			posts: []Post{draft("blog/gap.md", "2026-03-29 02:30")},
			now:   utc(t, "2026-03-30T00:00:00Z"),
			want: []Action{Blocked{Paths: []string{"blog/gap.md"}, Reasons: []string{
				`"2026-03-29 02:30" does not exist in Europe/Berlin: the clocks skip that hour (daylight saving time); add an offset or pick another time`}}},
		},
		{
			name: "a due draft with errors is reported, never flipped",
			posts: func() []Post {
				p := draft("blog/broken.md", "2026-05-01 10:00")
				p.ErrorRules = []string{"unknown-author", "unknown-author"}
				return []Post{p}
			}(),
			now: utc(t, "2026-05-01T08:00:30Z"),
			want: []Action{Blocked{Paths: []string{"blog/broken.md"}, Due: utc(t, "2026-05-01T08:00:00Z"), ErrorRules: []string{"unknown-author", "unknown-author"}, Reasons: []string{
				"blocked by unknown-author: herald found 2 errors in the post; it goes out once herald check blog/broken.md finds none."}}},
		},
		{
			name:  "undated drafts and published posts are left alone",
			posts: []Post{draft("blog/undated.md", ""), resolvePost(t, "blog/live.md", "Live", "2026-05-01", "", false, berlin)},
			now:   utc(t, "2026-05-02T00:00:00Z"),
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Plan(State{Config: cfg, Posts: tt.posts}, tt.now)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanRebuild(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	post := func(path, date, expiry string) Post { return resolvePost(t, path, "T "+path, date, expiry, false, ny) }
	tests := []struct {
		name  string
		state State
		now   time.Time
		want  []Action
	}{
		{
			name: "posts due since the last rebuild go in one trigger, empty commit by default",
			state: State{
				Config: Config{Strategy: StrategyRebuild, Location: ny},
				Posts:  []Post{post("content/b.md", "2026-03-08 03:00", ""), post("content/a.md", "2026-03-08", ""), post("content/old.md", "2026-03-01", "")},
				Done:   Done{LastRebuild: utc(t, "2026-03-07T00:00:00Z")},
			},
			now: utc(t, "2026-03-08T07:00:10Z"),
			want: []Action{TriggerRebuild{Kind: TriggerEmptyCommit, Reason: "publish: T content/a.md; publish: T content/b.md", Items: []RebuildItem{
				{Path: "content/a.md", Title: "T content/a.md", Cause: CausePublish, Due: utc(t, "2026-03-08T05:00:00Z"), Late: 2*time.Hour + 10*time.Second},
				{Path: "content/b.md", Title: "T content/b.md", Cause: CausePublish, Due: utc(t, "2026-03-08T07:00:00Z")},
			}}},
		},
		{
			name: "covered by the last rebuild: only the wake for what comes next",
			state: State{
				Config: Config{Strategy: StrategyRebuild, Trigger: TriggerWorkflowDispatch, Location: ny},
				Posts:  []Post{post("content/a.md", "2026-03-08", ""), post("content/next.md", "2026-03-09", "")},
				Done:   Done{LastRebuild: utc(t, "2026-03-08T05:00:01Z")},
			},
			now:  utc(t, "2026-03-08T06:00:00Z"),
			want: []Action{Wake{At: utc(t, "2026-03-09T04:00:00Z")}},
		},
		{
			name: "first run: history beyond the catch-up window triggers nothing",
			state: State{
				Config: Config{Strategy: StrategyRebuild, Trigger: TriggerHook, Location: ny},
				Posts:  []Post{post("content/2019.md", "2019-01-01", ""), post("content/2020.md", "2020-06-01T10:00:00Z", "")},
			},
			now:  utc(t, "2026-03-08T06:00:00Z"),
			want: nil,
		},
		{
			name: "expiry triggers a rebuild, drafts do not",
			state: State{
				Config: Config{Strategy: StrategyRebuild, Trigger: TriggerRepositoryDispatch, Location: ny},
				Posts: []Post{
					post("content/sale.md", "2026-01-01", "2026-03-08 09:00"),
					resolvePost(t, "content/draft.md", "D", "2026-03-08", "", true, ny),
				},
				Done: Done{LastRebuild: utc(t, "2026-03-01T00:00:00Z")},
			},
			now: utc(t, "2026-03-08T13:00:00Z"),
			want: []Action{TriggerRebuild{Kind: TriggerRepositoryDispatch, Reason: "expiry: T content/sale.md", Items: []RebuildItem{
				{Path: "content/sale.md", Title: "T content/sale.md", Cause: CauseExpiry, Due: utc(t, "2026-03-08T13:00:00Z")},
			}}},
		},
		{
			name: "expiry under the merge strategy with a trigger configured",
			state: State{
				Config: Config{Trigger: TriggerWorkflowDispatch, Location: ny},
				Posts:  []Post{post("content/sale.md", "2026-01-01", "2026-03-09")},
			},
			now:  utc(t, "2026-03-08T13:00:00Z"),
			want: []Action{Wake{At: utc(t, "2026-03-09T04:00:00Z")}},
		},
		{
			name: "expiry under the merge strategy without a trigger: nothing to do",
			state: State{
				Config: Config{Location: ny},
				Posts:  []Post{post("content/sale.md", "2026-01-01", "2026-03-08")},
			},
			now:  utc(t, "2026-03-08T13:00:00Z"),
			want: nil,
		},
		{
			name: "an ambiguous date under rebuild is reported and never triggers",
			state: State{
				Config: Config{Strategy: StrategyRebuild, Location: ny},
				Posts:  []Post{post("content/fall.md", "2026-11-01 01:30", "")},
			},
			now: utc(t, "2026-11-02T00:00:00Z"),
			want: []Action{Blocked{Paths: []string{"content/fall.md"}, Reasons: []string{
				`"2026-11-01 01:30" occurs twice in America/New_York (daylight saving time ends): it could be 2026-11-01T01:30:00-04:00 or 2026-11-01T01:30:00-05:00; add an offset`}}},
		},
		{
			name:  "an unknown strategy is reported, nothing published",
			state: State{Config: Config{Strategy: "yolo"}, Posts: []Post{post("content/a.md", "2026-03-08", "")}},
			now:   utc(t, "2026-03-09T00:00:00Z"),
			want:  []Action{Blocked{Reasons: []string{`unknown publish strategy "yolo" (want merge, draft or rebuild); nothing is published`}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Plan(tt.state, tt.now)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanIsDeterministicAndLeavesInputAlone(t *testing.T) {
	t.Parallel()
	posts := []Post{
		{Path: "b.md", Title: "B", PublishAt: utc(t, "2026-01-02T00:00:00Z")},
		{Path: "a.md", Title: "A", PublishAt: utc(t, "2026-01-01T00:00:00Z")},
	}
	state := State{PRs: []PR{ready(2, posts...), ready(1, posts[0])}}
	now := utc(t, "2026-01-03T00:00:00Z")
	first := Plan(state, now)
	if diff := cmp.Diff(first, Plan(state, now)); diff != "" {
		t.Errorf("second Plan() differs (-first +second):\n%s", diff)
	}
	if state.PRs[0].Number != 2 || state.PRs[0].Posts[0].Path != "b.md" {
		t.Errorf("Plan() reordered its input: %+v", state.PRs)
	}
}

// withErrors returns post with error findings of these rules.
func withErrors(post Post, rules ...string) Post {
	post.ErrorRules = rules
	return post
}

// TestPlanErrorsBlock checks that a post with error findings is not
// published under any strategy, and that the blocker names its rules.
func TestPlanErrorsBlock(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	draft := func(path, date string) Post { return resolvePost(t, path, "Title "+path, date, "", true, berlin) }
	post := dated(t, "blog/launch.md", "2026-05-01 10:00", berlin)
	due := utc(t, "2026-05-01T08:00:00Z")
	dueText := "2026-05-01 08:00 UTC (10:00 CEST, Europe/Berlin)"
	draftReason := "blocked by link-reversed, unknown-author: herald found 3 errors in the post; it goes out once herald check blog/a.md finds none."
	prReason := "blocked by link-reversed, unknown-author: herald found 3 errors in the posts; see the check run."
	tests := []struct {
		name  string
		state State
		now   time.Time
		want  []Action
	}{
		{
			name:  "draft: a due draft with errors is not flipped; the blocker names the rules once each",
			state: State{Config: Config{Strategy: StrategyDraft, Location: berlin}, Posts: []Post{withErrors(draft("blog/a.md", "2026-05-01 10:00"), "unknown-author", "link-reversed", "unknown-author")}},
			now:   utc(t, "2026-05-01T09:00:00Z"),
			want: []Action{Blocked{Paths: []string{"blog/a.md"}, Due: due, Reasons: []string{draftReason},
				ErrorRules: []string{"unknown-author", "link-reversed", "unknown-author"}}},
		},
		{
			name:  "draft: a future draft with errors wakes at its time and does nothing before",
			state: State{Config: Config{Strategy: StrategyDraft, Location: berlin}, Posts: []Post{withErrors(draft("blog/a.md", "2026-05-01 10:00"), "unknown-author")}},
			now:   utc(t, "2026-04-01T00:00:00Z"),
			want:  []Action{Wake{At: due}},
		},
		{
			name: "draft: once fixed (no errors), it goes out late",
			state: State{Config: Config{Strategy: StrategyDraft, Location: berlin}, Posts: []Post{
				withErrors(draft("blog/a.md", "2026-05-01 10:00")), withErrors(draft("blog/b.md", "2026-05-01 10:00"), "unknown-tag")}},
			now: utc(t, "2026-05-01T10:00:00Z"),
			want: []Action{
				CommitDraftFlip{Path: "blog/a.md", Title: "Title blog/a.md", Due: due, Late: 2 * time.Hour},
				Blocked{Paths: []string{"blog/b.md"}, Due: due, ErrorRules: []string{"unknown-tag"}, Reasons: []string{
					"blocked by unknown-tag: herald found 1 error in the post; it goes out once herald check blog/b.md finds none."}},
			},
		},
		{
			name: "merge: the rules of the posts block a due pull request, even with no error count",
			state: State{Config: Config{Location: berlin}, PRs: []PR{with(ready(7, withErrors(post, "unknown-author", "link-reversed")), func(p *PR) {
				p.Labels = []string{LabelScheduled}
				p.ErrorRules = []string{"unknown-author"}
			})}},
			now: due,
			want: []Action{
				SetLabel{PR: 7, Label: LabelBlocked},
				Comment{PR: 7, Key: BlockerCommentKey, Body: blockerText(dueText, prReason)},
				SetStatus{PR: 7, SHA: head, Context: StatusContext, State: forge.StatusPending, Description: "Due 2026-05-01 08:00 UTC; blocked by link-reversed, unknown-author"},
				Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{prReason}, ErrorRules: []string{"unknown-author", "unknown-author", "link-reversed"}},
			},
		},
		{
			name: "merge: the blocker comment already says it: nothing is repeated",
			state: State{Config: Config{Location: berlin}, PRs: []PR{with(ready(7, withErrors(post, "unknown-author", "link-reversed", "unknown-author")), func(p *PR) {
				p.Labels = []string{LabelScheduled, LabelBlocked}
				p.Status = forge.Status{State: forge.StatusPending, Description: "Due 2026-05-01 08:00 UTC; blocked by link-reversed, unknown-author"}
				p.Comments = []PostedComment{{Key: BlockerCommentKey, Body: blockerText(dueText, prReason)}}
			})}},
			now:  due.Add(time.Hour),
			want: []Action{Blocked{PR: 7, Paths: []string{post.Path}, Due: due, Reasons: []string{prReason}, ErrorRules: []string{"unknown-author", "link-reversed", "unknown-author"}}},
		},
		{
			name: "rebuild: a due post with errors triggers no rebuild; the others do",
			state: State{Config: Config{Strategy: StrategyRebuild, Location: berlin}, Posts: []Post{
				withErrors(resolvePost(t, "blog/a.md", "A", "2026-05-01 10:00", "", false, berlin), "unknown-author", "link-reversed", "link-reversed"),
				resolvePost(t, "blog/b.md", "B", "2026-05-01 10:00", "", false, berlin)}},
			now: due,
			want: []Action{
				Blocked{Paths: []string{"blog/a.md"}, Due: due, ErrorRules: []string{"unknown-author", "link-reversed", "link-reversed"}, Reasons: []string{draftReason}},
				TriggerRebuild{Kind: TriggerEmptyCommit, Reason: "publish: B", Items: []RebuildItem{{Path: "blog/b.md", Title: "B", Cause: CausePublish, Due: due}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Plan(tt.state, tt.now)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
