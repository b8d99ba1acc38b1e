// Package provider is lode's one table of model providers: for each name a
// configuration's provider setting may take, where its server usually is,
// which variable holds its key, how it takes fill-in-the-middle, and how
// its client is built. Resolve turns a resolved model configuration into a
// Setup (base URL, key and its source, headers, prompt template and FIM
// way), and Setup.New builds the llm.Model. Every command and lode serve
// go through it; nothing else names a provider.
//
// Package provider depends on completion/llm and its provider packages,
// completion/prompt and internal/config.
package provider

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llamacpp"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/completion/llm/ollama"
	"github.com/lode-ls/lode/completion/llm/openai"
	"github.com/lode-ls/lode/completion/prompt"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/wire"
)

// Ways a completion prompt is sent (Setup.FIM once resolved); the fim
// setting may also say "auto", which Resolve turns into one of these.
const (
	FIMNative = "native" // the provider's own fill-in-the-middle (llm.ModeFIM)
	FIMRaw    = "raw"    // the family's template written into the prompt (llm.ModeRaw)
	FIMChat   = "chat"   // the hole-filling chat prompt (llm.ModeChat)
)

// Embedded is the name of the embedded offline model.
const Embedded = "embedded"

// Provider describes one provider.
type Provider struct {
	Name    string
	BaseURL string // where its server usually is
	KeyEnv  string // the environment variable its users usually set; "" for none
	Model   string // a sensible default model of a hosted service; "" for none
	// NativeFIM says the provider's fill-in-the-middle is reliable enough
	// for fim = "auto" to use it.
	NativeFIM bool
	// ExtraFiles says native requests carry other files apart from the
	// prefix (llama.cpp's input_extra; the embedded model reads the
	// prompt as the document's own prefix and must not see them there).
	ExtraFiles bool
	// openai is the fill-in-the-middle style of an OpenAI-compatible
	// service; "" for the other wire formats.
	openai openai.FIMStyle
	build  func(s *Setup) (llm.Model, error)
}

// providers is the table, in the order documentation lists them. It is
// never modified.
var providers = []Provider{
	{Name: Embedded, NativeFIM: true, ExtraFiles: true, build: newEmbedded},
	{Name: "openai", BaseURL: "https://api.openai.com/v1", KeyEnv: "OPENAI_API_KEY", openai: openai.FIMSuffix, build: newOpenAI},
	{Name: "ollama", BaseURL: "http://localhost:11434", NativeFIM: true, build: newOllama},
	{Name: "llamacpp", BaseURL: "http://localhost:8080", NativeFIM: true, ExtraFiles: true, build: newLlamacpp},
	// DeepSeek takes a suffix on its beta base URL only.
	{Name: "deepseek", BaseURL: "https://api.deepseek.com/beta", KeyEnv: "DEEPSEEK_API_KEY", Model: "deepseek-chat",
		NativeFIM: true, openai: openai.FIMSuffix, build: newOpenAI},
	// Mistral's Codestral has its own /fim/completions.
	{Name: "mistral", BaseURL: "https://codestral.mistral.ai/v1", KeyEnv: "MISTRAL_API_KEY", Model: "codestral-latest",
		NativeFIM: true, openai: openai.FIMMistral, build: newOpenAI},
	// Zhipu GLM is chat only.
	{Name: "zhipu", BaseURL: "https://open.bigmodel.cn/api/paas/v4", KeyEnv: "ZHIPUAI_API_KEY", Model: "glm-4-plus",
		openai: openai.FIMNone, build: newOpenAI},
	// Baidu ERNIE, through Qianfan's OpenAI-compatible v2 API (bearer key
	// "bce-v3/..."), is chat only.
	{Name: "ernie", BaseURL: "https://qianfan.baidubce.com/v2", KeyEnv: "QIANFAN_API_KEY", Model: "ernie-4.0-turbo-8k",
		openai: openai.FIMNone, build: newOpenAI},
}

// Names returns the provider names, in the table's order.
func Names() []string {
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = p.Name
	}
	return names
}

// Lookup returns the provider a configuration names, in any case.
func Lookup(name string) (Provider, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	i := slices.IndexFunc(providers, func(p Provider) bool { return p.Name == name })
	if i < 0 {
		return Provider{}, false
	}
	return providers[i], true
}

