package main

import (
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llamacpp"
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

func TestSetupModel(t *testing.T) {
	env := map[string]string{"DEEPSEEK_API_KEY": "ds-key", "MY_KEY": "my-key"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name                          string
		m                             config.Model
		baseURL, model, tmpl, fim, ks string
	}{
		{"ollama-default", config.Model{Provider: "ollama", ModelID: "qwen2.5-coder:7b"}, "http://localhost:11434", "qwen2.5-coder:7b", "qwen", fimNative, ""},
		{"llamacpp", config.Model{Provider: "llamacpp"}, "http://localhost:8080", "", "chat", fimNative, ""},
		{"vllm", config.Model{Provider: "openai", BaseURL: "http://gpu:8000/v1", ModelID: "deepseek-ai/deepseek-coder-6.7b-base"}, "http://gpu:8000/v1", "deepseek-ai/deepseek-coder-6.7b-base", "deepseek", fimRaw, ""},
		{"vllm-chat-model", config.Model{Provider: "openai", BaseURL: "http://gpu:8000/v1", ModelID: "Qwen/Qwen2.5-7B-Instruct"}, "http://gpu:8000/v1", "Qwen/Qwen2.5-7B-Instruct", "chat", fimChat, ""},
		{"openai-hosted", config.Model{Provider: "openai", ModelID: "gpt-3.5-turbo-instruct", APIKey: "k"}, "https://api.openai.com/v1", "gpt-3.5-turbo-instruct", "chat", fimNative, "api_key"},
		{"deepseek-preset", config.Model{Provider: "deepseek"}, "https://api.deepseek.com/beta", "deepseek-chat", "chat", fimNative, "environment DEEPSEEK_API_KEY"},
		{"mistral-preset", config.Model{Provider: "mistral", KeyEnv: "MY_KEY"}, "https://codestral.mistral.ai/v1", "codestral-latest", "codestral", fimNative, "environment MY_KEY"},
		{"zhipu-preset", config.Model{Provider: "zhipu"}, "https://open.bigmodel.cn/api/paas/v4", "glm-4-plus", "chat", fimChat, ""},
		{"ernie-preset", config.Model{Provider: "ernie"}, "https://qianfan.baidubce.com/v2", "ernie-4.0-turbo-8k", "chat", fimChat, ""},
		{"template-override", config.Model{Provider: "ollama", ModelID: "my-finetune", Template: "StarCoder2", FIM: "raw"}, "http://localhost:11434", "my-finetune", "starcoder", fimRaw, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := setupModel(resolved(tc.m), getenv)
			if err != nil {
				t.Fatal(err)
			}
			if s.BaseURL != tc.baseURL || s.ModelID != tc.model || s.Template.Name != tc.tmpl || s.FIM != tc.fim || s.KeySource != tc.ks {
				t.Errorf("got base %q model %q template %s fim %s key from %q", s.BaseURL, s.ModelID, s.Template.Name, s.FIM, s.KeySource)
			}
		})
	}
}

func TestSetupModelErrors(t *testing.T) {
	for _, m := range []config.Model{
		{Provider: "anthropic"},
		{Provider: "ollama", Template: "gpt"},
		{Provider: "ollama", Headers: []string{"no colon"}},
	} {
		if _, err := setupModel(resolved(m), func(string) string { return "" }); err == nil {
			t.Errorf("setupModel(%+v) accepted", m)
		}
	}
	if _, _, err := newModel(resolved(config.Model{Provider: "zhipu", FIM: "native"})); err == nil || !strings.Contains(err.Error(), "fim = \"chat\"") {
		t.Errorf("zhipu with native fim: %v", err)
	}
}

func TestProviderTable(t *testing.T) {
	tests := map[string]func(llm.Model) bool{
		"embedded": func(m llm.Model) bool { _, ok := m.(*ngram.Model); return ok },
		"openai":   func(m llm.Model) bool { _, ok := m.(*openai.Client); return ok },
		"mistral":  func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && c.SupportsFIM() },
		"zhipu":    func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && !c.SupportsFIM() },
		"ernie":    func(m llm.Model) bool { c, ok := m.(*openai.Client); return ok && !c.SupportsFIM() },
		"ollama":   func(m llm.Model) bool { _, ok := m.(*ollama.Client); return ok },
		"llamacpp": func(m llm.Model) bool { _, ok := m.(*llamacpp.Client); return ok },
	}
	for name, check := range tests {
		m, _, err := newModel(resolved(config.Model{Provider: name, ModelID: "m"}))
		if err != nil || !check(m) {
			t.Errorf("provider %s: %T, %v", name, m, err)
		}
	}
}
