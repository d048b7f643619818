package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"

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

// minFeedToken is the shortest token accepted: 32 characters, such as 16
// random bytes in hex, cannot be guessed.
const minFeedToken = 32

// readFeedToken reads the token of --feed-token-file: one line of at least
// minFeedToken characters that a URL path carries as is.
func readFeedToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--feed-token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < minFeedToken {
		return "", fmt.Errorf("--feed-token-file %s: the token has %d characters, want at least %d that nobody can guess (make one with: openssl rand -hex 32 > %s)", path, len(tok), minFeedToken, path)
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return "", fmt.Errorf("--feed-token-file %s: the token holds %q; use letters, digits, '-', '_', '.' and '~' only, so that it goes in a URL as is (make one with: openssl rand -hex 32 > %s)", path, c, path)
		}
	}
	return tok, nil
}
