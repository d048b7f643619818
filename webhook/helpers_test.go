package webhook_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/heraldhq/herald/webhook"
	"github.com/prometheus/client_golang/prometheus"
)

// fixtures is the folder of real webhook payloads, one folder per event.
const fixtures = "../testdata/github/webhooks"

const (
	secret    = "It's a Secret to Everybody"
	oldSecret = "the secret before rotation"
)

// recorder is a Dispatcher that records what it is given and answers err.
type recorder struct {
	mu   sync.Mutex
	reqs []webhook.Request
	err  error
}

func (r *recorder) Dispatch(_ context.Context, req webhook.Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.reqs = append(r.reqs, req)
	return nil
}

func (r *recorder) take() []webhook.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// env is a running webhook server over a real loopback listener, with its
// admin server on another one.
type env struct {
	url      string
	adminURL string
	registry *prometheus.Registry
	server   *webhook.Server
}

// start serves a Receiver dispatching to d, built with opts, behind a Server.
func start(t testing.TB, d webhook.Dispatcher, opts ...webhook.ReceiverOption) *env {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := webhook.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]webhook.ReceiverOption{webhook.WithMetrics(m)}, opts...)
	recv, err := webhook.NewReceiver(d, []string{secret, oldSecret}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := webhook.NewServer(recv)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := webhook.NewAdmin(srv, webhook.WithGatherer(reg))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	as := httptest.NewServer(admin)
	t.Cleanup(as.Close)
	return &env{url: ts.URL, adminURL: as.URL, registry: reg, server: srv}
}

// delivery is one webhook request as GitHub would send it.
type delivery struct {
	method      string // POST when empty
	event       string
	id          string
	contentType string // application/json when empty
	body        []byte
	headers     map[string]string // set last; an empty value deletes the header
	chunked     bool              // send without Content-Length
}

// signed returns a JSON delivery of body signed with secret.
func signed(event, id string, body []byte) delivery {
	return delivery{event: event, id: id, body: body, headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(secret), body)}}
}

// send posts d to the endpoint and returns the status and the answer's text.
func (e *env) send(t *testing.T, d delivery) (int, string) {
	t.Helper()
	status, body, _ := e.sendFull(t, d)
	return status, body
}

func (e *env) sendFull(t *testing.T, d delivery) (int, string, http.Header) {
	t.Helper()
	method := d.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader = bytes.NewReader(d.body)
	if d.chunked {
		body = io.MultiReader(body) // hides the length
	}
	req, err := http.NewRequest(method, e.url+"/webhook", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "GitHub-Hookshot/044aadd")
	req.Header.Set("Content-Type", "application/json")
	if d.contentType != "" {
		req.Header.Set("Content-Type", d.contentType)
	}
	if d.event != "" {
		req.Header.Set("X-GitHub-Event", d.event)
	}
	if d.id != "" {
		req.Header.Set("X-GitHub-Delivery", d.id)
	}
	for k, v := range d.headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(text), resp.Header
}

// get fetches path from the public server.
func (e *env) get(t *testing.T, path string) (int, string) {
	t.Helper()
	return getURL(t, e.url+path)
}

// getAdmin fetches path from the admin server.
func (e *env) getAdmin(t *testing.T, path string) (int, string) {
	t.Helper()
	return getURL(t, e.adminURL+path)
}

func getURL(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(text)
}

// fixture reads one payload file of the fixtures folder.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
