package syntax

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// leavesGo is Leaves walked from Go, node by node: the reference the C walk
// must agree with.
func leavesGo(t *Tree, start, end int) []Leaf {
	var out []Leaf
	c := t.ts.Walk()
	defer c.Close()
	for {
		n := c.Node()
		s, e := int(n.StartByte()), int(n.EndByte())
		if s >= end && s > start {
			return out
		}
		descend := false
		if e > start && e > s {
			k := t.lang.kindOf(n.KindId())
			if n.ChildCount() == 0 || k.atomic {
				out = append(out, Leaf{Kind: k.name, Class: k.class, Start: s, End: e})
			} else {
				descend = true
			}
		}
		if descend && c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				return out
			}
		}
	}
}

func TestLeavesMatchGoWalk(t *testing.T) {
	files, _ := filepath.Glob("testdata/[sS]ample.*")
	for _, f := range files {
		src, _ := os.ReadFile(f)
		for _, broken := range []bool{false, true} {
			if broken {
				src = append(append(append([]byte(nil), src[:len(src)/2]...), " ) ] @@ { "...), src[len(src)/2:]...)
			}
			tr, err := Parse(context.Background(), Detect("", f), src)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range [][2]int{{0, len(src)}, {len(src) / 3, len(src) / 2}, {10, 10}, {len(src), len(src) + 5}} {
				var got []Leaf
				tr.Leaves(r[0], r[1], func(l Leaf) bool { got = append(got, l); return true })
				if want := leavesGo(tr, r[0], r[1]); !slices.Equal(got, want) {
					t.Errorf("%s broken=%v %v: C walk differs from Go walk\n got %v\nwant %v", f, broken, r, got, want)
				}
			}
			tr.Close()
		}
	}
}

func bigGo(lines int) []byte {
	var sb strings.Builder
	sb.WriteString("package big\n\n")
	for i := 0; strings.Count(sb.String(), "\n") < lines; i++ {
		fmt.Fprintf(&sb, "// F%d is a function.\nfunc F%d(x int) string {\n\tif x > %d {\n\t\treturn fmt.Sprint(\"big\", x)\n\t}\n\treturn \"\"\n}\n\n", i, i, i)
	}
	return []byte(sb.String())
}

// bigTree returns the tree of a 5,000-line Go file, closed when the
// benchmark ends.
func bigTree(b *testing.B) *Tree {
	b.Helper()
	tr, err := Parse(context.Background(), ByName("go"), bigGo(5000))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(tr.Close)
	return tr
}

// BenchmarkLeaves walks the leaves of a 5,000-line file.
func BenchmarkLeaves(b *testing.B) {
	tr := bigTree(b)
	for b.Loop() {
		n := 0
		tr.Leaves(0, len(tr.Source()), func(Leaf) bool { n++; return true })
	}
}

// BenchmarkLeavesGo is the same walk made from Go, node by node.
func BenchmarkLeavesGo(b *testing.B) {
	tr := bigTree(b)
	for b.Loop() {
		leavesGo(tr, 0, len(tr.Source()))
	}
}

// BenchmarkParse parses a 5,000-line file.
func BenchmarkParse(b *testing.B) {
	src := bigGo(5000)
	for b.Loop() {
		tr, err := Parse(context.Background(), ByName("go"), src)
		if err != nil {
			b.Fatal(err)
		}
		tr.Close()
	}
}

// BenchmarkParsePausable parses the same file as BenchmarkParse with a
// pause that never waits: the cost of the progress callback.
func BenchmarkParsePausable(b *testing.B) {
	src := bigGo(5000)
	ctx := WithPause(context.Background(), func(ctx context.Context) error { return ctx.Err() })
	for b.Loop() {
		tr, err := Parse(ctx, ByName("go"), src)
		if err != nil {
			b.Fatal(err)
		}
		tr.Close()
	}
}
