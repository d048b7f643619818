package content

import (
	"bytes"
	"encoding/binary"
	"sort"
	"unicode/utf8"
)

// Pos is a position in a file: a byte offset and the 1-based line and
// column it falls on. Columns count characters (Unicode code points), as
// editors and forges show them.
type Pos struct {
	Offset int // byte offset from the start of the file
	Line   int // 1-based line
	Column int // 1-based column, in characters
}

// Lines maps byte offsets of one file to lines and columns.
type Lines struct {
	src    []byte
	starts []int // byte offset of the start of each line
}

// NewLines indexes the line starts of src.
func NewLines(src []byte) *Lines {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		starts = append(starts, off)
	}
	return &Lines{src: src, starts: starts}
}

// Count returns the number of lines.
func (l *Lines) Count() int { return len(l.starts) }

// Start returns the byte offset of the start of the 1-based line, or the
// length of the file past its end.
func (l *Lines) Start(line int) int {
	if line < 1 {
		return 0
	}
	if line > len(l.starts) {
		return len(l.src)
	}
	return l.starts[line-1]
}

// Pos returns the position of the byte offset off (clamped to the file).
func (l *Lines) Pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(l.src) {
		off = len(l.src)
	}
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	start := l.starts[i]
	return Pos{Offset: off, Line: i + 1, Column: runeCount(l.src[start:off]) + 1}
}

// runeCount is utf8.RuneCount, eight bytes at a time while they are ASCII
// (utf8.RuneCount reads one at a time): a finding in a long line of prose
// counts the characters before it.
func runeCount(b []byte) int {
	n := 0
	for len(b) >= 8 && binary.LittleEndian.Uint64(b)&0x8080808080808080 == 0 {
		b = b[8:]
		n += 8
	}
	return n + utf8.RuneCount(b)
}

// Offset returns the byte offset of the 1-based line and character column,
// clamped to the end of that line.
func (l *Lines) Offset(line, column int) int {
	off := l.Start(line)
	for c := 1; c < column && off < len(l.src) && l.src[off] != '\n'; c++ {
		_, n := utf8.DecodeRune(l.src[off:])
		off += n
	}
	return off
}
