package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// mistralRequest is the body of Mistral's /v1/fim/completions. Unlike
// go-openai's types, the temperature is always sent.
type mistralRequest struct {
	Model       string   `json:"model"`
	Prompt      string   `json:"prompt"`
	Suffix      string   `json:"suffix,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Temperature float64  `json:"temperature"`
	Stop        []string `json:"stop,omitempty"`
	Stream      bool     `json:"stream"`
}

// mistralAnswer is a whole answer or a streamed chunk (chat-shaped).
type mistralAnswer struct {
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// mistralFIM calls {base}/fim/completions (Codestral).
func (c *Client) mistralFIM(ctx context.Context, model string, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	body, err := json.Marshal(mistralRequest{
		Model: model, Prompt: req.Prompt, Suffix: req.Suffix, MaxTokens: req.MaxTokens,
		Temperature: req.Temperature, Stop: req.Stop, Stream: yield != nil,
	})
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opts.BaseURL+"/fim/completions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	if c.opts.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.opts.APIKey)
	}
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return nil, wire.TransportError(ctx, err)
	}
	defer hresp.Body.Close()
	if hresp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(hresp.Body, 64<<10))
		return nil, wire.HTTPError(hresp.StatusCode, hresp.Header, wire.ErrorMessage(b), c.opts.APIKey)
	}
	if yield == nil {
		var a mistralAnswer
		if err := json.NewDecoder(hresp.Body).Decode(&a); err != nil {
			return nil, wire.StreamError(ctx, err)
		}
		resp := &llm.Response{Model: a.Model, PromptTokens: a.Usage.PromptTokens, CompletionTokens: a.Usage.CompletionTokens}
		for _, ch := range a.Choices {
			resp.Choices = append(resp.Choices, llm.Choice{Text: ch.Message.Content, FinishReason: ch.FinishReason})
		}
		return resp, nil
	}
	var acc accumulator
	stopped := false
	err = wire.ReadEvents(hresp.Body, false, func(data []byte) (bool, error) {
		if string(data) == "[DONE]" {
			return false, nil
		}
		var a mistralAnswer
		if err := json.Unmarshal(data, &a); err != nil {
			return false, fmt.Errorf("decoding stream: %w", err)
		}
		acc.model = a.Model
		for _, ch := range a.Choices {
			if ch.Index == 0 && !acc.add(ch.Delta.Content, ch.FinishReason, yield) {
				stopped = true
				return false, nil
			}
		}
		return true, nil
	})
	switch {
	case err != nil:
		return nil, wire.StreamError(ctx, err)
	case stopped:
		return acc.response(), nil
	}
	return acc.end(ctx)
}
