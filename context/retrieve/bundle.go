// Package retrieve builds the context bundle for a cursor: the snippets of
// the workspace that a model should see, each with where it came from and
// why, packed under a token budget.
//
// The main types are Request, Snippet, Bundle, Retriever (one bundle per
// cursor) and Indexer (fills and updates the index in the background).
// Every snippet is read through the workspace (ignored and secret files
// stay unread) and redacted (context/redact) before it is counted. Package
// retrieve depends on context/workspace, context/syntax, context/index,
// context/text and context/redact; it knows nothing of LSP, prompts or
// models.
package retrieve

// Reason says why a snippet is in a bundle.
type Reason string

const (
	ReasonEnclosing  Reason = "enclosing scope"
	ReasonDefinition Reason = "definition" // of an identifier used near the cursor
	ReasonImport     Reason = "imported symbol"
	ReasonSimilar    Reason = "similar code"
	ReasonRecentEdit Reason = "recent edit"
)

// Request asks for the context of one cursor.
type Request struct {
	Path     string // absolute path of the document
	Language string // language id; empty means "from the extension"
	Content  string // the document's current content (open buffers override disk)
	Offset   int    // byte offset of the cursor in Content
	Budget   int    // token budget for the whole bundle

	// PrefixStart and SuffixEnd bound the byte range of Content that the
	// prompt already holds around the cursor; snippets of this file that
	// overlap [PrefixStart, SuffixEnd) are dropped.
	PrefixStart, SuffixEnd int
}

// Snippet is one piece of context.
type Snippet struct {
	Path      string  `json:"path"`
	StartLine int     `json:"startLine"` // zero-based, inclusive
	EndLine   int     `json:"endLine"`   // zero-based, inclusive
	Text      string  `json:"text"`
	Reason    Reason  `json:"reason"`
	Symbol    string  `json:"symbol,omitempty"` // the identifier a definition was found for
	Score     float64 `json:"score"`
	Tokens    int     `json:"tokens"`
}

// Bundle is the context chosen for one cursor, best first.
type Bundle struct {
	Snippets []Snippet `json:"snippets"`
	Tokens   int       `json:"tokens"` // sum of the snippets' tokens
	Budget   int       `json:"budget"`
	// Cut lists the sources left out because the request's time budget
	// ran out before they finished, in priority order.
	Cut []Cut `json:"cut,omitempty"`
}

// Cut is a source of context left out of a bundle, and why.
type Cut struct {
	Source Reason `json:"source"`
	Why    string `json:"why"`
}
