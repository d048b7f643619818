package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Defaults of the server's options.
const (
	// DefaultPath is the webhook endpoint's path.
	DefaultPath = "/webhook"
	// DefaultShutdownTimeout is how long Serve waits for requests in flight.
	DefaultShutdownTimeout = 10 * time.Second
)

// Server is herald's HTTP face: the webhook endpoint, /healthz (the process
// is up), /readyz (the owner called SetReady(true) and no shutdown has begun)
// and /metrics (when a gatherer is given).
type Server struct {
	receiver        http.Handler
	path            string
	gatherer        prometheus.Gatherer
	shutdownTimeout time.Duration
	logger          *slog.Logger
	ready           atomic.Bool
	draining        atomic.Bool
	mux             *http.ServeMux
	extra           []route
}

// route is an extra endpoint given with WithHandler.
type route struct {
	pattern string
	h       http.Handler
}

// ServerOption configures a Server.
type ServerOption func(*Server)

// WithPath sets the webhook endpoint's path (default "/webhook").
func WithPath(p string) ServerOption { return func(s *Server) { s.path = p } }

// WithGatherer serves g's metrics on /metrics.
func WithGatherer(g prometheus.Gatherer) ServerOption { return func(s *Server) { s.gatherer = g } }

// WithShutdownTimeout sets how long Serve waits for requests in flight once
// its context is done (default 10s).
func WithShutdownTimeout(d time.Duration) ServerOption {
	return func(s *Server) { s.shutdownTimeout = d }
}

// WithServerLogger sets the server's logger; by default nothing is logged.
func WithServerLogger(l *slog.Logger) ServerOption { return func(s *Server) { s.logger = l } }

// WithHandler serves h on pattern (an http.ServeMux pattern such as
// "GET /schedule") next to herald's own endpoints.
func WithHandler(pattern string, h http.Handler) ServerOption {
	return func(s *Server) { s.extra = append(s.extra, route{pattern, h}) }
}

// NewServer returns a Server that routes webhook deliveries to receiver.
func NewServer(receiver http.Handler, opts ...ServerOption) (*Server, error) {
	s := &Server{
		receiver:        receiver,
		path:            DefaultPath,
		shutdownTimeout: DefaultShutdownTimeout,
		logger:          slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(s)
	}
	if len(s.path) == 0 || s.path[0] != '/' {
		return nil, fmt.Errorf("webhook path %q must start with /", s.path)
	}
	switch s.path {
	case "/healthz", "/readyz", "/metrics":
		return nil, fmt.Errorf("webhook path %q is taken by herald's own endpoint", s.path)
	}
	s.mux = http.NewServeMux()
	if err := handle(s.mux, s.path, receiver); err != nil {
		return nil, err
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { text(w, http.StatusOK, "ok") })
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if s.gatherer != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{ErrorLog: slogPrinter{s.logger}}))
	}
	for _, r := range s.extra {
		if err := handle(s.mux, r.pattern, r.h); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// SetReady marks the server ready (or not) for /readyz. The owner calls it
// once the first full reconcile has finished.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// ServeHTTP routes one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	switch {
	case s.draining.Load():
		text(w, http.StatusServiceUnavailable, "shutting down")
	case !s.ready.Load():
		text(w, http.StatusServiceUnavailable, "starting: first reconcile not finished")
	default:
		text(w, http.StatusOK, "ready")
	}
}

// Serve answers HTTP on l until ctx is done, then stops accepting
// connections, marks itself not ready and waits up to the shutdown timeout
// for requests in flight. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // a 25 MiB body on a slow link
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	s.logger.Info("listening", "addr", l.Addr().String(), "webhook_path", s.path)
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", l.Addr(), err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", l.Addr(), serr)
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("shut down HTTP server within %s: %w", s.shutdownTimeout, err)
	}
	s.logger.Info("HTTP server stopped")
	return nil
}

// handle registers h on path, turning ServeMux's panic on a path it cannot
// take (such as one with "{") into an error.
func handle(mux *http.ServeMux, path string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("webhook path %q: %v", path, p)
		}
	}()
	mux.Handle(path, h)
	return nil
}

func text(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

// slogPrinter lets promhttp report errors through slog.
type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.l.Error("serve metrics", "error", fmt.Sprint(v...)) }
