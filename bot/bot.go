package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/heraldhq/herald/content/siteindex"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// CheckName is the name of herald's check run, and the context of its
// commit status in token mode.
const CheckName = "herald"

// Comment keys of herald's comments on a pull request (hidden markers).
const (
	SummaryKey  = "herald-summary"
	CommandsKey = "herald-commands"
)

// Rebuilder replaces the scheduler's entries of one repository;
// *publish.Scheduler implements it.
type Rebuilder interface {
	Rebuild(repo string, entries []publish.Entry) error
}

// Bot reconciles repositories. Create it with New; it is safe for concurrent
// use, and reconciles of one repository run one at a time.
type Bot struct {
	clients   Clients
	mirrors   Mirrors
	scheduler Rebuilder
	log       *slog.Logger
	now       func() time.Time
	dryRun    bool
	login     string
	appSlug   string
	statuses  bool
	remoteURL func(forge.Repo) string
	// strategy is the publish strategy of a repository whose .herald.yml
	// names none (merge unless WithDefaultStrategy).
	strategy  publish.Strategy
	cacheSize int
	branch    *lru[*branchPosts]     // default-branch posts by commit
	heads     *lru[*headInfo]        // a pull request's posts by head and merge base
	stores    *lru[*siteindex.Store] // each repository's sites and check index (siteAt)
	indexSize int
	// workers bounds the goroutines that read a default branch's posts.
	workers int

	mu       sync.Mutex
	locks    map[string]*repoLock
	schedule map[string][]feed.Entry     // each repository's schedule, as last derived
	known    map[string]Target           // the installation each repository was last reached through
	activity map[string]*activity        // what the dashboard shows beyond the schedule
	steady   map[string]map[int]steadyPR // pull requests a resync need not read again, by repository
	// resyncCost is what each repository's last resync spent of its rate
	// limit; deferLogged the reset time each installation's deferral was
	// last logged for (budget.go).
	resyncCost  map[string]int
	deferLogged map[int64]time.Time
	// saidBlocked are the reasons each blocked publication was last logged
	// with, by repository, pull request and paths (logBlocked).
	saidBlocked map[string]string
	// refused are the settings of each repository's configuration that
	// keep herald from publishing anything there, as of its last reconcile.
	refused map[string][]*SettingError

	metrics *Metrics
	// observe, when set, is told what became of each publishing action.
	observe func(repo, branch string, o publish.Outcome)

	liveClient *http.Client
	live       publish.LiveCheck
	liveJobs   chan liveJob
	running    bool
}

type repoLock struct {
	ch chan struct{}
}

// Option configures New.
type Option func(*Bot)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(b *Bot) { b.log = l } }

// WithClock sets the clock used for planning, relative times and checks.
func WithClock(now func() time.Time) Option { return func(b *Bot) { b.now = now } }

// WithDryRun makes the bot decide everything and log each side effect on the
// forge or the Git remote instead of doing it.
func WithDryRun(dry bool) Option { return func(b *Bot) { b.dryRun = dry } }

// WithLogin sets the bot's login on the forge ("herald[bot]" for an App
// called herald), so that only its own comments are taken for herald's.
// Without it any comment carrying herald's hidden marker counts.
func WithLogin(login string) Option { return func(b *Bot) { b.login = login } }

// WithAppSlug sets the GitHub App's slug, so that only check runs created by
// the app count as herald's.
func WithAppSlug(slug string) Option { return func(b *Bot) { b.appSlug = slug } }

// WithCommitStatuses reports checks as a commit status named "herald"
// instead of a check run: token mode, where check runs are not available.
func WithCommitStatuses() Option { return func(b *Bot) { b.statuses = true } }

// WithScheduler makes every reconcile rebuild the repository's entries on s.
func WithScheduler(s Rebuilder) Option { return func(b *Bot) { b.scheduler = s } }

// WithRemoteURL sets how the Git remote of a repository is found (default:
// the forge's clone URL), for a Git host that differs from the API's.
func WithRemoteURL(f func(forge.Repo) string) Option { return func(b *Bot) { b.remoteURL = f } }

// WithCacheSize sets how many pull request heads' worth of parsed posts are
// kept in memory (default 64; 0 turns the caches off), and bounds the sites
// and post lists of default branches kept (at most 16 each). Nothing is lost
// without them: posts are read from the mirror again.
func WithCacheSize(n int) Option { return func(b *Bot) { b.cacheSize = n } }

// WithIndexCache sets for how many repositories the site index (the
// vocabulary and URLs of all posts, used by the checks) is kept (default 8;
// 0 turns the index off and every check reads the whole site). A pull
// request is checked with the index at its merge base, moved there from the
// commit indexed before by reading only the posts whose content differs, so
// a one-post pull request in a large site does not read every post again.
func WithIndexCache(n int) Option { return func(b *Bot) { b.indexSize = n } }

// WithDefaultStrategy sets the publish strategy of a repository whose
// .herald.yml names none (default merge). Local mode serves drafts: a plain
// repository has no pull request to merge.
func WithDefaultStrategy(s publish.Strategy) Option { return func(b *Bot) { b.strategy = s } }

// WithOutcomeObserver makes the bot tell observe what became of each action
// it carried out to publish (merges, draft flips, rebuilds, and the
// statuses, labels and comments that go with them), in order, with the
// repository and its default branch. observe runs on the reconcile's
// goroutine and must not block.
func WithOutcomeObserver(observe func(repo, branch string, o publish.Outcome)) Option {
	return func(b *Bot) { b.observe = observe }
}

