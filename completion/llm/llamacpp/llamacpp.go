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
// The package depends on completion/llm, internal/wire and the standard
// library.
package llamacpp

import (
	"context"
	"net/http"

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
	wire.Model
	opts Options
}

var _ llm.Server = (*Client)(nil)

// New returns a client with its own long-lived HTTP client.
func New(o Options) (*Client, error) {
	w, err := wire.NewClient(wire.Config{Name: "llamacpp", BaseURL: o.BaseURL, Default: "http://localhost:8080",
		APIKey: o.APIKey, Headers: o.Headers, Timeouts: o.Timeouts, NoFIM: o.NoFIM})
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o}
	c.Model = wire.Model{W: w, Name: o.Model, Once: c.once}
	return c, nil
}

// Health returns nil when the server is up with its model loaded, else an
// error wrapping llm.ErrUnavailable (503 while loading).
func (c *Client) Health(ctx context.Context) error {
	return c.W.Get(ctx, "health", "/health", nil)
}

// ListModels returns the model names /v1/models lists.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := c.W.Get(ctx, "listing models", "/v1/models", &list); err != nil {
		return nil, err
	}
	var names []string
	for _, m := range list.Data {
		names = append(names, m.ID)
	}
	return names, nil
}

func (c *Client) once(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	if req.Mode == llm.ModeChat {
		return c.chat(ctx, req, yield)
	}
	return c.complete(ctx, req, yield)
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

// step notes a streamed event in s; the event saying "stop" is the last.
func (a *answer) step(s *wire.Stream) (string, error) {
	s.Model, s.PromptTokens, s.CompletionTokens = a.Model, a.Evaluated, a.Predicted
	if a.Stop {
		s.Done, s.Finish = true, a.finish()
	}
	return a.Content, nil
}

func (a *answer) finish() string {
	if a.StopType == "limit" {
		return "length"
	}
	return "stop"
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
	resp, err := c.W.Do(ctx, http.MethodPost, path, b)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if yield != nil {
		return wire.ReadStream(ctx, resp.Body, false, yield, (*answer).step)
	}
	var a answer
	if err := wire.Decode(ctx, resp.Body, &a); err != nil {
		return nil, err
	}
	return &llm.Response{Model: a.Model, PromptTokens: a.Evaluated, CompletionTokens: a.Predicted,
		Choices: []llm.Choice{{Text: a.Content, FinishReason: a.finish()}}}, nil
}
