package content

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
)

// Edit replaces the bytes [Start, End) of a file with NewText. Offsets are
// byte offsets into the file as it was read; Start == End inserts. It is the
// one text edit of herald: a check's fix, a draft flip, a new date and an
// inline suggestion are all made of Edits.
type Edit struct {
	Start, End int // byte offsets in the file
	NewText    string
}

// ApplyEdits applies byte-range edits to src and returns the result. Edits
// may come in any order; they must lie within src and must not overlap
// (insertions at the same offset apply in the order given). Every byte
// outside the edits is kept as it is, line endings and invalid UTF-8
// included. A bad edit is an error naming its index and range, and src is
// not changed.
func ApplyEdits(src []byte, edits []Edit) ([]byte, error) {
	idx := make([]int, len(edits))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(edits[a].Start, edits[b].Start) })
	var out bytes.Buffer
	out.Grow(len(src))
	pos := 0
	for _, i := range idx {
		e := edits[i]
		switch {
		case e.Start < 0 || e.End < e.Start:
			return nil, fmt.Errorf("edit %d [%d,%d): bad range", i, e.Start, e.End)
		case e.End > len(src):
			return nil, fmt.Errorf("edit %d [%d,%d): past the end of the file (%d bytes)", i, e.Start, e.End, len(src))
		case e.Start < pos:
			return nil, fmt.Errorf("edit %d [%d,%d): overlaps an earlier edit ending at %d", i, e.Start, e.End, pos)
		}
		out.Write(src[pos:e.Start])
		out.WriteString(e.NewText)
		pos = e.End
	}
	out.Write(src[pos:])
	return out.Bytes(), nil
}
