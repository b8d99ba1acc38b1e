package openai

import (
	"context"
	"errors"
	"io"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// completion calls /completions: ModeRaw with the template in the prompt,
// ModeFIM with a suffix.
func (c *Client) completion(ctx context.Context, model string, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	cr := goopenai.CompletionRequest{
		Model:       model,
		Prompt:      req.Prompt,
		MaxTokens:   req.MaxTokens,
		Temperature: temperature(req.Temperature),
		Stop:        c.stops(req.Stop),
		N:           req.N,
	}
	if req.Mode == llm.ModeFIM {
		cr.Suffix = req.Suffix
	}
	return send(ctx, c, cr, yield, c.api.CreateCompletion, completionChunk, c.api.CreateCompletionStream, completionChunk)
}

// chat calls /chat/completions.
func (c *Client) chat(ctx context.Context, model string, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	cr := goopenai.ChatCompletionRequest{
		Model:       model,
		MaxTokens:   req.MaxTokens,
		Temperature: temperature(req.Temperature),
		Stop:        c.stops(req.Stop),
		N:           req.N,
	}
	for _, m := range req.Messages {
		cr.Messages = append(cr.Messages, goopenai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	if goopenai.NewReasoningValidator().Validate(cr) != nil {
		// A reasoning model (o1, o3, o4, gpt-5): go-openai refuses
		// max_tokens and any sampling setting for it.
		cr.MaxCompletionTokens, cr.MaxTokens, cr.Temperature, cr.N = cr.MaxTokens, 0, 0, 0
	}
	return send(ctx, c, cr, yield, c.api.CreateChatCompletion, chatChunk, c.api.CreateChatCompletionStream, deltaChunk)
}

// send sends the request cr through go-openai: whole by create, its answer
// turned into a wire.Chunk by whole, when yield is nil; else streamed by
// open and gathered by read, each event turned by part. Errors are mapped
// to the llm sentinels.
func send[Q, R, E any, S stream[E]](ctx context.Context, c *Client, cr Q, yield func(string) bool,
	create func(context.Context, Q) (R, error), whole func(R) wire.Chunk,
	open func(context.Context, Q) (S, error), part func(E) wire.Chunk) (*llm.Response, error) {
	ctx, ex := withExchange(ctx)
	if yield == nil {
		r, err := create(ctx, cr)
		return c.answer(ctx, ex, whole(r), err)
	}
	st, err := open(ctx, cr)
	if err != nil {
		return nil, c.mapError(ctx, ex, err)
	}
	return read(ctx, c, ex, st, part, yield)
}

// answer returns a whole answer, or err mapped to the llm sentinels.
func (c *Client) answer(ctx context.Context, ex *exchange, ch wire.Chunk, err error) (*llm.Response, error) {
	if err != nil {
		return nil, c.mapError(ctx, ex, err)
	}
	return ch.Response(), nil
}

// stream is what go-openai's completion and chat streams share.
type stream[R any] interface {
	Recv() (R, error)
	Close() error
}

// read gathers st, each of its answers turned into a wire.Chunk by chunk,
// and closes it.
func read[R any](ctx context.Context, c *Client, ex *exchange, st stream[R], chunk func(R) wire.Chunk,
	yield func(string) bool) (*llm.Response, error) {
	defer st.Close()
	var s wire.Stream
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return s.End(ctx)
		}
		if err != nil {
			return nil, c.mapError(ctx, ex, err)
		}
		ch := chunk(r)
		if !s.Add(ch.Step(&s), yield) {
			return s.Response(), nil
		}
	}
}

// completionChunk, chatChunk and deltaChunk turn go-openai's answers into
// wire.Chunk.
func completionChunk(r goopenai.CompletionResponse) wire.Chunk {
	ch := wire.Chunk{Model: r.Model}
	if r.Usage != nil {
		ch.Usage = &wire.Usage{PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens}
	}
	for _, c := range r.Choices {
		ch.Choices = append(ch.Choices, wire.ChunkChoice{Index: c.Index, Text: c.Text, FinishReason: c.FinishReason})
	}
	return ch
}

func chatChunk(r goopenai.ChatCompletionResponse) wire.Chunk {
	ch := wire.Chunk{Model: r.Model, Usage: &wire.Usage{PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens}}
	for _, c := range r.Choices {
		ch.Choices = append(ch.Choices, wire.ChunkChoice{Index: c.Index, Message: wire.ChunkText{Content: c.Message.Content},
			FinishReason: string(c.FinishReason)})
	}
	return ch
}

func deltaChunk(r goopenai.ChatCompletionStreamResponse) wire.Chunk {
	ch := wire.Chunk{Model: r.Model}
	if r.Usage != nil {
		ch.Usage = &wire.Usage{PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens}
	}
	for _, c := range r.Choices {
		ch.Choices = append(ch.Choices, wire.ChunkChoice{Index: c.Index, Delta: wire.ChunkText{Content: c.Delta.Content},
			FinishReason: string(c.FinishReason)})
	}
	return ch
}
