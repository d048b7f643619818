package bot

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/content/siteindex"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/dashboard"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

// Targets lists the repositories a Service serves: a GitHub App lists the
// repositories of its installations, a token or local mode a fixed list.
type Targets interface {
	Targets(ctx context.Context) ([]Target, error)
}

// TargetList is a fixed list of repositories; it implements Targets.
type TargetList []Target

// Targets returns the list.
func (l TargetList) Targets(context.Context) ([]Target, error) { return l, nil }

// Branch is the default branch of the one repository of local mode, as
// the Service's check of each new commit reads it.
type Branch interface {
	// Tip returns the commit at the tip of the branch, as the last
	// reconcile fetched it.
	Tip(ctx context.Context) (string, error)
	// FS returns the files at commit.
	FS(ctx context.Context, commit string) (fs.FS, error)
}

// ServiceConfig is what NewService runs.
type ServiceConfig struct {
	// Clients and Mirrors are the bot's (see New).
	Clients Clients
	Mirrors Mirrors
	// Options are the bot's options.
	Options []Option
	// Connect, when set, reaches the forge before the bot is built, and
	// returns the options learnt from it (WithAppSlug, WithLogin). Until it
	// succeeds every reconcile tries it first.
	Connect func(ctx context.Context) ([]Option, error)
	// Targets are the repositories ReconcileAll reconciles.
	Targets Targets
	// Log receives the findings of the default branch's checks.
	Log *slog.Logger

	// Local names the one repository of local mode: every webhook
	// delivery is a hint that it changed.
	Local string
	// Branch, when set, is Local's default branch: after each reconcile
	// that finds a new tip, its posts are checked and the findings logged,
	// since without a forge there is no pull request to comment on.
	Branch Branch
	// CheckInBackground runs the check of Branch on Run's goroutine after
	// a reconcile instead of within it: a reconcile, and with it readiness
	// at start-up, then does not wait for every post of a large site to be
	// checked (herald serve). Without it the check is done when Reconcile
	// and ReconcileAll return (the demo prints it).
	CheckInBackground bool
	// OnCheck, when set, is told each check of Branch.
	OnCheck func(commit string, posts int, findings []check.Finding)
	// Metrics records the checks of Branch.
	Metrics *Metrics

	// Record keeps each publication for Published (the one-shot commands
	// print them; a long-running service only logs them).
	Record bool
	// OnPublished, when set, is told each publication as it happens. It
	// runs on the reconcile's goroutine and must not block.
	OnPublished func(Publication)
}

// Publication is a publishing side effect the bot carried out: a commit
// pushed to a repository's default branch (a draft made public, the empty
// commit of a rebuild) or a pull request merged.
type Publication struct {
	// Repo is the repository, "owner/name" (or the name of local mode's).
	Repo string
	// PR is the pull request merged; 0 for a push.
	PR int
	// Branch is the branch pushed to; "" for a merge.
	Branch string
	// Commit is the commit pushed, or the merge commit.
	Commit string
	// Message is the pushed commit's message.
	Message string
}

// Service is the bot as a long-running or one-shot process runs it: it
// reaches the forge lazily (a forge down at start-up delays the bot, it
// does not stop the process), lists the repositories served, checks local
// mode's default branch after each reconcile, and observes what was
// published. Create it with NewService.
type Service struct {
	cfg ServiceConfig
	log *slog.Logger

	bot       atomic.Pointer[Bot]
	connected chan struct{}
	connectMu sync.Mutex

	checkMu sync.Mutex
	checked string // the commit of Branch last checked
	// checkedSite and checkedFindings are the site at checked and what
	// its check found: a new tip with the same tree (an empty rebuild
	// commit, a merge that changes no file) has the same findings.
	checkedSite     *siteindex.Site
	checkedFindings []check.Finding
	checkDue        chan struct{} // a reconcile asks the background check to run

	pubMu     sync.Mutex
	published []Publication
}

var _ webhook.Handler = (*Service)(nil)
var _ feed.Source = (*Service)(nil)
var _ dashboard.Source = (*Service)(nil)

