package publish

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a Job that records firings and signals each one.
type recorder struct {
	mu     sync.Mutex
	fired  []Firing
	signal chan Firing
}

func newRecorder() *recorder { return &recorder{signal: make(chan Firing, 64)} }

func (r *recorder) job(ctx context.Context, f Firing) {
	if _, ok := ctx.Deadline(); !ok {
		panic("job context has no deadline")
	}
	r.mu.Lock()
	r.fired = append(r.fired, f)
	r.mu.Unlock()
	r.signal <- f
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.fired)
}

// wait returns the next firing, or fails after d.
func (r *recorder) wait(t *testing.T, d time.Duration) Firing {
	t.Helper()
	select {
	case f := <-r.signal:
		return f
	case <-time.After(d):
		t.Fatalf("no entry fired within %s", d)
		return Firing{}
	}
}

// none fails if anything fires within d.
func (r *recorder) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case f := <-r.signal:
		t.Fatalf("unexpected firing %+v", f)
	case <-time.After(d):
	}
}

// run starts s and stops it when the test ends.
func run(t *testing.T, s *Scheduler) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
}

func TestNewSchedulerRejectsBadResyncSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec string
		want string
	}{
		{spec: "every 5 minutes", want: `resync schedule "every 5 minutes": `},
		{spec: "*/5 * * *", want: `resync schedule "*/5 * * *": expected exactly 5 fields, found 4`},
		{spec: "61 * * * *", want: `resync schedule "61 * * * *": end of range (61) above maximum (59)`},
		{spec: "@every", want: `resync schedule "@every": `},
		{spec: "", want: `resync schedule "": empty spec string`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			_, err := NewScheduler(newRecorder().job, func(context.Context) {}, WithResyncSpec(tt.spec))
			if err == nil {
				t.Fatal("NewScheduler() succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) || !strings.Contains(err.Error(), `want a cron spec such as "*/5 * * * *"`) {
				t.Errorf("error = %q, want it to start with %q and say what is wanted", err, tt.want)
			}
		})
	}
}

func TestNewSchedulerRejectsBadOptions(t *testing.T) {
	t.Parallel()
	if _, err := NewScheduler(nil, nil); err == nil || err.Error() != "new scheduler: job is nil" {
		t.Errorf("NewScheduler(nil) error = %v", err)
	}
	if _, err := NewScheduler(newRecorder().job, nil, WithJobTimeout(-time.Second)); err == nil || err.Error() != "new scheduler: job timeout -1s is not positive" {
		t.Errorf("NewScheduler(timeout -1s) error = %v", err)
	}
	if _, err := NewScheduler(newRecorder().job, nil, WithDrainTimeout(0)); err == nil || err.Error() != "new scheduler: drain timeout 0s is not positive" {
		t.Errorf("NewScheduler(drain 0s) error = %v", err)
	}
}

func TestSchedulerFiresOnTimeAndForgetsReplacedEntries(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	s, err := NewScheduler(rec.job, nil)
	if err != nil {
		t.Fatal(err)
	}
	run(t, s)
	due := time.Now().Add(1500 * time.Millisecond)
	if err := s.Rebuild("o/r", []Entry{
		{Repo: "o/r", Key: "pr/1", At: due},
		{Repo: "o/r", Key: "pr/2", At: due.Add(-500 * time.Millisecond)},
	}); err != nil {
		t.Fatal(err)
	}
	// pr/2 was unscheduled (its date removed) before its time.
	if err := s.Rebuild("o/r", []Entry{{Repo: "o/r", Key: "pr/1", At: due}}); err != nil {
		t.Fatal(err)
	}
	f := rec.wait(t, time.Minute)
	got := time.Now()
	if f.Key != "pr/1" {
		t.Fatalf("fired %q, want pr/1 (pr/2 was removed)", f.Key)
	}
	if got.Before(due) {
		t.Fatalf("fired %s before its time", due.Sub(got))
	}
	// How late it fires is measured by BenchmarkSchedulerLateness (target:
	// within 1 s at p99); a timed assertion here would fail on a loaded
	// machine without saying anything about the scheduler.
	rec.none(t, 700*time.Millisecond)
	if n := len(s.Entries()); n != 0 {
		t.Errorf("Entries() has %d entries after firing, want 0", n)
	}
}

