package publish

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// scaleStates is the schedule side of 1,000 repositories with ten scheduled
// drafts each, as the bot reads them from Git.
func scaleStates() (repos []string, states []State) {
	first := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := range 1000 {
		repos = append(repos, fmt.Sprintf("org/site-%04d", r))
		s := State{Config: Config{Strategy: StrategyDraft}}
		for p := range 10 {
			s.Posts = append(s.Posts, Post{Path: fmt.Sprintf("blog/post-%02d/index.md", p), Title: fmt.Sprintf("Post %d", p),
				PublishAt: first.Add(time.Duration(r*10+p) * time.Hour), Draft: true})
		}
		states = append(states, s)
	}
	return repos, states
}

// BenchmarkScheduleDerive measures the pure part of rebuilding the schedule
// of 1,000 repositories with 10,000 scheduled drafts (what each reconcile
// does once Git and the forge are read): Plan, Upcoming and EntriesOf per
// repository, then handing the entries to a running Scheduler. One op is
// all 1,000 repositories. The baseline, measured in the same run, turns the
// same posts straight into entries without planning (x-baseline is the
// ratio); heap-MB is the heap the scheduler holds for the 10,000 entries.
func BenchmarkScheduleDerive(b *testing.B) {
	repos, states := scaleStates()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

	baseline := func() {
		for i, s := range states {
			es := make([]Entry, 0, len(s.Posts))
			for _, p := range s.Posts {
				if p.Draft && p.PublishAt.After(now) {
					es = append(es, Entry{Repo: repos[i], Key: p.Path, At: p.PublishAt})
				}
			}
			_ = es
		}
	}
	const baseRounds = 20
	start := time.Now()
	for range baseRounds {
		baseline()
	}
	base := time.Since(start) / baseRounds

	b.Run("plan+upcoming+entries", func(b *testing.B) {
		for b.Loop() {
			for i, s := range states {
				if acts := Plan(s, now); len(acts) != 1 { // the Wake
					b.Fatalf("%s: %d actions", repos[i], len(acts))
				}
				if es := EntriesOf(repos[i], Upcoming(s, now), now); len(es) != 10 {
					b.Fatalf("%s: %d entries", repos[i], len(es))
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-baseline")
	})
	b.Run("plan+upcoming+entries+scheduler", func(b *testing.B) {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := NewScheduler(func(context.Context, Firing) {}, nil)
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(context.Background()) }()
		defer func() {
			s.Stop()
			<-done
		}()
		for b.Loop() {
			for i, st := range states {
				Plan(st, now)
				if err := s.Rebuild(repos[i], EntriesOf(repos[i], Upcoming(st, now), now)); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		if n := len(s.Entries()); n != 10_000 {
			b.Fatalf("%d entries, want 10000", n)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
		b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-baseline")
	})
	b.Logf("baseline (posts to entries, no planning): %s for 1,000 repositories", base)
}
