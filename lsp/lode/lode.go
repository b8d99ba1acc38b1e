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
	// TimeBudgetMS is the time budget of the search, in milliseconds, as a
	// completion has it: the sources that have not finished by then are
	// left out and listed in the bundle's "cut". Zero: every source runs.
	TimeBudgetMS int `json:"timeBudgetMs,omitzero"`
}

// MethodStatus is the server's lode/status notification: what lode is
// doing and which model answers, sent after initialized and whenever that
// changes. StatusParams is its params.
const MethodStatus = "lode/status"

// The states of StatusParams, most important first: a client shows one.
const (
	// StatusDisabled: completion is turned off (completion.enabled).
	StatusDisabled = "disabled"
	// StatusUnreachable: the model server does not answer; Fallback names
	// the model answering instead, or is empty when none does.
	StatusUnreachable = "unreachable"
	// StatusWorking: completion requests are in flight.
	StatusWorking = "working"
	// StatusIndexing: the workspace is being indexed (Progress says how far).
	StatusIndexing = "indexing"
	// StatusReady: idle, the model reachable as far as lode knows.
	StatusReady = "ready"
)

// StatusParams are the params of MethodStatus.
type StatusParams struct {
	State string `json:"state"`
	// Model names the configured completion model ("embedded" for the
	// offline model); Provider is its provider.
	Model    string `json:"model"`
	Provider string `json:"provider,omitempty"`
	// Fallback names the model answering while State is unreachable.
	Fallback string `json:"fallback,omitempty"`
	// Detail says why, for a tooltip (the model server's error).
	Detail string `json:"detail,omitempty"`
	// InFlight counts the completion requests being answered.
	InFlight int `json:"inFlight"`
	// Indexing is set while the workspace is indexed, whatever State is.
	Indexing *IndexingProgress `json:"indexing,omitempty"`
	// DisabledLanguages lists the language IDs completion is off for
	// (completion.disabled_languages).
	DisabledLanguages []string `json:"disabledLanguages,omitempty"`
}

// IndexingProgress is how far the workspace's indexing is.
type IndexingProgress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
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
	// Kind is rename, argument, parameter or repeat (the offline
	// predictor), or model.
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
