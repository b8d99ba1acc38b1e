package main

import (
	"github.com/lode-ls/lode/internal/wire"

	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llamacpp"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/completion/llm/ollama"
	"github.com/lode-ls/lode/completion/llm/openai"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/completion/prompt"
	"github.com/lode-ls/lode/internal/config"
)

// providers is the explicit table of model providers, by the name the
// configuration's provider setting uses. deepseek, mistral, zhipu and ernie are
// OpenAI-compatible services with their own base URL, key variable and
// fill-in-the-middle style (see openai.Presets).
var providers = map[string]func(s *modelSetup) (llm.Model, error){
	"embedded": newEmbedded,
	"openai":   newOpenAI,
	"deepseek": newOpenAI,
	"mistral":  newOpenAI,
	"zhipu":    newOpenAI,
	"ernie":    newOpenAI,
	"ollama":   newOllama,
	"llamacpp": newLlamacpp,
}

// Ways a completion prompt is sent (config.Model.FIM once resolved).
const (
	fimNative = "native" // the provider's own fill-in-the-middle (ModeFIM)
	fimRaw    = "raw"    // the template written into the prompt (ModeRaw)
	fimChat   = "chat"   // the hole-filling chat prompt (ModeChat)
)

// modelSetup is a resolved model configuration and everything derived
// from it, for the factories, the engine's prompt format and lode doctor.
type modelSetup struct {
	config.ResolvedModel
	BaseURL   string // with the provider's default filled in
	apiKey    string // the API key, never printed
	KeySource string // "api_key", "environment NAME" or "" when none
	Headers   map[string]string

	Template       *prompt.Template
	TemplateSource string // "configured" or "detected from the model name"
	FIM            string // fimNative, fimRaw or fimChat
}

// setupModel resolves everything about one model configuration except
// the model itself; getenv reads API key variables.
func setupModel(r config.ResolvedModel, getenv func(string) string) (*modelSetup, error) {
	s := &modelSetup{ResolvedModel: r, BaseURL: r.BaseURL}
	if _, ok := providers[r.Provider]; !ok {
		return nil, fmt.Errorf("%s: unknown provider %q (want one of embedded, openai, deepseek, mistral, zhipu, ernie, ollama, llamacpp)", r.Label(), r.Provider)
	}
	preset, isPreset := openai.Presets[r.Provider]
	if s.BaseURL == "" {
		switch r.Provider {
		case "ollama":
			s.BaseURL = "http://localhost:11434"
		case "llamacpp":
			s.BaseURL = "http://localhost:8080"
		default:
			s.BaseURL = preset.BaseURL
		}
	}
	if s.ModelID == "" && isPreset && r.Provider != "openai" {
		s.ModelID = preset.Model
	}
	switch {
	case r.APIKey != "":
		s.apiKey, s.KeySource = r.APIKey, "api_key"
	case r.KeyEnv != "" && getenv(r.KeyEnv) != "":
		s.apiKey, s.KeySource = getenv(r.KeyEnv), "environment "+r.KeyEnv
	case isPreset && getenv(preset.KeyEnv) != "":
		s.apiKey, s.KeySource = getenv(preset.KeyEnv), "environment "+preset.KeyEnv
	}
	h, err := config.ParseHeaders(r.Headers)
	if err != nil {
		return nil, fmt.Errorf("%s: headers: %w", r.Label(), err)
	}
	s.Headers = h
	s.TemplateSource = "detected from the model name"
	s.Template = prompt.Detect(s.ModelID)
	if r.Template != "" {
		t, ok := prompt.Lookup(r.Template)
		if !ok {
			return nil, fmt.Errorf("%s: unknown template %q (want one of %s)", r.Label(), r.Template, strings.Join(prompt.Names(), ", "))
		}
		s.Template, s.TemplateSource = t, "configured"
	}
	s.FIM = s.fimMode()
	return s, nil
}

// fimMode resolves the fim setting: "auto" takes the provider's native
// fill-in-the-middle where it is reliable, the raw template for other
// OpenAI-compatible servers (vLLM and SGLang reject a suffix), and chat
// where there is neither.
func (s *modelSetup) fimMode() string {
	if f := s.ResolvedModel.FIM; f != "auto" && f != "" {
		return f
	}
	switch s.Provider {
	case "embedded", "ollama", "llamacpp", "deepseek", "mistral":
		return fimNative
	case "zhipu", "ernie":
		return fimChat
	}
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() == "api.openai.com" {
		return fimNative
	}
	if s.Template.Chat {
		return fimChat
	}
	return fimRaw
}

