package webhook

import (
	"container/list"
	"sync"
	"time"
)

// deliveries remembers recently accepted X-GitHub-Delivery identifiers, so a
// redelivery does not repeat work. Memory is bounded: at most capacity
// entries, each forgotten after ttl, the oldest evicted first.
type deliveries struct {
	capacity int
	ttl      time.Duration

	mu    sync.Mutex
	order *list.List // of *delivery, oldest at the front
	byID  map[string]*list.Element
}

type delivery struct {
	id   string
	seen time.Time
}

func newDeliveries(capacity int, ttl time.Duration) *deliveries {
	return &deliveries{capacity: capacity, ttl: ttl, order: list.New(), byID: make(map[string]*list.Element)}
}

// claim records id as seen at now and reports true, or reports false when id
// was claimed less than ttl ago. An empty id is never remembered.
func (d *deliveries) claim(id string, now time.Time) bool {
	if id == "" || d.capacity <= 0 {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if _, ok := d.byID[id]; ok {
		return false
	}
	for d.order.Len() >= d.capacity {
		d.remove(d.order.Front())
	}
	d.byID[id] = d.order.PushBack(&delivery{id: id, seen: now})
	return true
}

// release forgets id, so a delivery that could not be queued is accepted when
// GitHub or an operator redelivers it.
func (d *deliveries) release(id string) {
	if id == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.byID[id]; ok {
		d.remove(e)
	}
}

// len returns how many identifiers are remembered.
func (d *deliveries) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

func (d *deliveries) expire(now time.Time) {
	for e := d.order.Front(); e != nil; e = d.order.Front() {
		if now.Sub(e.Value.(*delivery).seen) < d.ttl {
			return
		}
		d.remove(e)
	}
}

func (d *deliveries) remove(e *list.Element) {
	delete(d.byID, e.Value.(*delivery).id)
	d.order.Remove(e)
}
