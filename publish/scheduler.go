package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultResyncSpec is the resync schedule used when none is configured:
// every five minutes.
const DefaultResyncSpec = "*/5 * * * *"

// DefaultJobTimeout bounds one scheduled job when no timeout is configured.
const DefaultJobTimeout = 5 * time.Minute

// DefaultDrainTimeout is how long Run lets running jobs finish once its
// context is done, when no drain timeout is configured.
const DefaultDrainTimeout = 25 * time.Second

// DefaultHorizon is how far ahead entries are handed to cron; later ones wait
// in the scheduler's own table and are handed over as they come within it.
const DefaultHorizon = time.Hour

// Entry is one publication time on the scheduler: at At, the scheduler's job
// is called with it. Key names the entry within its repository (for example
// "pr/7" or a post's path).
type Entry struct {
	Repo string
	Key  string
	At   time.Time
}

// Firing is what a job is told when its entry fires.
type Firing struct {
	Entry
	// Fired is when the job started, by the scheduler's clock.
	Fired time.Time
	// Late is Fired - At: how long after its time the entry fired (long
	// when it fell due while the process was down). Never negative.
	Late time.Duration
}

// Job is called when an entry fires. It should plan and publish the
// entry's repository; ctx carries the job timeout.
type Job func(ctx context.Context, f Firing)

// Resync is called on the resync schedule to reconcile everything.
type Resync func(ctx context.Context)

// SchedulerOption configures a Scheduler.
type SchedulerOption func(*schedulerOptions)

type schedulerOptions struct {
	resyncSpec string
	now        func() time.Time
	timeout    time.Duration
	drain      time.Duration
	horizon    time.Duration
	logger     *slog.Logger
}

// WithResyncSpec sets the resync schedule, a standard five-field cron spec in
// UTC or a descriptor such as "@every 2m" or "@hourly".
func WithResyncSpec(spec string) SchedulerOption {
	return func(o *schedulerOptions) { o.resyncSpec = spec }
}

// WithClock sets the clock that decides which entries are overdue when they
// are added and how late a firing is. The timers themselves run on the wall
// clock.
func WithClock(now func() time.Time) SchedulerOption {
	return func(o *schedulerOptions) { o.now = now }
}

// WithJobTimeout bounds each job and each resync.
func WithJobTimeout(d time.Duration) SchedulerOption {
	return func(o *schedulerOptions) { o.timeout = d }
}

// WithDrainTimeout sets how long Run lets running jobs and a running resync
// finish once its context is done (default 25s). Past it their context is
// cancelled, so that a stop is not held up by a job timeout of minutes.
func WithDrainTimeout(d time.Duration) SchedulerOption {
	return func(o *schedulerOptions) { o.drain = d }
}

// WithHorizon sets how far ahead entries are handed to cron (at least 2s).
// cron keeps its entries in a slice it sorts on every change, so a short
// horizon keeps rebuilds of large schedules cheap; entries beyond it are
// handed over by an internal job that runs every quarter horizon.
func WithHorizon(d time.Duration) SchedulerOption {
	return func(o *schedulerOptions) { o.horizon = d }
}

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) SchedulerOption {
	return func(o *schedulerOptions) { o.logger = l }
}

// Scheduler fires one job per publication time, and a resync on a cron
// schedule, on github.com/robfig/cron/v3. Its one-shot entries are replaced
// per repository by Rebuild; an entry whose time has passed fires at once.
// An entry fires once per (repository, key, time): rebuilding with the same
// entry after it fired does not fire it again, since the resync retries
// whatever is still due.
//
// Create it with NewScheduler, feed it with Rebuild (before or while Run
// runs), and run it with Run. It is safe for concurrent use.
type Scheduler struct {
	job    Job
	resync Resync
	opts   schedulerOptions
	cron   *cron.Cron

	mu      sync.Mutex
	slots   map[string]map[string]*slot     // repo -> key -> pending entry
	fired   map[string]map[string]time.Time // repo -> key -> time it fired for
	gen     uint64
	state   runState
	stop    chan struct{}
	stopped chan struct{}
	// abort is closed when the drain deadline passes: running jobs'
	// contexts are cancelled.
	abort chan struct{}
}

type runState int

const (
	stateNew runState = iota
	stateRunning
	stateStopped
)

// slot is one pending entry; id is zero while it waits beyond the horizon.
type slot struct {
	entry Entry
	id    cron.EntryID
	gen   uint64
}

