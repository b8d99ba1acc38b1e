package server

import (
	"context"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// cuttingSource leaves out similar code when its context has a deadline,
// as the retriever does when a time budget runs out.
type cuttingSource struct{}

func (cuttingSource) Context(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	b := retrieve.Bundle{Snippets: []retrieve.Snippet{}, Budget: req.Budget}
	if _, timed := ctx.Deadline(); timed {
		b.Cut = []retrieve.Cut{{Source: retrieve.ReasonSimilar, Why: "not finished within the time budget"}}
	}
	return b, nil
}

// TestContextTimeBudget checks that lode/context passes its time budget
// on as a deadline, and answers which sources it cut.
func TestContextTimeBudget(t *testing.T) {
	opts := testOptions(t)
	opts.Context = cuttingSource{}
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	for _, ms := range []int{0, 40} {
		var b retrieve.Bundle
		p := &lode.ContextParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)}, TimeBudgetMS: ms}
		if err := e.Call(lode.MethodContext, p, &b); err != nil {
			t.Fatal(err)
		}
		if cut := len(b.Cut) == 1 && b.Cut[0].Source == retrieve.ReasonSimilar; cut != (ms > 0) {
			t.Errorf("time budget %dms: cut %+v", ms, b.Cut)
		}
	}
}