// Setup is a resolved model configuration and everything derived from
// it: what the client is built from, the prompt format, and where each
// value came from for lode doctor.
type Setup struct {
	config.ResolvedModel
	Provider  Provider
	BaseURL   string // with the provider's default filled in
	apiKey    string // never printed
	KeySource string // "api_key", "environment NAME" or "" when none
	Headers   map[string]string

	Template       *prompt.Template
	TemplateSource string // "configured" or "detected from the model name"
	FIM            string // FIMNative, FIMRaw or FIMChat
}

// Resolve resolves everything about one model configuration except the
// model itself; getenv reads API key variables.
func Resolve(r config.ResolvedModel, getenv func(string) string) (*Setup, error) {
	p, ok := Lookup(r.Provider)
	if !ok {
		return nil, fmt.Errorf("%s: unknown provider %q (want one of %s)", r.Label(), r.Provider, strings.Join(Names(), ", "))
	}
	r.Provider = p.Name
	s := &Setup{ResolvedModel: r, Provider: p, BaseURL: r.BaseURL}
	if s.BaseURL == "" {
		s.BaseURL = p.BaseURL
	}
	if s.ModelID == "" {
		s.ModelID = p.Model
	}
	switch {
	case r.APIKey != "":
		s.apiKey, s.KeySource = r.APIKey, "api_key"
	case r.KeyEnv != "" && getenv(r.KeyEnv) != "":
		s.apiKey, s.KeySource = getenv(r.KeyEnv), "environment "+r.KeyEnv
	case p.KeyEnv != "" && getenv(p.KeyEnv) != "":
		s.apiKey, s.KeySource = getenv(p.KeyEnv), "environment "+p.KeyEnv
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
func (s *Setup) fimMode() string {
	if f := s.ResolvedModel.FIM; f != "auto" && f != "" {
		return f
	}
	switch {
	case s.Provider.NativeFIM:
		return FIMNative
	case s.Provider.openai == openai.FIMNone:
		return FIMChat
	}
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() == "api.openai.com" {
		return FIMNative
	}
	if s.Template.Chat {
		return FIMChat
	}
	return FIMRaw
}

// ExtraFiles reports whether native requests carry other files apart
// from the prefix (completion.Options.ExtraFiles).
func (s *Setup) ExtraFiles() bool { return s.Provider.ExtraFiles }

// Embedded reports whether the setup is the embedded model.
func (s *Setup) Embedded() bool { return s.Provider.Name == Embedded }

// New builds the model the setup describes.
func (s *Setup) New() (llm.Model, error) {
	m, err := s.Provider.build(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Label(), err)
	}
	return m, nil
}

// New resolves r and builds its model.
func New(r config.ResolvedModel, getenv func(string) string) (llm.Model, *Setup, error) {
	s, err := Resolve(r, getenv)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.New()
	if err != nil {
		return nil, nil, err
	}
	return m, s, nil
}

func (s *Setup) timeouts() wire.Timeouts {
	return wire.Timeouts{Connect: s.ConnectTimeout, FirstByte: s.FirstByteTimeout, Request: s.RequestTimeout}
}

func newEmbedded(*Setup) (llm.Model, error) {
	return ngram.New(ngram.Options{}), nil
}

func newOpenAI(s *Setup) (llm.Model, error) {
	style := s.Provider.openai
	if s.FIM != FIMNative {
		style = openai.FIMNone
	} else if style == openai.FIMNone {
		return nil, fmt.Errorf("fim = \"native\": %s has no fill-in-the-middle endpoint; use fim = \"chat\"", s.Provider.Name)
	}
	return openai.New(openai.Options{BaseURL: s.BaseURL, APIKey: s.apiKey, Model: s.ModelID,
		Headers: s.Headers, Timeouts: s.timeouts(), FIM: style})
}

func newOllama(s *Setup) (llm.Model, error) {
	return ollama.New(ollama.Options{BaseURL: s.BaseURL, APIKey: s.apiKey, Model: s.ModelID, Headers: s.Headers,
		Timeouts: s.timeouts(), NoFIM: s.FIM != FIMNative, KeepAlive: s.KeepAlive})
}

func newLlamacpp(s *Setup) (llm.Model, error) {
	return llamacpp.New(llamacpp.Options{BaseURL: s.BaseURL, APIKey: s.apiKey, Model: s.ModelID, Headers: s.Headers,
		Timeouts: s.timeouts(), NoFIM: s.FIM != FIMNative})
}
