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
// The package depends on completion/llm, internal/wire and the standard
// library.
package ollama

import (
	"context"
	"net/http"

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
	wire.Model
	opts Options
}

var _ llm.Server = (*Client)(nil)

// New returns a client with its own long-lived HTTP client.
func New(o Options) (*Client, error) {
	w, err := wire.NewClient(wire.Config{Name: "ollama", BaseURL: o.BaseURL, Default: "http://localhost:11434",
		APIKey: o.APIKey, Headers: o.Headers, Timeouts: o.Timeouts, NoFIM: o.NoFIM})
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o}
	c.Model = wire.Model{W: w, Name: o.Model, Once: c.once}
	return c, nil
}

// ListModels returns the names /api/tags lists.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var tags struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if err := c.W.Get(ctx, "listing models", "/api/tags", &tags); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(tags.Models))
	for _, m := range tags.Models {
		names = append(names, m.Name)
	}
	return names, nil
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

// err is the error the server reported in a, if any; key is redacted.
func (a *answer) err(key string) error {
	if a.Error == "" {
		return nil
	}
	return wire.HTTPError(http.StatusInternalServerError, nil, a.Error, key)
}

// step notes a streamed line in s; the line saying "done" is the last.
func (a *answer) step(s *wire.Stream) string {
	s.Model, s.PromptTokens, s.CompletionTokens = a.Model, a.Prompt, a.Eval
	if a.Done {
		s.Done, s.Finish = true, a.Reason
	}
	return a.Response + a.Message.Content
}

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
	resp, err := c.W.Do(ctx, http.MethodPost, path, b)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if yield != nil {
		return wire.ReadStream(ctx, resp.Body, true, yield, func(a *answer, s *wire.Stream) (string, error) {
			if err := a.err(c.opts.APIKey); err != nil {
				return "", err
			}
			return a.step(s), nil
		})
	}
	var a answer
	if err := wire.Decode(ctx, resp.Body, &a); err != nil {
		return nil, err
	}
	if err := a.err(c.opts.APIKey); err != nil {
		return nil, err
	}
	return &llm.Response{Model: a.Model, PromptTokens: a.Prompt, CompletionTokens: a.Eval,
		Choices: []llm.Choice{{Text: a.Response + a.Message.Content, FinishReason: a.Reason}}}, nil
}
