package gitrepo

import (
	"runtime"
	"sync/atomic"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// This file lets a tree's files be read on several cores. go-git's storage
// reads one object at a time (its pack scanners seek), so the mirror's lock
// serialises every read, and inflating blobs was the longest part of the
// first reconcile of a large site. A mirror keeps a few spare read-only
// storages of its directory, each with its own pack scanners: ReadFileMax
// looks the file up under the lock, as before, then reads the blob with a
// spare when one is free, outside the lock. Objects never change once
// written, so a spare cannot read a wrong one: at worst it misses an object
// fetched after it loaded its pack indexes, and the read falls back to the
// mirror's own storage, under the lock. The spares are closed with the
// storage (a repack, a close); their generation says which storage they go
// with.

// maxSpares bounds the spare storages of one mirror.
const maxSpares = 3

// spare is one spare storage; s is nil until first used.
type spare struct {
	s   *filesystem.Storage
	gen uint64
}

// spareCount is how many spares a mirror has: one per core beyond the
// first, so that with the lock's holder every core reads.
func spareCount() int { return min(max(runtime.GOMAXPROCS(0)-1, 0), maxSpares) }

// spareState is the part of mirrorState that keeps the spares.
type spareState struct {
	spares chan *spare
	// gen counts the storages the mirror opened: a spare of an older one
	// is closed instead of being used.
	gen atomic.Uint64
}

// newSpares returns the spares of a new mirror, none opened.
func newSpares() chan *spare {
	spares := make(chan *spare, spareCount())
	for range cap(spares) {
		spares <- &spare{}
	}
	return spares
}

// takeSpare returns a free spare, opened for the mirror's storage of now,
// or nil when none is free (or the mirror has none). It does not wait.
func (st *mirrorState) takeSpare() *spare {
	select {
	case sp := <-st.spares:
		if gen := st.gen.Load(); sp.s == nil || sp.gen != gen {
			if sp.s != nil {
				_ = sp.s.Close()
			}
			sp.s = filesystem.NewStorageWithOptions(osfs.New(st.dir), st.cache.objects, filesystem.Options{MaxOpenDescriptors: 8})
			sp.gen = gen
		}
		return sp
	default:
		return nil
	}
}

// putSpare gives sp back.
func (st *mirrorState) putSpare(sp *spare) { st.spares <- sp }

// closeSpares is called, with the lock held, when the mirror's storage is
// closed or replaced: the free spares are closed, and those in use are
// closed when next taken.
func (st *mirrorState) closeSpares() {
	st.gen.Add(1)
	for range cap(st.spares) {
		select {
		case sp := <-st.spares:
			if sp.s != nil {
				_ = sp.s.Close()
				sp.s = nil
			}
			defer st.putSpare(sp)
		default:
			return
		}
	}
}

// readSpare reads the blob h with sp, when it holds at most max bytes (see
// ReadFileMax).
func readSpare(sp *spare, op, name string, h Hash, max int64) ([]byte, int64, error) {
	b, err := object.GetBlob(sp.s, h)
	if err != nil {
		return nil, 0, err
	}
	if b.Size > max {
		return nil, b.Size, nil
	}
	data, err := readBlobData(op, name, b)
	return data, b.Size, err
}
