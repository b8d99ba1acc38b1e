package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llamacpp"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/completion/llm/ollama"
	"github.com/lode-ls/lode/completion/llm/openai"
	"github.com/lode-ls/lode/internal/config"
)

func resolved(m config.Model) config.ResolvedModel {
	if m.FIM == "" {
		m.FIM = "auto"
	}
	return config.ResolvedModel{Model: m}
}

func TestResolve(t *testing.T) {
	env := map[string]string{"DEEPSEEK_API_KEY": "ds-key", "MY_KEY": "my-key"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name                          string
		m                             config.Model
		baseURL, model, tmpl, fim, ks string
	}{
		{"ollama-default", config.Model{Provider: "ollama", ModelID: "qwen2.5-coder:7b"}, "http://localhost:11434", "qwen2.5-coder:7b", "qwen", FIMNative, ""},
		{"ollama-any-case", config.Model{Provider: " Ollama", ModelID: "qwen2.5-coder:7b"}, "http://localhost:11434", "qwen2.5-coder:7b", "qwen", FIMNative, ""},
		{"llamacpp", config.Model{Provider: "llamacpp"}, "http://localhost:8080", "", "chat", FIMNative, ""},
		{"vllm", config.Model{Provider: "openai", BaseURL: "http://gpu:8000/v1", ModelID: "deepseek-ai/deepseek-coder-6.7b-base"}, "http://gpu:8000/v1", "deepseek-ai/deepseek-coder-6.7b-base", "deepseek", FIMRaw, ""},
		{"vllm-chat-model", config.Model{Provider: "openai", BaseURL: "http://gpu:8000/v1", ModelID: "Qwen/Qwen2.5-7B-Instruct"}, "http://gpu:8000/v1", "Qwen/Qwen2.5-7B-Instruct", "chat", FIMChat, ""},
		{"openai-hosted", config.Model{Provider: "openai", ModelID: "gpt-3.5-turbo-instruct", APIKey: "k"}, "https://api.openai.com/v1", "gpt-3.5-turbo-instruct", "chat", FIMNative, "api_key"},
		{"deepseek-preset", config.Model{Provider: "deepseek"}, "https://api.deepseek.com/beta", "deepseek-chat", "chat", FIMNative, "environment DEEPSEEK_API_KEY"},
		{"mistral-preset", config.Model{Provider: "mistral", KeyEnv: "MY_KEY"}, "https://codestral.mistral.ai/v1", "codestral-latest", "codestral", FIMNative, "environment MY_KEY"},
		{"zhipu-preset", config.Model{Provider: "zhipu"}, "https://open.bigmodel.cn/api/paas/v4", "glm-4-plus", "chat", FIMChat, ""},
		{"ernie-preset", config.Model{Provider: "ernie"}, "https://qianfan.baidubce.com/v2", "ernie-4.0-turbo-8k", "chat", FIMChat, ""},
		{"template-override", config.Model{Provider: "ollama", ModelID: "my-finetune", Template: "StarCoder2", FIM: "raw"}, "http://localhost:11434", "my-finetune", "starcoder", FIMRaw, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Resolve(resolved(tc.m), getenv)
			if err != nil {
				t.Fatal(err)
			}
			if s.BaseURL != tc.baseURL || s.ModelID != tc.model || s.Template.Name != tc.tmpl || s.FIM != tc.fim || s.KeySource != tc.ks {
				t.Errorf("got base %q model %q template %s fim %s key from %q", s.BaseURL, s.ModelID, s.Template.Name, s.FIM, s.KeySource)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	none := func(string) string { return "" }
	for _, m := range []config.Model{
		{Provider: "anthropic"},
		{Provider: "ollama", Template: "gpt"},
		{Provider: "ollama", Headers: []string{"no colon"}},
	} {
		if _, err := Resolve(resolved(m), none); err == nil {
			t.Errorf("Resolve(%+v) accepted", m)
		}
	}
	if _, _, err := New(resolved(config.Model{Provider: "zhipu", FIM: "native"}), none); err == nil || !strings.Contains(err.Error(), "fim = \"chat\"") {
		t.Errorf("zhipu with native fim: %v", err)
	}
	_, err := Resolve(resolved(config.Model{Provider: "anthropic"}), none)
	for _, name := range Names() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the unknown-provider error does not list %s: %v", name, err)
		}
	}
}

func TestTable(t *testing.T) {
	tests := map[string]func(llm.Model) bool{
		"embedded": func(m llm.Model) bool { _, ok := m.(*ngram.Model); return ok },
		"openai":   func(m llm.Model) bool { _, ok := m.(*openai.Client); return ok },
		"deepseek": func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && c.SupportsFIM() },
		"mistral":  func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && c.SupportsFIM() },
		"zhipu":    func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && !c.SupportsFIM() },
		"ernie":    func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && !c.SupportsFIM() },
		"ollama":   func(m llm.Model) bool { _, ok := m.(*ollama.Client); return ok },
		"llamacpp": func(m llm.Model) bool { _, ok := m.(*llamacpp.Client); return ok },
	}
	if len(tests) != len(Names()) {
		t.Errorf("the table has %v; this test checks %d", Names(), len(tests))
	}
	for name, check := range tests {
		m, _, err := New(resolved(config.Model{Provider: name, ModelID: "m"}), func(string) string { return "" })
		if err != nil || !check(m) {
			t.Errorf("provider %s: %T, %v", name, m, err)
		}
	}
}