func (s *modelSetup) timeouts() wire.Timeouts {
	return wire.Timeouts{Connect: s.ConnectTimeout, FirstByte: s.FirstByteTimeout, Request: s.RequestTimeout}
}

// newModel returns the model a resolved configuration describes.
func newModel(r config.ResolvedModel) (llm.Model, *modelSetup, error) {
	s, err := setupModel(r, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	m, err := providers[s.Provider](s)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.Label(), err)
	}
	return m, s, nil
}

// featureModel returns the model a feature (config.FeatureCompletion or
// config.FeatureExplain) uses.
func featureModel(cfg *config.Config, feature string) (llm.Model, *modelSetup, error) {
	r, err := cfg.FeatureModel(feature)
	if err != nil {
		return nil, nil, err
	}
	return newModel(r)
}

func newEmbedded(*modelSetup) (llm.Model, error) {
	return ngram.New(ngram.Options{}), nil
}

func newOpenAI(s *modelSetup) (llm.Model, error) {
	style := openai.FIMSuffix
	if p, ok := openai.Presets[s.Provider]; ok {
		style = p.FIM
	}
	if s.FIM != fimNative {
		style = openai.FIMNone
	} else if style == openai.FIMNone {
		return nil, fmt.Errorf("fim = \"native\": %s has no fill-in-the-middle endpoint; use fim = \"chat\"", s.Provider)
	}
	return openai.New(openai.Options{BaseURL: s.BaseURL, APIKey: s.apiKey, Model: s.ModelID,
		Headers: s.Headers, Timeouts: s.timeouts(), FIM: style})
}

func newOllama(s *modelSetup) (llm.Model, error) {
	return ollama.New(ollama.Options{BaseURL: s.BaseURL, APIKey: s.apiKey, Model: s.ModelID, Headers: s.Headers,
		Timeouts: s.timeouts(), NoFIM: s.FIM != fimNative, KeepAlive: s.KeepAlive})
}

func newLlamacpp(s *modelSetup) (llm.Model, error) {
	return llamacpp.New(llamacpp.Options{BaseURL: s.BaseURL, APIKey: s.apiKey, Model: s.ModelID, Headers: s.Headers,
		Timeouts: s.timeouts(), NoFIM: s.FIM != fimNative})
}

// templateFormat writes the engine's prompts the way a model setup says:
// native fill-in-the-middle (other files in Request.Extra for llama.cpp
// and the embedded model, comment-headed otherwise), the raw template, or the chat prompt. When a
// native model stops taking fill-in-the-middle (it refused a suffix once),
// the raw template is used if the model has a family, else chat.
type templateFormat struct {
	setup *modelSetup
	model llm.Model
}

var _ completion.Formatter = templateFormat{}

// newFormat returns the engine's prompt format for a model.
func newFormat(s *modelSetup, m llm.Model) completion.Formatter {
	return templateFormat{setup: s, model: m}
}

// Format implements completion.Formatter.
func (f templateFormat) Format(p *completion.Prompt, chat bool) *llm.Request {
	in := prompt.Input{Path: p.Path, Language: p.Language, Prefix: p.Prefix, Suffix: p.Suffix,
		Block: p.Mode == postprocess.Block}
	for _, s := range p.Context {
		in.Context = append(in.Context, prompt.Snippet{Path: s.Path, Text: s.Text})
	}
	tmpl, mode := f.setup.Template, f.setup.FIM
	if mode == fimNative {
		if fm, ok := f.model.(llm.FIMer); ok && !fm.SupportsFIM() {
			mode = fimRaw
		}
	}
	if mode == fimRaw && tmpl.Chat {
		mode = fimChat
	}
	switch {
	case chat || mode == fimChat:
		chatTmpl, _ := prompt.Lookup("chat")
		return chatTmpl.Request(in)
	case mode == fimNative:
		// llama.cpp takes other files in input_extra; the embedded model
		// reads Prompt as the document's prefix and must not see them.
		return tmpl.FIM(in, f.setup.Provider == "llamacpp" || f.setup.Provider == "embedded")
	}
	return tmpl.Request(in)
}
