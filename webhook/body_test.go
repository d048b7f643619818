package webhook

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzBodyRead reads random bodies, in random pieces, with and without a
// Content-Length, under random limits: the bytes kept and the bytes the
// signature check saw are the body itself, a body over the limit is
// errTooLarge, and the budget is whole again after release.
func FuzzBodyRead(f *testing.F) {
	f.Add([]byte(`{"zen":"x"}`), uint32(1<<20), true, uint8(0))
	f.Add(bytes.Repeat([]byte("a"), bodyChunk), uint32(bodyChunk), false, uint8(1))
	f.Add(bytes.Repeat([]byte("b"), 2*bodyChunk+1), uint32(2*bodyChunk), true, uint8(2))
	f.Add([]byte{}, uint32(1), false, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, limit32 uint32, withLength bool, pieces uint8) {
		limit := int64(limit32%(4*bodyChunk)) + 1
		bg := &budget{limit: roundUp(limit) + bodyReserve, reserve: bodyReserve}
		var r io.Reader = bytes.NewReader(data)
		switch pieces % 3 {
		case 1:
			r = iotest.OneByteReader(r)
		case 2:
			r = iotest.HalfReader(r)
		}
		length := int64(-1)
		if withLength {
			length = int64(len(data))
		}
		b := &body{budget: bg}
		sum := sha256.New()
		err := b.read(r, length, limit, sum)
		switch {
		case int64(len(data)) > limit && withLength:
			// The receiver refuses such a Content-Length before reading; read
			// itself may find it too large or out of budget.
			if err == nil {
				t.Errorf("a %d-byte body under a %d-byte limit was read whole", len(data), limit)
			}
		case int64(len(data)) > limit:
			if !errors.Is(err, errTooLarge) {
				t.Errorf("%d bytes, limit %d: err = %v, want errTooLarge", len(data), limit, err)
			}
		case err != nil:
			t.Errorf("%d bytes, limit %d: %v", len(data), limit, err)
		default:
			if got := b.bytes(); !bytes.Equal(got, data) {
				t.Errorf("kept %d bytes, want the %d of the body", len(got), len(data))
			}
			if want := sha256.Sum256(data); !bytes.Equal(sum.Sum(nil), want[:]) {
				t.Error("the signature check saw other bytes than the body")
			}
		}
		if b.reserved > bg.limit {
			t.Errorf("reserved %d bytes over a budget of %d", b.reserved, bg.limit)
		}
		b.release()
		if u := bg.used.Load(); u != 0 {
			t.Errorf("budget holds %d bytes after release", u)
		}
	})
}
