package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/content/siteindex"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
)

// openRepo is one repository opened for a reconcile: its clients, mirror
// and default branch as read at the start, and what the reconcile learns of
// its pull requests.
type openRepo struct {
	t   Target
	log *slog.Logger
	// baseLog is log without the repository, for the publisher, which
	// names it itself.
	baseLog *slog.Logger
	f       Forge
	// prs is the forge's pull requests as this reconcile reads them, their
	// conversations and statuses read once (readOnce); nil for a forge
	// without pull requests. forgePRs
	// is the forge's own, for work that outlives the reconcile.
	prs      PullRequests
	forgePRs PullRequests
	repo     forge.Repo
	mirror   Mirror
	// base is the tip of the default branch, site the site there (and
	// indexed the same with its files' object ids).
	base    string
	site    *content.Site
	indexed *siteindex.Site
	// merged are pull requests published during this reconcile ("/herald
	// publish now"); the plan leaves them out.
	merged []int
	// heads are the pull requests' heads read in this reconcile.
	heads map[int]*headInfo
	// urls are the URL paths of the default branch's posts, by path, when
	// branchPosts read them.
	urls map[string]string
	// errorRules are the rule IDs of each pull request's error findings,
	// for the plan (publish.PR.ErrorRules) and the dashboard.
	errorRules map[int][]string
	// resync is set when the reconcile is a resync, which may use what it
	// read of a pull request that has not moved since (unmoved.go); read
	// are the pull requests read in full and quietly here.
	resync bool
	read   map[int]steadyPR
}

// forgeOf returns the forge client of the target, and the repository opened
// on it for a reconcile, its facts and mirror not read yet (open).
func (b *Bot) forgeOf(ctx context.Context, log *slog.Logger, t Target) (*openRepo, error) {
	f, err := b.clients.Forge(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("forge client: %w", err)
	}
	e := &openRepo{t: t, log: log, f: f}
	if p, ok := f.(PullRequests); ok {
		e.prs, e.forgePRs = newReadOnce(p), p
	}
	return e, nil
}

// open reads the repository's facts, unless known holds them (as a pull
// request read in this reconcile gives them), and opens its mirror.
func (b *Bot) open(ctx context.Context, e *openRepo, known forge.Repo) error {
	repo := known
	if repo.DefaultBranch == "" || repo.CloneURL == "" {
		var err error
		if repo, err = e.f.Repo(ctx); err != nil {
			return fmt.Errorf("read repository: %w", err)
		}
	}
	e.repo = repo
	t := e.t
	var err error
	var creds forge.GitCredentials // none: anonymous
	if gc, ok := e.f.(GitCredentialer); ok {
		if creds, err = gc.GitCredentials(ctx); err != nil {
			return fmt.Errorf("git credentials: %w", err)
		}
	}
	remote := b.remoteURL(repo)
	if remote == "" {
		return fmt.Errorf("repository %s has no clone URL", t.Repo)
	}
	e.mirror, err = b.mirrors.Open(ctx, remote, creds)
	if err != nil {
		return fmt.Errorf("open mirror: %w", err)
	}
	return nil
}

// fetch brings the default branch and the pull requests' refs up to date in
// one exchange; when a pull request ref is missing on the remote, each is
// fetched alone so one bad ref does not stop the others.
func (e *openRepo) fetch(ctx context.Context, prs []forge.PullRequest) error {
	refs := []string{"refs/heads/" + e.repo.DefaultBranch}
	for _, p := range prs {
		refs = append(refs, pullRef(p.Number))
		if p.BaseRef != "" && p.BaseRef != e.repo.DefaultBranch {
			refs = append(refs, "refs/heads/"+p.BaseRef)
		}
	}
	slices.Sort(refs[1:])
	refs = slices.Compact(refs)
	err := e.mirror.Fetch(ctx, refs...)
	if err == nil || len(refs) == 1 || !errors.Is(err, forge.ErrNotFound) {
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		return nil
	}
	if err := e.mirror.Fetch(ctx, refs[0]); err != nil {
		return fmt.Errorf("fetch %s: %w", refs[0], err)
	}
	for _, r := range refs[1:] {
		if err := e.mirror.Fetch(ctx, r); err != nil {
			e.log.Warn("fetch failed", "ref", r, "err", err)
		}
	}
	return nil
}

