package ollama

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	reqs := map[string]func() *llm.Request{
		"generate-fim": func() *llm.Request {
			return &llm.Request{Mode: llm.ModeFIM, Prompt: "func f() {", Suffix: "}"}
		},
		"generate-raw": func() *llm.Request {
			return &llm.Request{Mode: llm.ModeRaw, Prompt: "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>"}
		},
		"chat": func() *llm.Request {
			return &llm.Request{Mode: llm.ModeChat, Messages: []llm.Message{{Role: "user", Content: "why"}}}
		},
	}
	llmtest.RunConformanceEach(t, func(t *testing.T, baseURL, key string, to wire.Timeouts) llm.Model {
		return llmtest.Open(t, New, Options{BaseURL: baseURL, APIKey: key, Model: "qwen2.5-coder:1.5b", Timeouts: to})
	}, reqs)
}

func TestWireFormat(t *testing.T) {
	tests := []struct {
		name   string
		req    *llm.Request
		path   string
		fields map[string]any
	}{
		{"fim", &llm.Request{Mode: llm.ModeFIM, Prompt: "p", Suffix: "s"}, "/api/generate",
			map[string]any{"prompt": "p", "suffix": "s", "raw": nil, "stream": false, "keep_alive": "30m"}},
		{"raw", &llm.Request{Mode: llm.ModeRaw, Prompt: "<PRE> p <SUF>s <MID>"}, "/api/generate",
			map[string]any{"prompt": "<PRE> p <SUF>s <MID>", "raw": true, "suffix": nil}},
		{"chat", &llm.Request{Mode: llm.ModeChat, Messages: []llm.Message{{Role: "user", Content: "q"}}}, "/api/chat",
			map[string]any{"prompt": nil}},
		{"model-override", &llm.Request{Mode: llm.ModeRaw, Prompt: "x", Model: "other"}, "/api/generate",
			map[string]any{"model": "other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.NewServer(t)
			srv.Reply(llmtest.Reply{Text: "answer"})
			c := llmtest.Open(t, New, Options{BaseURL: srv.URL, Model: "m", KeepAlive: "30m"})
			resp, err := c.Complete(context.Background(), tc.req)
			if err != nil || resp.Text() != "answer" {
				t.Fatalf("Complete = %v, %v", resp, err)
			}
			got := srv.Last(t)
			if got.Path != tc.path {
				t.Errorf("path = %s, want %s", got.Path, tc.path)
			}
			for k, want := range tc.fields {
				if v := got.Field(k); v != want {
					t.Errorf("field %s = %v, want %v", k, v, want)
				}
			}
			opts, _ := got.Field("options").(map[string]any)
			if temp, ok := opts["temperature"]; !ok || temp != 0.0 {
				t.Errorf("options.temperature = %v (present %v), want 0 sent", temp, ok)
			}
		})
	}
}

func TestNoInsertSupport(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Status: 400, Error: "registry.ollama.ai/library/llama3:latest does not support insert"})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL, Model: "llama3"})
	_, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: "a", Suffix: "b"})
	if !errors.Is(err, llm.ErrNoFIM) {
		t.Fatalf("error = %v, want ErrNoFIM", err)
	}
	if c.SupportsFIM() {
		t.Error("SupportsFIM still true after the server refused insert")
	}
}

func TestModelNotPulled(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Status: 404, Error: `model "nope" not found, try pulling it first`})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL, Model: "nope"})
	_, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: "a"})
	if !errors.Is(err, llm.ErrUnknownModel) {
		t.Fatalf("error = %v, want ErrUnknownModel", err)
	}
}

func TestListModels(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.SetModels("qwen2.5-coder:1.5b", "llama3:8b")
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL})
	names, err := c.ListModels(context.Background())
	if err != nil || !slices.Equal(names, []string{"qwen2.5-coder:1.5b", "llama3:8b"}) {
		t.Errorf("ListModels = %v, %v", names, err)
	}
	if srv.Last(t).Path != "/api/tags" {
		t.Errorf("path = %s", srv.Last(t).Path)
	}
}

// TestErrorInStream: Ollama reports a failure in the middle of a stream as
// a line {"error": ...}.
func TestErrorInStream(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Body: `{"model":"m","response":"a","done":false}` + "\n" + `{"error":"llama runner process has terminated"}` + "\n"})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL, Model: "m"})
	var got []string
	_, err := c.Stream(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: "x"}, func(s string) bool {
		got = append(got, s)
		return true
	})
	if !errors.Is(err, llm.ErrUnavailable) || !strings.Contains(err.Error(), "runner process has terminated") {
		t.Errorf("error = %v, want ErrUnavailable with the server's message", err)
	}
	if len(got) != 1 || srv.Count() != 1 {
		t.Errorf("yielded %q in %d requests, want one piece and no retry", got, srv.Count())
	}
}
