package llamacpp

import (
	"context"
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	reqs := map[string]func() *llm.Request{
		"infill": func() *llm.Request {
			return &llm.Request{Mode: llm.ModeFIM, Prompt: "int main() {", Suffix: "}", Extra: []llm.Snippet{{Path: "a.h", Text: "int f();"}}}
		},
		"completion": func() *llm.Request {
			return &llm.Request{Mode: llm.ModeRaw, Prompt: "<fim_prefix>a<fim_suffix>b<fim_middle>"}
		},
		"chat": func() *llm.Request {
			return &llm.Request{Mode: llm.ModeChat, Messages: []llm.Message{{Role: "user", Content: "explain"}}}
		},
	}
	llmtest.RunConformanceEach(t, func(t *testing.T, baseURL, key string, to wire.Timeouts) llm.Model {
		return llmtest.Open(t, New, Options{BaseURL: baseURL, APIKey: key, Timeouts: to})
	}, reqs)
}

func TestInfillWireFormat(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "return 0;"})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL})
	req := &llm.Request{Mode: llm.ModeFIM, Prompt: "int main() {\n\t", Suffix: "\n}",
		Extra: []llm.Snippet{{Path: "util.h", Text: "int util(void);"}}, Indent: 4, MaxTime: 250, MaxTokens: 64}
	resp, err := c.Complete(context.Background(), req)
	if err != nil || resp.Text() != "return 0;" {
		t.Fatalf("Complete = %v, %v", resp, err)
	}
	got := srv.Last(t)
	if got.Path != "/infill" {
		t.Errorf("path = %s", got.Path)
	}
	want := map[string]any{"input_prefix": "int main() {\n\t", "input_suffix": "\n}", "n_indent": 4.0,
		"t_max_predict_ms": 250.0, "n_predict": 64.0, "cache_prompt": true, "temperature": 0.0, "stream": false}
	for k, v := range want {
		if g := got.Field(k); g != v {
			t.Errorf("field %s = %v, want %v", k, g, v)
		}
	}
	ex, _ := got.Field("input_extra").([]any)
	if len(ex) != 1 || ex[0].(map[string]any)["filename"] != "util.h" || ex[0].(map[string]any)["text"] != "int util(void);" {
		t.Errorf("input_extra = %v", got.Field("input_extra"))
	}
}

func TestInfillNotSupported(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Status: 501, Error: "Infill is not supported by this model: prefix token is missing."})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL})
	_, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: "a", Suffix: "b"})
	if !errors.Is(err, llm.ErrNoFIM) {
		t.Fatalf("error = %v, want ErrNoFIM", err)
	}
	if c.SupportsFIM() {
		t.Error("SupportsFIM still true")
	}
	if srv.Count() != 1 {
		t.Errorf("server got %d requests, want 1 (a 501 is not retried)", srv.Count())
	}
}

func TestHealth(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL})
	if err := c.Health(context.Background()); err != nil {
		t.Errorf("Health = %v", err)
	}
	srv.Reply(llmtest.Reply{Status: 503, Error: "Loading model"})
	if err := c.Health(context.Background()); !errors.Is(err, llm.ErrUnavailable) {
		t.Errorf("Health while loading = %v, want ErrUnavailable", err)
	}
}