func pullRef(n int) string { return fmt.Sprintf("refs/pull/%d/head", n) }

// loadBase loads the site at the default branch.
func (b *Bot) loadBase(ctx context.Context, e *openRepo) error {
	var err error
	e.base, err = e.mirror.Resolve(ctx, "refs/heads/"+e.repo.DefaultBranch)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", e.repo.DefaultBranch, err)
	}
	site, err := b.siteAt(ctx, e, e.base)
	if err != nil {
		return err
	}
	e.site, e.indexed = site.Site, site
	// A setting that stops publishing is said with what it blocks
	// (refusedSettings); the others fall back to their defaults.
	var fallback []content.ConfigProblem
	for _, p := range e.site.ConfigProblems {
		if !stopsPublishing(p) {
			fallback = append(fallback, p)
		}
	}
	if len(fallback) > 0 {
		e.log.Warn("the configuration on the default branch has problems; defaults are used for them",
			"problems", len(fallback), "first", fallback[0].Error())
	}
	return nil
}

// reconcileCounts is what one reconcile did, for its one log line.
type reconcileCounts struct {
	prs, published, blocked, failed int
}

func (b *Bot) reconcileLocked(ctx context.Context, base, log *slog.Logger, trigger string, t Target, only int, recheck string, n *reconcileCounts) error {
	e, err := b.forgeOf(ctx, log, t)
	if err != nil {
		return err
	}
	e.baseLog = base
	e.resync = trigger == TriggerResync
	// A request about one pull request reconciles that one only, when the
	// rest of the repository's schedule is known from an earlier reconcile;
	// the resync looks at every pull request.
	b.mu.Lock()
	_, known := b.schedule[t.Repo]
	b.mu.Unlock()
	scoped := only != 0 && e.prs != nil && known
	var open []forge.PullRequest
	switch {
	case scoped:
		p, err := e.prs.PR(ctx, only)
		if err != nil {
			return fmt.Errorf("read pull request #%d: %w", only, err)
		}
		// The pull request names its repository as the repository's
		// own read would, as fresh: it is not read again.
		if err := b.open(ctx, e, p.BaseRepo); err != nil {
			return err
		}
		if p.State == forge.PROpen && !p.Merged {
			open = append(open, p)
		}
	default:
		if err := b.open(ctx, e, forge.Repo{}); err != nil {
			return err
		}
		open, err = e.f.ListOpenPRs(ctx)
		if err != nil {
			return fmt.Errorf("list pull requests: %w", err)
		}
	}
	if err := e.fetch(ctx, open); err != nil {
		return err
	}
	if err := b.loadBase(ctx, e); err != nil {
		return err
	}
	cfg := publishConfig(e.site, b.strategy)
	refused := refusedSettings(t.Repo, e.site)

	// The pull request the request names goes first: its author waits.
	slices.SortStableFunc(open, func(a, c forge.PullRequest) int {
		switch {
		case a.Number == only && c.Number != only:
			return -1
		case c.Number == only && a.Number != only:
			return 1
		}
		return 0
	})
	var errs []error
	var failed []int // pull requests not reconciled: their schedule is kept as it was
	state := publish.State{Config: cfg}
	for _, p := range open {
		if e.prs == nil {
			break
		}
		plog := log.With("pr", p.Number)
		st, err := b.pullRequest(ctx, e, plog, p, cfg, recheck != "" && p.HeadSHA == recheck)
		if err != nil {
			plog.Error("pull request not reconciled", "err", err)
			errs = append(errs, fmt.Errorf("%s#%d: %w", t.Repo, p.Number, err))
			failed = append(failed, p.Number)
			continue
		}
		if slices.Contains(e.merged, p.Number) {
			continue
		}
		state.PRs = append(state.PRs, st)
	}
	if len(refused) > 0 {
		// The pull requests got their feedback (the one that fixes the
		// file among them); nothing is published the wrong way.
		state = publish.State{Config: cfg}
	}
	if needsBranchPosts(cfg) && len(refused) == 0 {
		bp, err := b.branchPosts(ctx, e, cfg)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		state.Posts, e.urls = bp.posts, bp.urls
	}
	pub := b.publisher(e)
	if cfg.Trigger != publish.TriggerNone || cfg.Strategy == publish.StrategyRebuild {
		state.Done, err = pub.ReadDone(ctx)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("read rebuild record: %w", err))...)
		}
	}
	now := b.now()
	actions := publish.Plan(state, now)
	if len(refused) > 0 {
		actions = nil
		for _, r := range refused {
			actions = append(actions, publish.Blocked{Reasons: []string{r.Reason()}})
		}
	}
	b.mu.Lock()
	if b.refused == nil {
		b.refused = map[string][]*SettingError{}
	}
	b.refused[t.Repo] = refused
	b.mu.Unlock()
	res := pub.Publish(ctx, actions)
	b.metrics.published(res, b.now())
	for _, o := range res.Outcomes {
		b.observed(e, o)
		if o.Status == publish.OutcomeDone || o.Status == publish.OutcomeAlreadyDone {
			state = afterDone(state, o.Action)
		}
		if o.Status == publish.OutcomeDone {
			b.afterPublish(e, o.Action)
			b.sayPublished(ctx, e, o.Action)
		}
		switch o.Status {
		case publish.OutcomeFailed:
			errs = append(errs, fmt.Errorf("publish: %T: %w", o.Action, o.Err))
		case publish.OutcomeDone, publish.OutcomeDeferred:
			log.Info("publish action", "action", fmt.Sprintf("%T", o.Action), "outcome", o.Status, "commit", o.Commit, "err", o.Err)
		}
	}
	for _, bl := range res.Blocked {
		b.logBlocked(ctx, log, e.t.Repo, bl)
	}
	n.prs, n.blocked, n.failed = len(open), len(res.Blocked), len(failed)
	for _, o := range res.Outcomes {
		if o.Status == publish.OutcomeDone {
			n.published++
		}
	}
	keep := func(pr int) bool {
		if scoped {
			return pr != only
		}
		return slices.Contains(failed, pr)
	}
	b.rememberSchedule(e, state, now, keep)
	b.rememberSteady(e, actions, scoped, only)
	b.noteBlockers(e, state, keep)
	return errors.Join(errs...)
}

