package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/heraldhq/herald/webhook"
)

// BenchmarkReceiver measures one delivery of the pull_request payload through
// ServeHTTP, next to its two main costs measured alone: the HMAC of the body
// and go-github's decoding of the payload.
func BenchmarkReceiver(b *testing.B) {
	body := fixture(b, "pull_request/opened.json")
	b.Run("hmac-only", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			m := hmac.New(sha256.New, []byte(secret))
			m.Write(body)
			m.Sum(nil)
		}
	})
	b.Run("parse-only", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := github.ParseWebHook("pull_request", body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-into-map", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serve-http", func(b *testing.B) {
		recv, err := webhook.NewReceiver(webhook.DispatchFunc(func(context.Context, webhook.Request) error { return nil }), []string{secret})
		if err != nil {
			b.Fatal(err)
		}
		sig := webhook.Sign([]byte(secret), body)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-GitHub-Delivery", strconv.Itoa(i))
			req.Header.Set("X-Hub-Signature-256", sig)
			w := httptest.NewRecorder()
			recv.ServeHTTP(w, req)
			if w.Code != http.StatusAccepted {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}
