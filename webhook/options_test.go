package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/webhook"
	"github.com/prometheus/client_golang/prometheus"
)

func TestNewReceiverRefuses(t *testing.T) {
	d := &recorder{}
	tests := []struct {
		name    string
		d       webhook.Dispatcher
		secrets []string
		opts    []webhook.ReceiverOption
		want    string
	}{
		{"no dispatcher", nil, []string{"s"}, nil, "webhook receiver: no dispatcher"},
		{"no secret", d, nil, nil, "webhook receiver: no secret to verify X-Hub-Signature-256 with"},
		{"empty secret", d, []string{"s", ""}, nil, "webhook receiver: secret 2 of 2 is empty"},
		{"no body", d, []string{"s"}, []webhook.ReceiverOption{webhook.WithMaxBodyBytes(0)}, "webhook receiver: body limit 0 is not positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.NewReceiver(tt.d, tt.secrets, tt.opts...)
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestInsecureNoSignature(t *testing.T) {
	rec := &recorder{}
	recv, err := webhook.NewReceiver(rec, nil, webhook.WithInsecureNoSignature())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(recv)
	defer ts.Close()
	e := &env{url: strings.TrimSuffix(ts.URL, "/")}
	// The receiver is mounted at the root here, so post to any path.
	status, text := e.send(t, delivery{event: "push", id: "1", body: fixture(t, "push/branch-update.json")})
	if status != 202 || len(rec.take()) != 1 {
		t.Errorf("unsigned delivery: %d %q, want 202 and dispatched", status, text)
	}
}

// TestDedupeExpires accepts a redelivery once the identifier is forgotten.
func TestDedupeExpires(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rec := &recorder{}
	e := start(t, rec, webhook.WithDedupe(100, time.Hour), webhook.WithClock(clock))
	body := fixture(t, "push/branch-update.json")
	var got []int
	for _, advance := range []time.Duration{0, 59 * time.Minute, 2 * time.Minute} {
		mu.Lock()
		now = now.Add(advance)
		mu.Unlock()
		status, _ := e.send(t, signed("push", "same", body))
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{202, 200, 202}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

// TestLogsAndQueueMetrics checks the stable log keys and that the queue's
// metrics reach /metrics.
func TestLogsAndQueueMetrics(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewJSONHandler(lockedWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := prometheus.NewRegistry()
	m, err := webhook.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webhook.NewMetrics(reg); err == nil || !strings.HasPrefix(err.Error(), "register webhook metrics: ") {
		t.Errorf("registering twice: err = %v", err)
	}
	done := make(chan struct{})
	q := webhook.NewQueue(webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error {
		<-done
		return nil
	}), webhook.WithQueueLogger(log), webhook.WithQueueMetrics(m), webhook.WithWorkers(1))
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- q.Run(ctx) }()
	recv, err := webhook.NewReceiver(q, []string{secret}, webhook.WithLogger(log), webhook.WithMetrics(m))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := webhook.NewServer(recv, webhook.WithServerLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := webhook.NewAdmin(srv, webhook.WithGatherer(reg))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	as := httptest.NewServer(admin)
	defer as.Close()
	e := &env{url: ts.URL, adminURL: as.URL}
	body := fixture(t, "pull_request/synchronize.json")
	for i := range 5 {
		e.send(t, signed("pull_request", "d"+itoa(i), body))
	}
	e.send(t, delivery{event: "pull_request", id: "bad", body: body})
	e.send(t, signed("issues", "iss", []byte(`{"action":"opened","repository":{"full_name":"o/r"}}`)))
	_, before := e.getAdmin(t, "/metrics")
	close(done)
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	_, after := e.getAdmin(t, "/metrics")
	for _, line := range []string{
		"herald_queue_pending 1", "herald_queue_running 1", "herald_queue_repositories 1", "herald_queue_coalesced_total 3",
		`herald_webhook_answer_duration_seconds_count{outcome="accepted"} 5`,
	} {
		if !strings.Contains(before, line+"\n") {
			t.Errorf("/metrics while busy lacks %q", line)
		}
	}
	for _, line := range []string{
		"herald_queue_pending 0", "herald_queue_running 0",
		`herald_queue_reconcile_duration_seconds_count{outcome="ok"} 2`,
	} {
		if !strings.Contains(after, line+"\n") {
			t.Errorf("/metrics after the drain lacks %q", line)
		}
	}

	logMu.Lock()
	defer logMu.Unlock()
	type entry struct {
		Msg        string `json:"msg"`
		DeliveryID string `json:"delivery_id"`
		Event      string `json:"event"`
		Repo       string `json:"repo"`
		PR         int    `json:"pr"`
	}
	var entries []entry
	for line := range strings.Lines(logs.String()) {
		var en entry
		if err := json.Unmarshal([]byte(line), &en); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if strings.HasPrefix(en.Msg, "webhook delivery accepted") || en.Msg == "webhook delivery refused" || en.Msg == "webhook event ignored" || en.Msg == "reconciled" {
			entries = append(entries, en)
		}
	}
	want := []entry{
		{"webhook delivery accepted", "d0", "pull_request", "Codertocat/Hello-World", 2},
		{"webhook delivery accepted", "d1", "pull_request", "Codertocat/Hello-World", 2},
		{"webhook delivery accepted", "d2", "pull_request", "Codertocat/Hello-World", 2},
		{"webhook delivery accepted", "d3", "pull_request", "Codertocat/Hello-World", 2},
		{"webhook delivery accepted", "d4", "pull_request", "Codertocat/Hello-World", 2},
		{"webhook delivery refused", "bad", "", "", 0},
		{"webhook event ignored", "iss", "issues", "", 0},
		{"reconciled", "d0", "pull_request", "Codertocat/Hello-World", 2},
		{"reconciled", "d4", "pull_request", "Codertocat/Hello-World", 2},
	}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("log entries (-want +got):\n%s", diff)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