// logBlocked reports a blocked publication: at info level the first time
// its reasons are seen, at debug level while they stay the same, so a
// resync every few minutes does not repeat it. Error findings are counted
// by rule.
func (b *Bot) logBlocked(ctx context.Context, log *slog.Logger, repo string, bl publish.Blocked) {
	key := fmt.Sprintf("%s#%d %s", repo, bl.PR, strings.Join(bl.Paths, " "))
	said := strings.Join(bl.Reasons, "\n")
	b.mu.Lock()
	if b.saidBlocked == nil {
		b.saidBlocked = map[string]string{}
	}
	level := slog.LevelInfo
	if prev, ok := b.saidBlocked[key]; ok && prev == said {
		level = slog.LevelDebug
	}
	b.saidBlocked[key] = said
	b.mu.Unlock()
	args := []any{"pr", bl.PR, "paths", bl.Paths, "reasons", bl.Reasons}
	if len(bl.ErrorRules) > 0 {
		by := map[string]int{}
		for _, r := range bl.ErrorRules {
			by[r]++
		}
		args = append(args, "errors", len(bl.ErrorRules), "by_rule", by)
	}
	log.Log(ctx, level, "publication blocked", args...)
}

// observed tells the outcome observer, when there is one, what became of
// an action in e's repository.
func (b *Bot) observed(e *openRepo, o publish.Outcome) {
	if b.observe != nil {
		b.observe(e.t.Repo, e.repo.DefaultBranch, o)
	}
}

// afterPublish starts the live check of what an action published.
func (b *Bot) afterPublish(e *openRepo, a publish.Action) {
	b.notePublished(e, a)
	switch a := a.(type) {
	case publish.Merge:
		head := e.heads[a.PR]
		b.queueLive(e, a.PR, a.Paths, func(p string) string {
			if head == nil {
				return ""
			}
			for _, post := range head.posts {
				if post.Path == p {
					return post.URLPath
				}
			}
			return ""
		})
	case publish.CommitDraftFlip:
		b.queueLive(e, 0, []string{a.Path}, func(p string) string { return e.urls[p] })
	}
}

