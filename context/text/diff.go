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
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	start := pointAt(old, p)
	return Change{
		StartByte: p, OldEndByte: len(old) - s, NewEndByte: len(new) - s,
		StartPoint:  start,
		OldEndPoint: advance(start, old[p:len(old)-s]),
		NewEndPoint: advance(start, new[p:len(new)-s]),
	}
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