func TestSchedulerCatchesUpOverdueEntriesOnce(t *testing.T) {
	t.Parallel()
	// The process was down: by the injected clock it is 10:13, and the post
	// was due at 08:00.
	now := time.Date(2026, 3, 2, 10, 13, 0, 0, time.UTC)
	rec := newRecorder()
	s, err := NewScheduler(rec.job, nil, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	entries := []Entry{
		{Repo: "o/r", Key: "blog/due.md", At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{Repo: "o/r", Key: "blog/next-year.md", At: time.Date(2027, 3, 2, 8, 0, 0, 0, time.UTC)},
	}
	// Rebuilt before Run, as at start-up.
	if err := s.Rebuild("o/r", entries); err != nil {
		t.Fatal(err)
	}
	run(t, s)
	f := rec.wait(t, time.Minute)
	want := Firing{Entry: entries[0], Fired: now, Late: 2*time.Hour + 13*time.Minute}
	if f != want {
		t.Errorf("firing = %+v, want %+v", f, want)
	}
	// A reconcile rebuilds the same schedule: the fired entry stays fired.
	if err := s.Rebuild("o/r", entries); err != nil {
		t.Fatal(err)
	}
	rec.none(t, 300*time.Millisecond)
	// The post was rescheduled to another past time: that is a new entry.
	moved := entries[0]
	moved.At = moved.At.Add(time.Hour)
	if err := s.Rebuild("o/r", []Entry{moved, entries[1]}); err != nil {
		t.Fatal(err)
	}
	if f := rec.wait(t, time.Minute); f.Entry != moved || f.Late != 73*time.Minute {
		t.Errorf("firing after reschedule = %+v, want %v late 1h13m", f, moved)
	}
	if got := s.Entries(); len(got) != 1 || got[0] != entries[1] {
		t.Errorf("Entries() = %v, want only %v", got, entries[1])
	}
}

func TestSchedulerRebuildRejectsBadEntries(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	good := Entry{Repo: "o/r", Key: "pr/1", At: at}
	tests := []struct {
		name    string
		entries []Entry
		want    string
	}{
		{name: "no key", entries: []Entry{good, {Repo: "o/r", At: at}}, want: "rebuild schedule of o/r: entry at 2030-01-01 00:00 UTC has no key"},
		{name: "no time", entries: []Entry{good, {Repo: "o/r", Key: "pr/2"}}, want: `rebuild schedule of o/r: entry "pr/2" has no time`},
		{name: "duplicate", entries: []Entry{good, good}, want: `rebuild schedule of o/r: entry "pr/1" given twice`},
		{name: "other repository", entries: []Entry{good, {Repo: "o/x", Key: "pr/3", At: at}}, want: `rebuild schedule of o/r: entry "pr/3" belongs to "o/x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewScheduler(newRecorder().job, nil)
			if err != nil {
				t.Fatal(err)
			}
			kept := Entry{Repo: "o/r", Key: "pr/9", At: at}
			if err := s.Rebuild("o/r", []Entry{kept}); err != nil {
				t.Fatal(err)
			}
			err = s.Rebuild("o/r", tt.entries)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Rebuild() error = %v, want %q", err, tt.want)
			}
			if got := s.Entries(); len(got) != 1 || got[0] != kept {
				t.Errorf("Entries() after a rejected Rebuild = %v, want the old schedule %v", got, kept)
			}
		})
	}
}

// TestSchedulerDrainDeadlineCancelsJobs: once Run's context ends, a running
// job (a publication or a long resync) may finish within the drain timeout;
// past it, its context is cancelled, Run returns an error saying so, and
// the process can stop in time (a job timeout of minutes does not hold it).
func TestSchedulerDrainDeadlineCancelsJobs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		resync  bool
		drain   time.Duration
		release bool // the job ends by itself soon after the stop
		wantErr string
	}{
		{name: "a job that finishes within the drain", drain: time.Minute, release: true},
		{name: "a job still running at the deadline", drain: 100 * time.Millisecond, wantErr: "scheduler: drain deadline of 100ms passed; running jobs were cancelled"},
		{name: "a resync still running at the deadline", resync: true, drain: 100 * time.Millisecond, wantErr: "scheduler: drain deadline of 100ms passed; running jobs were cancelled"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			started, release, cancelled := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			work := func(ctx context.Context) {
				close(started)
				select {
				case <-release:
					cancelled <- nil
				case <-ctx.Done():
					cancelled <- ctx.Err()
				}
			}
			job, resync := func(ctx context.Context, _ Firing) { work(ctx) }, Resync(nil)
			opts := []SchedulerOption{WithJobTimeout(time.Hour), WithDrainTimeout(tt.drain)}
			if tt.resync {
				job, resync = func(context.Context, Firing) {}, work
				opts = append(opts, WithResyncSpec("@every 1s"))
			}
			s, err := NewScheduler(job, resync, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.resync {
				if err := s.Rebuild("o/r", []Entry{{Repo: "o/r", Key: "k", At: time.Now().Add(-time.Second)}}); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			<-started
			cancel()
			if tt.release {
				close(release)
			}
			err = <-done
			if got := fmt.Sprint(err); (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && got != tt.wantErr) {
				t.Errorf("Run() = %v, want %q", err, tt.wantErr)
			}
			if got := <-cancelled; (got == nil) != tt.release {
				t.Errorf("the job ended with %v; want its context cancelled only past the deadline", got)
			}
		})
	}
}

func TestSchedulerStopWaitsForRunningJob(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	release := make(chan struct{})
	var finished sync.WaitGroup
	finished.Add(1)
	var deadline time.Time
	job := func(ctx context.Context, _ Firing) {
		defer finished.Done()
		deadline, _ = ctx.Deadline()
		close(started)
		<-release
	}
	s, err := NewScheduler(job, nil, WithJobTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Rebuild("o/r", []Entry{{Repo: "o/r", Key: "k", At: time.Now().Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	<-started
	stopped := make(chan struct{})
	go func() { s.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop() returned while a job was running")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	<-stopped
	finished.Wait()
	if err := <-done; err != nil {
		t.Errorf("Run() = %v", err)
	}
	if d := time.Until(deadline); d < 50*time.Second || d > time.Minute {
		t.Errorf("job deadline in %s, want about the 1m timeout", d)
	}
	if err := s.Run(context.Background()); err == nil || err.Error() != "run scheduler: already run" {
		t.Errorf("second Run() = %v, want an error", err)
	}
}

func TestSchedulerRunsResyncAndSurvivesPanics(t *testing.T) {
	t.Parallel()
	resyncs := make(chan struct{}, 8)
	var calls sync.WaitGroup
	calls.Add(1)
	job := func(context.Context, Firing) {
		defer calls.Done()
		panic("job bug")
	}
	s, err := NewScheduler(job, func(ctx context.Context) { resyncs <- struct{}{} }, WithResyncSpec("@every 1s"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Rebuild("o/r", []Entry{{Repo: "o/r", Key: "k", At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	calls.Wait()
	select {
	case <-resyncs:
	case <-time.After(time.Minute):
		t.Fatal("no resync within a minute on an @every 1s schedule")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run() = %v", err)
	}
}

func TestSchedulerStopBeforeRun(t *testing.T) {
	t.Parallel()
	s, err := NewScheduler(newRecorder().job, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Stop()
	s.Stop()
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run() = %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Run() after Stop() did not return")
	}
}

func TestSchedulerHandsFarEntriesToCronWithinTheHorizon(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	s, err := NewScheduler(rec.job, nil, WithHorizon(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	armed := func() (n int) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, slots := range s.slots {
			for _, sl := range slots {
				if sl.id != 0 {
					n++
				}
			}
		}
		return n
	}
	due := time.Now().Add(3500 * time.Millisecond)
	entries := []Entry{
		{Repo: "o/r", Key: "far", At: due},
		{Repo: "o/r", Key: "dropped", At: due.Add(-200 * time.Millisecond)},
	}
	if err := s.Rebuild("o/r", entries); err != nil {
		t.Fatal(err)
	}
	if n := armed(); n != 0 {
		t.Fatalf("%d entries handed to cron while beyond the horizon, want 0", n)
	}
	run(t, s)
	if err := s.Rebuild("o/r", entries[:1]); err != nil {
		t.Fatal(err)
	}
	f := rec.wait(t, time.Minute)
	late := time.Since(due)
	if f.Key != "far" || late < 0 {
		t.Errorf("fired %q %s after its time, want far, not before its time", f.Key, late)
	}
	rec.none(t, 500*time.Millisecond)
}

func TestNewSchedulerRejectsShortHorizon(t *testing.T) {
	t.Parallel()
	_, err := NewScheduler(newRecorder().job, nil, WithHorizon(time.Second))
	if err == nil || err.Error() != "new scheduler: horizon 1s is shorter than 2s" {
		t.Errorf("NewScheduler(horizon 1s) error = %v", err)
	}
}

func TestSchedulerRestartPublishesWhatFellDueWhileDown(t *testing.T) {
	t.Parallel()
	due := time.Now().Add(300 * time.Millisecond)
	entry := Entry{Repo: "o/r", Key: "pr/1", At: due}

	first := newRecorder()
	s1, err := NewScheduler(first.job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Rebuild("o/r", []Entry{entry}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s1.Run(context.Background()) }()
	s1.Stop() // the process goes down before the time
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(due) + 500*time.Millisecond)
	if n := first.count(); n != 0 {
		t.Fatalf("the stopped scheduler fired %d times", n)
	}

	// The new process rebuilds the schedule from Git and the forge.
	second := newRecorder()
	s2, err := NewScheduler(second.job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Rebuild("o/r", []Entry{entry}); err != nil {
		t.Fatal(err)
	}
	run(t, s2)
	f := second.wait(t, time.Minute)
	if f.Entry != entry || f.Late < 500*time.Millisecond {
		t.Errorf("firing = %+v, want %v reported at least 500ms late", f, entry)
	}
	second.none(t, 300*time.Millisecond)
}
