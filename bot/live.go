package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// LiveCommentKey is the key of the comment saying whether a published post
// is live.
const LiveCommentKey = "herald-live"

// liveQueueSize bounds the live checks waiting for Run, and liveWorkers the
// checks running at once.
const (
	liveQueueSize = 256
	liveWorkers   = 8
)

// liveCommenter says on the pull request whether its posts went live.
type liveCommenter interface {
	UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error)
}

// liveJob is the check, after a publication, that the posts answer at their
// public URLs.
type liveJob struct {
	repo string
	pr   int           // the pull request to comment on; zero for a draft flip
	prs  liveCommenter // nil without pull requests
	urls []string
}

// WithLiveCheck sets the HTTP client and the bounds of the check that a
// published post answers at its address (when .herald.yml names the
// site_url). A nil client turns the check off.
func WithLiveCheck(client *http.Client, lc publish.LiveCheck) Option {
	return func(b *Bot) { b.liveClient, b.live = client, lc }
}

// Run carries out the bot's background work until ctx is done: checking
// that published posts went live, and saying so on their pull requests.
// Reconciles do not need it; without Run no live check is made.
// It returns once every check has stopped.
func (b *Bot) Run(ctx context.Context) error {
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return errors.New("bot: Run called twice")
	}
	b.running = true
	b.mu.Unlock()
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, liveWorkers)
	for {
		select {
		case <-ctx.Done():
			return nil
		case j := <-b.liveJobs:
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return nil
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				b.checkLive(ctx, j)
			}()
		}
	}
}

// queueLive hands a live check to Run, or drops it (with a log line) when
// too many checks wait (as they do when nothing calls Run).
func (b *Bot) queueLive(e *openRepo, pr int, paths []string, site urlSource) {
	base := strings.TrimSuffix(e.site.Config.SiteURL, "/")
	if base == "" || b.liveClient == nil {
		return
	}
	j := liveJob{repo: e.t.Repo, pr: pr}
	if e.forgePRs != nil {
		j.prs = e.forgePRs // the job runs after the reconcile
	}
	for _, p := range paths {
		if u := site.urlPath(p); u != "" {
			j.urls = append(j.urls, base+u)
		}
	}
	if len(j.urls) == 0 {
		return
	}
	select {
	case b.liveJobs <- j:
	default:
		e.log.Warn("live check dropped: too many waiting", "pr", pr)
	}
}

// urlSource finds the URL path a post is served at.
type urlSource func(path string) string

func (f urlSource) urlPath(p string) string { return f(p) }

func (b *Bot) checkLive(ctx context.Context, j liveJob) {
	log := b.log.With("repo", j.repo, "pr", j.pr)
	var lines []string
	for _, u := range j.urls {
		res, err := publish.CheckLive(ctx, b.liveClient, u, b.live)
		if err != nil {
			log.Warn("live check failed", "url", u, "err", err)
			if ctx.Err() != nil {
				return
			}
			continue
		}
		log.Info("live check", "url", u, "live", res.Live, "attempts", res.Attempts, "last", res.Last)
		lines = append(lines, res.Message())
	}
	if j.pr == 0 || j.prs == nil || len(lines) == 0 {
		return
	}
	if b.dryRun {
		log.Info("dry run: would comment on the live check", "lines", len(lines))
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, err := j.prs.UpsertComment(cctx, j.pr, LiveCommentKey, strings.Join(lines, "\n")); err != nil {
		log.Error("live comment failed", "err", err)
	}
}
