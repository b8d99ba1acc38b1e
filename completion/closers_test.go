package completion

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

func TestSkipNonCode(t *testing.T) {
	tests := []struct {
		s, line string
		end     int
		str, ok bool
	}{
		{"// x\ny", "//", 4, false, true},
		{"# x", "#", 3, false, true},
		{"/* a */b", "//", 7, false, true},
		{"/* open", "//", 7, false, true},
		{`"a\"b"c`, "//", 6, true, true},
		{"`a\nb`c", "//", 5, true, true},
		{"'x\ny", "//", 3, true, true},
		{"x := 1", "//", 0, false, false},
		{"/* not one */", "#", 0, false, false},
	}
	for _, tc := range tests {
		end, str, ok := skipNonCode(tc.s, 0, tc.line)
		if end != tc.end || str != tc.str || ok != tc.ok {
			t.Errorf("skipNonCode(%q, %q) = %d, %v, %v; want %d, %v, %v", tc.s, tc.line, end, str, ok, tc.end, tc.str, tc.ok)
		}
	}
}

// TestTreeBracketsByPieces: the brackets read a piece of the source at a
// time are those of one walk of the whole range, strings and comments
// spanning the pieces' edges included; a stop gives up.
func TestTreeBracketsByPieces(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "transport.go"))
	if err != nil {
		t.Skip("no GOROOT sources")
	}
	tree, err := syntax.Parse(context.Background(), syntax.ByName("go"), src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	for _, r := range [][2]int{{0, len(src)}, {0, len(src) / 3}, {len(src) / 3, len(src)}, {100, 100 + 16<<10}} {
		var want []byte
		tree.Leaves(r[0], r[1], func(l syntax.Leaf) bool {
			if l.Class == syntax.ClassPunct && l.End-l.Start == 1 && l.Start >= r[0] && l.End <= r[1] && (isOpener(src[l.Start]) || isCloser(src[l.Start])) {
				want = append(want, src[l.Start])
			}
			return true
		})
		got, ok := treeBrackets(tree, r[0], r[1], func() bool { return false })
		if !ok || string(got) != string(want) {
			t.Errorf("[%d, %d): %d brackets (ok %v), want %d", r[0], r[1], len(got), ok, len(want))
		}
	}
	calls := 0
	if _, ok := treeBrackets(tree, 0, len(src), func() bool { calls++; return calls > 1 }); ok {
		t.Errorf("a stop after the first piece did not give up")
	}
}
