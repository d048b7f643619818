package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/webhook"
	"github.com/prometheus/client_golang/prometheus"
)

// heldBody is a request body that sends its first bytes, then waits for
// release before sending the rest: a delivery held in flight.
type heldBody struct {
	first, rest []byte
	sent        chan struct{} // closed once first has been read
	release     chan struct{}
	once        sync.Once
}

func newHeldBody(body []byte) *heldBody {
	return &heldBody{first: body[:1024], rest: body[1024:], sent: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldBody) Read(p []byte) (int, error) {
	if len(h.first) > 0 {
		n := copy(p, h.first)
		h.first = h.first[n:]
		if len(h.first) == 0 {
			h.once.Do(func() { close(h.sent) })
		}
		return n, nil
	}
	<-h.release
	if len(h.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(p, h.rest)
	h.rest = h.rest[n:]
	return n, nil
}

// answer is one HTTP answer as a test sees it.
type answer struct {
	status     int
	text       string
	retryAfter string
}

// post sends body to url with the given signature and Content-Length (-1:
// chunked) and returns the answer.
func post(t *testing.T, client *http.Client, url string, body io.Reader, length int64, sig, id string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/webhook", body)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", id)
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{status: -1, text: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header.Get("Retry-After")}
}

// metric returns the value of one series in the admin's /metrics, or -1.
func (e *env) metric(t *testing.T, series string) float64 {
	t.Helper()
	_, text := e.getAdmin(t, "/metrics")
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			var v float64
			fmt.Sscan(rest, &v)
			return v
		}
	}
	return -1
}

