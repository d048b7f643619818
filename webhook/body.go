package webhook

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// Defaults of the bounds on what the receiver holds before it knows who sent
// a delivery.
const (
	// DefaultBodyBudget is the most body bytes all deliveries being read may
	// hold at once: 64 MiB, room for two bodies of GitHub's largest size next
	// to the reserve for ordinary ones.
	DefaultBodyBudget = 64 << 20
	// DefaultMaxInFlight is how many webhook requests may be handled at once;
	// past it the receiver answers 503 at once instead of letting requests
	// wait for a turn.
	DefaultMaxInFlight = 64
)

// Bounds inside the body budget.
const (
	// bodyChunk is the unit bodies are read, held and counted in. Most
	// deliveries (a few to a few tens of KiB) fit in one.
	bodyChunk = 64 << 10
	// smallBody is the largest body that may use the reserve: GitHub's
	// deliveries are almost all far smaller.
	smallBody = 1 << 20
	// bodyReserve is the part of the budget that only bodies up to smallBody
	// may use, so that large bodies (such as an outsider's unsigned 24 MiB
	// ones) can never take the room ordinary deliveries need.
	bodyReserve = 16 << 20
)

// errBusy means the receiver holds as many requests or body bytes as it may;
// it is answered 503 with Retry-After.
var errBusy = errors.New("too busy")

// shedError is an errBusy with what ran out, the "reason" label of the shed
// metric.
type shedError struct {
	reason string // "in_flight" or "body_bytes"
	msg    string
}

func (e *shedError) Error() string { return e.msg }
func (e *shedError) Unwrap() error { return errBusy }

// budget counts the body bytes held by deliveries being read. It never
// blocks: a request that does not fit is refused, not made to wait.
type budget struct {
	limit   int64
	reserve int64 // the part of limit only small bodies may use
	used    atomic.Int64
	metrics *Metrics
}

// take reserves n bytes for a body that is (or may become) larger than
// smallBody when large is set. It reports whether they fit.
func (b *budget) take(n int64, large bool) bool {
	limit := b.limit
	if large {
		limit -= b.reserve
	}
	for {
		u := b.used.Load()
		if u+n > limit {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			b.metrics.bodyBytes(float64(n))
			return true
		}
	}
}

// give returns n reserved bytes.
func (b *budget) give(n int64) {
	if n > 0 {
		b.used.Add(-n)
		b.metrics.bodyBytes(-float64(n))
	}
}

// chunks recycles the buffers bodies are read into, so that a stream of large
// unsigned bodies reuses the same memory instead of leaving garbage behind.
var chunks = sync.Pool{New: func() any { return new([bodyChunk]byte) }}

// body is a delivery's body as it is read: pooled chunks, each counted
// against the budget before it is filled. Release it when done.
type body struct {
	budget   *budget
	chunks   []*[bodyChunk]byte
	n        int64 // bytes read
	reserved int64 // bytes taken from the budget
	flat     []byte
}

// read reads at most limit+1 bytes of r into b, writing them to sink
// (the signature check) as they arrive. contentLength is the request's
// Content-Length, or -1 when the length is not known (a chunked body).
//
// The budget is taken before the bytes are read: the whole Content-Length at
// once when it is known, else chunk by chunk. When it does not fit, read
// returns a *shedError and reads nothing more. When more than limit bytes
// arrive it returns errTooLarge.
func (b *body) read(r io.Reader, contentLength, limit int64, sink io.Writer) error {
	if contentLength >= 0 {
		need := roundUp(max(contentLength, 1))
		if !b.budget.take(need, contentLength > smallBody) {
			return &shedError{"body_bytes", fmt.Sprintf("too many webhook bodies are being read (%d bytes would not fit); try again later", contentLength)}
		}
		b.reserved = need
	}
	r = io.LimitReader(r, limit+1)
	for {
		off := int(b.n % bodyChunk)
		var first []byte // a byte read to learn whether another chunk is needed
		if off == 0 {
			if len(b.chunks) > 0 {
				var probe [1]byte
				k, err := io.ReadFull(r, probe[:])
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return fmt.Errorf("%w: %v", errReadBody, err)
				}
				first = probe[:k]
			}
			if b.n+int64(len(first)) > limit {
				return fmt.Errorf("%w: limit %d bytes", errTooLarge, limit)
			}
			if int64(len(b.chunks)+1)*bodyChunk > b.reserved {
				if !b.budget.take(bodyChunk, b.n+bodyChunk > smallBody) {
					return &shedError{"body_bytes", "too many webhook bodies are being read; try again later"}
				}
				b.reserved += bodyChunk
			}
			b.chunks = append(b.chunks, chunks.Get().(*[bodyChunk]byte))
			if len(first) > 0 {
				c := b.chunks[len(b.chunks)-1]
				c[0] = first[0]
				sink.Write(c[:1])
				b.n++
				off = 1
			}
		}
		c := b.chunks[len(b.chunks)-1]
		k, err := r.Read(c[off:])
		if k > 0 {
			sink.Write(c[off : off+k])
			b.n += int64(k)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %v", errReadBody, err)
		}
	}
	if b.n > limit {
		return fmt.Errorf("%w: limit %d bytes", errTooLarge, limit)
	}
	return nil
}

// bytes returns the body as one slice. A body of one chunk is not copied.
// Call it only for a delivery whose signature is valid: a copy of a large body
// is memory the budget does not count.
func (b *body) bytes() []byte {
	if b.flat != nil {
		return b.flat
	}
	if len(b.chunks) == 1 {
		b.flat = b.chunks[0][:b.n]
		return b.flat
	}
	out := make([]byte, 0, b.n)
	for i, c := range b.chunks {
		end := int64(bodyChunk)
		if i == len(b.chunks)-1 {
			end = b.n - int64(i)*bodyChunk
		}
		out = append(out, c[:end]...)
	}
	b.flat = out
	return out
}

// release gives the chunks and the budget back. The body must not be used
// after.
func (b *body) release() {
	for _, c := range b.chunks {
		chunks.Put(c)
	}
	b.chunks, b.flat = nil, nil
	b.budget.give(b.reserved)
	b.reserved = 0
}

// roundUp rounds n up to whole chunks.
func roundUp(n int64) int64 { return (n + bodyChunk - 1) / bodyChunk * bodyChunk }
