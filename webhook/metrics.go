package webhook

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds the receiver's and the queue's Prometheus collectors. Create
// it once with NewMetrics and pass it to both with WithMetrics and
// WithQueueMetrics. A nil *Metrics records nothing.
type Metrics struct {
	deliveries        *prometheus.CounterVec
	signatureFailures *prometheus.CounterVec
	answerSeconds     *prometheus.HistogramVec
	shedTotal         *prometheus.CounterVec
	requestsInFlight  prometheus.Gauge
	bodyBytesHeld     prometheus.Gauge
	connsOpen         prometheus.Gauge
	queueDepth        prometheus.Gauge
	queueRunning      prometheus.Gauge
	queueRepos        prometheus.Gauge
	queueCoalesced    prometheus.Counter
	queueRejected     prometheus.Counter
	reconcileSeconds  *prometheus.HistogramVec
}

// NewMetrics creates the collectors and registers them with reg, a registry
// the caller owns (never the global default one).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "deliveries_total",
			Help: "Webhook deliveries answered, by event (\"unverified\" before the signature is checked, \"other\" for events GitHub does not document) and outcome.",
		}, []string{"event", "outcome"}),
		signatureFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "signature_failures_total",
			Help: "Deliveries refused for their X-Hub-Signature-256 header, by reason (missing, sha1_only, invalid).",
		}, []string{"reason"}),
		answerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "answer_duration_seconds",
			Help:    "Time from the start of a webhook request to its answer, by outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"outcome"}),
		shedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "shed_total",
			Help: "Webhook requests answered 503 with Retry-After instead of being handled, by reason: connections (at the public listener's cap, the oldest connection not in a handler was closed for a new one, or the new one when all were busy), in_flight (too many requests at once), body_bytes (too many body bytes being read), queue (the reconcile queue was full or shutting down).",
		}, []string{"reason"}),
		requestsInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "requests_in_flight",
			Help: "Webhook requests being handled now (shed ones are not counted).",
		}),
		bodyBytesHeld: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "body_bytes_in_flight",
			Help: "Body bytes reserved by webhook requests being read now, signed or not; bounded by the body budget.",
		}),
		connsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "herald", Subsystem: "webhook", Name: "connections_open",
			Help: "Connections open on the public listener; bounded by its connection cap.",
		}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "herald", Subsystem: "queue", Name: "pending",
			Help: "Reconcile requests waiting in the queue, after coalescing.",
		}),
		queueRunning: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "herald", Subsystem: "queue", Name: "running",
			Help: "Reconciles running now.",
		}),
		queueRepos: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "herald", Subsystem: "queue", Name: "repositories",
			Help: "Repositories with a reconcile pending or running.",
		}),
		queueCoalesced: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "herald", Subsystem: "queue", Name: "coalesced_total",
			Help: "Reconcile requests merged into another one, already waiting or newer.",
		}),
		queueRejected: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "herald", Subsystem: "queue", Name: "rejected_total",
			Help: "Reconcile requests refused because the queue was full or shutting down.",
		}),
		reconcileSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "herald", Subsystem: "queue", Name: "reconcile_duration_seconds",
			Help:    "Time one reconcile took, by outcome (ok, error, panic).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}, []string{"outcome"}),
	}
	for _, c := range []prometheus.Collector{
		m.deliveries, m.signatureFailures, m.answerSeconds, m.shedTotal, m.requestsInFlight, m.bodyBytesHeld, m.connsOpen,
		m.queueDepth, m.queueRunning, m.queueRepos, m.queueCoalesced, m.queueRejected, m.reconcileSeconds,
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register webhook metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) delivery(event, outcome string, seconds float64) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(event, outcome).Inc()
	m.answerSeconds.WithLabelValues(outcome).Observe(seconds)
}

func (m *Metrics) signatureFailure(reason string) {
	if m == nil {
		return
	}
	m.signatureFailures.WithLabelValues(reason).Inc()
}

func (m *Metrics) shed(reason string) {
	if m != nil {
		m.shedTotal.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) inFlight(delta float64) {
	if m != nil {
		m.requestsInFlight.Add(delta)
	}
}

func (m *Metrics) conns(delta float64) {
	if m != nil {
		m.connsOpen.Add(delta)
	}
}

func (m *Metrics) bodyBytes(delta float64) {
	if m != nil {
		m.bodyBytesHeld.Add(delta)
	}
}

func (m *Metrics) queue(pending, running, repos int) {
	if m == nil {
		return
	}
	m.queueDepth.Set(float64(pending))
	m.queueRunning.Set(float64(running))
	m.queueRepos.Set(float64(repos))
}

func (m *Metrics) coalesced(n int) {
	if m != nil {
		m.queueCoalesced.Add(float64(n))
	}
}

func (m *Metrics) rejected() {
	if m != nil {
		m.queueRejected.Inc()
	}
}

func (m *Metrics) reconciled(outcome string, seconds float64) {
	if m != nil {
		m.reconcileSeconds.WithLabelValues(outcome).Observe(seconds)
	}
}
