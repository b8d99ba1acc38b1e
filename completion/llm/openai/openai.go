// Package openai is lode's provider for OpenAI-compatible servers (OpenAI,
// vLLM, SGLang, LM Studio, Ollama's /v1, llama.cpp's /v1, DeepSeek, Zhipu
// GLM, Baidu ERNIE, Mistral), built on go-openai. Its main type is Client, an
// llm.Model that also streams, lists models and reports native
// fill-in-the-middle support.
//
// Requests travel as follows:
//
//	llm.ModeChat  POST {base}/chat/completions
//	llm.ModeRaw   POST {base}/completions, the template in "prompt"
//	llm.ModeFIM   FIMSuffix:  POST {base}/completions with "suffix"
//	              FIMMistral: POST {base}/fim/completions (prompt + suffix)
//	              FIMNone:    refused with llm.ErrNoFIM (vLLM, SGLang,
//	                          Zhipu and ERNIE reject a suffix: send the model's raw
//	                          template with ModeRaw, or a chat prompt)
//
// go-openai drops a zero temperature (the JSON field is omitempty), so a
// request for temperature 0 sends a tiny positive one. go-openai refuses
// chat-only model names on /completions before any request: that is
// reported as llm.ErrNoFIM, and SupportsFIM is false for them.
//
// The package depends on completion/llm, internal/wire, go-openai and the
// standard library.
package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// FIMStyle says how a server takes a fill-in-the-middle request.
type FIMStyle string

const (
	FIMSuffix  FIMStyle = "suffix"  // /completions with "suffix"
	FIMMistral FIMStyle = "mistral" // /fim/completions
	FIMNone    FIMStyle = "none"    // no native fill-in-the-middle
)

// Options configure a Client.
type Options struct {
	BaseURL  string // default https://api.openai.com/v1
	APIKey   string // sent as a bearer token to BaseURL only
	Model    string // default model name
	Headers  map[string]string
	Timeouts wire.Timeouts
	FIM      FIMStyle // default FIMSuffix
}

// Preset is a known OpenAI-compatible service.
// defaultBaseURL is OpenAI's own API, for a client given no base URL.
const defaultBaseURL = "https://api.openai.com/v1"

// Client calls one OpenAI-compatible server. It is safe for concurrent use.
type Client struct {
	wire.Model
	opts Options
	api  *goopenai.Client
	// completions is false for a model go-openai refuses on /completions.
	completions bool
}

var _ llm.Server = (*Client)(nil)

// New returns a client with its own long-lived HTTP client.
func New(o Options) (*Client, error) {
	switch o.FIM {
	case "":
		o.FIM = FIMSuffix
	case FIMSuffix, FIMMistral, FIMNone:
	default:
		return nil, fmt.Errorf("openai: unknown fim style %q (want suffix, mistral or none)", o.FIM)
	}
	w, err := wire.NewClient(wire.Config{Name: "openai", BaseURL: o.BaseURL, Default: defaultBaseURL,
		APIKey: o.APIKey, Headers: o.Headers, Timeouts: o.Timeouts})
	if err != nil {
		return nil, err
	}
	o.BaseURL = w.BaseURL
	cfg := goopenai.DefaultConfig(o.APIKey)
	cfg.BaseURL = o.BaseURL
	cfg.HTTPClient = &recorder{w.HTTP}
	c := &Client{opts: o, api: goopenai.NewClientWithConfig(cfg), completions: completionsAllowed(o.Model)}
	c.Model = wire.Model{W: w, Name: o.Model, Once: c.once}
	return c, nil
}

// SupportsFIM reports whether ModeFIM requests can be sent: the server's
// style takes a suffix, the model is not one go-openai refuses on
// /completions, and the server has not rejected a suffix.
func (c *Client) SupportsFIM() bool {
	switch {
	case c.opts.FIM == FIMNone || c.W.NoFIM():
		return false
	case c.opts.FIM == FIMMistral:
		return true
	}
	return c.completions
}

// ListModels returns the models the server lists at {base}/models.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	ctx, cancel := wire.WithRequestTimeout(ctx, c.W.Timeouts)
	defer cancel()
	ctx, ex := withExchange(ctx)
	list, err := c.api.ListModels(ctx)
	if err != nil {
		return nil, fmt.Errorf("openai: listing models: %w", c.mapError(ctx, ex, err))
	}
	names := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		names = append(names, m.ID)
	}
	return names, nil
}

func (c *Client) once(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	model := req.Model
	if model == "" {
		model = c.opts.Model
	}
	switch req.Mode {
	case llm.ModeChat:
		return c.chat(ctx, model, req, yield)
	case llm.ModeFIM:
		switch {
		case c.opts.FIM == FIMNone:
			return nil, fmt.Errorf("%w: the server at %s takes no suffix (fim = \"none\")", llm.ErrNoFIM, c.opts.BaseURL)
		case c.opts.FIM == FIMMistral:
			return c.mistralFIM(ctx, model, req, yield)
		}
	}
	if !completionsAllowed(model) {
		return nil, fmt.Errorf("%w: model %q is chat-only (go-openai refuses it on /completions)", llm.ErrNoFIM, model)
	}
	return c.completion(ctx, model, req, yield)
}

// maxStopOpenAI is how many stop sequences api.openai.com accepts; other
// servers take more.
const maxStopOpenAI = 4

// stops returns the stop sequences to send, cut to what OpenAI accepts.
func (c *Client) stops(stop []string) []string {
	if len(stop) > maxStopOpenAI && strings.Contains(c.opts.BaseURL, "://api.openai.com") {
		return stop[:maxStopOpenAI]
	}
	return stop
}

// temperature works around go-openai dropping a zero temperature.
func temperature(t float64) float32 {
	if t <= 0 {
		return 1e-6
	}
	return float32(t)
}

// completionsAllowed asks go-openai whether it sends model to
// /completions. Its list is unexported; its check runs before the prompt's
// type is checked, so a non-string prompt makes the call return without
// any network traffic.
func completionsAllowed(model string) bool {
	if model == "" {
		return true
	}
	_, err := (&goopenai.Client{}).CreateCompletion(context.Background(),
		goopenai.CompletionRequest{Model: model, Prompt: 0})
	return !errors.Is(err, goopenai.ErrCompletionUnsupportedModel)
}

// mapError turns a go-openai error into one wrapping an llm sentinel.
func (c *Client) mapError(ctx context.Context, ex *exchange, err error) error {
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return wire.HTTPError(apiErr.HTTPStatusCode, ex.header(), apiErr.Message, c.opts.APIKey)
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		return wire.HTTPError(reqErr.HTTPStatusCode, ex.header(), string(reqErr.Body), c.opts.APIKey)
	case errors.As(err, &apiErr):
		// An error event inside a stream.
		return wire.HTTPError(http.StatusInternalServerError, nil, apiErr.Message, c.opts.APIKey)
	case ex.sent() == nil:
		return wire.TransportError(ctx, err)
	}
	return wire.StreamError(ctx, errors.New(wire.Redact(err.Error(), c.opts.APIKey)))
}
