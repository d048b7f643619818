package webhook

import (
	"sync"
	"time"
)

// DefaultLogInterval is how often the receiver writes a line about refusals
// an outsider can cause at will (bad signatures, shed requests).
const DefaultLogInterval = 10 * time.Second

// quietLog lets one line through per interval and counts the others, so that
// a flood of bad deliveries cannot flood the logs. The metrics still count
// every one.
type quietLog struct {
	interval time.Duration
	mu       sync.Mutex
	next     time.Time // when the next line may be written
	held     int64     // occurrences not logged since the last line
}

// allow reports whether a line may be written at now, and how many
// occurrences were held back since the last line written.
func (q *quietLog) allow(now time.Time) (bool, int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if now.Before(q.next) {
		q.held++
		return false, 0
	}
	held := q.held
	q.held = 0
	q.next = now.Add(q.interval)
	return true, held
}
