package text

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestOffsetPosition(t *testing.T) {
	doc := New("a\r\nxé😀z\ncrlf\r\rend")
	tests := []struct {
		name string
		pos  Position
		enc  Encoding
		want int
	}{
		{"start", Position{0, 0}, UTF16, 0},
		{"end of line clamps before CRLF", Position{0, 9}, UTF16, 1},
		{"after é in UTF-16", Position{1, 2}, UTF16, 6},
		{"after é in UTF-8", Position{1, 3}, UTF8, 6},
		{"inside é in UTF-8 moves to its start", Position{1, 2}, UTF8, 4},
		{"after emoji in UTF-16", Position{1, 4}, UTF16, 10},
		{"inside surrogate pair", Position{1, 3}, UTF16, 6},
		{"after emoji in UTF-8", Position{1, 7}, UTF8, 10},
		{"line after lone LF", Position{2, 2}, UTF16, 14},
		{"line after lone CR", Position{4, 3}, UTF16, len("a\r\nxé😀z\ncrlf\r\rend")},
		{"one past the last line", Position{5, 0}, UTF16, len("a\r\nxé😀z\ncrlf\r\rend")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := doc.Offset(tc.pos, tc.enc)
			if err != nil || got != tc.want {
				t.Fatalf("Offset(%v, %v) = %d, %v; want %d", tc.pos, tc.enc, got, err, tc.want)
			}
		})
	}
	if _, err := doc.Offset(Position{9, 0}, UTF16); err == nil {
		t.Error("a line past the end gave no error")
	}
	if p := doc.Position(10, UTF16); p != (Position{1, 4}) {
		t.Errorf("Position(10) = %v, want 1:4", p)
	}
	if p := doc.Position(2, UTF16); p != (Position{0, 1}) {
		t.Errorf("Position inside CRLF = %v, want 0:1", p)
	}
}

func TestApply(t *testing.T) {
	doc := New("hello\nworld\n")
	got, changes, err := doc.Apply([]Edit{
		{Range: &Range{Position{0, 0}, Position{0, 5}}, Text: "bye"},
		{Range: &Range{Position{1, 5}, Position{1, 5}}, Text: "!"},
	}, UTF16)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "bye\nworld!\n" {
		t.Errorf("got %q", got.String())
	}
	want := Change{StartByte: 9, OldEndByte: 9, NewEndByte: 10,
		StartPoint: Point{1, 5}, OldEndPoint: Point{1, 5}, NewEndPoint: Point{1, 6}}
	if changes[1] != want {
		t.Errorf("change = %+v, want %+v", changes[1], want)
	}
	if doc.String() != "hello\nworld\n" {
		t.Error("Apply changed the receiver")
	}
	if _, _, err := doc.Apply([]Edit{{Range: &Range{Position{7, 0}, Position{7, 1}}}}, UTF16); err == nil {
		t.Error("an edit past the end gave no error")
	}
}

// TestApplyLineIndex checks the reused line index against a fresh scan over
// random edits that split and join CR, LF and CRLF terminators.
func TestApplyLineIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"\r", "\n", "\r\n", "a", "é", "😀", "xy", ""}
	for round := range 300 {
		doc := New(strings.Repeat("ab\r\ncd\re\n", r.IntN(4)))
		for step := range 30 {
			start := r.IntN(doc.Len() + 1)
			end := min(start+r.IntN(4), doc.Len())
			var ins strings.Builder
			for range r.IntN(4) {
				ins.WriteString(pieces[r.IntN(len(pieces))])
			}
			next := doc.replace(start, end, ins.String())
			if want := lineStarts(next.s); !slices.Equal(next.lines, want) {
				t.Fatalf("round %d step %d: replace(%d, %d, %q) in %q: lines %v, want %v",
					round, step, start, end, ins.String(), doc.s, next.lines, want)
			}
			doc = next
		}
	}
}

func BenchmarkApplyLargeFile(b *testing.B) {
	doc := New(strings.Repeat("\tfmt.Println(\"a line of some length\")\n", 5000))
	edit := []Edit{{Range: &Range{Position{2500, 3}, Position{2500, 3}}, Text: "x"}}
	for b.Loop() {
		if _, _, err := doc.Apply(edit, UTF16); err != nil {
			b.Fatal(err)
		}
	}
}
