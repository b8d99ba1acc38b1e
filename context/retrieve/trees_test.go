package retrieve

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/eventually"
)

// slowGo returns a Go file of n small functions calling syscall-like
// helpers: cutting one of their lines in the middle of nested calls
// sends tree-sitter into a long error recovery.
func slowGo(n int) string {
	var b strings.Builder
	b.WriteString("package slow\n\nimport \"unsafe\"\n\n")
	for i := range n {
		fmt.Fprintf(&b, "// F%d calls the system.\nfunc F%d(fd int, p *byte) (err error) {\n", i, i)
		fmt.Fprintf(&b, "\t_, _, e1 := Syscall6(SYS_%d, uintptr(fd), uintptr(unsafe.Pointer(p)), 0, 0, 0, 0)\n", i)
		b.WriteString("\tif e1 != 0 {\n\t\terr = errnoErr(e1)\n\t}\n\treturn\n}\n\n")
	}
	return b.String()
}

func TestOutlineAfterEdits(t *testing.T) {
	ctx := context.Background()
	lang := syntax.ByName("go")
	src := slowGo(40)
	d := docTrees{budget: -1} // each request waits for its version
	defer d.close()
	edits := []struct{ old, new string }{
		{"func F3(", "func F3b("}, // a name changes
		{"\treturn\n}\n\n// F10", "\treturn\n}\n\nvar X = 1\n\n// F10"},                               // a declaration appears
		{"func F20(fd int, p *byte) (err error) {\n", "func F20(fd int,\n\tp *byte) (err error) {\n"}, // lines move
		{"// F30 calls the system.\n", ""},                                                            // a doc comment goes
		{"uintptr(unsafe.Pointer(p)), 0, 0, 0, 0)\n\tif e1 != 0 {\n\t\terr = errnoErr(e1)\n\t}\n\treturn\n}\n\n// F35", "uintptr(unsafe.Pointer\n\n// F35"}, // broken
	}
	if err := d.with(ctx, "/s.go", lang, src, func(*docTree) {}); err != nil {
		t.Fatal(err)
	}
	for _, ed := range edits {
		if !strings.Contains(src, ed.old) {
			t.Fatalf("no %q in the source", ed.old)
		}
		src = strings.Replace(src, ed.old, ed.new, 1)
		var got syntax.Outline
		fresh := false
		d.with(ctx, "/s.go", lang, src, func(e *docTree) {
			if fresh = e.text == src; fresh {
				got = e.Outline()
			}
		})
		if !fresh {
			t.Fatalf("after %q -> %q, a request that waits read an earlier tree", ed.old, ed.new)
		}
		tree, err := syntax.Parse(ctx, lang, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		want := tree.Outline()
		tree.Close()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after %q -> %q, outline (-full +incremental):\n%s", ed.old, ed.new, diff)
		}
	}
}

