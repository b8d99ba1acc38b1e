package retrieve

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
)

// TestNamesAfterRetrieve: the grounding check of a request reads the
// document's imports from the tree its retrieval parsed, parsing nothing
// itself, and knows the workspace's packages and their names.
func TestNamesAfterRetrieve(t *testing.T) {
	r, _, _, root := setup(t)
	ctx := context.Background()
	req := at(t, root, "shop/cart.go", "return money.", 200)
	if _, err := r.Retrieve(ctx, req); err != nil {
		t.Fatal(err)
	}
	parsed := syntax.ParsedBytes()
	declared := r.Names(ctx, req.Path, req.Content)
	if n := syntax.ParsedBytes() - parsed; n != 0 {
		t.Errorf("Names parsed %d bytes after the request's retrieval", n)
	}
	for _, tc := range []struct {
		qualifier, name string
		declared, check bool
	}{
		{"money", "Format", true, true},
		{"money", "Parse", false, true}, // a workspace package: known not to declare it
		{"", "Total", true, true},
	} {
		if d, c := declared(tc.qualifier, tc.name); d != tc.declared || c != tc.check {
			t.Errorf("%s.%s: declared %v, checked %v; want %v, %v", tc.qualifier, tc.name, d, c, tc.declared, tc.check)
		}
	}
}

// TestFirstRequestJoinsTheOpeningParse: the first request on a document
// just opened waits for the parse that its didOpen started instead of
// parsing the document a second time beside it.
func TestFirstRequestJoinsTheOpeningParse(t *testing.T) {
	// No indexer: it would parse the document too, once it is opened.
	root, ws, ix := newWorkspace(t, nil)
	r := New(ws, ix, tokens.New(), Options{})
	defer r.Close()
	var b strings.Builder
	b.WriteString("package shop\n\n")
	for i := range 20000 { // large enough that the request comes during the parse
		fmt.Fprintf(&b, "func f%d(x int) int { return x*%d + 1 }\n", i, i)
	}
	b.WriteString("func g() int {\n\treturn f1(\n}\n")
	content := b.String()
	path := filepath.Join(root, "shop", "big.go")
	parsed := syntax.ParsedBytes()
	ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: 1, Text: text.New(content)})
	off := strings.LastIndex(content, "f1(") + 3
	if _, err := r.Retrieve(context.Background(), Request{Path: path, Language: "go", Content: content, Offset: off, Budget: 200, PrefixStart: off - 10, SuffixEnd: off}); err != nil {
		t.Fatal(err)
	}
	r.work.Wait()
	if n := syntax.ParsedBytes() - parsed; n != int64(len(content)) {
		t.Errorf("parsed %d bytes for a document of %d", n, len(content))
	}
}