// NewService returns a Service that builds its bot from cfg once the forge
// answers. It starts nothing and reaches nothing.
func NewService(cfg ServiceConfig) (*Service, error) {
	if cfg.Clients == nil || cfg.Mirrors == nil || cfg.Targets == nil {
		return nil, errors.New("bot: a service needs clients, mirrors and targets")
	}
	s := &Service{cfg: cfg, log: cfg.Log, connected: make(chan struct{}), checkDue: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Connect reaches the forge to learn what the bot needs from it and builds
// the bot, once: after the first success it returns nil at once. Its error
// is Connect's of the config, unwrapped.
func (s *Service) Connect(ctx context.Context) error {
	if s.Bot() != nil {
		return nil
	}
	s.connectMu.Lock()
	defer s.connectMu.Unlock()
	if s.Bot() != nil {
		return nil
	}
	var learnt []Option
	if s.cfg.Connect != nil {
		var err error
		if learnt, err = s.cfg.Connect(ctx); err != nil {
			return err
		}
	}
	var opts []Option
	if s.cfg.Local != "" {
		// A plain repository has no pull request to merge: its dated
		// drafts are what herald publishes, unless .herald.yml says
		// otherwise.
		opts = append(opts, WithDefaultStrategy(publish.StrategyDraft))
	}
	opts = append(append(append(opts, s.cfg.Options...), learnt...), WithOutcomeObserver(s.observe))
	b, err := New(s.cfg.Clients, s.cfg.Mirrors, opts...)
	if err != nil {
		return err
	}
	s.bot.Store(b)
	close(s.connected)
	return nil
}

// Bot returns the bot, or nil while the forge has not been reached.
func (s *Service) Bot() *Bot { return s.bot.Load() }

// Run runs the bot's background work (see Bot.Run) once the forge has been
// reached, until ctx is done.
func (s *Service) Run(ctx context.Context) error {
	select {
	case <-s.connected:
	case <-ctx.Done():
		return nil
	}
	if s.cfg.Branch == nil || !s.cfg.CheckInBackground {
		return s.Bot().Run(ctx)
	}
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.checkDue:
				s.checkBranch(ctx)
			}
		}
	}()
	err := s.Bot().Run(ctx)
	<-checked
	return err
}

// afterReconcile checks Branch, or asks Run to (CheckInBackground); asks
// made while a check runs are folded into one.
func (s *Service) afterReconcile(ctx context.Context) {
	if !s.cfg.CheckInBackground {
		s.checkBranch(ctx)
		return
	}
	select {
	case s.checkDue <- struct{}{}:
	default:
	}
}

// OnFire is the scheduler's job (see Bot.OnFire); before the forge has been
// reached there is nothing scheduled to fire.
func (s *Service) OnFire(ctx context.Context, f publish.Firing) {
	if b := s.Bot(); b != nil {
		b.OnFire(ctx, f)
	}
}

// Schedule lists the schedule of every repository served; it implements
// feed.Source.
func (s *Service) Schedule(ctx context.Context) ([]feed.Entry, error) {
	b := s.Bot()
	if b == nil {
		return nil, errors.New("starting: the forge has not been reached yet, the schedule is not known")
	}
	return b.Schedule(ctx)
}

// Dashboard lists what the dashboard shows of every repository served; it
// implements dashboard.Source.
func (s *Service) Dashboard(ctx context.Context) ([]dashboard.Repo, error) {
	b := s.Bot()
	if b == nil {
		return nil, errors.New("starting: the forge has not been reached yet, the schedule is not known")
	}
	return b.Dashboard(ctx)
}

// Reconcile handles one webhook request; it implements webhook.Handler. In
// local mode every verified delivery is a hint that the one repository
// changed.
func (s *Service) Reconcile(ctx context.Context, r webhook.Request) error {
	if s.cfg.Local != "" {
		r.Repo, r.PR, r.InstallationID = s.cfg.Local, 0, 0
	}
	if err := s.Connect(ctx); err != nil {
		return err
	}
	err := s.Bot().Reconcile(ctx, r)
	s.afterReconcile(ctx)
	return err
}

// ReconcileAll reconciles every repository served. When some fail and
// others do not, the error is a *PartialError.
func (s *Service) ReconcileAll(ctx context.Context) error {
	if err := s.Connect(ctx); err != nil {
		return err
	}
	ts, err := s.cfg.Targets.Targets(ctx)
	if err != nil {
		return err
	}
	err = s.Bot().ReconcileAll(ctx, ts)
	s.afterReconcile(ctx)
	return partial(ctx, err, len(ts))
}

// PartialError is a full reconcile in which some repositories failed and
// at least one did not: the forge answers, and the failures are the
// repositories' own.
type PartialError struct {
	Failed, Total int
	err           error // the failures, one per repository
}

func (p *PartialError) Error() string { return p.err.Error() }

// Unwrap returns each repository's failure.
func (p *PartialError) Unwrap() []error {
	if j, ok := p.err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{p.err}
}