// TestSlowReparseReadsPreviousTree checks that a request whose reparse
// runs past the parse budget is answered from the previous tree, with the
// definitions below the edit moved to their new lines, and that the
// reparse finishes for the next request. The budget is zero: the request
// does not wait at all.
func TestSlowReparseReadsPreviousTree(t *testing.T) {
	ctx := context.Background()
	lang := syntax.ByName("go")
	src := slowGo(1500)
	d := docTrees{budget: 0}
	defer d.close()
	if err := d.with(ctx, "/s.go", lang, src, func(e *docTree) { e.Outline() }); err != nil {
		t.Fatal(err)
	}
	// Add a line and cut the next in the middle of nested calls: a small
	// edit, as when typing.
	cut := "\t_, _, e1 := Syscall6(SYS_700, uintptr(fd), uintptr(unsafe.Pointer"
	at := strings.Index(src, cut)
	i := at + len(cut)
	j := i + strings.IndexByte(src[i:], '\n')
	const note = "\t// one more line\n"
	edited := src[:at] + note + src[at:i] + src[j:]
	off := i + len(note)
	a := &analysis{content: edited, offset: off, lang: "go"}
	a.cursorLine, _ = lineRange(edited, off, off)
	stale := false
	err := d.with(ctx, "/s.go", lang, edited, func(e *docTree) {
		if stale = e.text != edited; stale {
			a.readStale(e, 8)
		} else {
			a.read(e, 8)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !stale {
		t.Skip("the reparse ended before the request looked: nothing to check")
	}
	// The outline is the previous version's, moved one line down below
	// the edit.
	k := slices.IndexFunc(a.own, func(d syntax.Definition) bool { return d.Name == "F1000" })
	if k < 0 {
		t.Fatal("F1000 is not among the document's definitions")
	}
	if got, want := a.own[k].StartLine, strings.Count(edited[:strings.Index(edited, "func F1000(")], "\n"); got != want {
		t.Errorf("F1000 on line %d, want %d", got, want)
	}
	if len(a.enclosing) == 0 || a.enclosing[0].Name != "F700" {
		t.Errorf("enclosing scopes %+v, want F700 first", a.enclosing)
	}
	// What was typed comes first, though the tree does not have it yet.
	if len(a.idents) == 0 || a.idents[0] != (ident{name: "Pointer", qualifier: "unsafe"}) {
		t.Errorf("identifiers %v do not begin with unsafe.Pointer", a.idents)
	}
	if !slices.Contains(a.idents, ident{name: "Syscall6"}) {
		t.Errorf("identifiers %v lack Syscall6", a.idents)
	}
	eventually.True(t, func() bool {
		fresh := false
		d.with(ctx, "/s.go", lang, edited, func(e *docTree) { fresh = e.text == edited })
		return fresh
	}, "the reparse never caught up")
}

// TestLargeEditWaitsForReparse checks that a request after a large edit
// (not typing) waits for the reparse instead of reading a tree of
// another part of the file.
func TestLargeEditWaitsForReparse(t *testing.T) {
	ctx := context.Background()
	lang := syntax.ByName("go")
	src := slowGo(1500)
	d := docTrees{budget: 0} // a small edit would not wait at all
	defer d.close()
	if err := d.with(ctx, "/s.go", lang, src, func(*docTree) {}); err != nil {
		t.Fatal(err)
	}
	cut := "SYS_700, uintptr(fd), uintptr(unsafe.Pointer"
	edited := src[:strings.Index(src, cut)+len(cut)] // the file up to a cursor
	fresh := false
	if err := d.with(ctx, "/s.go", lang, edited, func(e *docTree) { fresh = e.text == edited }); err != nil {
		t.Fatal(err)
	}
	if !fresh {
		t.Error("a request after a large edit read an earlier tree")
	}
}

// TestTreeSharedWithOtherReaders checks that Retriever.Tree hands out
// clones of the tree the Retriever keeps for a document (parsed once, of
// the content asked, still the Retriever's after the clone is closed),
// and nothing for a document it keeps nothing of, which the caller
// parses as cheaply itself.
func TestTreeSharedWithOtherReaders(t *testing.T) {
	r, _, _, root := setup(t)
	ctx := context.Background()
	lang := syntax.ByName("go")
	path := root + "/main.go"
	const content = "package main\n\nfunc main() {\n\tgreet(\n}\n"
	if tr := r.Tree(ctx, path, lang, content); tr != nil {
		tr.Close()
		t.Fatal("a tree of a document the Retriever keeps nothing of")
	}
	if r.trees.has(path) {
		t.Error("the Retriever kept a tree it parsed for another reader")
	}
	// A request of the Retriever's parses the document and keeps it.
	retrieved(t, r, Request{Path: path, Content: content, Offset: strings.Index(content, "greet(") + len("greet("), Budget: 256})
	first := r.Tree(ctx, path, lang, content)
	if first == nil || string(first.Source()) != content {
		t.Fatalf("first tree: %v", first)
	}
	first.Close()
	parsed := syntax.ParsedBytes()
	second := r.Tree(ctx, path, lang, content)
	if second == nil || second == first || string(second.Source()) != content {
		t.Fatalf("second tree: %v", second)
	}
	defer second.Close()
	if n := syntax.ParsedBytes() - parsed; n != 0 {
		t.Errorf("the second reader's tree parsed %d bytes again", n)
	}
	if o := second.Outline(); len(o.Definitions) != 1 || o.Definitions[0].Name != "main" {
		t.Errorf("the kept tree after a clone's close: %+v", o.Definitions)
	}
}

// TestSplice checks the outline's splice: the items before the range,
// the fresh ones, the items after it moved, in one allocation (a large
// file's outline has thousands).
func TestSplice(t *testing.T) {
	prev := make([]int, 2000)
	for i := range prev {
		prev[i] = 10 * i
	}
	start := func(x int) int { return x }
	move := func(x int) int { return x + 3 }
	fresh := []int{1000, 1005, 1013}
	got := splice(prev, fresh, 1000, 1010, start, move)
	want := append(slices.Clone(prev[:100]), fresh...)
	for _, x := range prev[101:] {
		want = append(want, x+3)
	}
	if !slices.Equal(got, want) {
		t.Errorf("splice gave %d items, want %d: %v...", len(got), len(want), got[95:min(len(got), 110)])
	}
	if n := testing.AllocsPerRun(10, func() { splice(prev, fresh, 1000, 1010, start, move) }); n != 1 {
		t.Errorf("splice allocated %v times, want once", n)
	}
}

// TestReparseCopies checks that bringing a large document's tree to an
// edited version copies the document about once (the bytes the tree
// reads), not once more to compare or diff it.
func TestReparseCopies(t *testing.T) {
	ctx := context.Background()
	lang := syntax.ByName("go")
	var b strings.Builder
	b.WriteString("package p\n\nvar text = `\n")
	for b.Len() < 1<<18 {
		b.WriteString("A long line of a raw string, which the parser reads as one token.\n")
	}
	b.WriteString("`\n\nfunc f() int {\n\treturn 1\n}\n")
	src := b.String()
	d := docTrees{budget: -1} // every request waits for its version
	defer d.close()
	if err := d.with(ctx, "/p.go", lang, src, func(e *docTree) { e.Outline() }); err != nil {
		t.Fatal(err)
	}
	at := strings.Index(src, "return 1") + len("return ")
	const n = 4
	texts := make([]string, n)
	for i := range texts {
		texts[i] = src[:at] + strconv.Itoa(i+2) + src[at+1:]
	}
	var before, after runtime.MemStats
	// The counter is the process's: the least of three rounds is this
	// code's, whatever else allocates meanwhile.
	per := ^uint64(0)
	for range 3 {
		runtime.ReadMemStats(&before)
		for _, s := range texts {
			if err := d.with(ctx, "/p.go", lang, s, func(e *docTree) {
				if e.text != s {
					t.Error("a request read an earlier version")
				}
			}); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		per = min(per, (after.TotalAlloc-before.TotalAlloc)/n)
	}
	if per > uint64(len(src))*3/2 {
		t.Errorf("an edit's reparse allocated %d bytes, over 1.5 times the document's %d", per, len(src))
	}
}
