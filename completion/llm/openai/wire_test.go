package openai

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
)

func TestZeroTemperatureIsSent(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1", Model: "m"})
	for _, req := range []*llm.Request{{Mode: llm.ModeRaw, Prompt: "x"}, {Mode: llm.ModeChat, Messages: []llm.Message{{Role: "user", Content: "x"}}}} {
		if _, err := c.Complete(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		temp, ok := srv.Last(t).Field("temperature").(float64)
		if !ok || temp <= 0 || temp > 1e-3 {
			t.Errorf("%v: temperature field = %v, want a tiny positive number", req.Mode, srv.Last(t).Field("temperature"))
		}
	}
}

func TestChatOnlyModelOnCompletions(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1", Model: "o1-mini"})
	if c.SupportsFIM() {
		t.Error("SupportsFIM = true for a model go-openai refuses on /completions")
	}
	_, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: "a", Suffix: "b"})
	if !errors.Is(err, llm.ErrNoFIM) {
		t.Fatalf("error = %v, want ErrNoFIM", err)
	}
	if srv.Count() != 0 {
		t.Errorf("server got %d requests, want none", srv.Count())
	}
}

// TestSuffixRejected is vLLM's answer to a suffix: the client reports
// ErrNoFIM and stops claiming FIM support.
func TestSuffixRejected(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Status: 400, Error: "suffix is not currently supported"})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1", Model: "Qwen/Qwen2.5-Coder-7B"})
	if !c.SupportsFIM() {
		t.Fatal("SupportsFIM = false before any answer")
	}
	_, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: "a", Suffix: "b"})
	if !errors.Is(err, llm.ErrNoFIM) {
		t.Fatalf("error = %v, want ErrNoFIM", err)
	}
	if c.SupportsFIM() {
		t.Error("SupportsFIM = true after the server rejected a suffix")
	}
	if n := srv.Count(); n != 1 {
		t.Errorf("server got %d requests, want 1 (no retry of a 400)", n)
	}
}

func TestHeadersAndRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached another host with Authorization %q", r.Header.Get("Authorization"))
	}))
	defer other.Close()
	srv := llmtest.NewServer(t)
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1", APIKey: "secret-key", Model: "m",
		Headers: map[string]string{"X-Team": "lode"}})
	if _, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Last(t).Header.Get("X-Team"); got != "lode" {
		t.Errorf("X-Team header = %q", got)
	}

	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	c2 := llmtest.Open(t, New, Options{BaseURL: redirect.URL + "/v1", APIKey: "secret-key", Model: "m"})
	_, err := c2.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: "x"})
	if err == nil || strings.Contains(err.Error(), "secret-key") {
		t.Errorf("error = %v, want a refused redirect without the key", err)
	}
}

func TestListModels(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.SetModels("a", "b")
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1"})
	names, err := c.ListModels(context.Background())
	if err != nil || !slices.Equal(names, []string{"a", "b"}) {
		t.Errorf("ListModels = %v, %v", names, err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{BaseURL: "localhost:8000"}, {FIM: "sideways"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

// TestReasoningModelChat: go-openai refuses max_tokens and temperature for
// reasoning models; the client sends max_completion_tokens instead.
func TestReasoningModelChat(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1", Model: "o3-mini"})
	_, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeChat, MaxTokens: 100,
		Messages: []llm.Message{{Role: "user", Content: "explain"}}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Last(t)
	if got.Field("max_completion_tokens") != 100.0 || got.Field("max_tokens") != nil || got.Field("temperature") != nil {
		t.Errorf("body = %s", got.Body)
	}
}

// TestAnswerWithoutUsage: a /completions answer may leave out "usage".
func TestAnswerWithoutUsage(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Body: `{"model":"m","choices":[{"index":0,"text":"x := 1","finish_reason":"stop"}]}`})
	c := llmtest.Open(t, New, Options{BaseURL: srv.URL + "/v1", Model: "m"})
	resp, err := c.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: "x"})
	if err != nil || resp.Text() != "x := 1" || resp.PromptTokens != 0 {
		t.Errorf("Complete = %+v, %v", resp, err)
	}
}
