package dashboard

import (
	"bytes"
	"log/slog"
	"net/http"
	"time"
)

// Handler serves the dashboard page. Mount it at the root only:
//
//	mux.Handle("GET /{$}", h)
type Handler struct {
	src    Source
	now    func() time.Time
	logger *slog.Logger
}

// HandlerOption configures a Handler.
type HandlerOption func(*Handler)

// WithClock sets the clock the page speaks from (relative times, lateness).
func WithClock(now func() time.Time) HandlerOption { return func(h *Handler) { h.now = now } }

// WithLogger sets the logger for failures of the source.
func WithLogger(l *slog.Logger) HandlerOption { return func(h *Handler) { h.logger = l } }

// NewHandler returns a Handler over src.
func NewHandler(src Source, opts ...HandlerOption) *Handler {
	h := &Handler{src: src, now: time.Now, logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(h)
	}
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the dashboard is read with GET", http.StatusMethodNotAllowed)
		return
	}
	repos, err := h.src.Dashboard(r.Context())
	if err != nil {
		h.logger.Error("dashboard unavailable", "err", err)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "the dashboard is not available right now ("+err.Error()+"); try again shortly", http.StatusServiceUnavailable)
		return
	}
	var body bytes.Buffer
	if err := Render(&body, Page{Now: h.now(), Repos: repos}); err != nil {
		h.logger.Error("render dashboard", "err", err)
		http.Error(w, "the dashboard could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// Nothing on the page runs or loads from elsewhere; say so, so that a
	// title that slipped past escaping could not either.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body.Bytes())
}

var _ http.Handler = (*Handler)(nil)
