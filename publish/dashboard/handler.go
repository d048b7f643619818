package dashboard

import (
	"bytes"
	"log/slog"
	"net/http"
	"time"
)

// NewHandler returns the handler of the dashboard page over src, speaking
// from the clock now (relative times, lateness) and logging the source's
// failures to log. Mount it at the root only:
//
//	mux.Handle("GET /{$}", dashboard.NewHandler(src, time.Now, log))
func NewHandler(src Source, now func() time.Time, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: the dashboard is read with GET", http.StatusMethodNotAllowed)
			return
		}
		repos, err := src.Dashboard(r.Context())
		if err != nil {
			log.Error("dashboard unavailable", "err", err)
			w.Header().Set("Retry-After", "30")
			http.Error(w, "the dashboard is not available right now ("+err.Error()+"); try again shortly", http.StatusServiceUnavailable)
			return
		}
		var page bytes.Buffer
		if err := Render(&page, Page{Now: now(), Repos: repos}); err != nil {
			log.Error("render dashboard", "err", err)
			http.Error(w, "the dashboard could not be rendered", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		// Nothing on the page runs or loads from elsewhere; the policy
		// says so, so that a title that slipped past escaping could not
		// either.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodHead {
			_, _ = w.Write(page.Bytes())
		}
	})
}
