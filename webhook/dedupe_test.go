package webhook

import (
	"testing"
	"time"
)

func TestDeliveries(t *testing.T) {
	t0 := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	type step struct {
		op   string // claim or release
		id   string
		at   time.Duration
		want bool // claim's answer
	}
	tests := []struct {
		name     string
		capacity int
		ttl      time.Duration
		steps    []step
		wantLen  int
	}{
		{"a redelivery is refused", 10, time.Hour, []step{
			{"claim", "a", 0, true}, {"claim", "a", time.Minute, false}, {"claim", "b", time.Minute, true},
		}, 2},
		{"forgotten after the ttl", 10, time.Hour, []step{
			{"claim", "a", 0, true}, {"claim", "a", 59 * time.Minute, false}, {"claim", "a", 61 * time.Minute, true},
		}, 1},
		{"the oldest is evicted past the capacity", 2, time.Hour, []step{
			{"claim", "a", 0, true}, {"claim", "b", 1, true}, {"claim", "c", 2, true},
			{"claim", "a", 3, true}, {"claim", "c", 4, false},
		}, 2},
		{"released ones are accepted again", 10, time.Hour, []step{
			{"claim", "a", 0, true}, {"release", "a", 0, false}, {"claim", "a", 1, true},
		}, 1},
		{"an empty id is never remembered", 10, time.Hour, []step{
			{"claim", "", 0, true}, {"claim", "", 1, true},
		}, 0},
		{"capacity 0 turns it off", 0, time.Hour, []step{
			{"claim", "a", 0, true}, {"claim", "a", 1, true},
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDeliveries(tt.capacity, tt.ttl)
			for i, s := range tt.steps {
				switch s.op {
				case "claim":
					if got := d.claim(s.id, t0.Add(s.at)); got != s.want {
						t.Errorf("step %d: claim(%q) = %v, want %v", i, s.id, got, s.want)
					}
				case "release":
					d.release(s.id)
				}
			}
			if got := d.len(); got != tt.wantLen {
				t.Errorf("remembers %d, want %d", got, tt.wantLen)
			}
		})
	}
}

// TestDeliveriesBounded keeps memory bounded under a flood of new ids.
func TestDeliveriesBounded(t *testing.T) {
	d := newDeliveries(1000, time.Hour)
	t0 := time.Now()
	for i := range 100000 {
		d.claim(string(rune('a'+i%26))+itoa(i), t0)
	}
	if d.len() != 1000 || len(d.byID) != 1000 {
		t.Errorf("remembers %d (map %d), want 1000", d.len(), len(d.byID))
	}
}

func itoa(n int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}
