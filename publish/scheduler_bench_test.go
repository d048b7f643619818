package publish

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// lateness collects how late each firing was, by the wall clock.
type lateness struct {
	mu  sync.Mutex
	d   []time.Duration
	all sync.WaitGroup
}

func (l *lateness) record(at time.Time) {
	d := time.Since(at)
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
	l.all.Done()
}

func (l *lateness) report(b *testing.B) {
	b.Helper()
	slices.Sort(l.d)
	pct := func(p float64) float64 {
		return float64(l.d[int(p*float64(len(l.d)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-late-ms")
	b.ReportMetric(pct(0.99), "p99-late-ms")
	b.ReportMetric(pct(1), "max-late-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSchedulerLateness measures how long after its time an entry's
// job starts. Each iteration schedules 100 entries spread over 300 ms and
// waits for them all. The baseline is a bare time.AfterFunc per entry.
func BenchmarkSchedulerLateness(b *testing.B) {
	const perRound = 100
	b.Run("baseline=time.AfterFunc", func(b *testing.B) {
		var l lateness
		for b.Loop() {
			start := time.Now().Add(100 * time.Millisecond)
			l.all.Add(perRound)
			for i := range perRound {
				at := start.Add(time.Duration(i) * 3 * time.Millisecond)
				time.AfterFunc(time.Until(at), func() { l.record(at) })
			}
			l.all.Wait()
		}
		l.report(b)
	})
	for _, pending := range []int{0, 10000} {
		b.Run(fmt.Sprintf("scheduler/pending=%d", pending), func(b *testing.B) {
			latenessRounds(b, perRound, pending)
		})
	}
}

// latenessRounds measures the scheduler's lateness with pending other
// entries (1,000 repositories, days ahead) loaded besides the measured ones.
func latenessRounds(b *testing.B, perRound, pending int) {
	var l lateness
	s, err := NewScheduler(func(_ context.Context, f Firing) {
		if f.Repo == "o/r" {
			l.record(f.At)
		}
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	far := time.Now().Add(24 * time.Hour)
	byRepo := map[string][]Entry{}
	for i := range pending {
		repo := fmt.Sprintf("org/site-%04d", i%1000)
		byRepo[repo] = append(byRepo[repo], Entry{Repo: repo, Key: fmt.Sprintf("post-%d", i), At: far.Add(time.Duration(i) * time.Minute)})
	}
	for repo, entries := range byRepo {
		if err := s.Rebuild(repo, entries); err != nil {
			b.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	round := 0
	for b.Loop() {
		round++
		start := time.Now().Add(100 * time.Millisecond)
		entries := make([]Entry, perRound)
		for i := range entries {
			entries[i] = Entry{Repo: "o/r", Key: fmt.Sprintf("r%d/e%d", round, i), At: start.Add(time.Duration(i) * 3 * time.Millisecond)}
		}
		l.all.Add(perRound)
		if err := s.Rebuild("o/r", entries); err != nil {
			b.Fatal(err)
		}
		l.all.Wait()
	}
	s.Stop()
	<-done
	l.report(b)
}

// BenchmarkSchedulerRebuild measures rebuilding the schedule of 1,000
// repositories with 10 future posts each (10,000 entries) in a running
// scheduler, and the heap it holds. The baseline adds the same number of
// one-shot schedules to a bare running cron. With the default one-hour
// horizon the far entries wait outside cron; "horizon=all" hands all 10,000 to
// cron, as a naive use of it would.
func BenchmarkSchedulerRebuild(b *testing.B) {
	const repos, perRepo = 1000, 10
	base := time.Now().Add(24 * time.Hour)
	schedule := make(map[string][]Entry, repos)
	for r := range repos {
		repo := fmt.Sprintf("org/site-%04d", r)
		for p := range perRepo {
			schedule[repo] = append(schedule[repo], Entry{Repo: repo, Key: fmt.Sprintf("blog/post-%02d.md", p), At: base.Add(time.Duration(r*perRepo+p) * time.Minute)})
		}
	}
	b.Run("baseline=bare-cron", func(b *testing.B) {
		for b.Loop() {
			c := cron.New()
			c.Start()
			for _, entries := range schedule {
				for _, e := range entries {
					c.Schedule(&once{at: e.At}, cron.FuncJob(func() {}))
				}
			}
			c.Stop()
		}
	})
	for _, c := range []struct {
		name    string
		horizon time.Duration
	}{
		{"scheduler-cold/horizon=1h", DefaultHorizon},
		{"scheduler-cold/horizon=all", 30 * 24 * time.Hour},
	} {
		name, horizon := c.name, c.horizon
		b.Run(name, func(b *testing.B) {
			var heap uint64
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				s, err := NewScheduler(func(context.Context, Firing) {}, nil, WithHorizon(horizon))
				if err != nil {
					b.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- s.Run(context.Background()) }()
				b.StartTimer()
				for repo, entries := range schedule {
					if err := s.Rebuild(repo, entries); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				heap = after.HeapAlloc - before.HeapAlloc
				if n := len(s.Entries()); n != repos*perRepo {
					b.Fatalf("%d entries, want %d", n, repos*perRepo)
				}
				s.Stop()
				<-done
				b.StartTimer()
			}
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		})
	}
	b.Run("scheduler-unchanged", func(b *testing.B) {
		s, err := NewScheduler(func(context.Context, Firing) {}, nil)
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(context.Background()) }()
		for repo, entries := range schedule {
			if err := s.Rebuild(repo, entries); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			for repo, entries := range schedule {
				if err := s.Rebuild(repo, entries); err != nil {
					b.Fatal(err)
				}
			}
		}
		s.Stop()
		<-done
	})
}
