package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/heraldhq/herald/webhook"
)

// gatedHandler records reconciles; a reconcile of a target listed in block
// waits until release is closed (or its context ends).
type gatedHandler struct {
	mu      sync.Mutex
	done    []webhook.Request
	started chan webhook.Request
	block   map[string]bool
	release chan struct{}
	cancels int
}

func newGated(block ...string) *gatedHandler {
	g := &gatedHandler{started: make(chan webhook.Request, 100000), block: map[string]bool{}, release: make(chan struct{})}
	for _, b := range block {
		g.block[b] = true
	}
	return g
}

func (g *gatedHandler) Reconcile(ctx context.Context, r webhook.Request) error {
	g.started <- r
	if g.block[r.String()] {
		select {
		case <-g.release:
		case <-ctx.Done():
			g.mu.Lock()
			g.cancels++
			g.mu.Unlock()
			return ctx.Err()
		}
	}
	g.mu.Lock()
	g.done = append(g.done, r)
	g.mu.Unlock()
	return nil
}

// reconciled returns "repo#pr(coalesced)" for each finished reconcile.
func (g *gatedHandler) reconciled() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, r := range g.done {
		s := r.String()
		if r.Coalesced > 0 {
			s += " +" + itoa(r.Coalesced)
		}
		out = append(out, s)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitStarted waits for the next reconcile to start and checks which.
func waitStarted(t *testing.T, g *gatedHandler, want string) {
	t.Helper()
	select {
	case r := <-g.started:
		if r.String() != want {
			t.Fatalf("started %s, want %s", r, want)
		}
	case <-time.After(time.Minute):
		t.Fatalf("no reconcile started, want %s", want)
	}
}

// runQueue runs q until the test ends and returns a function that stops it
// and returns Run's error.
func runQueue(t *testing.T, q *webhook.Queue) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- q.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-errc })
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func dispatch(t *testing.T, q *webhook.Queue, repo string, prs ...int) {
	t.Helper()
	for _, n := range prs {
		if err := q.Dispatch(context.Background(), webhook.Request{Repo: repo, PR: n, Event: "pull_request"}); err != nil {
			t.Fatalf("dispatch %s#%d: %v", repo, n, err)
		}
	}
}

func TestQueueCoalesces(t *testing.T) {
	tests := []struct {
		name       string
		first      string // the reconcile that blocks while the rest arrive
		dispatches []int  // PR numbers for o/r; 0 is repository-wide
		want       []string
		coalesced  int64
	}{
		{"ten pushes to one pull request while it runs give one more reconcile",
			"o/r#5", []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, []string{"o/r#5", "o/r#5 +9"}, 9},
		{"different pull requests each get one",
			"o/r#1", []int{1, 2, 3, 2, 3}, []string{"o/r#1", "o/r#2 +1", "o/r#3 +1"}, 2},
		{"a repository-wide request absorbs waiting pull requests",
			"o/r#1", []int{1, 2, 3, 0}, []string{"o/r#1", "o/r +2"}, 2},
		{"a waiting repository-wide request absorbs later pull requests",
			"o/r#1", []int{1, 0, 2, 3, 0}, []string{"o/r#1", "o/r +3"}, 3},
		{"a pull request waits behind the repository-wide reconcile that runs",
			"o/r", []int{0, 4, 4}, []string{"o/r", "o/r#4 +1"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGated(tt.first)
			q := webhook.NewQueue(g, webhook.WithWorkers(4))
			stop := runQueue(t, q)
			dispatch(t, q, "o/r", tt.dispatches[0])
			waitStarted(t, g, tt.first)
			dispatch(t, q, "o/r", tt.dispatches[1:]...)
			close(g.release)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, g.reconciled()); diff != "" {
				t.Errorf("reconciles (-want +got):\n%s", diff)
			}
			s := q.Stats()
			if s.Coalesced != tt.coalesced || s.Dispatched != int64(len(tt.dispatches)) || s.Reconciled != int64(len(tt.want)) {
				t.Errorf("stats = %+v, want %d dispatched, %d coalesced, %d reconciled", s, len(tt.dispatches), tt.coalesced, len(tt.want))
			}
		})
	}
}

