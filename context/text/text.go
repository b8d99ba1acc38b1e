// Package text holds immutable document text with a line index, and maps
// LSP positions (UTF-16 or UTF-8 code units) to byte offsets and back.
//
// The main types are Text, Position, Range and Edit. Apply returns the byte
// level Changes that an incremental parser needs.
//
// Package text depends on the standard library alone.
package text

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding is the unit a Position's Character counts, as negotiated with the
// client (LSP positionEncoding).
type Encoding int

const (
	// UTF16 counts UTF-16 code units: the LSP default.
	UTF16 Encoding = iota
	// UTF8 counts bytes.
	UTF8
)

func (e Encoding) String() string {
	if e == UTF8 {
		return "utf-8"
	}
	return "utf-16"
}

// Position is a zero-based line and character offset in some Encoding.
type Position struct {
	Line      int
	Character int
}

// Range is a half-open span between two positions.
type Range struct {
	Start, End Position
}

// Edit replaces Range with Text. A nil Range replaces the whole document.
type Edit struct {
	Range *Range
	Text  string
}

// Point is a row and a byte column, as tree-sitter counts them.
type Point struct {
	Row, Column int
}

// Change describes one applied edit in bytes, in the form tree-sitter's
// Tree.Edit takes.
type Change struct {
	StartByte, OldEndByte, NewEndByte    int
	StartPoint, OldEndPoint, NewEndPoint Point
}

// ErrPosition reports a position outside the document.
var ErrPosition = errors.New("text: position out of range")

// Text is an immutable document. It is safe for concurrent use.
type Text struct {
	s     string
	lines []int // byte offset where each line starts; lines[0] == 0
}

// New returns the Text of s.
func New(s string) *Text {
	return &Text{s: s, lines: lineStarts(s)}
}

func lineStarts(s string) []int {
	starts := make([]int, 1, 1+len(s)/32)
	return scanLines(starts, s, 0, len(s))
}

// scanLines appends to starts the line starts that follow the terminators
// beginning in s[from:to]; a CR at to-1 looks one byte past to for its LF.
func scanLines(starts []int, s string, from, to int) []int {
	if strings.IndexByte(s[from:min(to+1, len(s))], '\r') < 0 {
		// No CR: one fast search per line.
		for i := from; i < to; {
			j := strings.IndexByte(s[i:to], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			starts = append(starts, i)
		}
		return starts
	}
	for i := from; i < to; {
		j := strings.IndexAny(s[i:to], "\r\n")
		if j < 0 {
			break
		}
		i += j
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		i++
		starts = append(starts, i)
	}
	return starts
}

// String returns the whole content.
func (t *Text) String() string { return t.s }

// Len returns the length in bytes.
func (t *Text) Len() int { return len(t.s) }

// LineCount returns the number of lines; an empty document has one.
func (t *Text) LineCount() int { return len(t.lines) }

// LineStart returns the byte offset where line starts.
func (t *Text) LineStart(line int) int {
	if line <= 0 {
		return 0
	}
	if line >= len(t.lines) {
		return len(t.s)
	}
	return t.lines[line]
}

// LineEnd returns the byte offset of the end of line, before its terminator.
func (t *Text) LineEnd(line int) int {
	if line+1 >= len(t.lines) {
		return len(t.s)
	}
	end := t.lines[line+1]
	if end > 0 && t.s[end-1] == '\n' {
		end--
	}
	if end > 0 && t.s[end-1] == '\r' && end > t.lines[line] {
		end--
	}
	return end
}

// Line returns the content of line without its terminator.
func (t *Text) Line(line int) string {
	if line < 0 || line >= len(t.lines) {
		return ""
	}
	return t.s[t.lines[line]:t.LineEnd(line)]
}

// LineOf returns the line holding byte offset off.
func (t *Text) LineOf(off int) int {
	return sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off }) - 1
}

