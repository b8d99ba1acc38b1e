package lode

import (
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

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
}

// MethodNextEdits asks for the edits that follow from the user's last
// edit of a document: NextEditsParams in, NextEditsResult out.
const MethodNextEdits = "lode/nextEdits"

// NextEditsParams are the params of MethodNextEdits. The version is the
// one the editor shows: lode answers nothing for another.
type NextEditsParams struct {
	TextDocument lsp.VersionedTextDocumentIdentifier `json:"textDocument"`
	Position     lsp.Position                        `json:"position"`
}

// NextEditsResult is the result of MethodNextEdits.
type NextEditsResult struct {
	Edits []NextEdit `json:"edits"`
}

// NextEdit is one predicted edit, possibly in another file.
type NextEdit struct {
	ID  string  `json:"id"`
	URI uri.URI `json:"uri"`
	// Version is the version of the open document Range is in; absent
	// when the file is not open (Range is in the file on disk).
	Version *int32    `json:"version,omitzero"`
	Range   lsp.Range `json:"range"`
	NewText string    `json:"newText"`
	// Kind is rename, argument, parameter or repeat.
	Kind string `json:"kind"`
	// Placeholder, when set, is the part of NewText the user is expected
	// to replace (a new parameter's name), as offsets into NewText in the
	// negotiated position encoding.
	Placeholder *Placeholder `json:"placeholder,omitzero"`
}

// Placeholder is a range of a NextEdit's NewText.
type Placeholder struct {
	Start uint32 `json:"start"`
	End   uint32 `json:"end"`
}
