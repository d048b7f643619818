package adapter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

var headSHA = strings.Repeat("c", 40)

func (f *forgeEnv) addPR(t *testing.T) int {
	t.Helper()
	return f.fake.AddPR(ownerRepo, fakegithub.PR{Number: 7, Title: "Hello", Author: "ann", HeadRef: "post-hello", HeadSHA: headSHA,
		BaseRef: "main", BaseSHA: strings.Repeat("b", 40), Labels: []string{publish.LabelScheduled}})
}

func mergePublisher(f *forgeEnv, pr publish.PullRequests) *publish.Publisher {
	if pr == nil {
		pr = adapter.NewForge(f.client)
	}
	return publish.NewPublisher(ownerRepo, publish.WithPullRequests(pr), publish.WithPublisherClock(clock))
}

func TestMergeDuePR(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newForge(t)
	n := f.addPR(t)
	acts := publish.Plan(f.prState(t, n), now)
	res := mergePublisher(f, nil).Publish(ctx, acts)
	want := []publish.OutcomeStatus{publish.OutcomeDone, publish.OutcomeDone, publish.OutcomeDone}
	if diff := cmp.Diff(want, statuses(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	merges := f.fake.Merges()
	if len(merges) != 1 || merges[0].SHA != headSHA || merges[0].Method != "merge" {
		t.Fatalf("merges %+v", merges)
	}
	if got := res.Outcomes[1].Commit; got == "" || got != merges[0].MergeSHA {
		t.Errorf("the merge's outcome names commit %q, want the merge commit %q", got, merges[0].MergeSHA)
	}
	sts := f.fake.Statuses(ownerRepo, headSHA)
	if len(sts) != 1 || sts[0].State != "success" || sts[0].Context != publish.StatusContext {
		t.Errorf("statuses %+v", sts)
	}
	cs := f.fake.Comments(ownerRepo, n)
	if len(cs) != 1 {
		t.Fatalf("comments %+v", cs)
	}
	wantBody := "Published `blog/a.md` at 2026-03-02 11:13 UTC (went out late by 2h13m; it was due 2026-03-02 09:00 UTC)."
	if !strings.Contains(cs[0].Body, wantBody) || !strings.Contains(cs[0].Body, "herald:"+publish.PublishedCommentKey) {
		t.Errorf("comment %q, want it to hold %q and its marker", cs[0].Body, wantBody)
	}
	// Re-planned from the new state: the pull request is closed, nothing
	// to do; a replica with the stale action finds it merged.
	if acts := publish.Plan(f.prState(t, n), now); len(acts) != 0 {
		t.Errorf("plan after merge: %+v", acts)
	}
	res = mergePublisher(f, nil).Publish(ctx, []publish.Action{publish.Merge{PR: n, HeadSHA: headSHA, Paths: []string{"blog/a.md"}, Due: due}})
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeAlreadyDone}, statuses(res)); diff != "" {
		t.Errorf("stale merge (-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	if len(f.fake.Merges()) != 1 {
		t.Errorf("merged twice")
	}
}

func TestMergeHeadMovedIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newForge(t)
	n := f.addPR(t)
	acts := publish.Plan(f.prState(t, n), now)
	// The author pushes after herald planned.
	f.fake.SetHead(ownerRepo, n, strings.Repeat("d", 40), nil)
	res := mergePublisher(f, nil).Publish(ctx, acts)
	merge := mergeOutcome(t, res)
	if merge.Status != publish.OutcomeDeferred || !errors.Is(merge.Err, publish.ErrHeadMoved) {
		t.Fatalf("merge outcome %s %v, want deferred with ErrHeadMoved", merge.Status, merge.Err)
	}
	if len(f.fake.Merges()) != 0 {
		t.Errorf("merged a moved head: %+v", f.fake.Merges())
	}
	if res.OK() {
		t.Errorf("a deferred merge reads as OK")
	}
	if len(f.fake.Comments(ownerRepo, n)) != 0 {
		t.Errorf("commented on a merge that did not happen")
	}
}

