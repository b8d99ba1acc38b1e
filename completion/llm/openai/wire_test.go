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
			p := Presets[tc.preset]
			base := srv.URL + strings.TrimPrefix(p.BaseURL, "https://"+hostOf(p.BaseURL))
			c := newClient(t, Options{BaseURL: base, APIKey: "k", Model: p.Model, FIM: p.FIM})
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

func TestZeroTemperatureIsSent(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := newClient(t, Options{BaseURL: srv.URL + "/v1", Model: "m"})
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
	c := newClient(t, Options{BaseURL: srv.URL + "/v1", Model: "o1-mini"})
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
	c := newClient(t, Options{BaseURL: srv.URL + "/v1", Model: "Qwen/Qwen2.5-Coder-7B"})
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
	c := newClient(t, Options{BaseURL: srv.URL + "/v1", APIKey: "secret-key", Model: "m",
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
	c2 := newClient(t, Options{BaseURL: redirect.URL + "/v1", APIKey: "secret-key", Model: "m"})
	_, err := c2.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: "x"})
	if err == nil || strings.Contains(err.Error(), "secret-key") {
		t.Errorf("error = %v, want a refused redirect without the key", err)
	}
}

func TestListModels(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.SetModels("a", "b")
	c := newClient(t, Options{BaseURL: srv.URL + "/v1"})
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
	c := newClient(t, Options{BaseURL: srv.URL + "/v1", Model: "o3-mini"})
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
