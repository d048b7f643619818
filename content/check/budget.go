package check

import (
	"bytes"
	"fmt"
)

// The structure a post may have before herald refuses to check it:
// goldmark's cost grows with the square of the nesting depth and of the
// link brackets open in one paragraph, so a hostile post of 100 KB could
// hold a check (and a pull request's feedback) for minutes. Real posts
// stay far below both: lists nest a handful of levels, a paragraph holds
// a few dozen links.
const (
	maxNesting           = 100
	maxParagraphBrackets = 2000
)

// tooComplex reports, as a message for the author, why body has a
// structure too deep to check, and the byte offset in body where it
// shows; "" when it has none. It reads the body once, in linear time.
func tooComplex(body []byte) (string, int) {
	fences := fencedRanges(body)
	fi := 0
	// A paragraph cannot hold more brackets than the body: most bodies
	// need no count line by line.
	countBrackets := bytes.Count(body, []byte("[")) > maxParagraphBrackets
	brackets, paraStart := 0, 0
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off + 1
		}
		for fi < len(fences) && fences[fi][1] <= off {
			fi++
		}
		if fi < len(fences) && off >= fences[fi][0] {
			off = end // code: goldmark does not parse its content
			continue
		}
		line := body[off:end]
		if len(bytes.TrimSpace(line)) == 0 {
			brackets, paraStart = 0, end
		}
		if d := containerDepth(line); d > maxNesting {
			return fmt.Sprintf("too deeply nested to check: lists or quotes %d levels deep here, limit %d; no reader can follow that, so flatten it", d, maxNesting), off
		}
		if !countBrackets {
			off = end
			continue
		}
		brackets += bytes.Count(line, []byte("["))
		if brackets > maxParagraphBrackets {
			return fmt.Sprintf("too complex to check: %d [ brackets in one paragraph, limit %d; split it or escape them as \\[", brackets, maxParagraphBrackets), paraStart
		}
		off = end
	}
	return "", 0
}

// containerDepth estimates how many block containers (block quotes, list
// items) a line opens: its leading markers, plus its indentation before
// a marker, two spaces a level.
func containerDepth(line []byte) int {
	depth, indent := 0, 0
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			indent++
			i++
		case c == '\t':
			indent += 4
			i++
		case c == '>':
			depth++
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			depth++
			i += 2
		case '0' <= c && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && '0' <= line[j] && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				depth++
				i = j + 2
				continue
			}
			return nestedDepth(depth, indent)
		default:
			return nestedDepth(depth, indent)
		}
	}
	return nestedDepth(depth, indent)
}

func nestedDepth(markers, indent int) int {
	if markers == 0 {
		return 0 // indentation alone is text or code, not nesting
	}
	return markers + indent/2
}
