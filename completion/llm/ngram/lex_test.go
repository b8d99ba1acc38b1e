package ngram

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

// cursorLex is lex as it was before Tree.Leaves: a walk in Go with the
// library's tree cursor, kept as the reference for the token stream.
func cursorLex(tree *syntax.Tree, whole bool) []lexeme {
	src := tree.Source()
	lang := tree.Language()
	c := tree.Root().Walk()
	defer c.Close()
	l := lexer{src: src}
	for {
		n := c.Node()
		kc := lang.KindClass(n.KindId())
		atomic := kc == syntax.ClassString || kc == syntax.ClassComment
		if atomic || !c.GotoFirstChild() {
			l.leaf(int(n.StartByte()), int(n.EndByte()), kc)
			for !c.GotoNextSibling() {
				if !c.GotoParent() {
					return l.finish(whole)
				}
			}
		}
	}
}

// TestLexMatchesCursorWalk checks that lex, which collects the leaves in
// one call into C, gives the same tokens as the cursor walk, for whole
// files and prefixes cut anywhere (mid-token, mid-comment, broken syntax)
// in several languages.
func TestLexMatchesCursorWalk(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "..", "context", "syntax", "testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"bufio/bufio.go", "go/scanner/scanner.go", "encoding/json/decode.go"} {
		paths = append(paths, filepath.Join(runtime.GOROOT(), "src", p))
	}
	langs := map[string]string{".go": "go", ".py": "python", ".js": "javascript", ".ts": "typescript",
		".tsx": "tsx", ".java": "java", ".c": "c", ".cpp": "cpp", ".rs": "rust"}
	tested := map[string]bool{}
	for _, p := range paths {
		lang := syntax.ByName(langs[strings.ToLower(filepath.Ext(p))])
		if lang == nil {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tested[langs[strings.ToLower(filepath.Ext(p))]] = true
		cuts := []int{len(src)}
		for i := 1; i < 40; i++ {
			cuts = append(cuts, len(src)*i/40+i%7)
		}
		for _, cut := range cuts {
			cut = min(cut, len(src))
			tree, err := syntax.Parse(context.Background(), lang, src[:cut])
			if err != nil {
				t.Fatal(err)
			}
			for _, whole := range []bool{true, false} {
				got, want := lex(tree, whole), cursorLex(tree, whole)
				if !slices.Equal(got, want) {
					t.Errorf("%s cut at %d (whole %v): %d tokens, the cursor walk %d", p, cut, whole, len(got), len(want))
					for i := range min(len(got), len(want)) {
						if got[i] != want[i] {
							t.Errorf("first difference at token %d: %+v %q, want %+v %q", i,
								got[i], got[i].text(src), want[i], want[i].text(src))
							break
						}
					}
				}
			}
			tree.Close()
		}
	}
	t.Logf("languages: %v", slices.Sorted(maps.Keys(tested)))
	if len(tested) < 5 {
		t.Errorf("tested %d languages, want at least 5", len(tested))
	}
}