// afterDone returns the state as it stands once a publishing action is
// done, so the schedule kept for the feeds and the scheduler does not wait
// for the next reconcile to show it.
func afterDone(s publish.State, a publish.Action) publish.State {
	switch a := a.(type) {
	case publish.Merge:
		s.PRs = slices.DeleteFunc(slices.Clone(s.PRs), func(p publish.PR) bool { return p.Number == a.PR })
	case publish.CommitDraftFlip:
		s.Posts = slices.Clone(s.Posts)
		for i := range s.Posts {
			if s.Posts[i].Path == a.Path {
				s.Posts[i].Draft = false
			}
		}
	case publish.TriggerRebuild:
		// The rebuild covers its items, as the record read back says.
		for _, it := range a.Items {
			if it.Due.After(s.Done.LastRebuild) {
				s.Done.LastRebuild = it.Due
			}
		}
	}
	return s
}

// needsBranchPosts reports whether the plan looks at the posts on the
// default branch: drafts, rebuilds and expiries do, merges do not.
func needsBranchPosts(c publish.Config) bool {
	return c.Strategy == publish.StrategyDraft || c.Strategy == publish.StrategyRebuild || c.Trigger != publish.TriggerNone
}

// branchPosts are the posts of the default branch at one commit: their
// schedule and where each is served.
type branchPosts struct {
	// site is the site they were read at; nil without object ids.
	site  *siteindex.Site
	posts []publish.Post    // in the order of the site's posts (by path)
	urls  map[string]string // URL path by post path
}

// branchPosts reads the posts on the default branch once per commit, and
// checks the ones the plan would publish (errors hold them back). Only the
// posts a commit changed since the one read before are read again.
func (b *Bot) branchPosts(ctx context.Context, e *openRepo, cfg publish.Config) (*branchPosts, error) {
	key := e.t.Repo + "@" + e.base + "/" + string(cfg.Strategy)
	if bp, ok := b.branch.get(key); ok {
		return bp, nil
	}
	last := e.t.Repo + " last"
	prev, _ := b.branch.get(last)
	bp, err := b.readBranchPosts(ctx, e, prev)
	if err != nil {
		return nil, err
	}
	var publishing []string
	for _, sp := range bp.posts {
		if b.mayPublish(cfg, sp) {
			publishing = append(publishing, sp.Path)
		}
	}
	if err := b.branchErrors(ctx, e, bp.posts, publishing); err != nil {
		return nil, err
	}
	b.branch.put(key, bp)
	b.branch.put(last, bp)
	return bp, nil
}

// readBranchPosts reads the posts of the site at the default branch. What
// prev read of a post whose blob is the same, and read the same way, is
// taken as it is (its error rules too, which branchErrors sets again).
func (b *Bot) readBranchPosts(ctx context.Context, e *openRepo, prev *branchPosts) (*branchPosts, error) {
	bp := &branchPosts{site: e.indexed, posts: make([]publish.Post, 0, len(e.site.Posts))}
	var changed map[string]bool
	reuse := false
	if prev != nil && prev.site != nil && e.indexed != nil {
		changed, reuse = siteindex.Changed(prev.site, e.indexed)
	}
	if reuse {
		bp.urls = maps.Clone(prev.urls)
		for p := range changed {
			delete(bp.urls, p)
		}
	} else {
		bp.urls = make(map[string]string, len(e.site.Posts))
	}
	var read []int // the posts to read, by index in bp.posts
	j := 0         // the next of prev's posts: both lists are sorted by path
	for _, p := range e.site.Posts {
		if reuse {
			for ; j < len(prev.posts) && prev.posts[j].Path < p; j++ {
				delete(bp.urls, prev.posts[j].Path) // no longer a post
			}
			if j < len(prev.posts) && prev.posts[j].Path == p {
				j++
				if !changed[p] {
					bp.posts = append(bp.posts, prev.posts[j-1])
					continue
				}
			}
		}
		read = append(read, len(bp.posts))
		bp.posts = append(bp.posts, publish.Post{Path: p})
	}
	for ; reuse && j < len(prev.posts); j++ {
		delete(bp.urls, prev.posts[j].Path) // no longer a post
	}
	urls := make([]string, len(bp.posts))
	if err := readPosts(ctx, e.site, bp.posts, read, urls, b.workers); err != nil {
		return nil, err
	}
	for _, i := range read {
		if urls[i] != "" {
			bp.urls[bp.posts[i].Path] = urls[i]
		}
	}
	e.log.Debug("default branch posts read", "commit", e.base, "posts", len(bp.posts), "read", len(read), "kept", len(bp.posts)-len(read))
	return bp, nil
}