// TestLargeUnsignedBodiesBounded holds one large, wrongly signed body in
// flight and shows that the next large ones are refused with 503 before
// their bodies are read, while an ordinary signed delivery still gets 202;
// the held body is answered 401 the moment its last byte arrives, and the
// budget is whole again after.
func TestLargeUnsignedBodiesBounded(t *testing.T) {
	const limit = 4 << 20
	rec := &recorder{}
	e := start(t, rec, webhook.WithMaxBodyBytes(limit), webhook.WithBodyBudget(limit+16<<20))
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	big := bytes.Repeat([]byte("x"), 3<<20+512<<10) // 3.5 MiB: only one fits beside the reserve
	wrong := webhook.Sign([]byte("a guess"), big)

	held := newHeldBody(big)
	heldAnswer := make(chan answer, 1)
	go func() { heldAnswer <- post(t, client, e.url, held, int64(len(big)), wrong, "held") }()
	<-held.sent
	waitUntil(t, "the held body's bytes to be counted", func() bool {
		return e.metric(t, "herald_webhook_body_bytes_in_flight") == float64(len(big)) // a whole number of 64 KiB chunks
	})

	steps := []struct {
		name   string
		body   io.Reader
		length int64
		sig    string
		want   answer
	}{
		{"another large body, wrongly signed", bytes.NewReader(big), int64(len(big)), wrong,
			answer{503, "too many webhook bodies are being read (3670016 bytes would not fit); try again later\n", "30"}},
		{"another large body, chunked", io.MultiReader(bytes.NewReader(big)), -1, wrong,
			answer{503, "too many webhook bodies are being read; try again later\n", "30"}},
		{"a large body signed right is refused too: the sender cannot be known before the body is read", bytes.NewReader(big), int64(len(big)), webhook.Sign([]byte(secret), big),
			answer{503, "too many webhook bodies are being read (3670016 bytes would not fit); try again later\n", "30"}},
		{"an ordinary signed delivery", bytes.NewReader(fixture(t, "pull_request/opened.json")), int64(len(fixture(t, "pull_request/opened.json"))), webhook.Sign([]byte(secret), fixture(t, "pull_request/opened.json")),
			answer{202, "queued reconcile of Codertocat/Hello-World#2\n", ""}},
		{"no signature: refused before the body is read", bytes.NewReader(big), int64(len(big)), "",
			answer{401, "missing X-Hub-Signature-256 header\n", ""}},
		{"a malformed signature: refused before the body is read", bytes.NewReader(big), int64(len(big)), "sha256=beef",
			answer{401, "X-Hub-Signature-256 must hold 64 hex digits, got 4 characters\n", ""}},
	}
	for i, s := range steps {
		got := post(t, client, e.url, s.body, s.length, s.sig, fmt.Sprint("step-", i))
		if got != s.want {
			t.Errorf("%s: answer = %+v, want %+v", s.name, got, s.want)
		}
	}
	close(held.release)
	if got, want := <-heldAnswer, (answer{401, "X-Hub-Signature-256 does not match the body for any configured secret\n", ""}); got != want {
		t.Errorf("held body: answer = %+v, want %+v", got, want)
	}
	if n := len(rec.take()); n != 1 {
		t.Errorf("dispatched %d requests, want the ordinary delivery's only", n)
	}
	for series, want := range map[string]float64{
		"herald_webhook_body_bytes_in_flight":                       0,
		`herald_webhook_shed_total{reason="body_bytes"}`:            3,
		`herald_webhook_signature_failures_total{reason="invalid"}`: 2,
		`herald_webhook_signature_failures_total{reason="missing"}`: 1,
	} {
		if got := e.metric(t, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	// With the held body gone, a large signed body fits again.
	if got := post(t, client, e.url, bytes.NewReader(big), int64(len(big)), webhook.Sign([]byte(secret), big), "after"); got.status != 400 {
		t.Errorf("large signed body after the release: %+v, want 400 (it is not JSON, but it was read)", got)
	}
}

// TestShedPastInFlight answers 503 at once, with Retry-After, when as many
// requests as allowed are being handled, and serves /healthz all the same.
func TestShedPastInFlight(t *testing.T) {
	entered, release := make(chan struct{}, 2), make(chan struct{})
	slow := webhook.DispatchFunc(func(ctx context.Context, r webhook.Request) error {
		entered <- struct{}{}
		<-release
		return nil
	})
	e := start(t, slow, webhook.WithMaxInFlight(2))
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	body := fixture(t, "pull_request/opened.json")
	sig := webhook.Sign([]byte(secret), body)
	held := make(chan answer, 2)
	for i := range 2 {
		go func() {
			held <- post(t, client, e.url, bytes.NewReader(body), int64(len(body)), sig, fmt.Sprint("held-", i))
		}()
	}
	<-entered
	<-entered
	got := post(t, client, e.url, bytes.NewReader(body), int64(len(body)), sig, "third")
	if want := (answer{503, "too many webhook requests at once (limit 2); try again later\n", "30"}); got != want {
		t.Errorf("third request: %+v, want %+v", got, want)
	}
	if code, text := e.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz while full: %d %q", code, text)
	}
	if v := e.metric(t, "herald_webhook_requests_in_flight"); v != 2 {
		t.Errorf("requests in flight = %v, want 2", v)
	}
	close(release)
	for range 2 {
		if a := <-held; a.status != 202 {
			t.Errorf("held request: %+v, want 202", a)
		}
	}
	if v := e.metric(t, `herald_webhook_shed_total{reason="in_flight"}`); v != 1 {
		t.Errorf("shed in flight = %v, want 1", v)
	}
}

// TestShedFloodAccounted sends a bounded flood from 32 senders at a receiver
// that handles 4 requests at once: every request is answered 202 or 503,
// and the shed counter equals the 503s exactly.
func TestShedFloodAccounted(t *testing.T) {
	slow := webhook.DispatchFunc(func(ctx context.Context, r webhook.Request) error {
		time.Sleep(2 * time.Millisecond)
		return nil
	})
	e := start(t, slow, webhook.WithMaxInFlight(4), webhook.WithDedupe(0, 0))
	body := fixture(t, "pull_request/opened.json")
	sig := webhook.Sign([]byte(secret), body)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	const total = 640
	var next, accepted, shed, other atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for i := next.Add(1); i <= total; i = next.Add(1) {
				switch a := post(t, client, e.url, bytes.NewReader(body), int64(len(body)), sig, fmt.Sprint("f-", i)); {
				case a.status == 202:
					accepted.Add(1)
				case a.status == 503 && a.retryAfter == "30":
					shed.Add(1)
				default:
					other.Add(1)
					t.Errorf("answer %+v", a)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d requests: %d accepted, %d shed", total, accepted.Load(), shed.Load())
	if accepted.Load()+shed.Load() != total || accepted.Load() == 0 {
		t.Errorf("%d accepted + %d shed + %d other, want %d answered 202 or 503 and some 202", accepted.Load(), shed.Load(), other.Load(), total)
	}
	if v := e.metric(t, `herald_webhook_shed_total{reason="in_flight"}`); v != float64(shed.Load()) {
		t.Errorf("shed metric = %v, want %d", v, shed.Load())
	}
}

// TestQuietLogs writes one line per interval about bad signatures and about
// shed requests, each saying how many were not logged, while the metrics
// count every one.
func TestQuietLogs(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	full := &recorder{err: webhook.ErrQueueFull}
	e := start(t, full, webhook.WithLogger(log), webhook.WithClock(clock), webhook.WithLogInterval(10*time.Second))
	body := fixture(t, "pull_request/opened.json")
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	for round := range 2 {
		for i := range 50 {
			post(t, client, e.url, bytes.NewReader(body), int64(len(body)), webhook.Sign([]byte("guess"), body), fmt.Sprint("bad-", round, i))
			post(t, client, e.url, bytes.NewReader(body), int64(len(body)), webhook.Sign([]byte(secret), body), fmt.Sprint("full-", round, i))
		}
		now.Add(int64(11 * time.Second))
	}
	type line struct {
		Msg       string `json:"msg"`
		Level     string `json:"level"`
		Error     string `json:"error"`
		Reason    string `json:"reason"`
		NotLogged int    `json:"not_logged"`
		Interval  string `json:"log_interval"`
	}
	var got []line
	mu.Lock()
	for l := range strings.Lines(logs.String()) {
		var ln line
		if err := json.Unmarshal([]byte(l), &ln); err != nil {
			t.Fatal(err)
		}
		got = append(got, ln)
	}
	mu.Unlock()
	want := []line{
		{"webhook delivery refused", "WARN", "X-Hub-Signature-256 does not match the body for any configured secret", "", 0, "10s"},
		{"webhook delivery shed", "WARN", "queue reconcile of Codertocat/Hello-World#2: reconcile queue is full", "queue", 0, "10s"},
		{"webhook delivery refused", "WARN", "X-Hub-Signature-256 does not match the body for any configured secret", "", 49, "10s"},
		{"webhook delivery shed", "WARN", "queue reconcile of Codertocat/Hello-World#2: reconcile queue is full", "queue", 49, "10s"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d log lines, want %d:\n%s", len(got), len(want), logs.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for series, want := range map[string]float64{
		`herald_webhook_signature_failures_total{reason="invalid"}`: 100,
		`herald_webhook_shed_total{reason="queue"}`:                 100,
	} {
		if got := e.metric(t, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

// waitUntil polls cond for at most 10 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cappedServer serves a receiver dispatching to d behind a public server
// keeping at most two connections open, with metrics on an admin server.
func cappedServer(t *testing.T, d webhook.Dispatcher) (e *env, addr string) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := webhook.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	recv, err := webhook.NewReceiver(d, []string{secret}, webhook.WithMetrics(m))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := webhook.NewServer(recv, webhook.WithMaxConns(2), webhook.WithServerMetrics(m))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := webhook.NewAdmin(srv, webhook.WithGatherer(reg))
	if err != nil {
		t.Fatal(err)
	}
	as := httptest.NewServer(admin)
	t.Cleanup(as.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	return &env{url: "http://" + ln.Addr().String(), adminURL: as.URL}, ln.Addr().String()
}

// closedSoon reports whether the server closes c within five seconds.
func closedSoon(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestConnectionCap fills the public listener's two places with connections
// that send half their headers and wait: a new connection takes the place
// of the oldest of them and is answered, while a connection whose request is
// being handled is never the one closed; when both places hold requests
// being handled, a new connection is closed at once.
func TestConnectionCap(t *testing.T) {
	t.Run("a slow connection gives way", func(t *testing.T) {
		e, addr := cappedServer(t, &recorder{})
		var slow []net.Conn
		for range 2 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			io.WriteString(c, "POST /webhook HTTP/1.1\r\nHost: herald\r\n")
			slow = append(slow, c)
		}
		waitUntil(t, "two connections open", func() bool { return e.metric(t, "herald_webhook_connections_open") == 2 })
		client := &http.Client{Timeout: 10 * time.Second}
		defer client.CloseIdleConnections()
		body := fixture(t, "pull_request/opened.json")
		if a := post(t, client, e.url, bytes.NewReader(body), int64(len(body)), webhook.Sign([]byte(secret), body), "new"); a.status != 202 {
			t.Errorf("a new connection's delivery: %+v, want 202", a)
		}
		if !closedSoon(slow[0]) {
			t.Error("the oldest slow connection was not closed")
		}
		if v := e.metric(t, `herald_webhook_shed_total{reason="connections"}`); v != 1 {
			t.Errorf("shed connections = %v, want 1", v)
		}
	})
	t.Run("a connection being answered is kept", func(t *testing.T) {
		entered, release := make(chan struct{}, 2), make(chan struct{})
		slowDispatch := webhook.DispatchFunc(func(ctx context.Context, r webhook.Request) error {
			entered <- struct{}{}
			<-release
			return nil
		})
		e, addr := cappedServer(t, slowDispatch)
		body := fixture(t, "pull_request/opened.json")
		sig := webhook.Sign([]byte(secret), body)
		client := &http.Client{Timeout: 10 * time.Second}
		defer client.CloseIdleConnections()
		answers := make(chan answer, 2)
		for i := range 2 {
			go func() {
				answers <- post(t, client, e.url, bytes.NewReader(body), int64(len(body)), sig, fmt.Sprint("busy-", i))
			}()
		}
		<-entered
		<-entered
		third, err := net.Dial("tcp", addr)
		if err == nil {
			defer third.Close()
			if !closedSoon(third) {
				t.Error("a third connection while both places are busy was not closed")
			}
		}
		close(release)
		for range 2 {
			if a := <-answers; a.status != 202 {
				t.Errorf("a delivery being handled: %+v, want 202", a)
			}
		}
		if v := e.metric(t, `herald_webhook_shed_total{reason="connections"}`); v != 1 {
			t.Errorf("shed connections = %v, want 1", v)
		}
	})
}