// TestQueueSerialisesPerRepository runs two repositories at once but never
// two reconciles of one repository.
func TestQueueSerialisesPerRepository(t *testing.T) {
	var mu sync.Mutex
	running := map[string]int{}
	maxPerRepo, total, maxTotal := 0, 0, 0
	bothRunning := make(chan struct{})
	var once sync.Once
	h := webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error {
		mu.Lock()
		running[r.Repo]++
		total++
		maxPerRepo = max(maxPerRepo, running[r.Repo])
		maxTotal = max(maxTotal, total)
		if running["a/a"] > 0 && running["b/b"] > 0 {
			once.Do(func() { close(bothRunning) })
		}
		mu.Unlock()
		select { // hold the first ones until both repositories run together
		case <-bothRunning:
		case <-time.After(30 * time.Second):
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		running[r.Repo]--
		total--
		mu.Unlock()
		return nil
	})
	q := webhook.NewQueue(h, webhook.WithWorkers(4))
	stop := runQueue(t, q)
	for i := 1; i <= 20; i++ {
		dispatch(t, q, "a/a", i)
		dispatch(t, q, "b/b", i)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if maxPerRepo != 1 {
		t.Errorf("%d reconciles of one repository ran at once, want 1", maxPerRepo)
	}
	if maxTotal != 2 {
		t.Errorf("%d reconciles ran at once, want 2 (one per repository)", maxTotal)
	}
	if s := q.Stats(); s.Reconciled != 40 {
		t.Errorf("reconciled %d, want 40", s.Reconciled)
	}
}

func TestQueueFull(t *testing.T) {
	g := newGated("o/r#1", "x/y#1")
	q := webhook.NewQueue(g, webhook.WithWorkers(2), webhook.WithMaxPendingPerRepo(2), webhook.WithMaxPending(3))
	runQueue(t, q)
	defer close(g.release)
	dispatch(t, q, "o/r", 1)
	waitStarted(t, g, "o/r#1")
	dispatch(t, q, "o/r", 2, 3, 3) // 3 twice: coalesced, takes no room
	err := q.Dispatch(context.Background(), webhook.Request{Repo: "o/r", PR: 4})
	if !errors.Is(err, webhook.ErrQueueFull) || err.Error() != "reconcile queue is full: o/r has 2 requests waiting" {
		t.Errorf("fourth pull request: err = %v, want ErrQueueFull", err)
	}
	dispatch(t, q, "o/r", 0) // repository-wide replaces the waiting ones: always room
	dispatch(t, q, "x/y", 1)
	waitStarted(t, g, "x/y#1")
	dispatch(t, q, "x/y", 2)
	dispatch(t, q, "third/repo", 0)
	err = q.Dispatch(context.Background(), webhook.Request{Repo: "fourth/repo"})
	if !errors.Is(err, webhook.ErrQueueFull) || err.Error() != "reconcile queue is full: 3 requests waiting" {
		t.Errorf("fourth repository: err = %v, want ErrQueueFull", err)
	}
	if s := q.Stats(); s.Rejected != 2 || s.Pending != 3 || s.Running != 2 || s.Repos != 3 {
		t.Errorf("stats = %+v, want 2 rejected, 3 pending, 2 running, 3 repos", s)
	}
}

// TestQueueFullAnswers503 sends deliveries through the real server into a
// real, full queue.
func TestQueueFullAnswers503(t *testing.T) {
	g := newGated("Codertocat/Hello-World#2")
	q := webhook.NewQueue(g, webhook.WithMaxPendingPerRepo(1))
	runQueue(t, q)
	defer close(g.release)
	e := start(t, q, webhook.WithRetryAfter(90*time.Second))
	body := fixture(t, "pull_request/opened.json")
	other := strings.Replace(string(fixture(t, "pull_request/opened.json")), `"number": 2`, `"number": 3`, 1)

	if status, text := e.send(t, signed("pull_request", "1", body)); status != 202 {
		t.Fatalf("first: %d %q", status, text)
	}
	waitStarted(t, g, "Codertocat/Hello-World#2")
	if status, text := e.send(t, signed("pull_request", "2", []byte(other))); status != 202 {
		t.Fatalf("second: %d %q", status, text)
	}
	status, text, h := e.sendFull(t, signed("pull_request", "3", body))
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") != "90" ||
		text != "queue reconcile of Codertocat/Hello-World#2: reconcile queue is full: Codertocat/Hello-World has 1 requests waiting\n" {
		t.Errorf("third: %d Retry-After %q %q, want 503 with Retry-After 90", status, h.Get("Retry-After"), text)
	}
	_, metrics := e.getAdmin(t, "/metrics")
	for _, line := range []string{
		`herald_webhook_deliveries_total{event="pull_request",outcome="accepted"} 2`,
		`herald_webhook_deliveries_total{event="pull_request",outcome="unavailable"} 1`,
	} {
		if !strings.Contains(metrics, line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}

// TestQueueDrains finishes queued work after Run's context ends and refuses
// new work.
func TestQueueDrains(t *testing.T) {
	g := newGated("o/r#1")
	q := webhook.NewQueue(g, webhook.WithWorkers(1))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- q.Run(ctx) }()
	dispatch(t, q, "o/r", 1, 2, 3)
	waitStarted(t, g, "o/r#1")
	cancel()
	deadline := time.Now().Add(time.Minute)
	// Probe with a request that merges into one waiting, until refused.
	for !errors.Is(q.Dispatch(context.Background(), webhook.Request{Repo: "o/r", PR: 3}), webhook.ErrQueueClosed) {
		if time.Now().After(deadline) {
			t.Fatal("Dispatch still accepts work after Run's context ended")
		}
		time.Sleep(time.Millisecond)
	}
	close(g.release)
	if err := <-errc; err != nil {
		t.Fatalf("Run = %v, want nil after a full drain", err)
	}
	var got []string
	for _, r := range g.reconciled() {
		got = append(got, strings.Fields(r)[0])
	}
	if diff := cmp.Diff([]string{"o/r#1", "o/r#2", "o/r#3"}, got); diff != "" {
		t.Errorf("reconciles (-want +got):\n%s", diff)
	}
}

// TestQueueDrainDeadline cancels running reconciles and drops waiting ones
// when the drain takes too long, and says so.
func TestQueueDrainDeadline(t *testing.T) {
	g := newGated("o/r#1", "p/q#1")
	q := webhook.NewQueue(g, webhook.WithWorkers(2), webhook.WithDrainTimeout(50*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- q.Run(ctx) }()
	dispatch(t, q, "o/r", 1, 2, 3)
	dispatch(t, q, "p/q", 1)
	<-g.started
	<-g.started
	cancel()
	err := <-errc
	if err == nil || err.Error() != "reconcile queue: drain deadline of 50ms passed, 2 waiting requests dropped, running reconciles cancelled" {
		t.Errorf("Run = %v", err)
	}
	if s := q.Stats(); s.Dropped != 2 || s.Pending != 0 || s.Running != 0 || s.Repos != 0 || g.cancels != 2 {
		t.Errorf("stats = %+v, %d cancelled; want 2 dropped, nothing left, 2 cancelled", s, g.cancels)
	}
}

func TestQueueSurvivesPanicsAndErrors(t *testing.T) {
	h := webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error {
		switch r.PR {
		case 1:
			panic("boom")
		case 2:
			return errors.New("forge down")
		}
		return nil
	})
	q := webhook.NewQueue(h, webhook.WithWorkers(1))
	stop := runQueue(t, q)
	dispatch(t, q, "o/r", 1, 2, 3)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if s := q.Stats(); s.Reconciled != 3 || s.Failed != 2 {
		t.Errorf("stats = %+v, want 3 reconciled, 2 failed", s)
	}
}

// TestQueueReconcileTimeout: a reconcile stuck on I/O that never answers
// (a Git server that accepts and then stalls) is cancelled at the reconcile
// timeout, counted as failed, and the repository's next request runs.
func TestQueueReconcileTimeout(t *testing.T) {
	var mu sync.Mutex
	var errs []error
	h := webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error {
		if r.PR == 1 {
			<-ctx.Done() // stuck until cancelled
			mu.Lock()
			errs = append(errs, ctx.Err())
			mu.Unlock()
			return ctx.Err()
		}
		mu.Lock()
		errs = append(errs, nil)
		mu.Unlock()
		return nil
	})
	q := webhook.NewQueue(h, webhook.WithWorkers(1), webhook.WithReconcileTimeout(50*time.Millisecond))
	stop := runQueue(t, q)
	dispatch(t, q, "o/r", 1, 2)
	deadline := time.Now().Add(time.Minute)
	for q.Stats().Reconciled < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("stats = %+v: the stuck reconcile was not cancelled", q.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]error{context.DeadlineExceeded, nil}, errs, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("reconciles ended with (-want +got):\n%s", diff)
	}
	if s := q.Stats(); s.Failed != 1 {
		t.Errorf("stats = %+v, want 1 failed", s)
	}
}

func TestQueueRunTwice(t *testing.T) {
	g := newGated()
	q := webhook.NewQueue(g)
	runQueue(t, q)
	dispatch(t, q, "o/r", 1)
	waitStarted(t, g, "o/r#1") // Run is running
	if err := q.Run(context.Background()); err == nil || err.Error() != "reconcile queue: Run called twice" {
		t.Errorf("second Run = %v", err)
	}
}

func TestQueueRefusesRequestWithoutRepository(t *testing.T) {
	q := webhook.NewQueue(newGated())
	if err := q.Dispatch(context.Background(), webhook.Request{PR: 3}); err == nil || err.Error() != "reconcile request names no repository" {
		t.Errorf("err = %v", err)
	}
}
