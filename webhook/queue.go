package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Defaults of the queue's options.
const (
	// DefaultWorkers is how many reconciles run at once.
	DefaultWorkers = 8
	// DefaultMaxPendingPerRepo is how many distinct requests may wait for
	// one repository.
	DefaultMaxPendingPerRepo = 100
	// DefaultMaxPending is how many distinct requests may wait in all.
	DefaultMaxPending = 4096
	// DefaultDrainTimeout is how long Run keeps working after its context ends.
	DefaultDrainTimeout = 25 * time.Second
	// DefaultReconcileTimeout bounds one reconcile.
	DefaultReconcileTimeout = 10 * time.Minute
)

// Queue is a Dispatcher that coalesces requests per repository and runs them
// on a bounded pool of workers: at most one reconcile per repository at a
// time, repositories in parallel.
//
// A request waiting in the queue absorbs a new one for the same repository
// and pull request, and a waiting repository-wide request (PR 0) absorbs
// every request for that repository; a new repository-wide request replaces
// the pull-request ones waiting. So ten pushes to one pull request while its
// reconcile runs give one more reconcile, not ten. The merged request carries
// the newest delivery's Event, Action, DeliveryID and hints (Sender, HeadSHA
// and the check and status fields).
//
// Dispatch answers ErrQueueFull when a repository already has the maximum of
// distinct requests waiting, or when the whole queue has; the periodic resync
// catches up on what was refused.
type Queue struct {
	handler      Handler
	workers      int
	maxPerRepo   int
	maxPending   int
	drainTimeout time.Duration
	timeout      time.Duration
	logger       *slog.Logger
	metrics      *Metrics

	mu      sync.Mutex
	cond    *sync.Cond
	started bool
	closed  bool // no more Dispatch
	abandon bool // drain deadline passed: start nothing more
	repos   map[string]*repoQueue
	ready   []string   // repositories with requests waiting and no reconcile running, oldest first
	stats   QueueStats // Repos is not kept here: it is len(repos)
}

// repoQueue is the state of one repository with work queued or running.
type repoQueue struct {
	running bool
	pending []Request
}

// QueueStats counts what a Queue has done since it was created.
type QueueStats struct {
	Dispatched int64 // requests Dispatch accepted, merged ones included
	Coalesced  int64 // requests merged away into another one
	Rejected   int64 // requests refused: queue full or shutting down
	Reconciled int64 // reconciles finished, whatever their outcome
	Failed     int64 // reconciles that returned an error or panicked
	Dropped    int64 // requests still waiting when a drain deadline passed
	Pending    int   // requests waiting now
	Running    int   // reconciles running now
	Repos      int   // repositories with work waiting or running now
}

// QueueOption configures a Queue.
type QueueOption func(*Queue)

// WithWorkers sets how many reconciles run at once (default 8).
func WithWorkers(n int) QueueOption { return func(q *Queue) { q.workers = n } }

// WithMaxPendingPerRepo sets how many distinct requests (after coalescing) may
// wait for one repository (default 100).
func WithMaxPendingPerRepo(n int) QueueOption { return func(q *Queue) { q.maxPerRepo = n } }

// WithMaxPending sets how many distinct requests (after coalescing) may wait
// in all (default 4,096). Each holds a few short strings read from its
// payload, never the payload itself.
func WithMaxPending(n int) QueueOption { return func(q *Queue) { q.maxPending = n } }

// WithDrainTimeout sets how long Run keeps working through the queue after
// its context is done. When it passes, the running reconciles' context is
// cancelled and the requests still waiting are dropped (default 25s).
func WithDrainTimeout(d time.Duration) QueueOption { return func(q *Queue) { q.drainTimeout = d } }

// WithReconcileTimeout bounds each reconcile (default 10 minutes): past it
// the reconcile's context is cancelled, so that I/O that never answers (a
// Git server that accepts a connection and then stalls) cannot hold a worker
// and its repository for ever. The resync retries what it left undone.
func WithReconcileTimeout(d time.Duration) QueueOption { return func(q *Queue) { q.timeout = d } }

