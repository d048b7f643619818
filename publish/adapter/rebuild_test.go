package adapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

// TestDraftFlipCrashAtEachStep kills the publisher after each of its side
// effects (commit built, commit pushed) and restarts it from the state read
// back from Git: one publish commit overall.
func TestDraftFlipCrashAtEachStep(t *testing.T) {
	t.Parallel()
	for k := 0; k <= 2; k++ {
		t.Run(fmt.Sprintf("after step %d", k), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, repo := newRepo(t, draftFiles())
			prof := docusaurus(t)
			m := openMirror(t, repo.URL)
			d := &dying{k: k}
			draftPublisher(t, dyingBranch{dying: d, Branch: adapter.NewBranch(m, "main", herald)}).Publish(ctx, publish.Plan(draftState(t, m, prof), now))
			// Restarted with a fresh data directory, twice.
			for i := range 2 {
				m2 := openMirror(t, repo.URL)
				later := now.Add(time.Duration(i+1) * time.Minute)
				res := draftPublisher(t, adapter.NewBranch(m2, "main", herald), publish.WithPublisherClock(func() time.Time { return later })).
					Publish(ctx, publish.Plan(draftState(t, m2, prof), later))
				if len(res.Failed()) > 0 {
					t.Fatalf("after restart: %+v", res.Failed())
				}
			}
			if n := repo.CommitCount("refs/heads/main"); n != 2 {
				t.Errorf("%d commits on main, want 2 (one publish commit)", n)
			}
			if got := repo.ReadFile("refs/heads/main", "blog/a.md"); !strings.Contains(got, "draft: false") {
				t.Errorf("not published: %q", got)
			}
		})
	}
}

func rebuildState(done publish.Done, kind publish.TriggerKind) publish.State {
	return publish.State{
		Config: publish.Config{Strategy: publish.StrategyRebuild, Trigger: kind},
		Posts:  []publish.Post{{Path: "content/posts/a.md", Title: "Hello", PublishAt: due}},
		Done:   done,
	}
}

func rebuildPublisher(t *testing.T, f *forgeEnv, b, rec publish.Branch, opts ...publish.Option) *publish.Publisher {
	t.Helper()
	base := []publish.Option{
		publish.WithDefaultBranch(b, "main"),
		publish.WithRecords(rec),
		publish.WithPublisherClock(clock),
		publish.WithTrigger(publish.RebuildTrigger{Workflow: "deploy.yml", EventType: "herald-publish"}),
	}
	if f != nil {
		base = append(base, publish.WithDispatcher(adapter.NewForge(f.client)))
	}
	return publish.NewPublisher(ownerRepo, append(base, opts...)...)
}

func TestRebuildRepositoryDispatchOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, map[string]string{"content/posts/a.md": "---\ntitle: Hello\n---\n"})
	f := newForge(t)
	var pubs []*publish.Publisher
	var acts [][]publish.Action
	for range 3 {
		m := openMirror(t, repo.URL)
		p := rebuildPublisher(t, f, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald))
		done, err := p.ReadDone(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !done.LastRebuild.IsZero() {
			t.Fatalf("fresh repository: %+v", done)
		}
		pubs = append(pubs, p)
		acts = append(acts, publish.Plan(rebuildState(done, publish.TriggerRepositoryDispatch), now))
	}
	var wg sync.WaitGroup
	results := make([]publish.Result, len(pubs))
	for i, p := range pubs {
		wg.Go(func() { results[i] = p.Publish(ctx, acts[i]) })
	}
	wg.Wait()
	done := 0
	for _, r := range results {
		for _, o := range r.Outcomes {
			if o.Status == publish.OutcomeDone {
				done++
			} else if o.Status != publish.OutcomeAlreadyDone {
				t.Errorf("%s: %v", o.Status, o.Err)
			}
		}
	}
	if done != 1 {
		t.Errorf("%d rebuilds done, want 1", done)
	}
	ds := f.fake.Dispatches(ownerRepo)
	if len(ds) != 1 {
		t.Fatalf("dispatches %+v", ds)
	}
	if ds[0].EventType != "herald-publish" || ds[0].Payload["reason"] != "publish: Hello" {
		t.Errorf("dispatch %+v", ds[0])
	}
	items, _ := ds[0].Payload["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["path"] != "content/posts/a.md" {
		t.Errorf("payload items %+v", ds[0].Payload["items"])
	}
	// After a restart, the record is read back and nothing is planned.
	m := openMirror(t, repo.URL)
	p := rebuildPublisher(t, f, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald))
	got, err := p.ReadDone(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastRebuild.Equal(now) {
		t.Errorf("LastRebuild %v, want %v", got.LastRebuild, now)
	}
	if acts := publish.Plan(rebuildState(got, publish.TriggerRepositoryDispatch), now); len(acts) != 0 {
		t.Errorf("plan after restart: %+v", acts)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 1 {
		t.Errorf("main has %d commits; the record must not touch it", n)
	}
}

func TestRebuildWorkflowDispatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, map[string]string{"content/posts/a.md": "---\ntitle: Hello\n---\n"})
	f := newForge(t)
	m := openMirror(t, repo.URL)
	p := rebuildPublisher(t, f, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald))
	res := p.Publish(ctx, publish.Plan(rebuildState(publish.Done{}, publish.TriggerWorkflowDispatch), now))
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeDone}, statuses(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	ds := f.fake.Dispatches(ownerRepo)
	if len(ds) != 1 || ds[0].Kind != "workflow" || ds[0].Workflow != "deploy.yml" || ds[0].Ref != "main" {
		t.Errorf("dispatches %+v", ds)
	}
}

func TestRebuildEmptyCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, map[string]string{"content/posts/a.md": "---\ntitle: Hello\n---\n"})
	base := repo.Ref("refs/heads/main")
	m := openMirror(t, repo.URL)
	p := rebuildPublisher(t, nil, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald))
	res := p.Publish(ctx, publish.Plan(rebuildState(publish.Done{}, publish.TriggerEmptyCommit), now))
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeDone}, statuses(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	tip := repo.Ref("refs/heads/main")
	if res.Outcomes[0].Commit != tip {
		t.Errorf("outcome commit %s, tip %s", res.Outcomes[0].Commit, tip)
	}
	if got := repo.Git("rev-parse", tip+"^{tree}"); got != repo.Git("rev-parse", base+"^{tree}") {
		t.Errorf("the rebuild commit changed the tree")
	}
	want := "rebuild: publish: Hello\n\nHerald-Rebuild: 2026-03-02T11:13:00Z"
	if got := repo.Git("log", "-1", "--format=%B", tip); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	// Run again with the same (stale) plan: the record says it is covered.
	res = p.Publish(ctx, publish.Plan(rebuildState(publish.Done{}, publish.TriggerEmptyCommit), now))
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeAlreadyDone}, statuses(res)); diff != "" {
		t.Errorf("second run (-want +got):\n%s", diff)
	}
	if n := repo.CommitCount("refs/heads/main"); n != 2 {
		t.Errorf("%d commits, want 2", n)
	}
}

func TestRebuildHook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, repo := newRepo(t, map[string]string{"content/posts/a.md": "---\ntitle: Hello\n---\n"})
	var calls atomic.Int32
	var status atomic.Int32
	status.Store(http.StatusInternalServerError)
	var body atomic.Value
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		body.Store(string(b))
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	t.Cleanup(hook.Close)
	m := openMirror(t, repo.URL)
	newP := func(url string) *publish.Publisher {
		return rebuildPublisher(t, nil, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald),
			publish.WithTrigger(publish.RebuildTrigger{HookURL: url, HookClient: publish.NewHookClient(5 * time.Second)}))
	}
	p := newP(hook.URL + "/hook?token=s3cret")
	acts := publish.Plan(rebuildState(publish.Done{}, publish.TriggerHook), now)

	// The hook fails: the record is released, so the rebuild is planned
	// again.
	res := p.Publish(ctx, acts)
	if len(res.Outcomes) != 1 || res.Outcomes[0].Status != publish.OutcomeFailed {
		t.Fatalf("%+v", res.Outcomes)
	}
	if got := res.Outcomes[0].Err.Error(); got != "rebuild acme/blog (hook): build hook answered 500 Internal Server Error" {
		t.Errorf("error %q", got)
	}
	done, err := p.ReadDone(ctx)
	if err != nil || !done.LastRebuild.IsZero() {
		t.Fatalf("after a failed hook: %+v %v", done, err)
	}
	// A redirect is a failure too, and the URL's secret stays out of it.
	res = newP(hook.URL+"/moved?token=s3cret").Publish(ctx, acts)
	if len(res.Outcomes) != 1 || res.Outcomes[0].Status != publish.OutcomeFailed || strings.Contains(res.Outcomes[0].Err.Error(), "s3cret") {
		t.Fatalf("%+v", res.Outcomes)
	}
	// The hook works again: one rebuild, recorded.
	status.Store(http.StatusOK)
	res = p.Publish(ctx, publish.Plan(rebuildState(done, publish.TriggerHook), now))
	if diff := cmp.Diff([]publish.OutcomeStatus{publish.OutcomeDone}, statuses(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s\n%+v", diff, res.Outcomes)
	}
	var payload map[string]any
	if err := json.Unmarshal([]byte(body.Load().(string)), &payload); err != nil || payload["reason"] != "publish: Hello" {
		t.Errorf("payload %v %v", payload, err)
	}
	if done, _ = p.ReadDone(ctx); !done.LastRebuild.Equal(now) {
		t.Errorf("LastRebuild %v", done.LastRebuild)
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("%d hook calls, want 3", got)
	}
}

