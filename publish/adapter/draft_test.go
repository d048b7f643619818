package adapter_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/internal/fakegithub"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

const draftPost = "---\ntitle: Hello\ndate: 2026-03-02T09:00:00Z\ndraft: true # until launch\ntags: [news]\n---\n\nIntro.\n\n<!-- truncate -->\n\ndraft: true is not front matter here.\n"

func draftFiles() map[string]string {
	return map[string]string{
		"blog/a.md":         draftPost,
		"blog/b.md":         "---\ntitle: Old\ndate: 2026-01-01T09:00:00Z\n---\nOld post.\n",
		"docusaurus.config": "// marker\n",
	}
}

func draftPublisher(t *testing.T, b publish.Branch, opts ...publish.Option) *publish.Publisher {
	t.Helper()
	base := []publish.Option{
		publish.WithDefaultBranch(b, "main"),
		publish.WithSite(docusaurus(t), nil),
		publish.WithPublisherClock(clock),
	}
	return publish.NewPublisher(ownerRepo, append(base, opts...)...)
}

func statuses(r publish.Result) []publish.OutcomeStatus {
	var out []publish.OutcomeStatus
	for _, o := range r.Outcomes {
		out = append(out, o.Status)
	}
	return out
}

func TestDraftFlipChangesOneLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, draftFiles())
	base := repo.Ref("refs/heads/main")
	m := openMirror(t, repo.URL)
	prof := docusaurus(t)

	acts := publish.Plan(draftState(t, m, prof), now)
	if diff := cmp.Diff([]publish.Action{publish.CommitDraftFlip{Path: "blog/a.md", Title: "Hello", Due: due, Late: now.Sub(due)}}, acts); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	res := draftPublisher(t, adapter.NewBranch(m, "main", herald)).Publish(ctx, acts)
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeDone}, statuses(res)); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s\n%+v", diff, res.Outcomes)
	}

	tip := repo.Ref("refs/heads/main")
	if got := repo.Git("rev-parse", tip+"^"); got != base {
		t.Fatalf("the publish commit's parent is %s, want %s", got, base)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("%d commits on main, want 2", n)
	}
	after := repo.ReadFile(tip, "blog/a.md")
	want := strings.Replace(draftPost, "draft: true # until launch", "draft: false # until launch", 1)
	if !bytes.Equal([]byte(after), []byte(want)) {
		t.Errorf("post after the flip:\n%q\nwant\n%q", after, want)
	}
	if files := repo.Git("diff", "--name-only", base, tip); files != "blog/a.md" {
		t.Errorf("changed files %q, want only blog/a.md", files)
	}
	msg := repo.Git("log", "-1", "--format=%B", tip)
	wantMsg := "publish: Hello\n\nScheduled for 2026-03-02 09:00 UTC; published by herald.\n\nHerald-Published: 2026-03-02T11:13:00Z"
	if diff := cmp.Diff(wantMsg, msg); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	if got := repo.Git("log", "-1", "--format=%an <%ae>", tip); got != "herald <herald@example.com>" {
		t.Errorf("author %q", got)
	}

	// Planned again from the new state: nothing to do.
	if acts := publish.Plan(draftState(t, m, prof), now); len(acts) != 0 {
		t.Errorf("second plan: %+v", acts)
	}
	// A stale action (as a replica that planned before the flip would
	// carry) is already done.
	res = draftPublisher(t, adapter.NewBranch(m, "main", herald)).Publish(ctx, []publish.Action{publish.CommitDraftFlip{Path: "blog/a.md", Title: "Hello", Due: due}})
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeAlreadyDone}, statuses(res)); diff != "" {
		t.Errorf("stale action (-want +got):\n%s", diff)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("%d commits on main after the stale action, want 2", n)
	}
}

func TestDraftFlipTwoReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, draftFiles())
	prof := docusaurus(t)
	ma, mb := openMirror(t, repo.URL), openMirror(t, repo.URL)
	actsA := publish.Plan(draftState(t, ma, prof), now)
	actsB := publish.Plan(draftState(t, mb, prof), now)

	t.Run("interleaved", func(t *testing.T) {
		// B reads the tip and builds its commit; A publishes in full
		// before B pushes. B's push is refused, it re-reads, and finds
		// the post published.
		var resA publish.Result
		hb := &hookBranch{Branch: adapter.NewBranch(mb, "main", herald), before: func() {
			resA = draftPublisher(t, adapter.NewBranch(ma, "main", herald)).Publish(ctx, actsA)
		}}
		// Replicas' clocks differ; with the same second, both would build
		// the very same commit and both pushes would leave one commit.
		resB := draftPublisher(t, hb, publish.WithPublisherClock(func() time.Time { return now.Add(time.Second) })).Publish(ctx, actsB)
		if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeDone}, statuses(resA)); diff != "" {
			t.Errorf("A (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeAlreadyDone}, statuses(resB)); diff != "" {
			t.Errorf("B (-want +got):\n%s\n%+v", diff, resB.Outcomes)
		}
		if n := repo.CommitCount("refs/heads/main"); n != 2 {
			t.Errorf("%d commits on main, want 2 (one publish commit)", n)
		}
	})
}

func TestDraftFlipConcurrentReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	files := draftFiles()
	files["blog/c.md"] = strings.Replace(draftPost, "Hello", "Second", 1)
	files["blog/d.md"] = strings.Replace(draftPost, "Hello", "Third", 1)
	_, repo := newRepo(t, files)
	prof := docusaurus(t)
	var wg sync.WaitGroup
	results := make([]publish.Result, 2)
	for i := range results {
		m := openMirror(t, repo.URL)
		acts := publish.Plan(draftState(t, m, prof), now)
		replicaNow := now.Add(time.Duration(i) * time.Second)
		wg.Go(func() {
			results[i] = draftPublisher(t, adapter.NewBranch(m, "main", herald), publish.WithPublisherClock(func() time.Time { return replicaNow })).Publish(ctx, acts)
		})
	}
	wg.Wait()
	done := 0
	for _, r := range results {
		for _, o := range r.Outcomes {
			switch o.Status {
			case publish.OutcomeDone:
				done++
			case publish.OutcomeAlreadyDone:
			default:
				t.Errorf("outcome %s: %v", o.Status, o.Err)
			}
		}
	}
	if done != 3 {
		t.Errorf("%d publish commits made, want 3", done)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 4 {
		t.Errorf("%d commits on main, want 4 (three one-line publish commits)", n)
	}
	for _, c := range strings.Fields(repo.Git("rev-list", "refs/heads/main~3..refs/heads/main")) {
		if stat := repo.Git("show", "--numstat", "--format=", c); !strings.HasPrefix(stat, "1\t1\tblog/") || strings.Contains(stat, "\n") {
			t.Errorf("commit %s changes more than one line: %q", c, stat)
		}
	}
	// A third run adds none.
	m := openMirror(t, repo.URL)
	if acts := publish.Plan(draftState(t, m, prof), now); len(acts) != 0 {
		t.Errorf("third plan: %+v", acts)
	}
}

func TestDraftFlipBranchMovedMidPublish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo, m, acts := plannedDrafts(t)
	// A person pushes an unrelated change between herald's read and push.
	hb := &hookBranch{Branch: adapter.NewBranch(m, "main", herald), before: func() {
		repo.Commit("refs/heads/main", map[string]string{"blog/b.md": "---\ntitle: Old, edited\n---\n"})
	}}
	res := draftPublisher(t, hb).Publish(ctx, acts)
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeDone}, statuses(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 3 {
		t.Errorf("%d commits, want 3", n)
	}
	tip := repo.Ref("refs/heads/main")
	if got := repo.ReadFile(tip, "blog/b.md"); got != "---\ntitle: Old, edited\n---\n" {
		t.Errorf("the person's change was lost: %q", got)
	}
	if got := repo.ReadFile(tip, "blog/a.md"); !strings.Contains(got, "draft: false # until launch") {
		t.Errorf("not flipped: %q", got)
	}
}

func TestDraftFlipKeepsMovingGivesUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo, m, acts := plannedDrafts(t)
	n := 0
	b := &movingBranch{Branch: adapter.NewBranch(m, "main", herald), move: func() {
		n++
		repo.Commit("refs/heads/main", map[string]string{"other.txt": strings.Repeat("x", n)})
	}}
	res := draftPublisher(t, b, publish.WithMaxPushAttempts(3)).Publish(ctx, acts)
	if len(res.Outcomes) != 1 || res.Outcomes[0].Status != publish.OutcomeFailed {
		t.Fatalf("%+v", res.Outcomes)
	}
	want := "publish blog/a.md in acme/blog: the branch moved on each of 3 attempts: branch moved"
	if got := res.Outcomes[0].Err.Error(); got != want {
		t.Errorf("error %q\nwant %q", got, want)
	}
	if got := repo.ReadFile("refs/heads/main", "blog/a.md"); got != draftPost {
		t.Errorf("the post changed")
	}
}

// movingBranch moves the remote branch before every push.
type movingBranch struct {
	publish.Branch
	move func()
}

func (b *movingBranch) Push(ctx context.Context, c, old string) error {
	b.move()
	return b.Branch.Push(ctx, c, old)
}

func TestDryRunDoesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, draftFiles())
	before := repo.Ref("refs/heads/main")
	m := openMirror(t, repo.URL)
	f := newForge(t)
	head := strings.Repeat("a", 40)
	f.fake.AddPR(ownerRepo, fakegithub.PR{Number: 7, HeadRef: "post", HeadSHA: head, BaseRef: "main", Title: "Post"})
	var logs bytes.Buffer
	p := draftPublisher(t, adapter.NewBranch(m, "main", herald),
		publish.WithPullRequests(adapter.NewForge(f.client)),
		publish.WithDispatcher(adapter.NewForge(f.client)),
		publish.WithRecords(adapter.NewBranch(m, publish.RecordRef, herald)),
		publish.WithDryRun(true),
		publish.WithPublisherLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	acts := append(publish.Plan(draftState(t, m, docusaurus(t)), now),
		publish.SetStatus{PR: 7, SHA: head, Context: publish.StatusContext, State: forge.StatusSuccess, Description: "Due"},
		publish.SetLabel{PR: 7, Label: publish.LabelScheduled},
		publish.RemoveLabel{PR: 7, Label: publish.LabelBlocked},
		publish.Comment{PR: 7, Key: "herald-blocker", Body: "x"},
		publish.Merge{PR: 7, HeadSHA: head, Method: forge.MergeCommit, Paths: []string{"blog/a.md"}, Due: due},
		publish.TriggerRebuild{Kind: publish.TriggerRepositoryDispatch, Reason: "publish: Hello", Items: []publish.RebuildItem{{Path: "blog/a.md", Due: due}}},
	)
	res := p.Publish(ctx, acts)
	for _, o := range res.Outcomes {
		if o.Status != publish.OutcomeDryRun {
			t.Errorf("%T: %s %v", o.Action, o.Status, o.Err)
		}
	}
	if n := f.writes(); n != 0 {
		t.Errorf("the fake received %d writes in a dry run", n)
	}
	if got := repo.Ref("refs/heads/main"); got != before {
		t.Errorf("main moved in a dry run")
	}
	if got := repo.Ref(publish.RecordRef); got != "" {
		t.Errorf("the record ref was written in a dry run")
	}
	for _, want := range []string{"action=draft-flip", "post=blog/a.md", "repo=acme/blog", "action=merge", "pr=7", "dry run: merge"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestDraftFlipReplicasSameSecond: two replicas flipping the same draft in
// the same second with the same identity build the very same commit, so
// the second push finds the branch already there: one commit, and both
// report it as done.
func TestDraftFlipReplicasSameSecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, draftFiles())
	prof := docusaurus(t)
	ma, mb := openMirror(t, repo.URL), openMirror(t, repo.URL)
	actsA := publish.Plan(draftState(t, ma, prof), now)
	actsB := publish.Plan(draftState(t, mb, prof), now)
	var resA publish.Result
	hb := &hookBranch{Branch: adapter.NewBranch(mb, "main", herald), before: func() {
		resA = draftPublisher(t, adapter.NewBranch(ma, "main", herald)).Publish(ctx, actsA)
	}}
	resB := draftPublisher(t, hb).Publish(ctx, actsB)
	if resA.Outcomes[0].Commit != resB.Outcomes[0].Commit || resB.Outcomes[0].Status != publish.OutcomeDone {
		t.Errorf("A %+v\nB %+v", resA.Outcomes, resB.Outcomes)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("%d commits on main, want 2", n)
	}
}

// TestDraftFlipDateMovedMeanwhile: between the plan and the push, someone
// reschedules the post to next week. The flip is deferred, not made.
func TestDraftFlipDateMovedMeanwhile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo, m, acts := plannedDrafts(t)
	hb := &hookBranch{Branch: adapter.NewBranch(m, "main", herald), before: func() {
		repo.Commit("refs/heads/main", map[string]string{"blog/a.md": strings.Replace(draftPost, "2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z", 1)})
	}}
	res := draftPublisher(t, hb).Publish(ctx, acts)
	if len(res.Outcomes) != 1 || res.Outcomes[0].Status != publish.OutcomeDeferred {
		t.Fatalf("%+v", res.Outcomes)
	}
	if got, want := res.Outcomes[0].Err.Error(), "publish blog/a.md in acme/blog: its date is now 2026-03-09 09:00 UTC, in the future; plan again"; got != want {
		t.Errorf("error %q\nwant %q", got, want)
	}
	if got := repo.ReadFile("refs/heads/main", "blog/a.md"); !strings.Contains(got, "draft: true") {
		t.Errorf("flipped a post that is not due")
	}
}
