package webhook

import (
	"net"
	"sync"
	"sync/atomic"
)

// DefaultMaxConns is how many connections the public listener keeps open at
// once; past it, new ones are closed as soon as they are accepted.
const DefaultMaxConns = 1024

// capListener closes connections accepted past max, so that an outsider
// opening connections (and holding them, sending headers slowly) cannot make
// herald keep an unbounded number of them, each with its goroutine and
// buffers. Closing at once, rather than leaving connections in the kernel's
// queue, keeps the answers to everyone else fast; GitHub shows a delivery
// that failed so for redelivery, and the resync catches up.
type capListener struct {
	net.Listener
	max     int64
	open    atomic.Int64
	metrics *Metrics
}

// Accept returns the next connection within the cap.
func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.max {
			l.open.Add(-1)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // reset: nothing is kept for it, not even TIME_WAIT
			}
			c.Close()
			l.metrics.shed("connections")
			continue
		}
		l.metrics.conns(1)
		return &countedConn{Conn: c, l: l}, nil
	}
}

// countedConn gives its place back when closed.
type countedConn struct {
	net.Conn
	l    *capListener
	once sync.Once
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.open.Add(-1)
		c.l.metrics.conns(-1)
	})
	return err
}
