package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// TestServeListeners runs herald serve in local mode with a shared calendar
// token and shows what each listener answers: the public one only the
// webhook, the health endpoints and the calendar under its token; the admin
// one the schedule, the metrics and the health endpoints.
func TestServeListeners(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	far := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	repo := srv.NewRepo("site", siteFiles("", map[string]string{
		"blog/fosdem-recap/index.md": rfc(far),
	}))
	const token = "3f5d0c1e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
	tokenFile := filepath.Join(t.TempDir(), "feed-token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startServeProc(t, []string{"HERALD_WEBHOOK_SECRET=s"}, "--repo", repo.URL, "--poll", "1m", "--feed-token-file", tokenFile)
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })

	tests := []struct {
		name   string
		admin  bool
		path   string
		status int
		has    string
	}{
		{"public: health", false, "/healthz", 200, "ok"},
		{"public: ready", false, "/readyz", 200, "ready"},
		{"public: no schedule", false, "/schedule", 404, "404 page not found"},
		{"public: no calendar", false, "/schedule.ics", 404, "404 page not found"},
		{"public: no metrics", false, "/metrics", 404, "404 page not found"},
		{"public: the shared calendar under its token", false, "/feeds/" + token + "/schedule.ics", 200, "BEGIN:VCALENDAR"},
		{"public: a wrong token", false, "/feeds/" + strings.Repeat("0", len(token)) + "/schedule.ics", 404, "404 page not found"},
		{"public: a prefix of the token", false, "/feeds/" + token[:10] + "/schedule.ics", 404, "404 page not found"},
		{"public: the token, JSON", false, "/feeds/" + token + "/schedule", 404, "404 page not found"},
		{"admin: health", true, "/healthz", 200, "ok"},
		{"admin: ready", true, "/readyz", 200, "ready"},
		{"admin: schedule", true, "/schedule", 200, `"blog/fosdem-recap/index.md"`},
		{"admin: calendar", true, "/schedule.ics", 200, "BEGIN:VCALENDAR"},
		{"admin: metrics", true, "/metrics", 200, "herald_webhook_requests_in_flight 0"},
		{"admin: no webhook", true, "/webhook", 404, "404 page not found"},
	}
	for _, tt := range tests {
		get := p.get
		if tt.admin {
			get = p.getAdmin
		}
		code, body := get(tt.path)
		if code != tt.status || !strings.Contains(body, tt.has) {
			t.Errorf("%s: GET %s = %d %.200q, want %d with %q", tt.name, tt.path, code, body, tt.status, tt.has)
		}
	}
	if strings.Contains(p.logs.String(), token) {
		t.Error("the log shows the feed token")
	}
	if want := "shared calendar served on the public listener at /feeds/<token of " + tokenFile + ">/schedule.ics"; !strings.Contains(p.logs.String(), want) {
		t.Errorf("the log lacks %q", want)
	}
}