// partial returns err, the joined failures of a reconcile of total
// repositories, as a *PartialError when fewer than total failed.
func partial(ctx context.Context, err error, total int) error {
	if err == nil || ctx.Err() != nil {
		return err
	}
	failed := 1
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		failed = len(j.Unwrap())
	}
	if failed >= total {
		return err
	}
	return &PartialError{Failed: failed, Total: total, err: err}
}

// checkBranch checks the posts of local mode's default branch when its tip
// changed since the last check, and logs the findings.
func (s *Service) checkBranch(ctx context.Context) {
	if s.cfg.Branch == nil {
		return
	}
	s.checkMu.Lock()
	defer s.checkMu.Unlock()
	commit, posts, findings, err := s.checkTip(ctx)
	if err != nil && ctx.Err() != nil {
		// Stopping: not a failure to report; the next start checks the tip.
		s.log.Info("check of the default branch stopped", "repo", s.cfg.Local, "reason", context.Cause(ctx).Error())
		return
	}
	if err != nil {
		s.log.Error("check the default branch", "repo", s.cfg.Local, "err", err)
		return
	}
	if commit == "" {
		return
	}
	s.cfg.Metrics.ObserveCheck("branch", findings)
	// Each finding is a debug line: a large site has hundreds of thousands,
	// and the operator reads the one summary line with the counts by rule.
	for _, f := range findings {
		s.log.Debug("finding", "repo", s.cfg.Local, "commit", commit, "path", f.Path, "line", f.Line, "column", f.Column,
			"rule", f.Rule, "severity", f.Severity, "message", f.Message)
	}
	s.log.Info("checked the default branch", "repo", s.cfg.Local, "commit", commit, "posts", posts,
		"findings", len(findings), "errors", countSeverity(findings, "error"), "by_rule", countByRule(findings))
	if s.cfg.OnCheck != nil {
		s.cfg.OnCheck(commit, posts, findings)
	}
}

// checkTip checks the site at the tip of the default branch; commit is ""
// when it was checked already.
func (s *Service) checkTip(ctx context.Context) (commit string, posts int, findings []check.Finding, err error) {
	tip, err := s.cfg.Branch.Tip(ctx)
	if err != nil || tip == s.checked {
		return "", 0, nil, err
	}
	fsys, err := s.cfg.Branch.FS(ctx, tip)
	if err != nil {
		return "", 0, nil, err
	}
	// The site comes from the bot's store of the repository, where the
	// reconcile that found the tip has just loaded it.
	site, err := s.Bot().storeOf(s.cfg.Local).Load(ctx, fsys)
	if err != nil {
		return "", 0, nil, err
	}
	if site == s.checkedSite {
		// The store gives the same site for the same root tree.
		s.checked = tip
		return tip, len(site.Posts), s.checkedFindings, nil
	}
	findings, err = check.New(site.Config).CheckSite(ctx, site.Site)
	if err != nil {
		return "", 0, nil, err
	}
	s.checked, s.checkedSite, s.checkedFindings = tip, site, findings
	return tip, len(site.Posts), findings, nil
}

// observe turns the bot's outcomes into publications: the pushes of
// draft flips and empty-commit rebuilds, and merges.
func (s *Service) observe(repo, branch string, o publish.Outcome) {
	if o.Status != publish.OutcomeDone || o.Commit == "" {
		return
	}
	p := Publication{Repo: repo, Commit: o.Commit}
	switch a := o.Action.(type) {
	case publish.Merge:
		p.PR = a.PR
	case publish.CommitDraftFlip, publish.TriggerRebuild:
		p.Branch, p.Message = branch, o.Message
	default:
		return
	}
	if s.cfg.Record {
		s.pubMu.Lock()
		s.published = append(s.published, p)
		s.pubMu.Unlock()
	}
	if s.cfg.OnPublished != nil {
		s.cfg.OnPublished(p)
	}
}

// SettingErrors are the settings that keep herald from publishing in the
// repositories served (see Bot.SettingErrors); none before the forge is
// reached.
func (s *Service) SettingErrors() []*SettingError {
	if b := s.Bot(); b != nil {
		return b.SettingErrors()
	}
	return nil
}

// Published returns what was published so far, in order, when the config
// asked to Record it.
func (s *Service) Published() []Publication {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	return append([]Publication(nil), s.published...)
}

// countSeverity counts the findings of severity sev.
func countSeverity(findings []check.Finding, sev string) int {
	n := 0
	for _, f := range findings {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

// countByRule counts the findings of each rule, for a summary line.
func countByRule(findings []check.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range findings {
		out[f.Rule]++
	}
	return out
}
