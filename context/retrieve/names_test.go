package retrieve

import (
	"context"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
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