// WithQueueLogger sets the queue's logger; by default nothing is logged.
func WithQueueLogger(l *slog.Logger) QueueOption { return func(q *Queue) { q.logger = l } }

// WithQueueMetrics records queue depth, coalescing and reconcile latency.
func WithQueueMetrics(m *Metrics) QueueOption { return func(q *Queue) { q.metrics = m } }

// NewQueue returns a Queue that reconciles with h. It starts nothing: Run
// owns the workers. Requests dispatched before Run wait for it.
func NewQueue(h Handler, opts ...QueueOption) *Queue {
	q := &Queue{
		handler:      h,
		workers:      DefaultWorkers,
		maxPerRepo:   DefaultMaxPendingPerRepo,
		maxPending:   DefaultMaxPending,
		drainTimeout: DefaultDrainTimeout,
		timeout:      DefaultReconcileTimeout,
		logger:       slog.New(slog.DiscardHandler),
		repos:        make(map[string]*repoQueue),
	}
	q.cond = sync.NewCond(&q.mu)
	for _, o := range opts {
		o(q)
	}
	q.workers = max(q.workers, 1)
	q.maxPerRepo = max(q.maxPerRepo, 1)
	q.maxPending = max(q.maxPending, 1)
	if q.timeout <= 0 {
		q.timeout = DefaultReconcileTimeout
	}
	return q
}

var _ Dispatcher = (*Queue)(nil)

// Dispatch queues r, merging it into a request already waiting when it can.
// It never waits for a reconcile.
func (q *Queue) Dispatch(_ context.Context, r Request) error {
	if r.Repo == "" {
		return errors.New("reconcile request names no repository")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	defer q.observe()
	if q.closed {
		q.reject()
		return ErrQueueClosed
	}
	rq := q.repos[r.Repo]
	if rq == nil {
		rq = &repoQueue{}
	}
	for i, p := range rq.pending {
		if p.PR != 0 && p.PR != r.PR {
			continue
		}
		if p.PR == r.PR { // keep the newest hint
			r.Coalesced += p.Coalesced + 1
			rq.pending[i] = r
		} else {
			rq.pending[i].Coalesced += r.Coalesced + 1
		}
		q.coalesced(1)
		return nil
	}
	if r.PR == 0 && len(rq.pending) > 0 {
		for _, p := range rq.pending {
			r.Coalesced += p.Coalesced + 1
		}
		q.coalesced(len(rq.pending))
		q.stats.Pending -= len(rq.pending) - 1
		clear(rq.pending)
		rq.pending = append(rq.pending[:0], r)
		return nil
	}
	if len(rq.pending) >= q.maxPerRepo {
		q.reject()
		return fmt.Errorf("%w: %s has %d requests waiting", ErrQueueFull, r.Repo, len(rq.pending))
	}
	if q.stats.Pending >= q.maxPending {
		q.reject()
		return fmt.Errorf("%w: %d requests waiting", ErrQueueFull, q.stats.Pending)
	}
	q.repos[r.Repo] = rq
	rq.pending = append(rq.pending, r)
	q.stats.Pending++
	q.stats.Dispatched++
	if len(rq.pending) == 1 && !rq.running {
		q.ready = append(q.ready, r.Repo)
		q.cond.Signal()
	}
	return nil
}

// coalesced counts n requests merged away; mu is held.
func (q *Queue) coalesced(n int) {
	q.stats.Dispatched++
	q.stats.Coalesced += int64(n)
	q.metrics.coalesced(n)
}

// reject counts a refused request; mu is held.
func (q *Queue) reject() {
	q.stats.Rejected++
	q.metrics.rejected()
}

// observe publishes the gauges; mu is held.
func (q *Queue) observe() {
	q.metrics.queue(q.stats.Pending, q.stats.Running, len(q.repos))
}

// Stats returns the queue's counters.
func (q *Queue) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := q.stats
	s.Repos = len(q.repos)
	return s
}

