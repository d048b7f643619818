package bot_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/webhook"
)

// BenchmarkDraftScanCold measures the first reconcile of a 10,000-post
// repository in local mode's draft strategy by a new bot: the clone of the
// mirror, then the read of every post of the default branch to find its
// dated drafts. The clone (the mirror's Open) is timed apart as the
// baseline; beyond-clone/clone is what readiness costs on top of it.
//
//	go test -run '^$' -bench DraftScanCold -benchtime 3x ./bot
func BenchmarkDraftScanCold(b *testing.B) {
	dir := benchCorpus(b)
	var opened time.Duration
	hooks := worldHooks{mirrorsTimed: &opened}
	w := newWorldHooked(b, func(srv *gittest.Server) *gittest.Repo { return srv.Mount(name, gittest.OpenRepo(b, dir)) }, hooks,
		bot.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), bot.WithDefaultStrategy(publish.StrategyDraft))
	ctx := context.Background()
	req := webhook.Request{Repo: fullName, InstallationID: instID, Event: "push"}
	var took time.Duration
	opened = 0
	for b.Loop() {
		bt := w.newBot(bot.WithLogger(slog.New(slog.DiscardHandler)), bot.WithDefaultStrategy(publish.StrategyDraft))
		start := time.Now()
		if err := bt.Reconcile(ctx, req); err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(took.Seconds()/n, "first-s")
	b.ReportMetric(opened.Seconds()/n, "clone-s")
	b.ReportMetric(float64(took-opened)/float64(opened), "beyond-clone/clone")
}
