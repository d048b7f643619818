package webhook_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/webhook"
)

// TestServerEndpoints shows what each listener answers: the public one only
// the webhook and the health endpoints, the admin one health and metrics.
func TestServerEndpoints(t *testing.T) {
	e := start(t, &recorder{})
	tests := []struct {
		name   string
		admin  bool
		ready  bool
		path   string
		status int
		text   string
	}{
		{"alive while starting", false, false, "/healthz", 200, "ok\n"},
		{"not ready before the first reconcile", false, false, "/readyz", 503, "starting: first reconcile not finished\n"},
		{"ready after it", false, true, "/readyz", 200, "ready\n"},
		{"no metrics on the public listener", false, true, "/metrics", 404, "404 page not found\n"},
		{"unknown path", false, true, "/nothing", 404, "404 page not found\n"},
		{"admin: alive while starting", true, false, "/healthz", 200, "ok\n"},
		{"admin: not ready before the first reconcile", true, false, "/readyz", 503, "starting: first reconcile not finished\n"},
		{"admin: ready after it", true, true, "/readyz", 200, "ready\n"},
		{"admin: metrics", true, true, "/metrics", 200, "# HELP herald_queue_coalesced_total"},
		{"admin: no webhook", true, true, "/webhook", 404, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.server.SetReady(tt.ready)
			get := e.get
			if tt.admin {
				get = e.getAdmin
			}
			status, text := get(t, tt.path)
			if status != tt.status || !strings.HasPrefix(text, tt.text) {
				t.Errorf("GET %s = %d %q, want %d %q", tt.path, status, text, tt.status, tt.text)
			}
		})
	}
}

func TestNewServerRefusesBadPaths(t *testing.T) {
	for path, want := range map[string]string{
		"webhook":  `webhook path "webhook" must start with /`,
		"":         `webhook path "" must start with /`,
		"/healthz": `webhook path "/healthz" is taken by herald's own endpoint`,
		"/a{b":     `webhook path "/a{b": `,
	} {
		_, err := webhook.NewServer(http.NotFoundHandler(), webhook.WithPath(path))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("path %q: err = %v, want %q", path, err, want)
		}
	}
}

// TestServeShutsDownGracefully finishes a request in flight, reports not
// ready while stopping, and refuses new connections after.
func TestServeShutsDownGracefully(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusAccepted)
	})
	srv, err := webhook.NewServer(slow, webhook.WithShutdownTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	srv.SetReady(true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(url+"/webhook", "application/json", strings.NewReader("{}"))
		if err != nil {
			answered <- -1
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	<-entered
	cancel()
	// Serve marks itself draining once it sees the context end: poll.
	rec := &statusRecorder{}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		rec = &statusRecorder{}
		srv.ServeHTTP(rec, mustRequest(t, "/readyz"))
		if rec.status != http.StatusOK || time.Now().After(deadline) {
			break
		}
	}
	if rec.status != 503 || rec.body != "shutting down\n" {
		t.Errorf("/readyz while stopping = %d %q, want 503 shutting down", rec.status, rec.body)
	}
	close(release)
	if got := <-answered; got != http.StatusAccepted {
		t.Errorf("request in flight answered %d, want 202", got)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still accepts connections after Serve returned")
	}
}

// TestServeShutdownDeadline gives up on a request that outlives the timeout.
func TestServeShutdownDeadline(t *testing.T) {
	entered := make(chan struct{})
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
	})
	srv, err := webhook.NewServer(stuck, webhook.WithShutdownTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	go func() {
		resp, err := http.Post("http://"+ln.Addr().String()+"/webhook", "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	cancel()
	err = <-served
	if err == nil || err.Error() != "shut down HTTP server within 50ms: context deadline exceeded" {
		t.Errorf("Serve = %v", err)
	}
}

type statusRecorder struct {
	h      http.Header
	status int
	body   string
}

func (r *statusRecorder) Header() http.Header {
	if r.h == nil {
		r.h = http.Header{}
	}
	return r.h
}
func (r *statusRecorder) WriteHeader(s int) { r.status = s }
func (r *statusRecorder) Write(b []byte) (int, error) {
	r.body += string(b)
	return len(b), nil
}

func mustRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, path, io.NopCloser(strings.NewReader("")))
	if err != nil {
		t.Fatal(err)
	}
	return req
}
