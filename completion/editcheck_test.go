package completion

import (
	"context"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/text"
)

// pointOf returns the row and byte column of offset off of s.
func pointOf(s string, off int) text.Point {
	return text.Point{Row: strings.Count(s[:off], "\n"), Column: off - (strings.LastIndexByte(s[:off], '\n') + 1)}
}

// TestReplaced checks replaced against building the text whole, on
// random replacements: the same bytes, and a change whose bytes and
// points agree with both texts.
func TestReplaced(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "ab\n\tx("
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for i := range 2000 {
		doc := word(r.IntN(40))
		start := r.IntN(len(doc) + 1)
		end := start + r.IntN(len(doc)-start+1)
		repl := word(r.IntN(6))
		want := doc[:start] + repl + doc[end:]
		src, c := replaced(doc, start, end, repl)
		if string(src) != want {
			t.Fatalf("case %d: replaced(%q, %d, %d, %q) = %q, want %q", i, doc, start, end, repl, src, want)
		}
		ok := c.StartByte <= c.OldEndByte && c.StartByte <= c.NewEndByte && c.OldEndByte <= len(doc) && c.NewEndByte <= len(want) &&
			doc[:c.StartByte] == want[:c.StartByte] && doc[c.OldEndByte:] == want[c.NewEndByte:] &&
			c.StartPoint == pointOf(doc, c.StartByte) && c.OldEndPoint == pointOf(doc, c.OldEndByte) && c.NewEndPoint == pointOf(want, c.NewEndByte)
		if !ok {
			t.Fatalf("case %d: replaced(%q, %d, %d, %q) change %+v does not make %q", i, doc, start, end, repl, c, want)
		}
	}
}

// TestAddsErrorsCopies checks that judging an edit of a large document
// copies the document about once, not once as a string and again as the
// bytes the reparse reads.
func TestAddsErrorsCopies(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\n\n")
	for i := 0; b.Len() < 1<<18; i++ {
		b.WriteString("// A long comment line that the parser skips over as a whole, and nothing else.\n")
	}
	b.WriteString("func f() int {\n\treturn 1\n}\n")
	doc := b.String()
	ctx := context.Background()
	c := NewEditCheck(ctx, "go", "/p.go", doc)
	if c == nil {
		t.Fatal("no check")
	}
	defer c.Close()
	at := strings.Index(doc, "return 1") + len("return 1")
	if c.AddsErrors(ctx, at, at, " + 2") {
		t.Fatal("a good edit adds errors")
	}
	var before, after runtime.MemStats
	const n = 5
	// The counter is the process's: the least of three rounds is this
	// code's, whatever else allocates meanwhile.
	per := ^uint64(0)
	for range 3 {
		runtime.ReadMemStats(&before)
		for range n {
			c.AddsErrors(ctx, at, at, " + 2")
		}
		runtime.ReadMemStats(&after)
		per = min(per, (after.TotalAlloc-before.TotalAlloc)/n)
	}
	if per > uint64(len(doc))*3/2 {
		t.Errorf("an edit's check allocated %d bytes, over 1.5 times the document's %d", per, len(doc))
	}
}
