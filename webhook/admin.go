package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Admin is herald's inside HTTP face, for operators and the cluster, never
// for the Ingress that exposes the webhook: /healthz and /readyz (as the
// public Server reports them), /metrics (when a gatherer is given) and the
// routes its owner adds, such as the schedule, which can name embargoed
// posts.
type Admin struct {
	public   *Server
	gatherer prometheus.Gatherer
	extra    []route
	mux      *http.ServeMux
}

// AdminOption configures an Admin.
type AdminOption func(*Admin)

// WithGatherer serves g's metrics on the Admin's /metrics.
func WithGatherer(g prometheus.Gatherer) AdminOption { return func(a *Admin) { a.gatherer = g } }

// WithAdminHandler serves h on pattern (an http.ServeMux pattern such as
// "GET /schedule") on the Admin.
func WithAdminHandler(pattern string, h http.Handler) AdminOption {
	return func(a *Admin) { a.extra = append(a.extra, route{pattern, h}) }
}

// NewAdmin returns the Admin next to public, whose readiness its /readyz
// reports and whose logger and shutdown timeout it shares.
func NewAdmin(public *Server, opts ...AdminOption) (*Admin, error) {
	if public == nil {
		return nil, fmt.Errorf("admin server: no public server")
	}
	a := &Admin{public: public, mux: http.NewServeMux()}
	for _, o := range opts {
		o(a)
	}
	a.mux.HandleFunc("GET /healthz", healthz)
	a.mux.HandleFunc("GET /readyz", public.readyz)
	if a.gatherer != nil {
		a.mux.Handle("GET /metrics", promhttp.HandlerFor(a.gatherer, promhttp.HandlerOpts{ErrorLog: slogPrinter{public.logger}}))
	}
	for _, r := range a.extra {
		if err := handle(a.mux, r.pattern, r.h); err != nil {
			return nil, fmt.Errorf("admin server: %w", err)
		}
	}
	return a, nil
}

// ServeHTTP routes one request.
func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Serve answers HTTP on l until ctx is done, then shuts down like the public
// Server. It returns nil after a clean shutdown.
func (a *Admin) Serve(ctx context.Context, l net.Listener) error {
	return serveHTTP(ctx, l, a, a.public.logger, a.public.shutdownTimeout, "admin listening", nil, func() {})
}

// slogPrinter lets promhttp report errors through slog.
type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.l.Error("serve metrics", "error", fmt.Sprint(v...)) }
