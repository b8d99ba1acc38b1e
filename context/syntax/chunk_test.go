package syntax

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/lode-ls/lode/context/text"
)

// nodeList lists every node of n's subtree with its byte range.
func nodeList(n *tree_sitter.Node, b *strings.Builder) {
	fmt.Fprintf(b, "%s %d %d\n", n.Kind(), n.StartByte(), n.EndByte())
	for i := range n.ChildCount() {
		nodeList(n.Child(i), b)
	}
}

// TestChunkedRead checks that a source read in pieces parses as when
// read whole, where a piece ends inside a character of 2, 3 and 4 bytes
// (in a string, a comment and an identifier).
func TestChunkedRead(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\n\n")
	// place writes line so that its part at from starts at byte at.
	place := func(at int, line string, from int) {
		for b.Len()+from < at-100 {
			b.WriteString("// " + strings.Repeat("x", 60) + "\n")
		}
		b.WriteString("//" + strings.Repeat("y", at-b.Len()-from-3) + "\n")
		b.WriteString(line)
	}
	place(readChunk-1, "var _ = \"😀 a smile\"\n", len("var _ = \""))
	place(2*readChunk-2, "// 世界 in a comment\n", len("// "))
	place(3*readChunk-1, "var é1 = 1\n", len("var "))
	place(4*readChunk-1, "var _ = \"é\"\n", len("var _ = \""))
	b.WriteString("func f() int { return é1 }\n")
	src := []byte(b.String())
	ats := []int{readChunk - 1, 2*readChunk - 2, 3*readChunk - 1, 4*readChunk - 1}
	for i, c := range []string{"😀", "世", "é", "é"} {
		if at := ats[i]; string(src[at:at+len(c)]) != c {
			t.Fatalf("no %q across the end of piece %d: %q", c, i+1, src[at:at+len(c)])
		}
	}
	lang := ByName("go")
	tr, err := Parse(context.Background(), lang, src)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	p := tree_sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(lang.ts); err != nil {
		t.Fatal(err)
	}
	whole := p.Parse(src, nil)
	defer whole.Close()
	var got, want strings.Builder
	nodeList(tr.Root(), &got)
	nodeList(whole.RootNode(), &want)
	if got.String() != want.String() {
		t.Errorf("read in pieces, the tree differs from the tree of the source read whole")
	}
	if tr.ErrorCount() != 0 {
		t.Errorf("%d syntax errors", tr.ErrorCount())
	}
}

// TestReparseCopies checks that a reparse after a one-byte edit near the
// start of a large source copies a little of it, not the rest of it.
func TestReparseCopies(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\n\nvar a = 1\n\n")
	for b.Len() < 1<<18 {
		b.WriteString("func f() int {\n\treturn 1 // a comment to make the line longer than most\n}\n\n")
	}
	src := b.String()
	ctx := context.Background()
	tr, err := Parse(ctx, ByName("go"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	at := strings.Index(src, "1")
	edited := src[:at] + "2" + src[at+1:]
	data := []byte(edited)
	c := text.Diff(src, edited)
	var before, after runtime.MemStats
	const n = 5
	// The counter is the process's: the least of three rounds is this
	// code's, whatever else allocates meanwhile.
	per := ^uint64(0)
	for range 3 {
		runtime.ReadMemStats(&before)
		for range n {
			nt, err := tr.Reparse(ctx, data, []text.Change{c})
			if err != nil {
				t.Fatal(err)
			}
			nt.Close()
		}
		runtime.ReadMemStats(&after)
		per = min(per, (after.TotalAlloc-before.TotalAlloc)/n)
	}
	if per > uint64(len(src))/4 {
		t.Errorf("a reparse allocated %d bytes, over a quarter of the source's %d", per, len(src))
	}
}
