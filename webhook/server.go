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
)

// Defaults of the server's options.
const (
	// DefaultPath is the webhook endpoint's path.
	DefaultPath = "/webhook"
	// DefaultShutdownTimeout is how long Serve waits for requests in flight.
	DefaultShutdownTimeout = 10 * time.Second
)

// Server is herald's public HTTP face, the one GitHub and load balancers
// reach: the webhook endpoint, /healthz (the process is up) and /readyz (the
// owner called SetReady(true) and no shutdown has begun), and nothing else
// unless the owner adds it with WithHandler. Metrics and the schedule are
// served by an Admin on a listener of their own.
type Server struct {
	receiver        http.Handler
	path            string
	shutdownTimeout time.Duration
	logger          *slog.Logger
	ready           atomic.Bool
	draining        atomic.Bool
	mux             *http.ServeMux
	extra           []route
	maxConns        int
	metrics         *Metrics
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

// WithShutdownTimeout sets how long Serve waits for requests in flight once
// its context is done (default 10s).
func WithShutdownTimeout(d time.Duration) ServerOption {
	return func(s *Server) { s.shutdownTimeout = d }
}

// WithServerLogger sets the server's logger; by default nothing is logged.
func WithServerLogger(l *slog.Logger) ServerOption { return func(s *Server) { s.logger = l } }

// WithHandler serves h on pattern (an http.ServeMux pattern such as
// "GET /feeds/{token}/schedule.ics") next to the webhook and health
// endpoints. Whatever is added here is public: serve what only operators
// may see on the Admin.
func WithHandler(pattern string, h http.Handler) ServerOption {
	return func(s *Server) { s.extra = append(s.extra, route{pattern, h}) }
}

// WithMaxConns sets how many connections Serve keeps open at once (default
// DefaultMaxConns). At the cap, a new connection takes the place of the
// oldest one not in a handler (slow or idle); when all are in a handler, the
// new one is closed at once. Both are counted as shed.
func WithMaxConns(n int) ServerOption { return func(s *Server) { s.maxConns = n } }

// WithServerMetrics records the connections open and shed.
func WithServerMetrics(m *Metrics) ServerOption { return func(s *Server) { s.metrics = m } }

// NewServer returns a Server that routes webhook deliveries to receiver.
func NewServer(receiver http.Handler, opts ...ServerOption) (*Server, error) {
	s := &Server{
		receiver:        receiver,
		path:            DefaultPath,
		shutdownTimeout: DefaultShutdownTimeout,
		logger:          slog.New(slog.DiscardHandler),
		maxConns:        DefaultMaxConns,
	}
	for _, o := range opts {
		o(s)
	}
	if s.maxConns < 1 {
		return nil, fmt.Errorf("webhook server: %d connections: want at least 1", s.maxConns)
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
	s.mux.HandleFunc("GET /healthz", healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
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

func healthz(w http.ResponseWriter, _ *http.Request) { text(w, http.StatusOK, "ok") }

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

// Serve answers HTTP on l until ctx is done, with at most the connection cap
// open at once (see WithMaxConns), then stops accepting
// connections, marks itself not ready and waits up to the shutdown timeout
// for requests in flight. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	capped := &capListener{Listener: l, max: s.maxConns, metrics: s.metrics}
	return serveHTTP(ctx, capped, markBusy(s), s.logger, s.shutdownTimeout, "listening", []any{"webhook_path", s.path, "max_conns", s.maxConns}, func() { s.draining.Store(true) })
}

// serveHTTP serves h on l until ctx is done, calls onStop, and shuts down
// within timeout.
func serveHTTP(ctx context.Context, l net.Listener, h http.Handler, log *slog.Logger, timeout time.Duration, msg string, attrs []any, onStop func()) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // a 25 MiB body on a slow link
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnContext:       withConn,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	log.Info(msg, append([]any{"addr", l.Addr().String()}, attrs...)...)
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", l.Addr(), err)
	case <-ctx.Done():
	}
	onStop()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", l.Addr(), serr)
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("shut down HTTP server within %s: %w", timeout, err)
	}
	log.Info("HTTP server stopped", "addr", l.Addr().String())
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
