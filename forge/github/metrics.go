package github

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/forge"
)

// Metrics holds the adapter's Prometheus collectors: the requests GitHub
// answered, by what they cost, and each credential's rate limit as last
// reported. Create it once with NewMetrics and give it to every client in
// Options. A nil *Metrics records nothing.
type Metrics struct {
	requests  *prometheus.CounterVec
	remaining *prometheus.GaugeVec
	limit     *prometheus.GaugeVec
	reset     *prometheus.GaugeVec
}

// NewMetrics creates the collectors and registers them with reg, a
// registry the caller owns.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("github: NewMetrics needs a registry")
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_github_requests_total",
			Help: "Requests GitHub answered, by cost: costly (counted against the rate limit) or free (a conditional request answered 304 Not Modified).",
		}, []string{"cost"}),
		remaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_github_rate_limit_remaining",
			Help: "Requests left in the current rate-limit window, by credential (installation:ID, token, app), as of its last answer.",
		}, []string{"credential"}),
		limit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_github_rate_limit",
			Help: "Requests allowed per rate-limit window, by credential.",
		}, []string{"credential"}),
		reset: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_github_rate_limit_reset_timestamp_seconds",
			Help: "When the credential's rate-limit window ends, in Unix seconds.",
		}, []string{"credential"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.remaining, m.limit, m.reset} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.requests.WithLabelValues("costly")
	m.requests.WithLabelValues("free")
	return m, nil
}

func (m *Metrics) answered(free bool) {
	if m == nil {
		return
	}
	if free {
		m.requests.WithLabelValues("free").Inc()
	} else {
		m.requests.WithLabelValues("costly").Inc()
	}
}

func (m *Metrics) rate(credential string, r forge.RateLimit) {
	if m == nil {
		return
	}
	m.remaining.WithLabelValues(credential).Set(float64(r.Remaining))
	m.limit.WithLabelValues(credential).Set(float64(r.Limit))
	m.reset.WithLabelValues(credential).Set(float64(r.Reset.Unix()))
}