// NewScheduler returns a scheduler that calls job for each entry and resync
// on the resync schedule (nil for none). A resync spec that does not parse is
// an error naming it.
func NewScheduler(job Job, resync Resync, opts ...SchedulerOption) (*Scheduler, error) {
	if job == nil {
		return nil, errors.New("new scheduler: job is nil")
	}
	o := schedulerOptions{resyncSpec: DefaultResyncSpec, now: time.Now, timeout: DefaultJobTimeout, drain: DefaultDrainTimeout, horizon: DefaultHorizon}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if o.timeout <= 0 {
		return nil, fmt.Errorf("new scheduler: job timeout %s is not positive", o.timeout)
	}
	if o.drain <= 0 {
		return nil, fmt.Errorf("new scheduler: drain timeout %s is not positive", o.drain)
	}
	if o.horizon < 2*time.Second {
		return nil, fmt.Errorf("new scheduler: horizon %s is shorter than 2s", o.horizon)
	}
	logger := cronLogger{o.logger}
	s := &Scheduler{
		job:     job,
		resync:  resync,
		opts:    o,
		cron:    cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger), cron.WithChain(cron.Recover(logger))),
		slots:   map[string]map[string]*slot{},
		fired:   map[string]map[string]time.Time{},
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		abort:   make(chan struct{}),
	}
	s.cron.Schedule(cron.Every(o.horizon/4), cron.NewChain(cron.SkipIfStillRunning(logger)).Then(cron.FuncJob(s.promote)))
	if resync != nil {
		sched, err := cron.ParseStandard(o.resyncSpec)
		if err != nil {
			return nil, fmt.Errorf("resync schedule %q: %w (want a cron spec such as %q or a descriptor such as \"@every 5m\")", o.resyncSpec, err, DefaultResyncSpec)
		}
		s.cron.Schedule(sched, cron.NewChain(cron.SkipIfStillRunning(logger)).Then(cron.FuncJob(s.runResync)))
	}
	return s, nil
}

func (s *Scheduler) runResync() {
	ctx, cancel := s.jobContext()
	defer cancel()
	s.opts.logger.Debug("resync")
	s.resync(ctx)
}

// Rebuild replaces the one-shot entries of repo with entries, atomically: a
// removed entry never fires once Rebuild has returned, an unchanged entry
// keeps its place, and an entry whose time has passed (by the scheduler's
// clock) and that has not fired yet fires at once. Invalid entries (an empty
// key, a zero time, a key given twice, another repository) are an error and
// change nothing. Rebuild with no entries clears repo.
func (s *Scheduler) Rebuild(repo string, entries []Entry) error {
	want := make(map[string]time.Time, len(entries))
	for _, e := range entries {
		switch {
		case e.Repo != repo:
			return fmt.Errorf("rebuild schedule of %s: entry %q belongs to %q", repo, e.Key, e.Repo)
		case e.Key == "":
			return fmt.Errorf("rebuild schedule of %s: entry at %s has no key", repo, formatUTC(e.At))
		case e.At.IsZero():
			return fmt.Errorf("rebuild schedule of %s: entry %q has no time", repo, e.Key)
		}
		if _, dup := want[e.Key]; dup {
			return fmt.Errorf("rebuild schedule of %s: entry %q given twice", repo, e.Key)
		}
		want[e.Key] = e.At
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.now()
	slots := s.slots[repo]
	if slots == nil {
		slots = map[string]*slot{}
	}
	for key, sl := range slots {
		if at, ok := want[key]; !ok || !at.Equal(sl.entry.At) {
			if sl.id != 0 {
				s.cron.Remove(sl.id)
			}
			delete(slots, key)
		}
	}
	fired := s.fired[repo]
	for key, at := range fired {
		if w, ok := want[key]; !ok || !w.Equal(at) {
			delete(fired, key)
		}
	}
	for _, e := range entries {
		if _, ok := slots[e.Key]; ok {
			continue
		}
		if at, ok := fired[e.Key]; ok && at.Equal(e.At) {
			continue
		}
		s.gen++
		sl := &slot{entry: e, gen: s.gen}
		if e.At.Sub(now) <= s.opts.horizon {
			s.arm(sl, now)
		}
		slots[e.Key] = sl
	}
	if len(slots) == 0 {
		delete(s.slots, repo)
	} else {
		s.slots[repo] = slots
	}
	if len(fired) == 0 {
		delete(s.fired, repo)
	}
	return nil
}

// arm hands sl to cron. The caller holds s.mu.
func (s *Scheduler) arm(sl *slot, now time.Time) {
	fireAt := sl.entry.At
	if !now.Before(fireAt) {
		fireAt = overdue
	}
	sl.id = s.cron.Schedule(&once{at: fireAt}, cron.FuncJob(s.fireFunc(sl.entry, sl.gen)))
}

// promote hands to cron the waiting entries that came within the horizon.
func (s *Scheduler) promote() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.now()
	for _, slots := range s.slots {
		for _, sl := range slots {
			if sl.id == 0 && sl.entry.At.Sub(now) <= s.opts.horizon {
				s.arm(sl, now)
			}
		}
	}
}

