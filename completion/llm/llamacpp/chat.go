package llamacpp

import (
	"context"
	"net/http"

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

// chat calls /v1/chat/completions; the server applies the model's own
// chat template.
func (c *Client) chat(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	b := chatBody{MaxTokens: req.MaxTokens, Temperature: req.Temperature, Stop: req.Stop,
		Stream: yield != nil, CachePrompt: !c.opts.NoCache}
	for _, m := range req.Messages {
		b.Messages = append(b.Messages, chatMessage(m))
	}
	resp, err := c.W.Do(ctx, http.MethodPost, "/v1/chat/completions", b)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return wire.ReadChunks(ctx, resp.Body, yield)
}
