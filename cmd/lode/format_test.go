package main

import (
	"context"
	"errors"
	"testing"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/llm/ollama"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/config"
)

// TestTemplateFormat checks the engine's prompts per fim mode, and the
// switch to the raw template once the server refused a suffix.
func TestTemplateFormat(t *testing.T) {
	p := &completion.Prompt{Path: "a.go", Language: "go", Prefix: "x := ", Suffix: "\n", Mode: postprocess.Line,
		Context: []retrieve.Snippet{{Path: "b.go", Text: "func f() int"}}}
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Status: 400, Error: "m does not support insert"})
	m, s, err := newModel(resolved(config.Model{Provider: "ollama", BaseURL: srv.URL, ModelID: "qwen2.5-coder:1.5b"}))
	if err != nil {
		t.Fatal(err)
	}
	defer m.(*ollama.Client).CloseIdleConnections()
	f := newFormat(s, m)
	if req := f.Format(p, false); req.Mode != llm.ModeFIM || req.Prompt != "// Path: b.go\nfunc f() int\n\nx := " {
		t.Errorf("native: %v %q", req.Mode, req.Prompt)
	}
	if req := f.Format(p, true); req.Mode != llm.ModeChat {
		t.Errorf("chat asked: %v", req.Mode)
	}
	if _, err := m.Complete(context.Background(), f.Format(p, false)); !errors.Is(err, llm.ErrNoFIM) {
		t.Fatalf("want ErrNoFIM, got %v", err)
	}
	if req := f.Format(p, false); req.Mode != llm.ModeRaw || req.Prompt[:len("<|repo_name|>")] != "<|repo_name|>" {
		t.Errorf("after the refusal: %v %q, want the qwen raw template", req.Mode, req.Prompt)
	}
	for _, provider := range []string{"llamacpp", "embedded"} {
		lm, ls, _ := newModel(resolved(config.Model{Provider: provider, ModelID: "x"}))
		if req := newFormat(ls, lm).Format(p, false); req.Mode != llm.ModeFIM || len(req.Extra) != 1 || req.Prompt != "x := " {
			t.Errorf("%s: %v extra %d %q", provider, req.Mode, len(req.Extra), req.Prompt)
		}
	}
}
