package text

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           Change
	}{
		{"same", "ab\ncd", "ab\ncd", Change{StartByte: 5, OldEndByte: 5, NewEndByte: 5,
			StartPoint: Point{1, 2}, OldEndPoint: Point{1, 2}, NewEndPoint: Point{1, 2}}},
		{"insert in the second line", "ab\ncd", "ab\ncXd", Change{StartByte: 4, OldEndByte: 4, NewEndByte: 5,
			StartPoint: Point{1, 1}, OldEndPoint: Point{1, 1}, NewEndPoint: Point{1, 2}}},
		{"delete a line break", "ab\ncd", "abcd", Change{StartByte: 2, OldEndByte: 3, NewEndByte: 2,
			StartPoint: Point{0, 2}, OldEndPoint: Point{1, 0}, NewEndPoint: Point{0, 2}}},
		{"replace all", "x", "y\nz", Change{StartByte: 0, OldEndByte: 1, NewEndByte: 3,
			StartPoint: Point{0, 0}, OldEndPoint: Point{0, 1}, NewEndPoint: Point{1, 1}}},
		{"a word of a middle line", "line one\nline two\nline three\n", "line one\nline 2\nline three\n", Change{StartByte: 14, OldEndByte: 17, NewEndByte: 15,
			StartPoint: Point{1, 5}, OldEndPoint: Point{1, 8}, NewEndPoint: Point{1, 6}}},
		{"repeated text", "aaa", "aaaa", Change{StartByte: 3, OldEndByte: 3, NewEndByte: 4,
			StartPoint: Point{0, 3}, OldEndPoint: Point{0, 3}, NewEndPoint: Point{0, 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Diff(tc.old, tc.new); got != tc.want {
				t.Errorf("Diff(%q, %q) = %+v, want %+v", tc.old, tc.new, got, tc.want)
			}
			if got := Diff([]byte(tc.old), []byte(tc.new)); got != tc.want {
				t.Errorf("Diff of bytes = %+v, want %+v", got, tc.want)
			}
			type named string
			if got := Diff(named(tc.old), named(tc.new)); got != tc.want {
				t.Errorf("Diff of a named string type = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestDiffLong checks Diff on long texts, whose common prefix and suffix
// it compares in runs, against a byte-by-byte reference: edits at every
// distance from a run's boundary, texts that repeat themselves.
func TestDiffLong(t *testing.T) {
	naive := func(old, new string) (p, s int) {
		for p < len(old) && p < len(new) && old[p] == new[p] {
			p++
		}
		for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
			s++
		}
		return p, s
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		var b strings.Builder
		for b.Len() < r.IntN(3*diffChunk) {
			b.WriteString([]string{"a", "b", "\n", "ab\n", "é"}[r.IntN(5)])
		}
		old := b.String()
		at := r.IntN(len(old) + 1)
		end := min(len(old), at+r.IntN(4))
		new := old[:at] + []string{"", "a", "b\n", "ab"}[r.IntN(4)] + old[end:]
		p, s := naive(old, new)
		want := Change{StartByte: p, OldEndByte: len(old) - s, NewEndByte: len(new) - s,
			StartPoint: pointAt(old, p), OldEndPoint: pointAt(old, len(old)-s), NewEndPoint: pointAt(new, len(new)-s)}
		if got := Diff(old, new); got != want {
			t.Fatalf("case %d: Diff(%q, %q) = %+v, want %+v", i, old, new, got, want)
		}
		if got := Diff([]byte(old), []byte(new)); got != want {
			t.Fatalf("case %d: Diff of bytes = %+v, want %+v", i, got, want)
		}
	}
}

// BenchmarkDiff: a line inserted in the middle of a document of 128 KB.
func BenchmarkDiff(b *testing.B) {
	old := strings.Repeat("\tfmt.Println(x, y)\n", 128<<10/19)
	new := old[:len(old)/2] + "// note\n" + old[len(old)/2:]
	b.ReportAllocs()
	for b.Loop() {
		Diff(old, new)
	}
}
