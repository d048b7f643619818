package main

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/internal/gittest"
)

// BenchmarkLocalMode measures what local mode does when a draft falls due,
// from the reconcile the scheduler starts to the publish commit on a real
// Git server over HTTP, against a reconcile with nothing to do (the poll)
// as the baseline. Each publish iteration first pushes a new due draft
// (not timed).
//
//	go test -run '^$' -bench LocalMode -benchtime 30x ./cmd/herald
func BenchmarkLocalMode(b *testing.B) {
	for _, due := range []bool{false, true} {
		name := "idle-poll"
		if due {
			name = "publish-due-draft"
		}
		b.Run(name, func(b *testing.B) {
			srv := gittest.NewServer(b)
			far := rfc(time.Now().Add(72 * time.Hour))
			repo := srv.NewRepo("site", siteFiles("", map[string]string{
				"blog/release-1-4/index.md":  far,
				"blog/fosdem-recap/index.md": far,
				"blog/roadmap-2027/index.md": far,
			}))
			ctx := context.Background()
			eng, err := connect.New(ctx, connect.Settings{Repo: repo.URL, DataDir: b.TempDir()}, slog.New(slog.DiscardHandler), connect.Options{Record: true})
			if err != nil {
				b.Fatal(err)
			}
			defer eng.Close()
			if err := eng.ReconcileAll(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if due {
					b.StopTimer()
					repo.Commit("refs/heads/main", map[string]string{fmt.Sprintf("blog/due-%d/index.md", i): "---\ntitle: Due " + fmt.Sprint(i) +
						"\ndate: " + rfc(time.Now().Add(-time.Minute)) + "\ndraft: true\nauthors: [ada]\ntags: [news]\n---\n\nText.\n\n<!-- truncate -->\n\nMore.\n"})
					b.StartTimer()
				}
				if err := eng.ReconcileAll(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if pushed := eng.Published(); due && len(pushed) != b.N {
				b.Fatalf("%d publish commits for %d due drafts", len(pushed), b.N)
			}
		})
	}
}
