package openai

import (
	"context"
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

// mistralFIM calls {base}/fim/completions (Codestral), which answers
// in the chat shape.
func (c *Client) mistralFIM(ctx context.Context, model string, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	resp, err := c.W.Do(ctx, http.MethodPost, "/fim/completions", mistralRequest{
		Model: model, Prompt: req.Prompt, Suffix: req.Suffix, MaxTokens: req.MaxTokens,
		Temperature: req.Temperature, Stop: req.Stop, Stream: yield != nil,
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return wire.ReadChunks(ctx, resp.Body, yield)
}
