package feed

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Handler serves the schedule: GET /schedule as JSON and GET /schedule.ics
// (any path ending in ".ics") as an iCalendar feed. The query parameter
// "repo" keeps one repository. Mount it on both paths:
//
//	mux.Handle("GET /schedule", h)
//	mux.Handle("GET /schedule.ics", h)
type Handler struct {
	src    Source
	now    func() time.Time
	logger *slog.Logger
}

// HandlerOption configures a Handler.
type HandlerOption func(*Handler)

// WithClock sets the clock used for DTSTAMP, generated_at and relative times.
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
		http.Error(w, "method not allowed: the schedule is read with GET", http.StatusMethodNotAllowed)
		return
	}
	entries, err := h.src.Schedule(r.Context())
	if err != nil {
		h.logger.Error("schedule unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "the schedule is not available right now; try again shortly", http.StatusServiceUnavailable)
		return
	}
	if repo := r.URL.Query().Get("repo"); repo != "" {
		kept := entries[:0:0]
		for _, e := range entries {
			if e.Repo == repo {
				kept = append(kept, e)
			}
		}
		entries = kept
	}
	now := h.now()
	var body bytes.Buffer
	contentType := "application/json; charset=utf-8"
	if strings.HasSuffix(r.URL.Path, ".ics") {
		contentType = "text/calendar; charset=utf-8"
		err = WriteICS(&body, entries, now)
	} else {
		err = WriteJSON(&body, entries, now)
	}
	if err != nil {
		h.logger.Error("render schedule", "path", r.URL.Path, "err", err)
		http.Error(w, "the schedule could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body.Bytes())
}

var _ http.Handler = (*Handler)(nil)
