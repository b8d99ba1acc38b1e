// Package llm is lode's contract with code models: the small Model
// interface every provider implements, the optional capabilities a caller
// discovers by type assertion (Streamer, FIMer, TokenCounter, Lister), and
// the sentinel errors that tell a caller what to do next.
//
// Providers live in sub-packages, one wire format each. Package llm depends
// on the standard library alone and knows nothing of LSP or of prompts: a
// Request arrives already written in the model family's format.
package llm

import (
	"context"
)

// Mode says how a Request's text is laid out.
type Mode int

const (
	// ModeRaw sends Prompt as is to a completion endpoint. The prompt is
	// already written in the model's own fill-in-the-middle template.
	ModeRaw Mode = iota
	// ModeFIM sends Prompt as the prefix and Suffix as the suffix through
	// the provider's native fill-in-the-middle (OpenAI `suffix`, Ollama
	// `suffix`, llama.cpp /infill, Mistral /v1/fim/completions). Only valid
	// when the model reports FIM support (see FIMer).
	ModeFIM
	// ModeChat sends Messages to a chat endpoint.
	ModeChat
)

func (m Mode) String() string {
	switch m {
	case ModeFIM:
		return "fim"
	case ModeChat:
		return "chat"
	}
	return "raw"
}

// Message is one chat message.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Snippet is a piece of another file, for providers that take other files
// separately from the prompt (llama.cpp's input_extra).
type Snippet struct {
	Path string
	Text string
}

// Request is one call to a model.
type Request struct {
	Mode     Mode
	Model    string // overrides the provider's configured model when set
	Prompt   string // ModeRaw: the whole prompt; ModeFIM: the prefix
	Suffix   string // ModeFIM only
	Messages []Message
	Extra    []Snippet // ModeFIM: other files' context, where the wire format takes it

	// Path and Language name the document being completed, for models that
	// adapt to it (the embedded model's file and package levels).
	Path, Language string

	MaxTokens   int
	Temperature float64
	Stop        []string
	N           int // candidates wanted; 0 means 1

	// Indent, when positive, asks providers that support it (llama.cpp's
	// n_indent) to stop when a line is indented less than this many columns.
	Indent int
	// MaxTime, when positive, is a generation time budget in milliseconds
	// for providers that support one (llama.cpp's t_max_predict_ms).
	MaxTime int
}

// Choice is one candidate answer.
type Choice struct {
	Text         string
	FinishReason string // "stop", "length", or provider specific
}

// Response is a model's answer.
type Response struct {
	Model   string // the model that answered, as the server names it
	Choices []Choice
	// PromptTokens and CompletionTokens are the server's counts when it
	// reports them, else zero.
	PromptTokens, CompletionTokens int
}

// Text returns the first choice's text, or "" when there is none.
func (r *Response) Text() string {
	if r == nil || len(r.Choices) == 0 {
		return ""
	}
	return r.Choices[0].Text
}

// Model is a code model. Implementations are safe for concurrent use, and
// abort the underlying network call when ctx is cancelled.
type Model interface {
	// Complete returns the model's answer to req, or an error wrapping one
	// of this package's sentinels where one applies.
	Complete(ctx context.Context, req *Request) (*Response, error)
}

// Streamer is implemented by models that can stream their answer.
type Streamer interface {
	// Stream calls yield with each piece of text as it arrives (for the
	// first choice). When yield returns false, Stream stops reading, closes
	// the connection and returns what arrived so far with a nil error.
	Stream(ctx context.Context, req *Request, yield func(delta string) bool) (*Response, error)
}

// FIMer is implemented by models that know whether they take a native
// fill-in-the-middle request (ModeFIM). A model that does not implement it
// takes ModeRaw and ModeChat only.
type FIMer interface {
	SupportsFIM() bool
}

// TokenCounter is implemented by models that can count tokens the way
// they tokenize.
type TokenCounter interface {
	CountTokens(s string) int
}

// Lister is implemented by providers that can list the models they serve.
type Lister interface {
	ListModels(ctx context.Context) ([]string, error)
}

// Namer is implemented by models that know the name of the model they call
// by default; prompt templates are chosen from it.
type Namer interface {
	ModelName() string
}

// Server is what the client of a model server offers: streaming,
// fill-in-the-middle where the server has it, the models it serves and
// the one it calls. The HTTP providers' clients are Servers.
type Server interface {
	StandIn
	Lister
}

// StandIn is a Server but for listing the models it serves: what the
// models that stand in for a server's client (the circuit breaker, the
// test model) offer.
type StandIn interface {
	Model
	Streamer
	FIMer
	Namer
}

// Prediction is one ranked next token.
type Prediction struct {
	Text  string
	Score float64 // probability-like, higher is better, in [0, 1]
}

// Predictor is implemented by models that rank next tokens directly (the
// embedded model), used for completion items. req.Prompt holds the prefix.
type Predictor interface {
	PredictNext(ctx context.Context, req *Request, n int) ([]Prediction, error)
}

// Alternator is implemented by models whose alternatives are cheap: asking
// for several candidates (Request.N > 1) costs them no tokens, no network
// round trip and no second call, only a little more work in the process
// (the embedded model ranks its first tokens anyway, and each alternative
// is one more walk from another of them). Where one candidate is wanted
// and the syntax check is on, the completion engine asks such a model for
// a few, so as to offer the best one the check keeps. A server model does
// not implement it: its alternatives cost tokens and time, and it is
// asked for the candidates wanted only.
type Alternator interface {
	CheapAlternatives() bool
}
