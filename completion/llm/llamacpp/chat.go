package llamacpp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatBody struct {
	Messages    []chatMessage `json:"messages"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	Temperature float64       `json:"temperature"`
	Stop        []string      `json:"stop,omitempty"`
	Stream      bool          `json:"stream"`
	CachePrompt bool          `json:"cache_prompt"`
}

// chatAnswer is a whole answer or a streamed chunk of the OpenAI-compatible
// chat endpoint.
type chatAnswer struct {
	Model   string `json:"model"`
	Choices []struct {
		Index        int         `json:"index"`
		Message      chatMessage `json:"message"`
		Delta        chatMessage `json:"delta"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// chat calls /v1/chat/completions; the server applies the model's own
// chat template.
func (c *Client) chat(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	b := chatBody{MaxTokens: req.MaxTokens, Temperature: req.Temperature, Stop: req.Stop,
		Stream: yield != nil, CachePrompt: !c.opts.NoCache}
	for _, m := range req.Messages {
		b.Messages = append(b.Messages, chatMessage(m))
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodPost, "/v1/chat/completions", data)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if yield == nil {
		var a chatAnswer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			return nil, wire.StreamError(ctx, err)
		}
		out := &llm.Response{Model: a.Model, PromptTokens: a.Usage.PromptTokens, CompletionTokens: a.Usage.CompletionTokens}
		for _, ch := range a.Choices {
			out.Choices = append(out.Choices, llm.Choice{Text: ch.Message.Content, FinishReason: ch.FinishReason})
		}
		return out, nil
	}
	var text strings.Builder
	model, finish := "", ""
	stopped := false
	err = wire.ReadEvents(resp.Body, false, func(data []byte) (bool, error) {
		if string(data) == "[DONE]" {
			return false, nil
		}
		var a chatAnswer
		if err := json.Unmarshal(data, &a); err != nil {
			return false, fmt.Errorf("decoding stream: %w", err)
		}
		model = a.Model
		for _, ch := range a.Choices {
			if ch.Index != 0 {
				continue
			}
			if ch.FinishReason != "" {
				finish = ch.FinishReason
			}
			if ch.Delta.Content != "" {
				text.WriteString(ch.Delta.Content)
				if !yield(ch.Delta.Content) {
					stopped = true
					return false, nil
				}
			}
		}
		return true, nil
	})
	switch {
	case err != nil:
		return nil, wire.StreamError(ctx, err)
	case !stopped && finish == "":
		return nil, wire.StreamError(ctx, errors.New("stream ended before a finish reason"))
	}
	return &llm.Response{Model: model, Choices: []llm.Choice{{Text: text.String(), FinishReason: finish}}}, nil
}