// TestMergeNotMergeable: the forge refuses the merge (conflicts); the error
// says so, and says too when the pull request could not be read again to
// tell why.
func TestMergeNotMergeable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		unreadable bool
		want       []string
	}{
		{name: "conflicts", want: []string{"merge acme/blog#7 at ccccccc: not mergeable"}},
		{name: "conflicts and the pull request cannot be read again", unreadable: true,
			want: []string{"merge acme/blog#7 at ccccccc: not mergeable", "reading the pull request again: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newForge(t)
			n := f.addPR(t)
			acts := publish.Plan(f.prState(t, n), now)
			no := false
			f.fake.SetMergeable(ownerRepo, n, &no, "dirty")
			if tt.unreadable {
				f.fake.FailNext("pulls/get", 1, 404)
			}
			merge := mergeOutcome(t, mergePublisher(f, nil).Publish(ctx, acts))
			if merge.Status != publish.OutcomeFailed || !errors.Is(merge.Err, publish.ErrNotMergeable) {
				t.Fatalf("merge outcome %s %v", merge.Status, merge.Err)
			}
			for _, want := range tt.want {
				if !strings.Contains(merge.Err.Error(), want) {
					t.Errorf("error %q, want it to hold %q", merge.Err, want)
				}
			}
		})
	}
}

func TestMergeStatusFailureStopsMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newForge(t)
	n := f.addPR(t)
	f.fake.FailNext("repos/create-commit-status", 10, 500)
	res := mergePublisher(f, nil).Publish(ctx, []publish.Action{publish.Merge{PR: n, HeadSHA: headSHA, Paths: []string{"blog/a.md"}, Due: due}})
	if len(res.Outcomes) != 1 || res.Outcomes[0].Status != publish.OutcomeFailed || !strings.Contains(res.Outcomes[0].Err.Error(), "not attempted") {
		t.Fatalf("%+v", res.Outcomes)
	}
	if len(f.fake.Merges()) != 0 {
		t.Errorf("merged without the status")
	}
}

func TestMergeForgeFaultsDelayButDoNotLose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newForge(t)
	n := f.addPR(t)
	acts := publish.Plan(f.prState(t, n), now)
	f.fake.FailNext("repos/create-commit-status", 2, 502)
	f.fake.RateLimitNext("pulls/merge", 1, 403, time.Now().Add(1500*time.Millisecond))
	f.fake.FailNext("pulls/merge", 1, 503)
	f.fake.SecondaryLimitNext("issues/create-comment", 1, time.Second)
	res := mergePublisher(f, nil).Publish(ctx, acts)
	for _, o := range res.Outcomes {
		if o.Status != publish.OutcomeDone {
			t.Errorf("%T: %s %v", o.Action, o.Status, o.Err)
		}
	}
	if len(f.fake.Merges()) != 1 {
		t.Errorf("merges %+v", f.fake.Merges())
	}
	if len(f.fake.Comments(ownerRepo, n)) != 1 {
		t.Errorf("comments %+v", f.fake.Comments(ownerRepo, n))
	}
}

// TestMergeCrashAtEachStep kills the publisher after each of its side
// effects in turn, then plans again from the state read back from the forge
// and publishes: one merge and one published comment overall, every time.
func TestMergeCrashAtEachStep(t *testing.T) {
	t.Parallel()
	for k := 0; k <= 3; k++ {
		t.Run("after step "+string(rune('0'+k)), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newForge(t)
			n := f.addPR(t)
			d := &dying{k: k}
			mergePublisher(f, dyingForge{dying: d, inner: adapter.NewForge(f.client)}).Publish(ctx, publish.Plan(f.prState(t, n), now))
			// Restart: fresh state, healthy process, then once more.
			for range 2 {
				res := mergePublisher(f, nil).Publish(ctx, publish.Plan(f.prState(t, n), now))
				if len(res.Failed()) > 0 {
					t.Fatalf("after restart: %+v", res.Failed())
				}
			}
			if got := len(f.fake.Merges()); got != 1 {
				t.Errorf("%d merges, want 1", got)
			}
			// The steps are: status, merge, comment. Killed right after
			// the merge, the comment is lost with the process: the pull
			// request is closed and no longer planned.
			wantComments := 1
			if k == 2 {
				wantComments = 0
			}
			if got := len(f.fake.Comments(ownerRepo, n)); got != wantComments {
				t.Errorf("%d comments, want %d", got, wantComments)
			}
		})
	}
}