// Run starts the workers and blocks until ctx is done. Then Dispatch refuses
// new requests and Run keeps reconciling what is queued for up to the drain
// timeout; after it, the running reconciles' context is cancelled, what still
// waits is dropped (the resync at the next start catches up) and Run returns
// an error saying so once every worker has stopped. Reconciles get a context
// that carries ctx's values but not its cancellation. Run may be called once.
func (q *Queue) Run(ctx context.Context) error {
	q.mu.Lock()
	if q.started {
		q.mu.Unlock()
		return errors.New("reconcile queue: Run called twice")
	}
	q.started = true
	q.mu.Unlock()

	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for range q.workers {
		wg.Go(func() { q.work(workCtx) })
	}
	<-ctx.Done()

	q.mu.Lock()
	q.closed = true
	waiting := q.stats.Pending
	q.cond.Broadcast()
	q.mu.Unlock()
	q.logger.Info("reconcile queue draining", "pending", waiting, "timeout", q.drainTimeout.String())

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(q.drainTimeout)
	defer timer.Stop()
	select {
	case <-done:
		q.logger.Info("reconcile queue drained")
		return nil
	case <-timer.C:
	}
	q.mu.Lock()
	q.abandon = true
	dropped := q.stats.Pending
	q.stats.Dropped += int64(dropped)
	q.stats.Pending = 0
	for name, rq := range q.repos {
		rq.pending = nil
		if !rq.running {
			delete(q.repos, name)
		}
	}
	q.ready = nil
	q.observe()
	q.cond.Broadcast()
	q.mu.Unlock()
	cancelWork()
	<-done
	q.logger.Warn("reconcile queue drain deadline passed", "dropped", dropped)
	return fmt.Errorf("reconcile queue: drain deadline of %s passed, %d waiting requests dropped, running reconciles cancelled", q.drainTimeout, dropped)
}

// work is one worker: it takes the oldest ready repository, reconciles its
// first waiting request, and puts the repository back when more waits.
func (q *Queue) work(ctx context.Context) {
	for {
		q.mu.Lock()
		for len(q.ready) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.ready) == 0 || q.abandon {
			q.mu.Unlock()
			return
		}
		name := q.ready[0]
		q.ready[0] = ""
		q.ready = q.ready[1:]
		rq := q.repos[name]
		r := rq.pending[0]
		rq.pending[0] = Request{}
		rq.pending = rq.pending[1:]
		rq.running = true
		q.stats.Pending--
		q.stats.Running++
		q.observe()
		q.mu.Unlock()

		err := q.reconcile(ctx, r)

		q.mu.Lock()
		rq.running = false
		q.stats.Running--
		q.stats.Reconciled++
		if err != nil {
			q.stats.Failed++
		}
		if len(rq.pending) > 0 && !q.abandon {
			q.ready = append(q.ready, name)
			q.cond.Signal()
		} else {
			delete(q.repos, name)
		}
		q.observe()
		q.mu.Unlock()
	}
}

// reconcile runs the handler for r within the reconcile timeout, turning a
// panic into an error.
func (q *Queue) reconcile(ctx context.Context, r Request) (err error) {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	start := time.Now()
	log := q.logger.With("repo", r.Repo, "pr", r.PR, "event", r.Event, "delivery_id", r.DeliveryID)
	outcome := "ok"
	defer func() {
		if p := recover(); p != nil {
			outcome = "panic"
			err = fmt.Errorf("reconcile %s panicked: %v", r, p)
			log.Error("reconcile panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		q.metrics.reconciled(outcome, time.Since(start).Seconds())
	}()
	if err = q.handler.Reconcile(ctx, r); err != nil {
		outcome = "error"
		log.Error("reconcile failed", "error", err, "duration", time.Since(start).String())
		return fmt.Errorf("reconcile %s: %w", r, err)
	}
	log.Debug("reconciled", "coalesced", r.Coalesced, "duration", time.Since(start).String())
	return nil
}