// readPosts reads the posts at the indexes read of posts (whose paths are
// set) with up to workers goroutines, and puts in their place what the
// plan needs of each, and its URL path in urls. The mirror serialises the
// reads of blobs, but a post's parse (most of its YAML front matter) runs
// beside the next one's read, so a cold start of a large site uses both
// cores. It stops at the first error.
func readPosts(ctx context.Context, site *content.Site, posts []publish.Post, read []int, urls []string, workers int) error {
	paths := make([]string, len(read))
	for k, i := range read {
		paths[k] = posts[i].Path
	}
	return site.ReadEach(ctx, paths, workers, func(k int, post *content.Post) {
		// Each index is written by one goroutine, read after ReadEach.
		i := read[k]
		posts[i], urls[i] = publish.PostOf(post), post.URLPath
	})
}

// mayPublish reports whether the plan may publish post of the default
// branch, now or later: a dated draft under the draft strategy, a post due
// ahead or within the catch-up window under the rebuild strategy (a draft
// that fell due before the window is history under the draft strategy
// too). Only those are checked, so a large site costs a check of what goes
// out, once per commit.
func (b *Bot) mayPublish(cfg publish.Config, post publish.Post) bool {
	if post.PublishAt.IsZero() || post.DateProblem != "" {
		return false
	}
	catchUp := cfg.CatchUp
	if catchUp <= 0 {
		catchUp = publish.DefaultCatchUp
	}
	if b.now().Sub(post.PublishAt) > catchUp {
		return false // history: the plan does not publish it
	}
	switch cfg.Strategy {
	case publish.StrategyDraft:
		return post.Draft
	case publish.StrategyRebuild:
		return !post.Draft
	}
	return false
}

// branchErrors sets the ErrorRules of the posts at paths from their error
// findings, checked as posts already in the repository (as herald check
// does), so that errors block publishing in local mode as on a pull request.
func (b *Bot) branchErrors(ctx context.Context, e *openRepo, posts []publish.Post, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	checker := check.New(e.site.Config, check.WithNow(b.now))
	if b.indexSize > 0 {
		idx, err := b.indexFor(ctx, e, e.base)
		if err != nil {
			return err
		}
		checker.UseIndex(e.site, idx)
	}
	findings, err := checker.CheckMoved(ctx, e.site, paths)
	if err != nil {
		return fmt.Errorf("check the posts due on %s: %w", e.repo.DefaultBranch, err)
	}
	rules := map[string][]string{}
	for _, f := range findings {
		if f.Severity == string(content.SeverityError) {
			rules[f.Path] = append(rules[f.Path], f.Rule)
		}
	}
	for i := range posts {
		posts[i].ErrorRules = rules[posts[i].Path]
	}
	return nil
}

// SettingError is a setting of a repository's .herald.yml that keeps herald
// from publishing anything there until it is fixed: a publish strategy it
// does not know, where guessing one could publish the wrong way.
type SettingError struct {
	// Repo is the repository.
	Repo string
	// Problem is the setting's problem, with its place in the file.
	Problem content.ConfigProblem
}

// Error says it for one line of a command: "acme/blog:
// .herald.yml:3:13: unknown publish strategy ... ; nothing is published
// until it is fixed".
func (e *SettingError) Error() string { return e.Repo + ": " + e.Reason() }

// Reason says it without the repository, for the logs of the repository.
func (e *SettingError) Reason() string {
	return e.Problem.Error() + "; nothing is published until it is fixed"
}

// refusedSettings are the problems of site's configuration that stop
// publishing: the strategy (or the publish section holding it) unreadable.
func refusedSettings(repo string, site *content.Site) []*SettingError {
	var out []*SettingError
	for _, p := range site.ConfigProblems {
		if stopsPublishing(p) {
			out = append(out, &SettingError{Repo: repo, Problem: p})
		}
	}
	return out
}

// stopsPublishing reports whether p is about the publish strategy, which
// has no default that is safe to guess.
func stopsPublishing(p content.ConfigProblem) bool {
	return p.Key == "publish.strategy" || p.Key == "publish"
}

