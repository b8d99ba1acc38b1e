package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

// fileState is everything the index holds for a file, in a form that does
// not depend on ids.
func fileState(x *Index, path string) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	f := x.files[path]
	if f == nil {
		return "<none>"
	}
	s := fmt.Sprintf("pkg=%q lines=%d hash=%x imports=%+v\n", f.pkg, f.lines, f.hash, f.imports)
	for _, sym := range f.syms {
		s += fmt.Sprintf("%+v\n", sym.Definition)
	}
	for i, id := range f.chunks {
		ch := x.chunks[id]
		s += fmt.Sprintf("chunk %d pos=%d lines %d-%d len=%d:", i, ch.pos, ch.startLine, ch.endLine, ch.length)
		var terms []string
		for j, t := range ch.terms {
			terms = append(terms, fmt.Sprintf("%s×%d", x.terms.name(t), ch.tfs[j]))
		}
		slices.Sort(terms)
		s += " " + strings.Join(terms, " ") + "\n"
	}
	return s
}

// TestIncrementalUpdateMatchesFresh edits files at random through Update
// (incremental outline and chunks) and compares the entry with that of a
// fresh index of the same content after every edit.
func TestIncrementalUpdateMatchesFresh(t *testing.T) {
	samples, _ := filepath.Glob("../syntax/testdata/[sS]ample.*")
	inserts := []string{"x", "\n", "// note\n", "func g() {}\n", "}", "{", " ", "\n\n", "def h():\n    pass\n", "int y;\n", "class Q {}\n", "é", "\r\n", "😀 ", "/* c */"}
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	for _, path := range append(samples, "big.go") {
		var src []byte
		if path == "big.go" {
			src = bigFile(300)
		} else {
			var err error
			if src, err = os.ReadFile(path); err != nil {
				t.Fatal(err)
			}
		}
		lang := syntax.Detect("", path)
		x := New()
		if err := x.Update(ctx, path, lang, src); err != nil {
			t.Fatal(err)
		}
		for step := range 40 {
			at := rng.IntN(len(src) + 1)
			del := min(rng.IntN(6), len(src)-at)
			ins := inserts[rng.IntN(len(inserts))]
			next := append(append(append([]byte(nil), src[:at]...), ins...), src[at+del:]...)
			if err := x.Update(ctx, path, lang, next); err != nil {
				t.Fatal(err)
			}
			fresh := New()
			if err := fresh.Update(ctx, path, lang, next); err != nil {
				t.Fatal(err)
			}
			if got, want := fileState(x, path), fileState(fresh, path); got != want {
				os.WriteFile("/tmp/b1fail.src", next, 0o644)
				os.WriteFile("/tmp/b1fail.prev", src, 0o644)
				t.Fatalf("%s step %d (at %d, -%d, +%q): incremental entry differs\n got:\n%s\nwant:\n%s", path, step, at, del, ins, got, want)
			}
			fresh.Close()
			src = next
		}
		x.Close()
	}
	if n := syntax.OpenTrees(); n != 0 {
		t.Errorf("%d trees left open", n)
	}
}