// Offset converts p to a byte offset. A character past the end of its line
// means the end of the line (as LSP specifies); a character inside a
// multi-unit rune moves to the rune's start. A line past the end is
// ErrPosition, except the line just after the last one at character 0, which
// some clients send for the end of the document.
func (t *Text) Offset(p Position, enc Encoding) (int, error) {
	if p.Line < 0 || p.Character < 0 {
		return 0, fmt.Errorf("%w: %d:%d", ErrPosition, p.Line, p.Character)
	}
	if p.Line >= len(t.lines) {
		if p.Line == len(t.lines) && p.Character == 0 {
			return len(t.s), nil
		}
		return 0, fmt.Errorf("%w: line %d of %d", ErrPosition, p.Line, len(t.lines))
	}
	start, end := t.lines[p.Line], t.LineEnd(p.Line)
	if enc == UTF8 {
		off := start + p.Character
		if off > end {
			return end, nil
		}
		for off > start && !utf8.RuneStart(t.s[off]) {
			off--
		}
		return off, nil
	}
	units := 0
	for off := start; off < end; {
		if units >= p.Character {
			return off, nil
		}
		r, size := utf8.DecodeRuneInString(t.s[off:end])
		n := 1
		if r >= 0x10000 && r != utf8.RuneError {
			n = utf16.RuneLen(r)
		}
		if units+n > p.Character {
			return off, nil // inside a surrogate pair
		}
		units += n
		off += size
	}
	return end, nil
}

// Position converts a byte offset to a Position in enc. Offsets are clamped
// to the document.
func (t *Text) Position(off int, enc Encoding) Position {
	off = max(0, min(off, len(t.s)))
	line := t.LineOf(off)
	start := t.lines[line]
	if end := t.LineEnd(line); off > end {
		off = end // inside a CRLF terminator
	}
	if enc == UTF8 {
		return Position{Line: line, Character: off - start}
	}
	return Position{Line: line, Character: UTF16Len(t.s[start:off])}
}

// Point converts a byte offset to a tree-sitter Point.
func (t *Text) Point(off int) Point {
	off = max(0, min(off, len(t.s)))
	line := t.LineOf(off)
	return Point{Row: line, Column: off - t.lines[line]}
}

// UTF16Len returns the number of UTF-16 code units that encode s.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Apply applies edits in order, each against the result of the ones before
// (as LSP didChange specifies), and returns the new Text with one Change per
// edit. On error the receiver is unchanged and no Text is returned.
func (t *Text) Apply(edits []Edit, enc Encoding) (*Text, []Change, error) {
	cur := t
	changes := make([]Change, 0, len(edits))
	for i, e := range edits {
		if e.Range == nil {
			changes = append(changes, Change{
				OldEndByte: len(cur.s), NewEndByte: len(e.Text),
				OldEndPoint: cur.Point(len(cur.s)), NewEndPoint: New(e.Text).Point(len(e.Text)),
			})
			cur = New(e.Text)
			continue
		}
		start, err := cur.Offset(e.Range.Start, enc)
		if err != nil {
			return nil, nil, fmt.Errorf("edit %d start: %w", i, err)
		}
		end, err := cur.Offset(e.Range.End, enc)
		if err != nil {
			return nil, nil, fmt.Errorf("edit %d end: %w", i, err)
		}
		if end < start {
			return nil, nil, fmt.Errorf("edit %d: %w: end before start", i, ErrPosition)
		}
		next := cur.replace(start, end, e.Text)
		changes = append(changes, Change{
			StartByte: start, OldEndByte: end, NewEndByte: start + len(e.Text),
			StartPoint: cur.Point(start), OldEndPoint: cur.Point(end), NewEndPoint: next.Point(start + len(e.Text)),
		})
		cur = next
	}
	return cur, changes, nil
}

// replace returns the Text with s[start:end] replaced by repl. It reuses the
// line index outside the edit: lines are rescanned from the line before the
// edit (a CR there may pair with an inserted LF) to one byte past the
// inserted text (an inserted CR may pair with the LF after it), and the old
// line starts after the edit are shifted.
func (t *Text) replace(start, end int, repl string) *Text {
	s := t.s[:start] + repl + t.s[end:]
	first := max(t.LineOf(start)-1, 0)
	newEnd := start + len(repl)
	lines := make([]int, first+1, len(t.lines)+strings.Count(repl, "\n")+1)
	copy(lines, t.lines[:first+1])
	lines = scanLines(lines, s, t.lines[first], min(newEnd+1, len(s)))
	last := lines[len(lines)-1]
	delta := len(repl) - (end - start)
	i := sort.SearchInts(t.lines, end+1)
	for ; i < len(t.lines); i++ {
		if at := t.lines[i] + delta; at > last {
			lines = append(lines, at)
		}
	}
	return &Text{s: s, lines: lines}
}
