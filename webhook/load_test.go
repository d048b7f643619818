package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/webhook"
	"github.com/prometheus/client_golang/prometheus"
)

// The load benchmark sends a fixed rate of deliveries for a fixed time, so
// each iteration takes as long as it takes; run it once:
//
//	go test ./webhook -run '^$' -bench Load -benchtime 1x
//
// HERALD_LOAD_RATE (deliveries per second, default 1000) and
// HERALD_LOAD_SECONDS (default 10) change the load; HERALD_LOAD_TIMELINE=1
// logs the latency of each second.
func BenchmarkLoad(b *testing.B) {
	rate := envInt(b, "HERALD_LOAD_RATE", 1000)
	seconds := envInt(b, "HERALD_LOAD_SECONDS", 10)
	body := fixture(b, "pull_request/opened.json")

	// The baseline answers 202 after reading the body: the cost of HTTP on
	// loopback and of the load generator itself, which shares the process.
	b.Run("baseline=read-body-answer-202", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusAccepted)
		})
		for range b.N {
			runLoad(b, h, body, rate, seconds, false)
		}
	})
	// The floor the design's target is stated against: read the body, check
	// its HMAC, answer 202. The receiver should stay within 3x its p99 and
	// under 5 ms. Measured on a quiet moment of the shared 2-core machine
	// (five rounds, before and after interleaved), the receiver at GOGC=400
	// answered within 0.3-1.2x the floor's p99 (0.7-2.2 ms) and spent 1.16x
	// its CPU per delivery (median; 1.30x when it decoded whole go-github
	// events).
	b.Run("floor=hmac-answer-202", func(b *testing.B) {
		for range b.N {
			runLoad(b, hmacFloor(), body, rate, seconds, false)
		}
	})
	// herald serve runs with GOGC=400 unless told otherwise: the live heap is
	// a few MiB, so the default GOGC=100 collects dozens of times a second and
	// the collector's worker takes one of the two cores each time.
	for _, gogc := range []int{100, 400} {
		b.Run("receiver/gogc="+strconv.Itoa(gogc), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(gogc))
			for range b.N {
				loadReceiver(b, body, rate, seconds, false)
			}
		})
	}
}

// BenchmarkFlood sends signed deliveries at 4,000/s (HERALD_LOAD_RATE),
// more than two cores answer, to the receiver with its default cap on
// requests in flight, next to a bare HMAC-and-202 server in the same run:
// past capacity, the receiver answers 503 with Retry-After at once instead
// of letting requests wait.
//
//	go test ./webhook -run '^$' -bench Flood -benchtime 1x
func BenchmarkFlood(b *testing.B) {
	rate := envInt(b, "HERALD_LOAD_RATE", 4000)
	seconds := envInt(b, "HERALD_LOAD_SECONDS", 5)
	body := fixture(b, "pull_request/opened.json")
	b.Run("baseline=hmac-answer-202", func(b *testing.B) {
		for range b.N {
			runLoad(b, hmacFloor(), body, rate, seconds, true)
		}
	})
	b.Run("receiver", func(b *testing.B) {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		for range b.N {
			loadReceiver(b, body, rate, seconds, true)
		}
	})
}

// hmacFloor is a bare server that reads the body, checks its HMAC and
// answers 202: the least a receiver that verifies deliveries can do.
func hmacFloor() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		if !hmac.Equal([]byte(webhook.Sign([]byte(secret), data)), []byte(r.Header.Get("X-Hub-Signature-256"))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
}

