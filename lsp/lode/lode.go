package lode

import lsp "go.lsp.dev/protocol"

// Custom methods lode serves besides LSP. docs/protocol.md describes each.
const (
	// MethodContext asks for the context bundle lode would send a model for
	// a cursor: ContextParams in, the bundle out.
	MethodContext = "lode/context"
)

// ContextParams are the params of MethodContext.
type ContextParams struct {
	TextDocument lsp.TextDocumentIdentifier `json:"textDocument"`
	Position     lsp.Position               `json:"position"`
	// Budget is the token budget of the bundle; zero uses the configured one.
	Budget int `json:"budget,omitzero"`
	// TimeBudgetMS is the time budget of the search, in milliseconds, as a
	// completion has it: the sources that have not finished by then are
	// left out and listed in the bundle's "cut". Zero: every source runs.
	TimeBudgetMS int `json:"timeBudgetMs,omitzero"`
}
