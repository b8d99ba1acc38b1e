package syntax

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/text"
)

// stressSource returns a Go file of n functions and a long flat list of
// declarations, which tree-sitter rebalances after the parse proper. The
// test's edits make it broken.
func stressSource(n int) string {
	var b strings.Builder
	b.WriteString("package stress\n\nimport \"fmt\"\n\n")
	for i := range n {
		fmt.Fprintf(&b, "var v%d = %d\n", i, i)
	}
	for i := range n {
		fmt.Fprintf(&b, "func f%d(a, b int) int {\n\tx := a + b*%d\n", i, i)
		b.WriteString("\tif x > 10 {\n\t\treturn x - 1\n\t}\n\treturn x\n}\n\n")
	}
	return b.String()
}

// randomEdit returns an edit of doc as an editor sends it while typing:
// a half-typed call, a deleted span or a closing parenthesis.
func randomEdit(r *rand.Rand, doc *text.Text) text.Edit {
	line := r.IntN(doc.LineCount())
	col := r.IntN(len(doc.Line(line)) + 1)
	at := text.Position{Line: line, Character: col}
	switch r.IntN(3) {
	case 0:
		return text.Edit{Range: &text.Range{Start: at, End: at}, Text: "fmt.Println(x, f(a,"}
	case 1:
		end := text.Position{Line: min(line+r.IntN(3), doc.LineCount()-1)}
		if end.Line == line {
			end.Character = col
		}
		return text.Edit{Range: &text.Range{Start: text.Position{Line: line}, End: end}, Text: ""}
	default:
		return text.Edit{Range: &text.Range{Start: at, End: at}, Text: ")\n"}
	}
}

// TestParseCancelStress parses and reparses large, broken Go sources on
// several goroutines and cancels the parses at random moments, so that some
// cancellations land in every phase of a parse (including the rebalancing
// at its end), while the pooled parsers are reused. A parser left in a bad
// state aborts the process in tree-sitter's C code; a good one gives trees
// equal to a fresh parse.
func TestParseCancelStress(t *testing.T) {
	lang := ByName("go")
	base := text.New(stressSource(400))
	start := time.Now()
	ref, err := Parse(context.Background(), lang, []byte(base.String()))
	if err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	want := ref.Root().ToSexp()
	ref.Close()
	before := OpenTrees()

	budget := 2 * time.Second
	if testing.Short() {
		budget = time.Second / 2
	}
	deadline := time.Now().Add(budget)
	var wg sync.WaitGroup
	var mu sync.Mutex
	cancelled, done := 0, 0
	for g := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), uint64(time.Now().UnixNano())))
			doc := base
			tr, err := Parse(context.Background(), lang, []byte(doc.String()))
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { tr.Close() }()
			for time.Now().Before(deadline) {
				next, changes, err := doc.Apply([]text.Edit{randomEdit(r, doc)}, text.UTF16)
				if err != nil {
					t.Error(err)
					return
				}
				// Cancel anywhere from the start to a little past the end.
				delay := time.Duration(r.Int64N(int64(full) * 5 / 4))
				ctx, cancel := context.WithTimeout(context.Background(), delay)
				src := []byte(next.String())
				var got *Tree
				if r.IntN(2) == 0 {
					got, err = tr.Reparse(ctx, src, changes)
				} else {
					got, err = Parse(ctx, lang, src)
				}
				cancel()
				mu.Lock()
				if err != nil {
					cancelled++
				} else {
					done++
				}
				mu.Unlock()
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("parse failed without cancellation: %v", err)
						return
					}
					continue
				}
				tr.Close()
				tr, doc = got, next
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("full parse %v; %d parses cancelled, %d finished", full, cancelled, done)
	if OpenTrees() != before {
		t.Errorf("OpenTrees = %d, want %d", OpenTrees(), before)
	}
	// The pooled parsers must still give the right tree.
	again, err := Parse(context.Background(), lang, []byte(base.String()))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Root().ToSexp() != want {
		t.Error("a reused parser gave a different tree")
	}
}

// TestReparseMismatchedChanges gives Reparse changes that contradict the
// new source: it must parse afresh rather than trust them.
func TestReparseMismatchedChanges(t *testing.T) {
	lang := ByName("go")
	old := []byte("package p\n\nfunc f() {}\n")
	tr, err := Parse(context.Background(), lang, old)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	src := []byte("package p\n\nfunc g(a int) { return }\n\nvar x = 1\n")
	bad := [][]text.Change{
		{{StartByte: 5, OldEndByte: 5, NewEndByte: 6}},                          // length off
		{{StartByte: 30, OldEndByte: 40, NewEndByte: 40 + len(src) - len(old)}}, // past the end
		{{StartByte: 8, OldEndByte: 4, NewEndByte: 4 + len(src) - len(old)}},    // reversed
	}
	fresh, err := Parse(context.Background(), lang, src)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for i, changes := range bad {
		if editsFit(len(old), len(src), changes) {
			t.Errorf("%d: editsFit accepted %+v", i, changes)
		}
		got, err := tr.Reparse(context.Background(), src, changes)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := got.Root().ToSexp(), fresh.Root().ToSexp(); a != b {
			t.Errorf("%d: tree %s, want %s", i, a, b)
		}
		if _, _, ok := got.Changed(); ok {
			t.Errorf("%d: Changed ok after a fresh parse", i)
		}
		got.Close()
	}
	good := []text.Change{{StartByte: 11, OldEndByte: len(old), NewEndByte: len(src)}}
	if !editsFit(len(old), len(src), good) {
		t.Errorf("editsFit rejected %+v", good)
	}
}
