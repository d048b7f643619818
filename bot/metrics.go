package bot

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// Reconcile triggers, the values of the "trigger" label.
const (
	// TriggerWebhook is a reconcile asked for by a webhook delivery.
	TriggerWebhook = "webhook"
	// TriggerResync is a reconcile of every repository: the start-up and
	// the resync schedule.
	TriggerResync = "resync"
	// TriggerTimer is a reconcile started by a publication time firing.
	TriggerTimer = "timer"
)

// Metrics holds the bot's Prometheus collectors: publications, lateness,
// the schedule's size, reconciles and checks. Create it once with NewMetrics
// and give it to New with WithMetrics. A nil *Metrics records nothing.
type Metrics struct {
	publications      *prometheus.CounterVec
	lateness          *prometheus.HistogramVec
	scheduled         *prometheus.GaugeVec
	overdue           *prometheus.GaugeVec
	blocked           prometheus.Gauge
	reconciles        *prometheus.CounterVec
	reconcileDuration *prometheus.HistogramVec
	reconcileErrors   *prometheus.CounterVec
	checks            *prometheus.CounterVec
	findings          *prometheus.CounterVec
}

// NewMetrics creates the bot's collectors and registers them with reg, a
// registry the caller owns (never the global default one).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("bot: NewMetrics needs a registry")
	}
	m := &Metrics{
		publications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_publications_total",
			Help: "Publishing actions (merges, draft flips, rebuilds) by strategy and outcome: done, already-done (another replica or a person did it), deferred (a guard refused, planned again), failed, skipped-dry-run.",
		}, []string{"strategy", "outcome"}),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_publish_lateness_seconds",
			Help:    "Seconds from a post's due time to its publication, for publications herald made.",
			Buckets: []float64{0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600},
		}, []string{"strategy"}),
		scheduled: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_scheduled_posts",
			Help: "Posts due in the future, by strategy, as of each repository's last reconcile.",
		}, []string{"strategy"}),
		overdue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_overdue_posts",
			Help: "Posts due and not out yet with nothing known in the way (they go out on the next reconcile), by strategy.",
		}, []string{"strategy"}),
		blocked: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "herald_blocked_posts",
			Help: "Posts that cannot go out (not approved, failing checks, held, a date that does not resolve), as of each repository's last reconcile.",
		}),
		reconciles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_reconciles_total",
			Help: "Reconciles of one repository by trigger (webhook, resync, timer) and outcome (ok, error, skipped: an event caused by herald itself, deferred: a resync put off until the GitHub rate limit resets).",
		}, []string{"trigger", "outcome"}),
		reconcileDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_reconcile_duration_seconds",
			Help:    "Time one reconcile of one repository takes, by trigger.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"trigger"}),
		reconcileErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_reconcile_errors_total",
			Help: "Failed reconciles by cause: rate_limited, unauthorized, not_found, conflict (forge answers), timeout, canceled, other.",
		}, []string{"cause"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_checks_total",
			Help: "Checks run, by what was checked: pull_request (the posts a head changes) or branch (the default branch, local mode).",
		}, []string{"scope"}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_check_findings_total",
			Help: "Findings of the checks run, by severity.",
		}, []string{"severity"}),
	}
	for _, c := range []prometheus.Collector{m.publications, m.lateness, m.scheduled, m.overdue, m.blocked,
		m.reconciles, m.reconcileDuration, m.reconcileErrors, m.checks, m.findings} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	// The series an operator alerts on exist from the start, at zero.
	for _, s := range []publish.Strategy{publish.StrategyMerge, publish.StrategyDraft, publish.StrategyRebuild} {
		for _, o := range []publish.OutcomeStatus{publish.OutcomeDone, publish.OutcomeAlreadyDone, publish.OutcomeDeferred, publish.OutcomeFailed} {
			m.publications.WithLabelValues(string(s), string(o))
		}
		m.lateness.WithLabelValues(string(s))
		m.scheduled.WithLabelValues(string(s))
		m.overdue.WithLabelValues(string(s))
	}
	for _, t := range []string{TriggerWebhook, TriggerResync, TriggerTimer} {
		m.reconcileDuration.WithLabelValues(t)
		for _, o := range []string{"ok", "error"} {
			m.reconciles.WithLabelValues(t, o)
		}
	}
	for _, sev := range []string{"error", "warning", "info"} {
		m.findings.WithLabelValues(sev)
	}
	return m, nil
}

