package feed

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestShared(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	mux := http.NewServeMux()
	mux.Handle("GET /feeds/{token}/schedule.ics", Shared(token, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("BEGIN:VCALENDAR"))
	})))
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/feeds/" + token + "/schedule.ics", http.StatusOK},
		{"/feeds/" + token[:31] + "/schedule.ics", http.StatusNotFound},
		{"/feeds/x/schedule.ics", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.code {
			t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.code)
		}
		if tt.code == http.StatusOK && (rec.Header().Get("Referrer-Policy") != "no-referrer" || rec.Header().Get("Cache-Control") != "private, max-age=300") {
			t.Errorf("GET %s: headers %v", tt.path, rec.Header())
		}
	}
}
