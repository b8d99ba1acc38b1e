// Package llamacpp is lode's provider for the llama.cpp server
// (llama-server). Its main type is Client, an llm.Model that also streams,
// lists its model and takes native fill-in-the-middle through /infill,
// the richest of the wire formats:
//
//	llm.ModeFIM   POST /infill: input_prefix, input_suffix, input_extra
//	              (other files' snippets from Request.Extra), n_indent
//	              (Request.Indent), t_max_predict_ms (Request.MaxTime),
//	              cache_prompt (reuse the KV cache of the previous prompt)
//	llm.ModeRaw   POST /completion with the template in "prompt"
//	llm.ModeChat  POST /v1/chat/completions
//	Health        GET /health (503 while the model loads)
//
// A model without fill-in-the-middle tokens makes /infill answer 501; the
// client then reports llm.ErrNoFIM and SupportsFIM turns false.
//
// The package depends on completion/llm and the standard library.
package llamacpp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// Options configure a Client.
type Options struct {
	BaseURL  string // default http://localhost:8080
	APIKey   string // llama-server's --api-key, sent as a bearer token
	Model    string // informational: llama-server serves the model it loaded
	Headers  map[string]string
	Timeouts wire.Timeouts
	NoFIM    bool // the model has no infill tokens: refuse ModeFIM
	NoCache  bool // do not ask the server to reuse its prompt cache
}

// Client calls one llama.cpp server. It is safe for concurrent use.
type Client struct {
	opts  Options
	http  *http.Client
	gate  wire.Gate
	noFIM atomic.Bool
}

var (
	_ llm.Model    = (*Client)(nil)
	_ llm.Streamer = (*Client)(nil)
	_ llm.FIMer    = (*Client)(nil)
	_ llm.Lister   = (*Client)(nil)
	_ llm.Namer    = (*Client)(nil)
)

// New returns a client with its own long-lived HTTP client.
func New(o Options) (*Client, error) {
	u, err := wire.BaseURL(o.BaseURL, "http://localhost:8080")
	if err != nil {
		return nil, fmt.Errorf("llamacpp: %w", err)
	}
	o.BaseURL = u
	o.Timeouts = o.Timeouts.WithDefaults()
	c := &Client{opts: o, http: wire.NewHTTPClient(o.Timeouts, o.Headers)}
	c.noFIM.Store(o.NoFIM)
	return c, nil
}

// ModelName returns the configured model name.
func (c *Client) ModelName() string { return c.opts.Model }

// SupportsFIM reports whether /infill may be used.
func (c *Client) SupportsFIM() bool { return !c.noFIM.Load() }

// CloseIdleConnections closes idle connections to the server.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Health returns nil when the server is up with its model loaded, else an
// error wrapping llm.ErrUnavailable (503 while loading).
func (c *Client) Health(ctx context.Context) error {
	ctx, cancel := wire.WithRequestTimeout(ctx, c.opts.Timeouts)
	defer cancel()
	resp, err := c.do(ctx, http.MethodGet, "/health", nil)
	if err != nil {
		return fmt.Errorf("llamacpp: health: %w", err)
	}
	resp.Body.Close()
	return nil
}

// ListModels returns the model names /v1/models lists.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	ctx, cancel := wire.WithRequestTimeout(ctx, c.opts.Timeouts)
	defer cancel()
	resp, err := c.do(ctx, http.MethodGet, "/v1/models", nil)
	if err != nil {
		return nil, fmt.Errorf("llamacpp: listing models: %w", err)
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("llamacpp: listing models: %w", wire.StreamError(ctx, err))
	}
	var names []string
	for _, m := range list.Data {
		names = append(names, m.ID)
	}
	return names, nil
}

// Complete sends req and returns the whole answer.
func (c *Client) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	return c.call(ctx, req, nil)
}

// Stream sends req and yields text as it arrives.
func (c *Client) Stream(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	if yield == nil {
		yield = func(string) bool { return true }
	}
	return c.call(ctx, req, yield)
}