// loadReceiver runs the load against the server as herald serve builds it:
// metrics, JSON logs (discarded), the mux, a real queue whose reconciles take
// 20ms.
func loadReceiver(b *testing.B, body []byte, rate, seconds int, shed bool, opts ...webhook.ReceiverOption) {
	var reconciles atomic.Int64
	q := webhook.NewQueue(webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error {
		reconciles.Add(1)
		time.Sleep(20 * time.Millisecond) // a warm reconcile
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	reg := prometheus.NewRegistry()
	m, err := webhook.NewMetrics(reg)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	recv, err := webhook.NewReceiver(q, []string{secret}, append([]webhook.ReceiverOption{webhook.WithMetrics(m), webhook.WithLogger(log)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := webhook.NewServer(recv)
	if err != nil {
		b.Fatal(err)
	}
	runLoad(b, srv, body, rate, seconds, shed)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	s := q.Stats()
	b.ReportMetric(float64(s.Reconciled), "reconciles")
	b.ReportMetric(float64(s.Coalesced), "coalesced")
}

// runLoad serves h on a loopback listener and sends rate signed deliveries
// per second for the given seconds, each with its own delivery id, then
// reports answer latency percentiles, the share of 503 answers, the peak
// heap and the process's CPU use. With shed, 503 answers with Retry-After
// are expected; otherwise every answer must be 202.
func runLoad(b *testing.B, h http.Handler, body []byte, rate, seconds int, shed bool) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var serverNanos []int64
	var mu sync.Mutex
	timed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start).Nanoseconds()
		mu.Lock()
		serverNanos = append(serverNanos, d)
		mu.Unlock()
	})
	var conns atomic.Int64
	srv := &http.Server{Handler: timed, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}}
	go srv.Serve(ln)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/webhook"
	sig := webhook.Sign([]byte(secret), body)

	total := rate * seconds
	latencies := make([]int64, total)
	var failures, shed503 atomic.Int64
	var peakHeap atomic.Uint64
	sampleDone := make(chan struct{})
	sampling := make(chan struct{})
	go func() {
		defer close(sampleDone)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-sampling:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peakHeap.Load() {
					peakHeap.Store(ms.HeapInuse)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	cpu0 := cpuTime(b)
	start := time.Now()
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-GitHub-Delivery", "load-"+strconv.Itoa(i))
			req.Header.Set("X-Hub-Signature-256", sig)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				failures.Add(1)
				latencies[i] = -1
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			latencies[i] = time.Since(t0).Nanoseconds()
			switch {
			case resp.StatusCode == http.StatusAccepted:
			case shed && resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
				shed503.Add(1)
			default:
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	close(sampling)
	<-sampleDone
	cpu := cpuTime(b) - cpu0
	client.CloseIdleConnections()

	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	if n := failures.Load(); n > 0 {
		b.Errorf("%d of %d deliveries failed or were not answered 202 (or 503 when shedding)", n, total)
	}
	b.ReportMetric(100*float64(shed503.Load())/float64(total), "%-503")
	b.ReportMetric(float64(peakHeap.Load())/1e6, "peak-heap-MB")
	// p99 of each second, to tell a slow receiver from a neighbour taking the
	// CPU for a moment: on a shared machine the median second is the figure.
	var secondP99s []int64
	for sec := range seconds {
		w := slices.Clone(latencies[sec*rate : (sec+1)*rate])
		slices.Sort(w)
		secondP99s = append(secondP99s, percentile(w, 99))
		if os.Getenv("HERALD_LOAD_TIMELINE") != "" {
			b.Logf("second %d: p50 %.2fms p99 %.2fms max %.2fms", sec, ms(percentile(w, 50)), ms(percentile(w, 99)), ms(w[len(w)-1]))
		}
	}
	slices.Sort(secondP99s)
	b.ReportMetric(ms(percentile(secondP99s, 50)), "median-second-p99-ms")
	slices.Sort(latencies)
	mu.Lock()
	slices.Sort(serverNanos)
	srvP50, srvP99 := percentile(serverNanos, 50), percentile(serverNanos, 99)
	mu.Unlock()
	b.ReportMetric(ms(percentile(latencies, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(latencies, 99)), "p99-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
	b.ReportMetric(ms(srvP50), "handler-p50-ms")
	b.ReportMetric(ms(srvP99), "handler-p99-ms")
	b.ReportMetric(float64(total)/wall.Seconds(), "deliveries/s")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%-of-a-core")
	b.ReportMetric(float64(cpu.Microseconds())/float64(total), "cpu-µs/delivery")
	b.ReportMetric(float64(conns.Load()), "connections")
	b.ReportMetric(0, "ns/op") // one op is the whole run; the figures above are what counts
}

// BenchmarkBurst sends 10,000 deliveries for one pull request as fast as 32
// senders can, into a queue whose reconcile takes 300ms (the design's target
// for PR feedback), and reports how many reconciles they became, next to the
// bound coalescing promises: while deliveries keep coming, each reconcile is
// followed by exactly one more, so at most burst time / 300ms + 2.
//
//	go test ./webhook -run '^$' -bench Burst -benchtime 1x
func BenchmarkBurst(b *testing.B) {
	body := fixture(b, "pull_request/opened.json")
	for range b.N {
		const reconcile = 300 * time.Millisecond
		res := burst(b, body, 10000, 32, reconcile)
		if !res.newestReconciled {
			b.Error("the last reconcile did not carry the newest delivery")
		}
		b.ReportMetric(float64(res.reconciles), "reconciles")
		b.ReportMetric(float64(res.wall/reconcile+2), "bound")
		b.ReportMetric(float64(res.coalesced), "coalesced")
		b.ReportMetric(res.wall.Seconds(), "burst-s")
		b.ReportMetric(float64(res.rejected), "rejected")
		b.ReportMetric(0, "ns/op")
	}
}

// TestBurstCoalesces is the small, always-run form of BenchmarkBurst: 1,000
// deliveries for one repository give a handful of reconciles, all answered
// 202, none lost: the last reconcile carries the newest delivery.
func TestBurstCoalesces(t *testing.T) {
	res := burst(t, fixture(t, "push/branch-update.json"), 1000, 16, 20*time.Millisecond)
	limit := int64(res.wall/(20*time.Millisecond)) + 2
	t.Logf("1000 deliveries in %s: %d reconciles, %d coalesced", res.wall, res.reconciles, res.coalesced)
	if res.reconciles < 2 || res.reconciles > limit {
		t.Errorf("1000 deliveries in %s gave %d reconciles, want 2..%d", res.wall, res.reconciles, limit)
	}
	if res.reconciles+res.coalesced != 1000 || res.rejected != 0 {
		t.Errorf("%d reconciled + %d coalesced + %d rejected, want 1000 accounted for and none rejected", res.reconciles, res.coalesced, res.rejected)
	}
	if !res.newestReconciled {
		t.Error("the last reconcile did not carry the newest delivery: one was lost")
	}
}

type burstResult struct {
	reconciles, coalesced, rejected int64
	wall                            time.Duration
	newestReconciled                bool // the last reconcile carried the newest delivery
}

func burst(tb testing.TB, body []byte, n, senders int, reconcileTime time.Duration) burstResult {
	tb.Helper()
	var reconciles atomic.Int64
	var lastReconciledID string
	var lastMu sync.Mutex
	q := webhook.NewQueue(webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error {
		lastMu.Lock()
		lastReconciledID = r.DeliveryID
		lastMu.Unlock()
		reconciles.Add(1)
		time.Sleep(reconcileTime)
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	// Record the newest delivery handed to the queue, in the queue's order.
	var mu sync.Mutex
	var lastDispatched, lastReconciled string
	d := webhook.DispatchFunc(func(ctx context.Context, r webhook.Request) error {
		mu.Lock()
		defer mu.Unlock()
		err := q.Dispatch(ctx, r)
		if err == nil {
			lastDispatched = r.DeliveryID
		}
		return err
	})
	e := start(tb, d)
	sig := webhook.Sign([]byte(secret), body)
	var next atomic.Int64
	var bad atomic.Int64
	var wg sync.WaitGroup
	begin := time.Now()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	defer client.CloseIdleConnections()
	event := "pull_request"
	if bytes.Contains(body, []byte(`"pusher"`)) {
		event = "push"
	}
	for range senders {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				req, _ := http.NewRequest(http.MethodPost, e.url+"/webhook", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-GitHub-Event", event)
				req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("burst-%d", i))
				req.Header.Set("X-Hub-Signature-256", sig)
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(begin)
	cancel()
	if err := <-done; err != nil {
		tb.Fatal(err)
	}
	if bad.Load() > 0 {
		tb.Errorf("%d deliveries failed or were not answered 202", bad.Load())
	}
	s := q.Stats()
	lastReconciled = lastReconciledID
	return burstResult{reconciles: s.Reconciled, coalesced: s.Coalesced, rejected: s.Rejected, wall: wall,
		newestReconciled: lastDispatched != "" && lastReconciled == lastDispatched}
}

func percentile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
