package webhook_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/webhook"
)

// FuzzReceiver sends random methods, headers and bodies to the receiver. It
// must never panic, answer only with statuses it documents, and dispatch only
// deliveries whose signature is valid. sigMode picks the signature: 0 none,
// 1 the valid one, 2 the fuzzed header as is, 3 a SHA-1 header only.
func FuzzReceiver(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(fixtures, "*", "*.json"))
	for _, name := range names {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		event := filepath.Base(filepath.Dir(name))
		f.Add("POST", event, "application/json", "id-1", uint8(1), "", body)
		f.Add("POST", event, "application/json", "id-2", uint8(2), webhook.Sign([]byte("wrong"), body), body)
	}
	f.Add("POST", "ping", "application/x-www-form-urlencoded", "", uint8(1), "", []byte(`payload=%7B%22zen%22%3A%22x%22%7D`))
	f.Add("PUT", "push", "text/plain", "x", uint8(3), "sha1=00", []byte("{}"))

	allowed := map[int]bool{200: true, 202: true, 400: true, 401: true, 405: true, 413: true, 415: true}
	f.Fuzz(func(t *testing.T, method, event, contentType, deliveryID string, sigMode uint8, sigHeader string, body []byte) {
		rec := &recorder{}
		recv, err := webhook.NewReceiver(rec, []string{secret}, webhook.WithMaxBodyBytes(64<<10))
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		if validMethod(method) {
			req.Method = method
		}
		setHeader(req, "X-GitHub-Event", event)
		setHeader(req, "Content-Type", contentType)
		setHeader(req, "X-GitHub-Delivery", deliveryID)
		valid := webhook.Sign([]byte(secret), body)
		switch sigMode % 4 {
		case 1:
			req.Header.Set("X-Hub-Signature-256", valid)
		case 2:
			setHeader(req, "X-Hub-Signature-256", sigHeader)
		case 3:
			setHeader(req, "X-Hub-Signature", sigHeader)
		}
		w := httptest.NewRecorder()
		recv.ServeHTTP(w, req)

		if !allowed[w.Code] {
			t.Errorf("status %d (%q) is not one the receiver documents", w.Code, w.Body.String())
		}
		got := rec.take()
		if len(got) > 0 && req.Header.Get("X-Hub-Signature-256") != valid {
			t.Errorf("dispatched %d requests for a delivery without a valid signature", len(got))
		}
		for _, r := range got {
			owner, name, ok := strings.Cut(r.Repo, "/")
			if !ok || owner == "" || name == "" || strings.Contains(name, "/") ||
				r.Event != req.Header.Get("X-GitHub-Event") || r.DeliveryID != req.Header.Get("X-GitHub-Delivery") {
				t.Errorf("dispatched a malformed request %#v", r)
			}
		}
		if (w.Code == 202 && strings.HasPrefix(w.Body.String(), "queued")) != (len(got) > 0) {
			t.Errorf("answer %d %q but dispatched %d", w.Code, w.Body.String(), len(got))
		}
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 10 {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// setHeader sets a header when the value is one net/http could carry.
func setHeader(r *http.Request, k, v string) {
	for _, c := range v {
		if c < ' ' || c == 0x7f || c > 0x7e {
			return
		}
	}
	if v != "" {
		r.Header.Set(k, v)
	}
}