func (c *Client) call(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	if req.Mode == llm.ModeFIM && c.opts.NoFIM {
		return nil, fmt.Errorf("llamacpp: %w: configured without infill support", llm.ErrNoFIM)
	}
	resp, err := wire.Call(ctx, &c.gate, c.opts.Timeouts, yield, func(ctx context.Context, y func(string) bool) (*llm.Response, error) {
		if req.Mode == llm.ModeChat {
			return c.chat(ctx, req, y)
		}
		return c.complete(ctx, req, y)
	})
	if err != nil {
		if errors.Is(err, llm.ErrNoFIM) && req.Mode == llm.ModeFIM {
			c.noFIM.Store(true)
		}
		return nil, fmt.Errorf("llamacpp: %w", err)
	}
	return resp, nil
}

type extra struct {
	Filename string `json:"filename"`
	Text     string `json:"text"`
}

// body is the request of /completion and /infill. Temperature is always
// sent so that a zero reaches the server.
type body struct {
	Prompt      string   `json:"prompt,omitempty"`
	InputPrefix *string  `json:"input_prefix,omitempty"`
	InputSuffix *string  `json:"input_suffix,omitempty"`
	InputExtra  []extra  `json:"input_extra,omitempty"`
	NPredict    int      `json:"n_predict,omitempty"`
	Temperature float64  `json:"temperature"`
	Stop        []string `json:"stop,omitempty"`
	Stream      bool     `json:"stream"`
	CachePrompt bool     `json:"cache_prompt"`
	NIndent     int      `json:"n_indent,omitempty"`
	TMaxPredict int      `json:"t_max_predict_ms,omitempty"`
}

// answer is a whole answer or one streamed event.
type answer struct {
	Content   string `json:"content"`
	Stop      bool   `json:"stop"`
	StopType  string `json:"stop_type"`
	Model     string `json:"model"`
	Evaluated int    `json:"tokens_evaluated"`
	Predicted int    `json:"tokens_predicted"`
}

func (a *answer) response(text string) *llm.Response {
	reason := "stop"
	if a.StopType == "limit" {
		reason = "length"
	}
	return &llm.Response{Model: a.Model, PromptTokens: a.Evaluated, CompletionTokens: a.Predicted,
		Choices: []llm.Choice{{Text: text, FinishReason: reason}}}
}

func (c *Client) complete(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	b := body{NPredict: req.MaxTokens, Temperature: req.Temperature, Stop: req.Stop, Stream: yield != nil,
		CachePrompt: !c.opts.NoCache, NIndent: req.Indent, TMaxPredict: req.MaxTime}
	path := "/completion"
	if req.Mode == llm.ModeFIM {
		path = "/infill"
		b.InputPrefix, b.InputSuffix = &req.Prompt, &req.Suffix
		for _, s := range req.Extra {
			b.InputExtra = append(b.InputExtra, extra{Filename: s.Path, Text: s.Text})
		}
	} else {
		b.Prompt = req.Prompt
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodPost, path, data)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if yield == nil {
		var a answer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			return nil, wire.StreamError(ctx, err)
		}
		return a.response(a.Content), nil
	}
	var text strings.Builder
	var last answer
	stopped := false
	err = wire.ReadEvents(resp.Body, false, func(data []byte) (bool, error) {
		var a answer
		if err := json.Unmarshal(data, &a); err != nil {
			return false, fmt.Errorf("decoding stream: %w", err)
		}
		last = a
		if a.Content != "" {
			text.WriteString(a.Content)
			if !yield(a.Content) {
				stopped = true
				return false, nil
			}
		}
		return !a.Stop, nil
	})
	switch {
	case err != nil:
		return nil, wire.StreamError(ctx, err)
	case !stopped && !last.Stop:
		return nil, wire.StreamError(ctx, errors.New("stream ended before \"stop\""))
	}
	return last.response(text.String()), nil
}

// do sends one request and returns a 200 response, or the mapped error.
func (c *Client) do(ctx context.Context, method, path string, data []byte) (*http.Response, error) {
	var rd io.Reader
	if data != nil {
		rd = bytes.NewReader(data)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, c.opts.BaseURL+path, rd)
	if err != nil {
		return nil, err
	}
	if data != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if c.opts.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.opts.APIKey)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, wire.TransportError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, wire.HTTPError(resp.StatusCode, resp.Header, wire.ErrorMessage(b), c.opts.APIKey)
	}
	return resp, nil
}
