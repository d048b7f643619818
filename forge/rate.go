package forge

import "time"

// RateLimit is a credential's API quota as the forge last reported it.
type RateLimit struct {
	// Limit is the number of requests allowed in the current window.
	Limit int
	// Remaining is what is left of it.
	Remaining int
	// Reset is when the window ends and Remaining returns to Limit.
	Reset time.Time
}