func TestRebuildNotConfigured(t *testing.T) {
	t.Parallel()
	p := publish.NewPublisher(ownerRepo)
	res := p.Publish(context.Background(), []publish.Action{
		publish.TriggerRebuild{Kind: publish.TriggerHook, Reason: "publish: A", Items: []publish.RebuildItem{{Path: "a.md", Due: due}}},
		publish.Merge{PR: 1, HeadSHA: headSHA},
		publish.CommitDraftFlip{Path: "a.md"},
	})
	var got []string
	for _, o := range res.Outcomes {
		got = append(got, o.Err.Error())
	}
	want := []string{
		"rebuild acme/blog: the hook trigger needs a URL: not configured",
		"merge acme/blog#1: no forge: not configured",
		"publish a.md in acme/blog: no default branch: not configured",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

type dyingDispatcher struct {
	*dying
	inner publish.Dispatcher
}

func (d dyingDispatcher) RepositoryDispatch(ctx context.Context, ev string, payload map[string]any) error {
	if err := d.step(); err != nil {
		return err
	}
	return d.inner.RepositoryDispatch(ctx, ev, payload)
}

func (d dyingDispatcher) WorkflowDispatch(ctx context.Context, wf, ref string, inputs map[string]any) error {
	if err := d.step(); err != nil {
		return err
	}
	return d.inner.WorkflowDispatch(ctx, wf, ref, inputs)
}

// TestRebuildCrashAtEachStep kills the publisher after each side effect of a
// rebuild (claim built, claim pushed, dispatch sent, confirmation built,
// confirmation pushed), then restarts it within the claim's lease and once
// more after it. The rebuild is never lost; it runs twice only when the
// process died between the dispatch and its confirmation.
func TestRebuildCrashAtEachStep(t *testing.T) {
	t.Parallel()
	wantDispatches := []int{1, 1, 1, 2, 2, 1}
	for k, want := range wantDispatches {
		t.Run(fmt.Sprintf("after step %d", k), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, repo := newRepo(t, map[string]string{"content/posts/a.md": "---\ntitle: Hello\n---\n"})
			f := newForge(t)
			d := &dying{k: k}
			m := openMirror(t, repo.URL)
			p := publish.NewPublisher(ownerRepo,
				publish.WithDefaultBranch(adapter.NewBranch(m, "main", herald), "main"),
				publish.WithRecords(dyingBranch{dying: d, Branch: adapter.NewBranch(m, publish.RecordRef, herald)}),
				publish.WithDispatcher(dyingDispatcher{dying: d, inner: adapter.NewForge(f.client)}),
				publish.WithPublisherClock(clock))
			p.Publish(ctx, publish.Plan(rebuildState(publish.Done{}, publish.TriggerRepositoryDispatch), now))

			for _, after := range []time.Duration{time.Minute, 11 * time.Minute, 12 * time.Minute} {
				at := now.Add(after)
				m := openMirror(t, repo.URL)
				p := rebuildPublisher(t, f, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald),
					publish.WithPublisherClock(func() time.Time { return at }))
				done, err := p.ReadDone(ctx)
				if err != nil {
					t.Fatal(err)
				}
				res := p.Publish(ctx, publish.Plan(rebuildState(done, publish.TriggerRepositoryDispatch), at))
				if len(res.Failed()) > 0 {
					t.Fatalf("restart after %s: %+v", after, res.Failed())
				}
			}
			if got := len(f.fake.Dispatches(ownerRepo)); got != want {
				t.Errorf("%d dispatches, want %d", got, want)
			}
		})
	}
}

func TestReadDoneBadRecord(t *testing.T) {
	t.Parallel()
	_, repo := newRepo(t, map[string]string{"a.md": "x\n"})
	repo.Apply(gittestChange(publish.RecordRef, map[string]string{".herald-rebuilds": "last-rebuild: yesterday\n"}))
	m := openMirror(t, repo.URL)
	p := rebuildPublisher(t, nil, adapter.NewBranch(m, "main", herald), adapter.NewBranch(m, publish.RecordRef, herald))
	_, err := p.ReadDone(context.Background())
	if err == nil || !strings.Contains(err.Error(), `the rebuild record of acme/blog at `) || !strings.Contains(err.Error(), `last-rebuild "yesterday" is not an RFC 3339 time`) {
		t.Errorf("error %v", err)
	}
}
