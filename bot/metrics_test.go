package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
)

// sample reads one series from reg: a counter's or gauge's value, or a
// histogram's count (suffix "_count") or sum ("_sum"). labels are
// "name=value" pairs; a series that does not exist reads -1.
func sample(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	base, part := name, ""
	for _, suffix := range []string{"_count", "_sum"} {
		if s, ok := strings.CutSuffix(name, suffix); ok && !strings.HasSuffix(name, "_total") {
			base, part = s, suffix
		}
	}
	for _, f := range families {
		if f.GetName() != base {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for _, kv := range labels {
				k, v, _ := strings.Cut(kv, "=")
				if have[k] != v {
					continue metrics
				}
			}
			return value(m, part)
		}
	}
	return -1
}

func value(m *dto.Metric, part string) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetHistogram() != nil && part == "_sum":
		return m.GetHistogram().GetSampleSum()
	case m.GetHistogram() != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return -1
}

func newMetrics(t *testing.T) (*prometheus.Registry, *bot.Metrics) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := bot.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	return reg, m
}

// TestMetricsOfAMerge follows a pull request from delivery to merge and
// reads the metrics an operator watches at each step.
func TestMetricsOfAMerge(t *testing.T) {
	reg, m := newMetrics(t)
	base, post := basicSite(t)
	text := strings.NewReplacer("the the", "the", "ðŸ˜›", "😛", "ðŸ¤“", "🤓", "[https://containerlab.dev/]", "<https://containerlab.dev/>").Replace(post[postPath])
	w := newWorld(t, base, bot.WithMetrics(m))
	head := w.openPR(2, map[string]string{postPath: text})
	w.deliver("pull_request", "opened", 2, head)

	type reading struct{ name, labels string }
	read := func(rs ...reading) map[string]float64 {
		out := map[string]float64{}
		for _, r := range rs {
			var ls []string
			if r.labels != "" {
				ls = strings.Split(r.labels, ",")
			}
			out[r.name+"{"+r.labels+"}"] = sample(t, reg, r.name, ls...)
		}
		return out
	}
	watched := []reading{
		{"herald_checks_total", "scope=pull_request"},
		{"herald_reconciles_total", "trigger=webhook,outcome=ok"},
		{"herald_reconciles_total", "trigger=resync,outcome=ok"},
		{"herald_reconcile_duration_seconds_count", "trigger=webhook"},
		{"herald_scheduled_posts", "strategy=merge"},
		{"herald_blocked_posts", ""},
		{"herald_publications_total", "strategy=merge,outcome=done"},
		{"herald_publish_lateness_seconds_count", "strategy=merge"},
		{"herald_publish_lateness_seconds_sum", "strategy=merge"},
	}
	want := map[string]float64{
		"herald_checks_total{scope=pull_request}":                  1,
		"herald_reconciles_total{trigger=webhook,outcome=ok}":      1,
		"herald_reconciles_total{trigger=resync,outcome=ok}":       0,
		"herald_reconcile_duration_seconds_count{trigger=webhook}": 1,
		"herald_scheduled_posts{strategy=merge}":                   1,
		"herald_blocked_posts{}":                                   0,
		"herald_publications_total{strategy=merge,outcome=done}":   0,
		"herald_publish_lateness_seconds_count{strategy=merge}":    0,
		"herald_publish_lateness_seconds_sum{strategy=merge}":      0,
	}
	if diff := cmp.Diff(want, read(watched...)); diff != "" {
		t.Errorf("after the delivery (-want +got):\n%s", diff)
	}

	// Due and not approved: blocked.
	w.clock.Set(time.Date(2026, 2, 3, 9, 0, 10, 0, time.UTC))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if got := sample(t, reg, "herald_blocked_posts"); got != 1 {
		t.Errorf("blocked posts = %v, want 1", got)
	}

	// Approved, half a minute late: merged once.
	w.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head})
	w.clock.Set(time.Date(2026, 2, 3, 9, 0, 30, 0, time.UTC))
	for range 2 {
		if err := w.reconcile(); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.fake.Merges()) != 1 {
		t.Fatalf("merges = %+v, want one", w.fake.Merges())
	}
	want["herald_reconciles_total{trigger=resync,outcome=ok}"] = 3
	want["herald_scheduled_posts{strategy=merge}"] = 0
	want["herald_publications_total{strategy=merge,outcome=done}"] = 1
	want["herald_publish_lateness_seconds_count{strategy=merge}"] = 1
	want["herald_publish_lateness_seconds_sum{strategy=merge}"] = 30
	if diff := cmp.Diff(want, read(watched...)); diff != "" {
		t.Errorf("after the merge (-want +got):\n%s", diff)
	}
	if got := sample(t, reg, "herald_check_findings_total", "severity=error"); got != 0 {
		t.Errorf("error findings = %v, want 0 for the clean post", got)
	}
}

