package daemon

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/connect"
	"github.com/heraldhq/herald/publish/dashboard"
	"github.com/heraldhq/herald/webhook"
)

// newAdmin builds the admin listener's server: every route meant for
// operators, and only for them, is listed here. Next to /healthz and
// /readyz it serves /metrics and, when herald runs its own engine, the
// schedule as JSON and iCalendar and the dashboard at "/", which can name
// embargoed posts.
func newAdmin(srv *webhook.Server, reg prometheus.Gatherer, schedule, page http.Handler) (*webhook.Admin, error) {
	opts := []webhook.AdminOption{webhook.WithGatherer(reg)}
	if schedule != nil {
		opts = append(opts,
			webhook.WithAdminHandler("GET /schedule", schedule),
			webhook.WithAdminHandler("GET /schedule.ics", schedule))
	}
	if page != nil {
		opts = append(opts, webhook.WithAdminHandler("GET /{$}", page))
	}
	return webhook.NewAdmin(srv, opts...)
}

var _ dashboard.Source = (*connect.Engine)(nil) // through its *bot.Service

// sharedFeedPattern is the public route of the shared calendar.
const sharedFeedPattern = "GET /feeds/{token}/schedule.ics"