// overdue is the time given to cron for entries that are already due: in
// the past for any clock, so cron runs them on its next turn.
var overdue = time.Unix(0, 0).UTC()

func (s *Scheduler) fireFunc(e Entry, gen uint64) func() {
	return func() {
		s.mu.Lock()
		sl, ok := s.slots[e.Repo][e.Key]
		if !ok || sl.gen != gen {
			// Replaced by a Rebuild while cron was starting it.
			s.mu.Unlock()
			return
		}
		delete(s.slots[e.Repo], e.Key)
		if len(s.slots[e.Repo]) == 0 {
			delete(s.slots, e.Repo)
		}
		if s.fired[e.Repo] == nil {
			s.fired[e.Repo] = map[string]time.Time{}
		}
		s.fired[e.Repo][e.Key] = e.At
		s.cron.Remove(sl.id)
		s.mu.Unlock()

		now := s.opts.now()
		late := max(now.Sub(e.At), 0)
		ctx, cancel := s.jobContext()
		defer cancel()
		s.opts.logger.Info("scheduled entry fired", "repo", e.Repo, "key", e.Key, "due", e.At, "late", late)
		s.job(ctx, Firing{Entry: e, Fired: now, Late: late})
	}
}

// jobContext returns the context of one job: bounded by the job timeout,
// and cancelled when the drain deadline passes. The goroutine watching for
// the latter belongs to the job and ends with cancel.
func (s *Scheduler) jobContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.timeout)
	done := make(chan struct{})
	go func() {
		select {
		case <-s.abort:
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		cancel()
	}
}

// Entries returns the pending one-shot entries, by time, repository and key.
func (s *Scheduler) Entries() []Entry {
	s.mu.Lock()
	var out []Entry
	for _, slots := range s.slots {
		for _, sl := range slots {
			out = append(out, sl.entry)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Entry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := strings.Compare(a.Repo, b.Repo); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// Run starts the timers and blocks until ctx is done or Stop is called, then
// stops them and waits for running jobs to finish, for up to the drain
// timeout: past it, their context is cancelled and, once they have returned,
// Run returns an error saying so (what they left undone is planned again at
// the next start). A Scheduler runs once.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.state != stateNew {
		s.mu.Unlock()
		return errors.New("run scheduler: already run")
	}
	s.state = stateRunning
	s.mu.Unlock()
	defer close(s.stopped)

	s.cron.Start()
	s.opts.logger.Info("scheduler started", "resync", s.opts.resyncSpec)
	select {
	case <-ctx.Done():
	case <-s.stop:
	}
	jobs := s.cron.Stop()
	timer := time.NewTimer(s.opts.drain)
	defer timer.Stop()
	var err error
	select {
	case <-jobs.Done():
	case <-timer.C:
		s.opts.logger.Warn("scheduler drain deadline passed; cancelling running jobs", "timeout", s.opts.drain.String())
		close(s.abort)
		<-jobs.Done()
		err = fmt.Errorf("scheduler: drain deadline of %s passed; running jobs were cancelled", s.opts.drain)
	}
	s.mu.Lock()
	s.state = stateStopped
	s.mu.Unlock()
	s.opts.logger.Info("scheduler stopped")
	return err
}

// Stop makes Run return and waits until it has, running jobs included (for
// up to the drain timeout). It is
// safe to call more than once, and before Run (then Run returns at once). A
// job must not call Stop: Stop would wait for the job that calls it.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	running := s.state == stateRunning
	s.mu.Unlock()
	if running {
		<-s.stopped
	}
}

// once is a cron.Schedule that fires one time: Next returns at on its first
// call and the zero time (never) after. cron asks for Next once when the
// entry is added or the cron starts, and once after each run, so the entry
// runs exactly once.
type once struct {
	mu     sync.Mutex
	at     time.Time
	handed bool
}

// Next implements cron.Schedule.
func (o *once) Next(time.Time) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.handed {
		return time.Time{}
	}
	o.handed = true
	return o.at
}

// cronLogger adapts slog to cron.Logger; cron's routine chatter is debug.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
