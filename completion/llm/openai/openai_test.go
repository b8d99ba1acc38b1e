package openai

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func suite(style FIMStyle, req func() *llm.Request) llmtest.Suite {
	return llmtest.Suite{
		New: func(t *testing.T, baseURL, key string, to wire.Timeouts) llm.Model {
			return llmtest.Open(t, New, Options{BaseURL: baseURL + "/v1", APIKey: key, Model: "fake-coder", Timeouts: to, FIM: style})
		},
		Request: req,
	}
}

func TestConformance(t *testing.T) {
	t.Run("completions-fim", func(t *testing.T) {
		llmtest.RunConformance(t, suite(FIMSuffix, func() *llm.Request {
			return &llm.Request{Mode: llm.ModeFIM, Prompt: "func add(a, b int) int {\n\t", Suffix: "\n}", MaxTokens: 32}
		}))
	})
	t.Run("completions-raw", func(t *testing.T) {
		llmtest.RunConformance(t, suite(FIMNone, func() *llm.Request {
			return &llm.Request{Mode: llm.ModeRaw, Prompt: "<fim_prefix>x<fim_suffix>y<fim_middle>"}
		}))
	})
	t.Run("chat", func(t *testing.T) {
		llmtest.RunConformance(t, suite(FIMSuffix, func() *llm.Request {
			return &llm.Request{Mode: llm.ModeChat, Messages: []llm.Message{{Role: "user", Content: "explain"}}}
		}))
	})
	t.Run("mistral-fim", func(t *testing.T) {
		llmtest.RunConformance(t, suite(FIMMistral, func() *llm.Request {
			return &llm.Request{Mode: llm.ModeFIM, Prompt: "def f(", Suffix: "):\n"}
		}))
	})
}
