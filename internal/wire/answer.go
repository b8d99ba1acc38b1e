package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
)

// errEarlyEnd reports a stream that ended before its last event or a
// finish reason: the server or a proxy cut it.
var errEarlyEnd = errors.New("stream ended before the answer was finished")

// Stream gathers the first choice of a streamed answer, event by event.
type Stream struct {
	Model            string
	Finish           string // the finish reason, once an event gave one
	Done             bool   // the server's last event came: stop reading
	PromptTokens     int
	CompletionTokens int

	text    strings.Builder
	stopped bool // yield asked to stop
}

// Add appends a piece of text and yields it. It reports whether to go on
// reading: false once yield returned false.
func (s *Stream) Add(text string, yield func(string) bool) bool {
	if text == "" {
		return true
	}
	s.text.WriteString(text)
	if !yield(text) {
		s.stopped = true
		return false
	}
	return true
}

// Response returns what was gathered.
func (s *Stream) Response() *llm.Response {
	return &llm.Response{Model: s.Model, PromptTokens: s.PromptTokens, CompletionTokens: s.CompletionTokens,
		Choices: []llm.Choice{{Text: s.text.String(), FinishReason: s.Finish}}}
}

// End returns the response of a stream that ended without a read error:
// complete when the last event or a finish reason came or yield stopped
// it; otherwise an error wrapping llm.ErrBadResponse.
func (s *Stream) End(ctx context.Context) (*llm.Response, error) {
	if !s.stopped && !s.Done && s.Finish == "" {
		return nil, StreamError(ctx, errEarlyEnd)
	}
	return s.Response(), nil
}

// ReadStream reads a streamed answer from r, server-sent events or (when
// ndjson) JSON lines, and yields its text. Each event is decoded into a
// new T and given to step, which notes in s what the event says (model,
// finish reason, last event, usage) and returns its text. An error from
// step is an error the server reported in the stream and ends the call as
// it is. Reading stops at s.Done, at an SSE "[DONE]", once yield returns
// false, or at the end of r; see Stream.End.
func ReadStream[T any](ctx context.Context, r io.Reader, ndjson bool, yield func(string) bool,
	step func(event *T, s *Stream) (string, error)) (*llm.Response, error) {
	var s Stream
	var stepErr error
	err := ReadEvents(r, ndjson, func(data []byte) (bool, error) {
		if !ndjson && string(data) == "[DONE]" {
			return false, nil
		}
		var ev T
		if err := json.Unmarshal(data, &ev); err != nil {
			return false, fmt.Errorf("decoding stream: %w", err)
		}
		text, err := step(&ev, &s)
		if err != nil {
			stepErr = err
			return false, err
		}
		return s.Add(text, yield) && !s.Done, nil
	})
	switch {
	case stepErr != nil:
		return nil, stepErr
	case err != nil:
		return nil, StreamError(ctx, err)
	}
	return s.End(ctx)
}

// Chunk is an answer in the OpenAI style, whole or one event of a stream
// ("data: {...}" lines up to "data: [DONE]"), of /completions (the text in
// choices[].text), /chat/completions and Mistral's /fim/completions
// (choices[].message.content whole, choices[].delta.content streamed).
// A stream's usage, when the server sends it, comes in an event of its own
// with no choices.
type Chunk struct {
	Model   string        `json:"model"`
	Choices []ChunkChoice `json:"choices"`
	Usage   *Usage        `json:"usage"`
}

// ChunkChoice is one choice of a Chunk.
type ChunkChoice struct {
	Index        int       `json:"index"`
	Text         string    `json:"text"`
	Message      ChunkText `json:"message"`
	Delta        ChunkText `json:"delta"`
	FinishReason string    `json:"finish_reason"`
}

// ChunkText is a chat message or delta.
type ChunkText struct {
	Content string `json:"content"`
}

// Usage counts an answer's tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Response returns c as a whole answer, its choices in index order.
func (c *Chunk) Response() *llm.Response {
	resp := &llm.Response{Model: c.Model}
	if c.Usage != nil {
		resp.PromptTokens, resp.CompletionTokens = c.Usage.PromptTokens, c.Usage.CompletionTokens
	}
	choices := slices.Clone(c.Choices)
	slices.SortStableFunc(choices, func(a, b ChunkChoice) int { return a.Index - b.Index })
	for _, ch := range choices {
		resp.Choices = append(resp.Choices, llm.Choice{Text: ch.Text + ch.Message.Content, FinishReason: ch.FinishReason})
	}
	return resp
}

// Step notes in s what the streamed chunk c says of the first choice and
// returns its text.
func (c *Chunk) Step(s *Stream) string {
	if c.Model != "" {
		s.Model = c.Model
	}
	if c.Usage != nil {
		s.PromptTokens, s.CompletionTokens = c.Usage.PromptTokens, c.Usage.CompletionTokens
	}
	var text string
	for _, ch := range c.Choices {
		if ch.Index != 0 {
			continue
		}
		if ch.FinishReason != "" {
			s.Finish = ch.FinishReason
		}
		text += ch.Text + ch.Delta.Content
	}
	return text
}

// ReadChunks reads an OpenAI-style answer from r: a whole Chunk when yield
// is nil, else a stream of them whose text is yielded.
func ReadChunks(ctx context.Context, r io.Reader, yield func(string) bool) (*llm.Response, error) {
	if yield == nil {
		var c Chunk
		if err := Decode(ctx, r, &c); err != nil {
			return nil, err
		}
		return c.Response(), nil
	}
	return ReadStream(ctx, r, false, yield, func(c *Chunk, s *Stream) (string, error) { return c.Step(s), nil })
}