// TestMergeAnswerLost: the merge is made but its answer never arrives (the
// attempt times out); the retry is refused as the pull request is merged,
// which the publisher reports as already done. One merge.
func TestMergeAnswerLost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newForge(t)
	n := f.addPR(t)
	f.fake.SlowNext("pulls/merge", 1, 3*time.Second)
	res := mergePublisher(f, nil).Publish(ctx, []publish.Action{publish.Merge{PR: n, HeadSHA: headSHA, Paths: []string{"blog/a.md"}, Due: due}})
	if len(res.Outcomes) == 0 || (res.Outcomes[0].Status != publish.OutcomeAlreadyDone && res.Outcomes[0].Status != publish.OutcomeDone) {
		t.Fatalf("%+v", res.Outcomes)
	}
	if got := len(f.fake.Merges()); got != 1 {
		t.Errorf("%d merges, want 1", got)
	}
}

func TestStraightThroughActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newForge(t)
	n := f.addPR(t)
	wake := publish.Wake{At: now.Add(time.Hour)}
	blocked := publish.Blocked{PR: n, Paths: []string{"blog/a.md"}, Due: due, Reasons: []string{"not approved: 0 of 1 required approvals."}}
	acts := []publish.Action{
		publish.SetLabel{PR: n, Label: publish.LabelBlocked},
		publish.SetLabel{PR: n, Label: publish.LabelScheduled}, // present already
		publish.RemoveLabel{PR: n, Label: "herald/hold"},       // absent
		publish.Comment{PR: n, Key: publish.BlockerCommentKey, Body: "herald could not publish this pull request."},
		publish.SetStatus{PR: n, SHA: headSHA, Context: publish.StatusContext, State: forge.StatusPending, Description: "waiting: approval"},
		publish.SetStatus{PR: n, SHA: headSHA, Context: publish.StatusContext, State: forge.StatusPending, Description: "waiting: approval"},
		blocked,
		wake,
	}
	p := mergePublisher(f, nil)
	res := p.Publish(ctx, acts)
	want := []publish.OutcomeStatus{publish.OutcomeDone, publish.OutcomeDone, publish.OutcomeDone, publish.OutcomeDone,
		publish.OutcomeDone, publish.OutcomeAlreadyDone, publish.OutcomeReported, publish.OutcomeReported}
	if diff := cmp.Diff(want, statuses(res)); diff != "" {
		t.Errorf("(-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	if diff := cmp.Diff([]publish.Blocked{blocked}, res.Blocked); diff != "" || res.Wake == nil || !res.Wake.At.Equal(wake.At) {
		t.Errorf("blocked %s, wake %+v", diff, res.Wake)
	}
	if res.OK() {
		t.Errorf("a blocked result reads as OK")
	}
	pr := f.fake.PR(ownerRepo, n)
	if diff := cmp.Diff([]string{publish.LabelBlocked, publish.LabelScheduled}, pr.Labels, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if got := len(f.fake.Statuses(ownerRepo, headSHA)); got != 1 {
		t.Errorf("%d statuses written, want 1", got)
	}
	// Again: the comment is edited in place, not repeated.
	p.Publish(ctx, []publish.Action{publish.Comment{PR: n, Key: publish.BlockerCommentKey, Body: "Now it says something else."}})
	cs := f.fake.Comments(ownerRepo, n)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "Now it says something else.") {
		t.Errorf("comments %+v", cs)
	}
	// Without a forge, each pull request action fails on its own and the
	// others still run.
	res = publish.NewPublisher(ownerRepo).Publish(ctx, []publish.Action{publish.SetLabel{PR: n, Label: "x"}, wake})
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeFailed, publish.OutcomeReported}, statuses(res)); diff != "" {
		t.Errorf("no forge (-want +got):\n%s", diff)
	}
	if !errors.Is(res.Outcomes[0].Err, publish.ErrNotConfigured) {
		t.Errorf("error %v", res.Outcomes[0].Err)
	}
}

// mergeOutcome is the outcome of the merge in res.
func mergeOutcome(t *testing.T, res publish.Result) publish.Outcome {
	t.Helper()
	for _, o := range res.Outcomes {
		if _, ok := o.Action.(publish.Merge); ok {
			return o
		}
	}
	t.Fatalf("no merge among the outcomes %+v", res.Outcomes)
	return publish.Outcome{}
}
