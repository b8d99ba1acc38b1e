package completion

import (
	"time"

	"github.com/lode-ls/lode/completion/llm"

	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
)

// Trigger says why a completion was asked for.
type Trigger int

const (
	// Automatic requests come as the user types; the trigger policy may
	// decline them, and they return one candidate.
	Automatic Trigger = iota
	// Invoked requests were asked for explicitly; they always reach the
	// model and may return several candidates.
	Invoked
)

func (t Trigger) String() string {
	if t == Invoked {
		return "invoked"
	}
	return "automatic"
}

// Request is one completion request at a cursor.
type Request struct {
	Path       string // absolute path of the document
	LanguageID string // as the editor names it; may be empty
	Text       *text.Text
	Offset     int   // byte offset of the cursor in Text
	Version    int32 // document version, for logs and staleness checks
	Trigger    Trigger
	// Deleted reports that the edit just before the request deleted text,
	// when the caller knows it. The engine also notices a deletion at the
	// cursor by comparing with the document's previous request.
	Deleted bool
	// Surface separates the callers that complete the same document side
	// by side (the server's "inline" and "items"): latest wins within one
	// surface, and identical prompts from both share one model call.
	Surface string
	// Candidates is the number of candidates wanted for an invoked
	// request; zero means the configured number. Automatic requests get
	// one.
	Candidates int
	// Predict asks, after the line candidates, for the model's ranked next
	// tokens as items of their own (the completion item surface), from the
	// model or else the embedded companion when one of them ranks tokens
	// (llm.Predictor). The line candidates are then waited for at most
	// the configured items wait: the items never block on a slow model.
	Predict bool
}

// Kind says what an item completes.
type Kind int

const (
	// KindLine is a model's generation: the rest of the line or a block.
	KindLine Kind = iota
	// KindIdentifier is a ranked next token that is a name.
	KindIdentifier
	// KindMember is a name after a member access (".", "->", "::").
	KindMember
	// KindKeyword is a keyword of the document's language.
	KindKeyword
	// KindValue is a literal: a number or a string.
	KindValue
)

func (k Kind) String() string {
	switch k {
	case KindIdentifier:
		return "identifier"
	case KindMember:
		return "member"
	case KindKeyword:
		return "keyword"
	case KindValue:
		return "value"
	}
	return "line"
}

// Item is one completion. Text replaces the byte range [Start, End) of
// the request's document: Start is the beginning of the identifier the
// cursor ends (so that editors can filter on it) and End is the cursor.
type Item struct {
	ID         string // names the item in Accept and in the feedback log
	Text       string
	Start, End int
	// Insert is the part of Text after the cursor: what the model added.
	Insert     string
	FilterText string // the text an editor filters on: Text's first line
	Model      string // the model that answered
	Mode       postprocess.Mode
	// Kind is KindLine for a model's generation, else what a ranked next
	// token was guessed to be; Score is then the model's confidence in it,
	// in [0, 1]. Ranked tokens have no ID: they are not in the feedback
	// log and not typed through.
	Kind  Kind
	Score float64
}

// Result is the answer to a Request.
type Result struct {
	Items []Item
	// Skipped says why no model was asked ("" when one was, or when the
	// answer came from a cache): a trigger-policy reason, or Superseded.
	Skipped string
	// Source says where the line items come from: "model",
	// "type-through", "in-flight", "cache", "fallback" (the embedded model,
	// the server being unavailable) or "companion" (the embedded model, the
	// server being slow); "predictor" when there are only ranked tokens.
	Source string
	// Pending reports that the model's call goes on after this answer (a
	// companion answer, or items that did not wait for the line): the next
	// request of the document that only typed ahead takes its answer over.
	Pending bool
	// Prompt is what was sent to the model, when one was asked.
	Prompt *Prompt
	// Err is the model's failure when the result is empty because of one
	// (it wraps llm's sentinels); Complete itself does not fail for it.
	Err    error
	Timing Timing
	// Grounding says, per item, which names the grounding check looked up
	// and what it did with those declared nowhere.
	Grounding []GroundCheck
}

// Superseded is Result.Skipped for a request answered empty because a
// newer request for the same document arrived before it finished.
const Superseded = "superseded by a newer request"

// Timing splits the time of one request.
type Timing struct {
	Gather time.Duration // request in to model call out: policy, context, prompt
	Model  time.Duration // waiting for the model (zero from a cache)
	Post   time.Duration // model answer in to result out: post-processing
}

// Prompt is what the engine asks a model, before the model family's
// format is applied: the windows around the cursor and the workspace
// context, all with secrets redacted.
type Prompt struct {
	Path, Language string
	Prefix, Suffix string // redacted windows before and after the cursor
	Context        []retrieve.Snippet
	// Cut lists the sources of workspace context that the time budget
	// left out (see retrieve.Bundle).
	Cut  []retrieve.Cut
	Mode postprocess.Mode
	// Tokens counts Prefix, Suffix and Context; Budget is what they had.
	Tokens, Budget int
	// Request is the call as sent, in the model's format (the last one
	// when the engine had to retry in another form).
	Request *llm.Request
}
