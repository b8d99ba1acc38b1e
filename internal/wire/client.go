package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/lode-ls/lode/completion/llm"
)

// Config describes one provider's server to NewClient.
type Config struct {
	Name     string // the provider's error prefix: "ollama"
	BaseURL  string // empty: Default
	Default  string
	APIKey   string // sent as a bearer token to BaseURL only
	Headers  map[string]string
	Timeouts Timeouts
	NoFIM    bool // refuse llm.ModeFIM without calling the server
}

// Client is the HTTP side every provider shares: one server's base URL and
// key, a long-lived http.Client, the back-off Gate, and whether the server
// takes fill-in-the-middle requests. Providers keep their wire formats
// (paths, JSON fields) and embed a Model, which holds the Client. It is
// safe for concurrent use.
type Client struct {
	BaseURL  string // without a trailing slash
	APIKey   string
	Timeouts Timeouts // with the defaults filled in
	HTTP     *http.Client

	name       string
	fimOff     bool // configured without fill-in-the-middle
	gate       Gate
	fimRefused atomic.Bool // the server refused a ModeFIM request
}

// NewClient checks cfg's base URL and returns a Client with its own
// long-lived HTTP client.
func NewClient(cfg Config) (*Client, error) {
	u, err := BaseURL(cfg.BaseURL, cfg.Default)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	t := cfg.Timeouts.WithDefaults()
	return &Client{BaseURL: u, APIKey: cfg.APIKey, Timeouts: t, HTTP: NewHTTPClient(t, cfg.Headers),
		name: cfg.Name, fimOff: cfg.NoFIM}, nil
}

// NoFIM reports whether ModeFIM requests are refused: configured so, or
// refused once by the server (llm.ErrNoFIM).
func (c *Client) NoFIM() bool { return c.fimOff || c.fimRefused.Load() }

// CloseIdleConnections closes idle connections to the server.
func (c *Client) CloseIdleConnections() { c.HTTP.CloseIdleConnections() }

// Once is one attempt at a request; yield is nil for a non-streamed call.
type Once func(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error)

// Model is the llm.Model side that every HTTP provider's client shares:
// the model's name, and Complete and Stream running the provider's one
// attempt (Once) through its Client. A provider's client embeds a Model
// and fills it in its constructor.
type Model struct {
	W    *Client
	Name string // the configured model
	Once Once
}

// ModelName returns the configured model.
func (m *Model) ModelName() string { return m.Name }

// SupportsFIM reports whether ModeFIM may be sent: not configured off,
// and not refused by the server yet.
func (m *Model) SupportsFIM() bool { return !m.W.NoFIM() }

// CloseIdleConnections closes idle connections to the server.
func (m *Model) CloseIdleConnections() { m.W.CloseIdleConnections() }

// Complete sends req and returns the whole answer; see Call.
func (m *Model) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	return m.W.Call(ctx, req, nil, m.Once)
}

// Stream sends req and yields text as it arrives (a nil yield discards
// it: the call still streams); see Call.
func (m *Model) Stream(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	if yield == nil {
		yield = func(string) bool { return true }
	}
	return m.W.Call(ctx, req, yield, m.Once)
}

// Call runs one request: it refuses ModeFIM when configured off, fails
// fast while the gate is closed, bounds the call by the request timeout,
// retries once after a retryable server fault when nothing was yielded
// yet, closes the gate after a 429 or 401/403, and remembers a refused
// fill-in-the-middle request. Errors carry the provider's name.
func (c *Client) Call(ctx context.Context, req *llm.Request, yield func(string) bool, once Once) (*llm.Response, error) {
	if req.Mode == llm.ModeFIM && c.fimOff {
		return nil, fmt.Errorf("%s: %w: configured without it", c.name, llm.ErrNoFIM)
	}
	resp, err := call(ctx, &c.gate, c.Timeouts, yield, func(ctx context.Context, y func(string) bool) (*llm.Response, error) {
		return once(ctx, req, y)
	})
	if err != nil {
		if errors.Is(err, llm.ErrNoFIM) && req.Mode == llm.ModeFIM {
			c.fimRefused.Store(true)
		}
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	return resp, nil
}

// Do sends one request to BaseURL+path, body (when not nil) as JSON with
// the API key as a bearer token, and returns a 200 response or the error
// mapped to the llm sentinels.
func (c *Client) Do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(data)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if c.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	resp, err := c.HTTP.Do(hreq)
	if err != nil {
		return nil, TransportError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, HTTPError(resp.StatusCode, resp.Header, ErrorMessage(b), c.APIKey)
	}
	return resp, nil
}

// Get fetches BaseURL+path within the request timeout and decodes its
// JSON answer into v; a nil v only checks the answer is a 200. Errors
// carry the provider's name and what says what was done.
func (c *Client) Get(ctx context.Context, what, path string, v any) error {
	ctx, cancel := WithRequestTimeout(ctx, c.Timeouts)
	defer cancel()
	resp, err := c.Do(ctx, http.MethodGet, path, nil)
	if err == nil {
		defer resp.Body.Close()
		if v != nil {
			err = Decode(ctx, resp.Body, v)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %s: %w", c.name, what, err)
	}
	return nil
}

// Decode decodes one JSON value from an answer's body into v; errors are
// mapped by StreamError.
func Decode(ctx context.Context, r io.Reader, v any) error {
	if err := json.NewDecoder(r).Decode(v); err != nil {
		return StreamError(ctx, err)
	}
	return nil
}