// New returns a Bot that reaches forges through clients and Git through
// mirrors. It starts nothing.
func New(clients Clients, mirrors Mirrors, opts ...Option) (*Bot, error) {
	if clients == nil || mirrors == nil {
		return nil, errors.New("bot: clients and mirrors are required")
	}
	b := &Bot{
		clients:    clients,
		mirrors:    mirrors,
		log:        slog.New(slog.DiscardHandler),
		now:        time.Now,
		remoteURL:  func(r forge.Repo) string { return r.CloneURL },
		cacheSize:  64,
		indexSize:  8,
		workers:    runtime.GOMAXPROCS(0),
		locks:      map[string]*repoLock{},
		schedule:   map[string][]feed.Entry{},
		known:      map[string]Target{},
		liveClient: &http.Client{Timeout: 30 * time.Second},
		liveJobs:   make(chan liveJob, liveQueueSize),
	}
	for _, o := range opts {
		o(b)
	}
	b.branch = newLRU[*branchPosts](min(b.cacheSize, 16))
	b.heads = newLRU[*headInfo](b.cacheSize)
	b.stores = newLRU[*siteindex.Store](max(b.indexSize, 16))
	return b, nil
}

var _ webhook.Handler = (*Bot)(nil)

// lock takes the repository's lock, honouring ctx.
func (b *Bot) lock(ctx context.Context, repo string) (func(), error) {
	b.mu.Lock()
	l, ok := b.locks[repo]
	if !ok {
		l = &repoLock{ch: make(chan struct{}, 1)}
		b.locks[repo] = l
	}
	b.mu.Unlock()
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Reconcile handles one request: the repository it names is read again from
// Git and the forge, the pull request it names (if any) is checked first when
// its head is new, commands are handled, and the publishing plan is carried
// out. It implements webhook.Handler.
func (b *Bot) Reconcile(ctx context.Context, r webhook.Request) error {
	// The request's pull request is not a key of the log: the lines about
	// a pull request, the one asked for or another, name it themselves.
	log := b.log.With("delivery_id", r.DeliveryID, "event", r.Event)
	if b.causedByHerald(r) {
		log.Debug("event caused by herald itself; nothing to reconcile", "repo", r.Repo, "pr", r.PR, "action", r.Action)
		b.metrics.skipped(TriggerWebhook)
		return nil
	}
	return b.reconcile(ctx, log, TriggerWebhook, Target{Repo: r.Repo, InstallationID: r.InstallationID}, r.PR, b.rerunHead(r))
}

// ReconcileAll reconciles every repository in targets, one after the other,
// and returns the errors joined; one failing repository does not stop the
// others. It serves the resync and the start-up.
func (b *Bot) ReconcileAll(ctx context.Context, targets []Target) error {
	var errs []error
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		rl := b.rateLimiter(ctx, t)
		var before forge.RateLimit
		var known bool
		if rl != nil {
			if before, known = rl.RateLimit(); known && b.deferResync(t, before) {
				continue
			}
		}
		if err := b.reconcile(ctx, b.log, TriggerResync, t, 0, ""); err != nil {
			errs = append(errs, err)
		}
		if known {
			if after, ok := rl.RateLimit(); ok {
				b.noteResyncCost(t.Repo, before, after)
			}
		}
	}
	return errors.Join(errs...)
}

// OnFire is the scheduler's job: a publication time came, so the repository
// is reconciled (and what is due published).
func (b *Bot) OnFire(ctx context.Context, f publish.Firing) {
	log := b.log.With("entry", f.Key)
	log.Info("scheduled entry fired", "repo", f.Repo, "at", f.At, "late", f.Late)
	if err := b.reconcile(ctx, log, TriggerTimer, b.targetOf(f.Repo), 0, ""); err != nil {
		log.Error("reconcile after firing failed", "repo", f.Repo, "err", err)
	}
}

// Schedule lists the schedule of every repository as last derived; it
// implements feed.Source.
func (b *Bot) Schedule(ctx context.Context) ([]feed.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []feed.Entry
	for _, es := range b.schedule {
		out = append(out, es...)
	}
	sortEntries(out)
	return out, nil
}

var _ feed.Source = (*Bot)(nil)

// targetOf returns the target last reconciled for repo (its installation).
func (b *Bot) targetOf(repo string) Target {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.known[repo]; ok {
		return t
	}
	return Target{Repo: repo}
}

// reconcile reconciles t (only the pull request pr when not zero), checking
// again the pull request whose head is recheck; trigger names what asked
// for it, for the metrics. base is the logger of the request, without the
// repository, which reconcile adds.
func (b *Bot) reconcile(ctx context.Context, base *slog.Logger, trigger string, t Target, pr int, recheck string) (err error) {
	log := base.With("repo", t.Repo)
	start := time.Now()
	defer func() { b.metrics.reconciled(trigger, time.Since(start), err) }()
	unlock, err := b.lock(ctx, t.Repo)
	if err != nil {
		return fmt.Errorf("reconcile %s: %w", t.Repo, err)
	}
	defer unlock()
	began := b.now()
	defer func() { b.noteReconcile(t.Repo, began, err) }()
	if t.InstallationID != 0 {
		b.mu.Lock()
		b.known[t.Repo] = t
		b.mu.Unlock()
	} else {
		t = b.targetOf(t.Repo)
	}
	var n reconcileCounts
	if err := b.reconcileLocked(ctx, base, log, trigger, t, pr, recheck, &n); err != nil {
		log.Error("reconcile failed", "err", err)
		return fmt.Errorf("reconcile %s: %w", t.Repo, err)
	}
	// The one line an operator reads per reconcile: what it looked at and did.
	log.Info("reconciled", "trigger", trigger, "prs", n.prs, "published", n.published, "blocked", n.blocked,
		"failed", n.failed, "took", time.Since(start))
	return nil
}
