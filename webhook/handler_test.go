package webhook_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/heraldhq/herald/webhook"
)

func TestServerWithHandler(t *testing.T) {
	extra := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("schedule\n")) })
	srv, err := webhook.NewServer(http.NotFoundHandler(), webhook.WithHandler("GET /schedule", extra))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		method, path string
		status       int
		body         string
	}{
		{http.MethodGet, "/schedule", 200, "schedule\n"},
		{http.MethodPost, "/schedule", 405, ""},
		{http.MethodGet, "/healthz", 200, "ok\n"},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status || !strings.HasPrefix(rec.Body.String(), tt.body) {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
	}
	if _, err := webhook.NewServer(http.NotFoundHandler(), webhook.WithHandler("GET /healthz", extra)); err == nil {
		t.Error("a handler on herald's own endpoint was accepted")
	}
}
