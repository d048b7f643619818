package bot_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// Example wires the bot as herald serve does for a GitHub App: the forge
// clients per installation, the mirror cache, the scheduler whose firings
// come back to the bot, the webhook queue and the schedule feed.
func Example() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	key, _ := os.ReadFile("/etc/herald/app.pem")
	app, err := github.NewApp(12345, key, github.Options{Logger: log})
	if err != nil {
		log.Error("app", "err", err)
		return
	}
	clients := bot.ClientsFunc(func(_ context.Context, t bot.Target) (bot.Forge, error) {
		owner, name, _ := strings.Cut(t.Repo, "/")
		return app.Client(t.InstallationID, owner, name)
	})
	cache, err := gitrepo.NewCache("/var/lib/herald", gitrepo.WithLogger(log))
	if err != nil {
		log.Error("cache", "err", err)
		return
	}
	targets := []bot.Target{{Repo: "acme/blog", InstallationID: 7}} // from the app's installations

	var b *bot.Bot
	sched, err := publish.NewScheduler(
		func(ctx context.Context, f publish.Firing) { b.OnFire(ctx, f) },
		func(ctx context.Context) { _ = b.ReconcileAll(ctx, targets) },
		publish.WithLogger(log), publish.WithJobTimeout(5*time.Minute))
	if err != nil {
		log.Error("scheduler", "err", err)
		return
	}
	// The bot reads Git through the adapter over the gitrepo cache.
	mirrors := bot.MirrorsFunc(func(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
		return adapter.OpenGit(ctx, cache, remote, creds, gitrepo.Signature{})
	})
	b, err = bot.New(clients, mirrors,
		bot.WithLogger(log), bot.WithLogin("herald[bot]"), bot.WithAppSlug("herald"), bot.WithScheduler(sched))
	if err != nil {
		log.Error("bot", "err", err)
		return
	}
	queue := webhook.NewQueue(b)
	mux := http.NewServeMux()
	mux.Handle("GET /schedule", feed.NewHandler(b))
	mux.Handle("GET /schedule.ics", feed.NewHandler(b))

	ctx := context.Background()
	go queue.Run(ctx)
	go sched.Run(ctx)
	go b.Run(ctx)
	_ = b.ReconcileAll(ctx, targets) // then report ready
}
