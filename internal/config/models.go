package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Model is one named model configuration ([models.NAME]). Empty fields
// inherit the top-level provider settings (provider, base_url, model,
// api_key); base_url and api_key are inherited only when the provider is
// the top-level one.
type Model struct {
	Provider string `toml:"provider" enum:"embedded,openai,ollama,llamacpp,deepseek,mistral,zhipu,ernie" doc:"Provider of this model: a server (openai for any OpenAI-compatible one; deepseek, mistral, zhipu and ernie are OpenAI-compatible services with their own defaults) or the embedded offline model. Empty inherits the top-level provider."`
	BaseURL  string `toml:"base_url" doc:"Base URL of the provider's server; empty inherits the top-level base_url, or the provider's usual address."`
	ModelID  string `toml:"model" doc:"Model name as the server knows it."`
	APIKey   string `toml:"api_key" secret:"true" doc:"API key for this server. Prefer api_key_env."`
	KeyEnv   string `toml:"api_key_env" doc:"Environment variable holding the API key (for example DEEPSEEK_API_KEY), read when api_key is empty."`

	Template string   `toml:"template" doc:"Prompt template: empty chooses one from the model name; else one of starcoder, codellama, deepseek, qwen, codestral, codegemma, codegeex4, chat."`
	FIM      string   `toml:"fim" default:"auto" enum:"auto,native,raw,chat" doc:"How completions are asked: native (the server's suffix, /infill or /fim endpoint), raw (the template written into the prompt, for vLLM and SGLang, which reject a suffix), chat (a hole-filling chat prompt), auto (native where the provider takes it, else raw; chat for chat-only models)."`
	Headers  []string `toml:"headers" doc:"Extra HTTP headers sent with every request to this server, each as \"Name: value\"."`

	ConnectTimeout   time.Duration `toml:"connect_timeout" default:"3s" doc:"Give up connecting to the server after this long."`
	FirstByteTimeout time.Duration `toml:"first_byte_timeout" default:"30s" doc:"Give up when the server has not started answering this long after the request was sent."`
	RequestTimeout   time.Duration `toml:"request_timeout" default:"2m" doc:"Give up on a whole model call, streamed answer included, after this long."`
	KeepAlive        string        `toml:"keep_alive" doc:"Ollama only: how long the server keeps the model loaded after a call, for example \"30m\"; empty uses Ollama's default."`
}

// DefaultModelName is the [models.NAME] entry that, when present, is the
// default model instead of the top-level provider settings.
const DefaultModelName = "default"

// Feature names accepted by FeatureModel.
const (
	FeatureCompletion = "completion"
	FeatureExplain    = "explain"
	// FeatureNextEdit is the model predictor of next edits: nextedit.model,
	// else the completion model. NextEditOff turns it off.
	FeatureNextEdit = "nextedit"
	NextEditOff     = "off"
)

// ResolvedModel is the model a feature uses, inherited values filled in.
type ResolvedModel struct {
	Model
	// Name is the [models.NAME] key, or "" for the top-level settings.
	Name string
	// Key is the dotted prefix of its settings ("models.fast." or ""),
	// for Config.Source.
	Key string
}

// Label names the model for people: "models.fast" or "the default model".
func (r ResolvedModel) Label() string {
	if r.Name == "" {
		return "the default model"
	}
	return "models." + r.Name
}

// FeatureModel returns the model a feature (FeatureCompletion or
// FeatureExplain) uses: the [models.NAME] its model setting names, else
// the default model.
func (c *Config) FeatureModel(feature string) (ResolvedModel, error) {
	var name, key string
	switch feature {
	case FeatureCompletion:
		name, key = c.Completion.Model, "completion.model"
	case FeatureExplain:
		name, key = c.Explain.Model, "explain.model"
	case FeatureNextEdit:
		name, key = c.NextEdit.Model, "nextedit.model"
		if name == "" || name == NextEditOff {
			name, key = c.Completion.Model, "completion.model"
		}
	default:
		return ResolvedModel{}, fmt.Errorf("config: unknown feature %q", feature)
	}
	r, err := c.ResolveModel(name)
	if err != nil {
		return r, fmt.Errorf("config: %s = %q (%s): %w", key, name, c.Source(key), err)
	}
	return r, nil
}

// ResolveModel returns the named model with inherited values filled in;
// the empty name is the default model ([models.default] when present,
// else the top-level settings).
func (c *Config) ResolveModel(name string) (ResolvedModel, error) {
	top := Model{Provider: c.Provider, BaseURL: c.BaseURL, ModelID: c.ModelID, APIKey: c.APIKey}
	applyDefaults(reflect.ValueOf(&top).Elem())
	if name == "" {
		if _, ok := c.Models[DefaultModelName]; !ok {
			return ResolvedModel{Model: top}, nil
		}
		name = DefaultModelName
	}
	m, ok := c.Models[name]
	if !ok {
		return ResolvedModel{}, fmt.Errorf("no [models.%s] section%s", name, c.modelNames())
	}
	sameProvider := m.Provider == "" || m.Provider == top.Provider
	if m.Provider == "" {
		m.Provider = top.Provider
	}
	if sameProvider {
		if m.BaseURL == "" {
			m.BaseURL = top.BaseURL
		}
		if m.APIKey == "" && m.KeyEnv == "" {
			m.APIKey = top.APIKey
		}
		if m.ModelID == "" {
			m.ModelID = top.ModelID
		}
	}
	return ResolvedModel{Model: m, Name: name, Key: "models." + name + "."}, nil
}

func (c *Config) modelNames() string {
	if len(c.Models) == 0 {
		return " (no [models.NAME] sections are defined)"
	}
	return " (defined: " + strings.Join(slices.Sorted(maps.Keys(c.Models)), ", ") + ")"
}

// ParseHeaders turns "Name: value" entries into a map; a malformed entry
// is an error naming it.
func ParseHeaders(entries []string) (map[string]string, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	h := make(map[string]string, len(entries))
	for i, e := range entries {
		k, v, ok := strings.Cut(e, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			// The entry is not shown: it may hold a token.
			return nil, fmt.Errorf("header %d: want \"Name: value\"", i+1)
		}
		h[k] = strings.TrimSpace(v)
	}
	return h, nil
}