// TestMetricsOfADraftFlip publishes a draft by commit, twice asked, and
// counts one publication; a failing reconcile is counted by cause.
func TestMetricsOfADraftFlip(t *testing.T) {
	reg, m := newMetrics(t)
	files := siteFiles(t)
	files[".herald.yml"] += "publish:\n  strategy: draft\n"
	files[postPath] = strings.Replace(files[postPath], "type: \"blog\"\n", "type: \"blog\"\ndraft: true\n", 1)
	files[postPath] = withoutErrors(files[postPath])
	repo := gittest.NewServer(t).NewRepo("drafts", files)
	now := &clock{now: time.Date(2026, 2, 3, 9, 0, 5, 0, time.UTC)}
	var fail error
	clients := bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) {
		if fail != nil {
			return nil, fail
		}
		return plainGit{forge.Repo{Owner: "local", Name: "drafts", DefaultBranch: "main", CloneURL: repo.URL}}, nil
	})
	cache, err := gitrepo.NewCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	b, err := bot.New(clients, gitMirrors(cache), bot.WithClock(now.Now), bot.WithMetrics(m))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := b.ReconcileAll(context.Background(), []bot.Target{{Repo: "local/drafts"}}); err != nil {
			t.Fatal(err)
		}
	}
	b.OnFire(context.Background(), publish.Firing{Entry: publish.Entry{Repo: "local/drafts", Key: postPath, At: now.Now()}, Fired: now.Now()})
	fail = fmt.Errorf("read repository: %w", &forge.RateLimitError{Reset: now.Now().Add(time.Hour)})
	if err := b.ReconcileAll(context.Background(), []bot.Target{{Repo: "local/drafts"}}); !errors.Is(err, forge.ErrRateLimited) {
		t.Fatalf("reconcile error = %v, want the rate limit", err)
	}
	got := map[string]float64{
		"draft done":            sample(t, reg, "herald_publications_total", "strategy=draft", "outcome=done"),
		"draft already-done":    sample(t, reg, "herald_publications_total", "strategy=draft", "outcome=already-done"),
		"lateness count":        sample(t, reg, "herald_publish_lateness_seconds_count", "strategy=draft"),
		"lateness sum":          sample(t, reg, "herald_publish_lateness_seconds_sum", "strategy=draft"),
		"resync ok":             sample(t, reg, "herald_reconciles_total", "trigger=resync", "outcome=ok"),
		"resync error":          sample(t, reg, "herald_reconciles_total", "trigger=resync", "outcome=error"),
		"timer ok":              sample(t, reg, "herald_reconciles_total", "trigger=timer", "outcome=ok"),
		"errors rate_limited":   sample(t, reg, "herald_reconcile_errors_total", "cause=rate_limited"),
		"scheduled draft posts": sample(t, reg, "herald_scheduled_posts", "strategy=draft"),
	}
	want := map[string]float64{
		"draft done": 1, "draft already-done": 0, "lateness count": 1, "lateness sum": 5,
		"resync ok": 2, "resync error": 1, "timer ok": 1, "errors rate_limited": 1, "scheduled draft posts": 0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
}

func TestMetricsRecordNothingWhenNil(t *testing.T) {
	var m *bot.Metrics
	m.ObserveCheck("branch", []check.Finding{{Severity: "error"}}) // must not panic
	if _, err := bot.NewMetrics(nil); err == nil {
		t.Error("NewMetrics(nil) succeeded")
	}
	reg := prometheus.NewRegistry()
	if _, err := bot.NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.NewMetrics(reg); err == nil {
		t.Error("registering the metrics twice on one registry succeeded")
	}
}
