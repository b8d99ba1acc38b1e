package openai

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// errEarlyEnd reports a stream that ended without a finish reason: the
// server or a proxy cut it.
var errEarlyEnd = errors.New("stream ended before the answer was finished")

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
	ctx, ex := withExchange(ctx)
	if yield == nil {
		r, err := c.api.CreateCompletion(ctx, cr)
		if err != nil {
			return nil, c.mapError(ctx, ex, err)
		}
		resp := &llm.Response{Model: r.Model, PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens}
		choices := slices.Clone(r.Choices)
		slices.SortStableFunc(choices, func(a, b goopenai.CompletionChoice) int { return a.Index - b.Index })
		for _, ch := range choices {
			resp.Choices = append(resp.Choices, llm.Choice{Text: ch.Text, FinishReason: ch.FinishReason})
		}
		return resp, nil
	}
	st, err := c.api.CreateCompletionStream(ctx, cr)
	if err != nil {
		return nil, c.mapError(ctx, ex, err)
	}
	defer st.Close()
	var acc accumulator
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return acc.end(ctx)
		}
		if err != nil {
			return nil, c.mapError(ctx, ex, err)
		}
		acc.model = r.Model
		for _, ch := range r.Choices {
			if ch.Index == 0 && !acc.add(ch.Text, ch.FinishReason, yield) {
				return acc.response(), nil
			}
		}
	}
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
	ctx, ex := withExchange(ctx)
	if yield == nil {
		r, err := c.api.CreateChatCompletion(ctx, cr)
		if err != nil {
			return nil, c.mapError(ctx, ex, err)
		}
		resp := &llm.Response{Model: r.Model, PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens}
		choices := slices.Clone(r.Choices)
		slices.SortStableFunc(choices, func(a, b goopenai.ChatCompletionChoice) int { return a.Index - b.Index })
		for _, ch := range choices {
			resp.Choices = append(resp.Choices, llm.Choice{Text: ch.Message.Content, FinishReason: string(ch.FinishReason)})
		}
		return resp, nil
	}
	st, err := c.api.CreateChatCompletionStream(ctx, cr)
	if err != nil {
		return nil, c.mapError(ctx, ex, err)
	}
	defer st.Close()
	var acc accumulator
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return acc.end(ctx)
		}
		if err != nil {
			return nil, c.mapError(ctx, ex, err)
		}
		acc.model = r.Model
		for _, ch := range r.Choices {
			if ch.Index == 0 && !acc.add(ch.Delta.Content, string(ch.FinishReason), yield) {
				return acc.response(), nil
			}
		}
	}
}

// accumulator gathers a streamed first choice.
type accumulator struct {
	model  string
	text   strings.Builder
	finish string
}

// add records one delta and reports whether to go on reading.
func (a *accumulator) add(delta, finish string, yield func(string) bool) bool {
	if finish != "" {
		a.finish = finish
	}
	if delta == "" {
		return true
	}
	a.text.WriteString(delta)
	return yield(delta)
}

func (a *accumulator) response() *llm.Response {
	return &llm.Response{Model: a.model, Choices: []llm.Choice{{Text: a.text.String(), FinishReason: a.finish}}}
}

// end is the stream's clean end: complete only if a finish reason came.
func (a *accumulator) end(ctx context.Context) (*llm.Response, error) {
	if a.finish == "" {
		return nil, wire.StreamError(ctx, errEarlyEnd)
	}
	return a.response(), nil
}