// WithMetrics records the bot's metrics in m.
func WithMetrics(m *Metrics) Option { return func(b *Bot) { b.metrics = m } }

// ObserveCheck records one check run and its findings; scope is
// "pull_request" or "branch". The bot records its own checks of pull
// requests; the command records the checks it runs itself.
func (m *Metrics) ObserveCheck(scope string, findings []check.Finding) {
	if m == nil {
		return
	}
	m.checks.WithLabelValues(scope).Inc()
	for _, f := range findings {
		m.findings.WithLabelValues(f.Severity).Inc()
	}
}

// reconciled records one reconcile.
func (m *Metrics) reconciled(trigger string, took time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
		m.reconcileErrors.WithLabelValues(errorCause(err)).Inc()
	}
	m.reconciles.WithLabelValues(trigger, outcome).Inc()
	m.reconcileDuration.WithLabelValues(trigger).Observe(took.Seconds())
}

// skipped records a webhook request that needed no reconcile.
// deferred counts a reconcile put off until the rate limit resets.
func (m *Metrics) deferred(trigger string) {
	if m == nil {
		return
	}
	m.reconciles.WithLabelValues(trigger, "deferred").Inc()
}

func (m *Metrics) skipped(trigger string) {
	if m == nil {
		return
	}
	m.reconciles.WithLabelValues(trigger, "skipped").Inc()
}

// errorCause names the cause of a failed reconcile for the metric label:
// the first of the forge's sentinels the error matches.
func errorCause(err error) string {
	switch {
	case errors.Is(err, forge.ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, forge.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, forge.ErrNotFound):
		return "not_found"
	case errors.Is(err, forge.ErrConflict):
		return "conflict"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "other"
}

// published records the outcomes of a publisher's run at now.
func (m *Metrics) published(res publish.Result, now time.Time) {
	if m == nil {
		return
	}
	for _, o := range res.Outcomes {
		var strategy publish.Strategy
		var due []time.Time
		switch a := o.Action.(type) {
		case publish.Merge:
			strategy, due = publish.StrategyMerge, []time.Time{a.Due}
		case publish.CommitDraftFlip:
			strategy, due = publish.StrategyDraft, []time.Time{a.Due}
		case publish.TriggerRebuild:
			strategy = publish.StrategyRebuild
			for _, it := range a.Items {
				due = append(due, it.Due)
			}
		default:
			continue
		}
		m.publications.WithLabelValues(string(strategy), string(o.Status)).Inc()
		if o.Status != publish.OutcomeDone {
			continue
		}
		for _, d := range due {
			if d.IsZero() {
				continue
			}
			m.lateness.WithLabelValues(string(strategy)).Observe(max(now.Sub(d), 0).Seconds())
		}
	}
}

// scheduleCounts is one repository's part of the schedule gauges.
type scheduleCounts struct {
	scheduled, overdue map[publish.Strategy]int
	blocked            int
}

// countSchedule counts items by status and strategy.
func countSchedule(items []publish.Item) scheduleCounts {
	c := scheduleCounts{scheduled: map[publish.Strategy]int{}, overdue: map[publish.Strategy]int{}}
	for _, it := range items {
		switch it.Status {
		case publish.ItemScheduled:
			c.scheduled[it.Strategy]++
		case publish.ItemLate:
			c.overdue[it.Strategy]++
		case publish.ItemBlocked:
			c.blocked++
		}
	}
	return c
}

// moveSchedule replaces a repository's part old of the schedule gauges by
// new. The caller serialises calls (it holds the bot's lock).
func (m *Metrics) moveSchedule(old, new scheduleCounts) {
	if m == nil {
		return
	}
	for s, n := range new.scheduled {
		m.scheduled.WithLabelValues(string(s)).Add(float64(n - old.scheduled[s]))
	}
	for s, n := range old.scheduled {
		if _, ok := new.scheduled[s]; !ok {
			m.scheduled.WithLabelValues(string(s)).Sub(float64(n))
		}
	}
	for s, n := range new.overdue {
		m.overdue.WithLabelValues(string(s)).Add(float64(n - old.overdue[s]))
	}
	for s, n := range old.overdue {
		if _, ok := new.overdue[s]; !ok {
			m.overdue.WithLabelValues(string(s)).Sub(float64(n))
		}
	}
	m.blocked.Add(float64(new.blocked - old.blocked))
}