// SettingErrors are the settings that keep herald from publishing in the
// repositories reconciled, as of the last reconcile of each, by
// repository.
func (b *Bot) SettingErrors() []*SettingError {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*SettingError
	for _, repo := range slices.Sorted(maps.Keys(b.refused)) {
		out = append(out, b.refused[repo]...)
	}
	return out
}

// publishConfig turns the repository configuration into the schedule's;
// def is the strategy when the file names none.
func publishConfig(site *content.Site, def publish.Strategy) publish.Config {
	c := site.Config
	strategy := publish.Strategy(c.Publish.Strategy)
	if strategy == "" {
		strategy = def
	}
	if strategy == "" {
		strategy = publish.StrategyMerge
	}
	pc := publish.Config{
		Strategy: strategy,
		Location: site.Location(),
		Trigger:  publish.TriggerKind(c.Publish.Rebuild.Trigger),
	}
	if pc.Trigger == "empty-commit" {
		pc.Trigger = publish.TriggerEmptyCommit
	}
	// The configuration's zero means "no approval needed" (its default is
	// already 1); the schedule's zero means "the default".
	if c.Approvals <= 0 {
		pc.ApprovalsRequired = publish.NoApprovalRequired
	} else {
		pc.ApprovalsRequired = c.Approvals
	}
	return pc
}

// rememberSchedule keeps the repository's schedule for the feeds and hands
// its entries to the scheduler.
// The items of the pull requests keep names (the ones this reconcile did not
// read, or could not) are kept from the last reconcile.
func (b *Bot) rememberSchedule(e *openRepo, state publish.State, now time.Time, keep func(pr int) bool) {
	items := publish.Upcoming(state, now)
	b.mu.Lock()
	kept := 0
	for _, es := range b.schedule[e.t.Repo] {
		if es.PR != 0 && keep(es.PR) {
			items = append(items, es.Item)
			kept++
		}
	}
	b.mu.Unlock()
	if kept > 0 {
		slices.SortStableFunc(items, func(a, c publish.Item) int {
			if n := a.At.Compare(c.At); n != 0 {
				return n
			}
			return strings.Compare(a.Path, c.Path)
		})
	}
	entries := make([]feed.Entry, 0, len(items))
	loc := e.site.Location()
	for _, it := range items {
		entries = append(entries, feed.Entry{Repo: e.t.Repo, URL: itemURL(e, it), Location: loc, Item: it})
	}
	b.mu.Lock()
	// The gauges move by the difference between the repository's last
	// schedule and this one.
	b.metrics.moveSchedule(countSchedule(itemsOf(b.schedule[e.t.Repo])), countSchedule(items))
	b.schedule[e.t.Repo] = entries
	b.mu.Unlock()
	if b.scheduler != nil {
		if err := b.scheduler.Rebuild(e.t.Repo, publish.EntriesOf(e.t.Repo, items, now)); err != nil {
			e.log.Error("scheduler rebuild failed", "err", err)
		}
	}
}

// itemsOf returns the schedule's items of entries.
func itemsOf(entries []feed.Entry) []publish.Item {
	items := make([]publish.Item, len(entries))
	for i, es := range entries {
		items[i] = es.Item
	}
	return items
}

// itemURL is where a person follows an item: the post's live address when
// the site's URL is known, else the pull request.
func itemURL(e *openRepo, it publish.Item) string {
	if u := e.site.Config.SiteURL; u != "" {
		if h := e.heads[it.PR]; it.PR != 0 && h != nil {
			for _, post := range h.posts {
				if post.Path == it.Path && post.URLPath != "" {
					return strings.TrimSuffix(u, "/") + post.URLPath
				}
			}
		} else if up := e.urls[it.Path]; it.PR == 0 && up != "" {
			return strings.TrimSuffix(u, "/") + up
		}
	}
	if it.PR != 0 && e.repo.HTMLURL != "" {
		return fmt.Sprintf("%s/pull/%d", e.repo.HTMLURL, it.PR)
	}
	return ""
}

func sortEntries(es []feed.Entry) {
	slices.SortStableFunc(es, func(a, c feed.Entry) int {
		if n := a.At.Compare(c.At); n != 0 {
			return n
		}
		if n := strings.Compare(a.Repo, c.Repo); n != 0 {
			return n
		}
		return strings.Compare(a.Path, c.Path)
	})
}
