// Package ollama is lode's provider for Ollama's native API. Its main type
// is Client, an llm.Model that also streams, lists models and takes native
// fill-in-the-middle.
//
//	llm.ModeFIM   POST /api/generate {"prompt": prefix, "suffix": suffix}
//	              (the model's template must support insert; when Ollama
//	              answers "does not support insert" the client reports
//	              llm.ErrNoFIM and SupportsFIM turns false)
//	llm.ModeRaw   POST /api/generate {"raw": true}: the prompt is already
//	              written in the model's template
//	llm.ModeChat  POST /api/chat
//	ListModels    GET /api/tags
//
// Ollama streams newline-delimited JSON unless told "stream": false; the
// last object says "done": true, and a stream without it was cut.
//
// The package depends on completion/llm and the standard library.
package ollama

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
	BaseURL   string // default http://localhost:11434
	APIKey    string // optional bearer token (Ollama behind a proxy)
	Model     string
	Headers   map[string]string
	Timeouts  wire.Timeouts
	NoFIM     bool   // the model has no insert support: refuse ModeFIM
	KeepAlive string // how long Ollama keeps the model loaded, e.g. "30m"; empty: Ollama's default
}

// Client calls one Ollama server. It is safe for concurrent use.
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
	u, err := wire.BaseURL(o.BaseURL, "http://localhost:11434")
	if err != nil {
		return nil, fmt.Errorf("ollama: %w", err)
	}
	o.BaseURL = u
	o.Timeouts = o.Timeouts.WithDefaults()
	c := &Client{opts: o, http: wire.NewHTTPClient(o.Timeouts, o.Headers)}
	c.noFIM.Store(o.NoFIM)
	return c, nil
}

// ModelName returns the configured model.
func (c *Client) ModelName() string { return c.opts.Model }

// SupportsFIM reports whether ModeFIM may be sent: not configured off, and
// not rejected by the server yet.
func (c *Client) SupportsFIM() bool { return !c.noFIM.Load() }

// CloseIdleConnections closes idle connections to the server.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// ListModels returns the names /api/tags lists.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	ctx, cancel := wire.WithRequestTimeout(ctx, c.opts.Timeouts)
	defer cancel()
	resp, err := c.do(ctx, http.MethodGet, "/api/tags", nil)
	if err != nil {
		return nil, fmt.Errorf("ollama: listing models: %w", err)
	}
	defer resp.Body.Close()
	var tags struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tags); err != nil {
		return nil, fmt.Errorf("ollama: listing models: %w", wire.StreamError(ctx, err))
	}
	names := make([]string, 0, len(tags.Models))
	for _, m := range tags.Models {
		names = append(names, m.Name)
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
		return nil, fmt.Errorf("ollama: %w: configured without insert support", llm.ErrNoFIM)
	}
	resp, err := wire.Call(ctx, &c.gate, c.opts.Timeouts, yield, func(ctx context.Context, y func(string) bool) (*llm.Response, error) {
		return c.once(ctx, req, y)
	})
	if err != nil {
		if errors.Is(err, llm.ErrNoFIM) && req.Mode == llm.ModeFIM {
			c.noFIM.Store(true)
		}
		return nil, fmt.Errorf("ollama: %w", err)
	}
	return resp, nil
}

// options is Ollama's "options" object. Temperature is always sent: a
// zero must reach the server.
type options struct {
	Temperature float64  `json:"temperature"`
	NumPredict  int      `json:"num_predict,omitempty"`
	Stop        []string `json:"stop,omitempty"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type body struct {
	Model     string    `json:"model"`
	Prompt    string    `json:"prompt,omitempty"`
	Suffix    string    `json:"suffix,omitempty"`
	Raw       bool      `json:"raw,omitempty"`
	Messages  []message `json:"messages,omitempty"`
	Stream    bool      `json:"stream"`
	KeepAlive string    `json:"keep_alive,omitempty"`
	Options   options   `json:"options"`
}

// answer is a whole answer or one streamed line of either endpoint.
type answer struct {
	Model    string  `json:"model"`
	Response string  `json:"response"`
	Message  message `json:"message"`
	Done     bool    `json:"done"`
	Reason   string  `json:"done_reason"`
	Error    string  `json:"error"`
	Prompt   int     `json:"prompt_eval_count"`
	Eval     int     `json:"eval_count"`
}

func (a *answer) text() string { return a.Response + a.Message.Content }

func (c *Client) once(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	b := body{Model: req.Model, Stream: yield != nil, KeepAlive: c.opts.KeepAlive,
		Options: options{Temperature: req.Temperature, NumPredict: req.MaxTokens, Stop: req.Stop}}
	if b.Model == "" {
		b.Model = c.opts.Model
	}
	path := "/api/generate"
	switch req.Mode {
	case llm.ModeChat:
		path = "/api/chat"
		for _, m := range req.Messages {
			b.Messages = append(b.Messages, message(m))
		}
	case llm.ModeFIM:
		b.Prompt, b.Suffix = req.Prompt, req.Suffix
	default:
		b.Prompt, b.Raw = req.Prompt, true
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
		if a.Error != "" {
			return nil, wire.HTTPError(http.StatusInternalServerError, nil, a.Error, c.opts.APIKey)
		}
		return &llm.Response{Model: a.Model, PromptTokens: a.Prompt, CompletionTokens: a.Eval,
			Choices: []llm.Choice{{Text: a.text(), FinishReason: a.Reason}}}, nil
	}
	return c.stream(ctx, resp.Body, yield)
}

func (c *Client) stream(ctx context.Context, r io.Reader, yield func(string) bool) (*llm.Response, error) {
	var text strings.Builder
	var last answer
	stopped := false
	err := wire.ReadEvents(r, true, func(line []byte) (bool, error) {
		var a answer
		if err := json.Unmarshal(line, &a); err != nil {
			return false, fmt.Errorf("decoding stream: %w", err)
		}
		if a.Error != "" {
			return false, wire.HTTPError(http.StatusInternalServerError, nil, a.Error, c.opts.APIKey)
		}
		last = a
		if t := a.text(); t != "" {
			text.WriteString(t)
			if !yield(t) {
				stopped = true
				return false, nil
			}
		}
		return !a.Done, nil
	})
	var se *wire.StatusError
	switch {
	case errors.As(err, &se):
		return nil, err
	case err != nil:
		return nil, wire.StreamError(ctx, err)
	case !stopped && !last.Done:
		return nil, wire.StreamError(ctx, errors.New("stream ended before \"done\""))
	}
	return &llm.Response{Model: last.Model, PromptTokens: last.Prompt, CompletionTokens: last.Eval,
		Choices: []llm.Choice{{Text: text.String(), FinishReason: last.Reason}}}, nil
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