// TestSchemaListsTheTable keeps the provider setting's documented choices
// (the schema's enum, from which docs/settings.md and the VS Code settings
// are generated) equal to the table.
func TestSchemaListsTheTable(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(config.Config{}), reflect.TypeOf(config.Model{})} {
		f, ok := typ.FieldByName("Provider")
		if !ok {
			t.Fatalf("%v has no Provider field", typ)
		}
		if got, want := f.Tag.Get("enum"), strings.Join(Names(), ","); got != want {
			t.Errorf("%v.Provider enum = %q, want the table's %q", typ, got, want)
		}
	}
}

// TestPresetWireFormats checks the path and body each hosted service gets,
// with the fake server standing in for the preset's host.
func TestPresetWireFormats(t *testing.T) {
	fim := &llm.Request{Mode: llm.ModeFIM, Prompt: "pre", Suffix: "suf", MaxTokens: 16, Stop: []string{"\n\n"}}
	chat := &llm.Request{Mode: llm.ModeChat, Messages: []llm.Message{{Role: "user", Content: "hi"}}}
	tests := []struct {
		preset   string
		req      *llm.Request
		path     string
		fields   map[string]any
		supports bool
	}{
		{"deepseek", fim, "/beta/completions", map[string]any{"prompt": "pre", "suffix": "suf", "model": "deepseek-chat"}, true},
		{"mistral", fim, "/v1/fim/completions", map[string]any{"prompt": "pre", "suffix": "suf", "model": "codestral-latest", "temperature": 0.0}, true},
		{"zhipu", chat, "/api/paas/v4/chat/completions", map[string]any{"model": "glm-4-plus"}, false},
		{"ernie", chat, "/v2/chat/completions", map[string]any{"model": "ernie-4.0-turbo-8k"}, false},
		{"openai", fim, "/v1/completions", map[string]any{"prompt": "pre", "suffix": "suf", "model": "gpt-3.5-turbo-instruct"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.preset, func(t *testing.T) {
			srv := llmtest.NewServer(t)
			srv.Reply(llmtest.Reply{Text: "mid"})
			p, _ := Lookup(tc.preset)
			base := srv.URL + strings.TrimPrefix(p.BaseURL, "https://"+hostOf(p.BaseURL))
			m := config.Model{Provider: tc.preset, BaseURL: base, APIKey: "k"}
			if tc.preset == "openai" { // a base URL not OpenAI's own: native only when asked
				m.ModelID, m.FIM = "gpt-3.5-turbo-instruct", FIMNative
			}
			model, _, err := New(resolved(m), func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			c := model.(*openai.Client)
			t.Cleanup(c.CloseIdleConnections)
			if got := c.SupportsFIM(); got != tc.supports {
				t.Errorf("SupportsFIM = %v, want %v", got, tc.supports)
			}
			resp, err := c.Complete(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text() != "mid" {
				t.Errorf("text = %q", resp.Text())
			}
			got := srv.Last(t)
			if got.Path != tc.path {
				t.Errorf("path = %s, want %s", got.Path, tc.path)
			}
			for k, want := range tc.fields {
				if v := got.Field(k); v != want {
					t.Errorf("field %s = %v, want %v (body %s)", k, v, want, got.Body)
				}
			}
		})
	}
}

func hostOf(u string) string {
	u = strings.TrimPrefix(u, "https://")
	host, _, _ := strings.Cut(u, "/")
	return host
}
