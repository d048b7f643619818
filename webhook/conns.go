package webhook

import (
	"container/list"
	"context"
	"net"
	"net/http"
	"sync"
)

// DefaultMaxConns is how many connections the public listener keeps open at
// once.
const DefaultMaxConns = 1024

// capListener keeps at most max connections open, so that an outsider who
// opens connections and holds them (sending headers slowly, or idling
// between requests) cannot make herald keep an unbounded number, each with
// its goroutine and buffers. At the cap, a new connection takes the place of
// the oldest one that is not in a handler: a slow or idle connection gives
// way, a request being answered does not. Only when every connection is in a
// handler is the new one closed at once. Either is counted as shed; GitHub
// shows a delivery that failed so for redelivery, and the resync catches up.
type capListener struct {
	net.Listener
	max     int
	metrics *Metrics

	mu      sync.Mutex
	open    int
	waiting list.List // *countedConn not in a handler, oldest first
}

// Accept returns the next connection, making room for it when the cap is
// reached.
func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		cc := &countedConn{Conn: c, l: l}
		var evict *countedConn
		l.mu.Lock()
		if l.open >= l.max {
			front := l.waiting.Front()
			if front == nil {
				l.mu.Unlock()
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // reset: nothing is kept for it, not even TIME_WAIT
				}
				c.Close()
				l.metrics.shed("connections")
				continue
			}
			evict = l.waiting.Remove(front).(*countedConn)
			evict.elem = nil
		}
		l.open++
		cc.elem = l.waiting.PushBack(cc)
		l.mu.Unlock()
		l.metrics.conns(1)
		if evict != nil {
			evict.Close()
			l.metrics.shed("connections")
		}
		return cc, nil
	}
}

// countedConn is a connection of a capListener.
type countedConn struct {
	net.Conn
	l      *capListener
	elem   *list.Element // in l.waiting while not in a handler; guarded by l.mu
	closed bool          // guarded by l.mu
}

// busy marks the connection as in a handler: it is not evicted.
func (c *countedConn) busy() {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	if c.elem != nil {
		c.l.waiting.Remove(c.elem)
		c.elem = nil
	}
}

// idle marks the connection as out of the handler again, the newest to be
// evicted.
func (c *countedConn) idle() {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	if !c.closed && c.elem == nil {
		c.elem = c.l.waiting.PushBack(c)
	}
}

// Close closes the connection and gives its place back, once.
func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.l.mu.Lock()
	first := !c.closed
	if first {
		c.closed = true
		c.l.open--
		if c.elem != nil {
			c.l.waiting.Remove(c.elem)
			c.elem = nil
		}
	}
	c.l.mu.Unlock()
	if first {
		c.l.metrics.conns(-1)
	}
	return err
}

// connKey is the context key of a request's *countedConn.
type connKey struct{}

// withConn puts a capped connection in the context of its requests.
func withConn(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*countedConn); ok {
		return context.WithValue(ctx, connKey{}, cc)
	}
	return ctx
}

// markBusy keeps a request's connection from being evicted while h runs.
func markBusy(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cc, ok := r.Context().Value(connKey{}).(*countedConn); ok {
			cc.busy()
			defer cc.idle()
		}
		h.ServeHTTP(w, r)
	})
}
