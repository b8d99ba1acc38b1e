package text

import (
	"bytes"
	"strings"
)

// Diff returns the one edit that turns old into new, as tree-sitter takes
// it: the span between their common prefix and their common suffix. It is
// how a document replaced whole (a file read again, a buffer re-sent) is
// given to an incremental reparse.
func Diff[S ~string | ~[]byte](old, new S) Change {
	p := commonPrefix(old, new)
	s := commonSuffix(old[p:], new[p:])
	start := pointAt(old, p)
	return Change{
		StartByte: p, OldEndByte: len(old) - s, NewEndByte: len(new) - s,
		StartPoint:  start,
		OldEndPoint: advance(start, old[p:len(old)-s]),
		NewEndPoint: advance(start, new[p:len(new)-s]),
	}
}

// diffChunk is the length of the runs Diff compares whole (a comparison
// of strings is a vector compare) before it compares byte by byte: a
// document edited in the middle is compared at memory speed.
const diffChunk = 256

// commonPrefix returns the length of the longest prefix a and b share.
func commonPrefix[S ~string | ~[]byte](a, b S) int {
	n, p := min(len(a), len(b)), 0
	for p+diffChunk <= n && string(a[p:p+diffChunk]) == string(b[p:p+diffChunk]) {
		p += diffChunk
	}
	for p < n && a[p] == b[p] {
		p++
	}
	return p
}

// commonSuffix returns the length of the longest suffix a and b share.
func commonSuffix[S ~string | ~[]byte](a, b S) int {
	n, s := min(len(a), len(b)), 0
	for s+diffChunk <= n && string(a[len(a)-s-diffChunk:len(a)-s]) == string(b[len(b)-s-diffChunk:len(b)-s]) {
		s += diffChunk
	}
	for s < n && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return s
}

// pointAt returns the row and byte column of offset off of s.
func pointAt[S ~string | ~[]byte](s S, off int) Point {
	return advance(Point{}, s[:off])
}

// advance returns the point reached from pt past the bytes of s.
func advance[S ~string | ~[]byte](pt Point, s S) Point {
	var rows, last int
	switch v := any(s).(type) {
	case string:
		rows, last = strings.Count(v, "\n"), strings.LastIndexByte(v, '\n')
	case []byte:
		rows, last = bytes.Count(v, []byte{'\n'}), bytes.LastIndexByte(v, '\n')
	default: // a named string or byte slice type
		last = -1
		for i := 0; i < len(s); i++ {
			if s[i] == '\n' {
				rows, last = rows+1, i
			}
		}
	}
	if rows == 0 {
		return Point{Row: pt.Row, Column: pt.Column + len(s)}
	}
	return Point{Row: pt.Row + rows, Column: len(s) - last - 1}
}
