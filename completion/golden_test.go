package completion

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"golang.org/x/tools/txtar"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/golden"
)

// cursorMark marks the cursor in a scenario's file.
const cursorMark = "‸"

// scenario is one golden test: settings, a file with a cursor marker, the
// fake model's reply, and the expected prompt and result.
//
// Sections: "settings" (TOML: the [completion] settings, plus trigger =
// "automatic"|"invoked", deleted = true, chat_only = true, model_name and
// fim as a model's settings), one file named
// with its extension, any number of "snippet PATH" sections that the fake
// retriever returns, "reply" (with "== candidate ==" lines between several
// candidates), "prompt" and "result".
type scenario struct {
	Trigger  string `toml:"trigger"`
	Deleted  bool   `toml:"deleted"`
	ChatOnly bool   `toml:"chat_only"`
	Model    string `toml:"model_name"` // the fake model's name, which picks the template
	FIM      string `toml:"fim"`

	cfg      config.Completion
	path     string
	doc      string
	off      int
	replies  []string
	snippets []retrieve.Snippet
}

func loadScenario(t *testing.T, ar *txtar.Archive) *scenario {
	sc := &scenario{cfg: waitBudgets(config.Default().Completion), off: -1}
	for _, f := range ar.Files {
		data := string(f.Data)
		switch {
		case f.Name == "settings":
			if _, err := toml.Decode(data, sc); err != nil {
				t.Fatalf("settings: %v", err)
			}
			if _, err := toml.Decode(data, &sc.cfg); err != nil {
				t.Fatalf("settings: %v", err)
			}
		case f.Name == "reply":
			sc.replies = strings.Split(strings.TrimSuffix(data, "\n"), "\n== candidate ==\n")
		case f.Name == "prompt" || f.Name == "result":
		case strings.HasPrefix(f.Name, "snippet "):
			sc.snippets = append(sc.snippets, retrieve.Snippet{
				Path: strings.TrimPrefix(f.Name, "snippet "), Text: data, Reason: retrieve.ReasonDefinition,
				Tokens: tokens.New().CountTokens(data),
			})
		default:
			i := strings.Index(data, cursorMark)
			if i < 0 {
				t.Fatalf("file %s has no cursor mark %s", f.Name, cursorMark)
			}
			sc.path, sc.doc, sc.off = "/work/"+f.Name, data[:i]+data[i+len(cursorMark):], i
		}
	}
	if sc.off < 0 {
		t.Fatal("scenario has no file")
	}
	return sc
}

func (sc *scenario) run(t *testing.T) (Result, []llm.Request) {
	name := sc.Model
	if name == "" {
		name = "fake-coder"
	}
	model := &candidates{Model: llmtest.Model{Name: name, FIM: !sc.ChatOnly}, replies: sc.replies}
	model.Answer = func(req *llm.Request) (string, error) {
		if sc.ChatOnly && req.Mode != llm.ModeChat {
			return "", fmt.Errorf("fake: %w", llm.ErrNoFIM)
		}
		if len(sc.replies) == 0 {
			return "", nil
		}
		return sc.replies[0], nil
	}
	opts := Options{Config: sc.cfg, Model: model, Tokens: tokens.New(), FIM: sc.FIM}
	if sc.snippets != nil {
		opts.Retriever = RetrieverFunc(func(_ context.Context, req retrieve.Request) (retrieve.Bundle, error) {
			return retrieve.Bundle{Snippets: sc.snippets, Budget: req.Budget}, nil
		})
	}
	e := newEngine(t, opts)
	req := Request{Path: sc.path, Text: text.New(sc.doc), Offset: sc.off, Deleted: sc.Deleted}
	if sc.Trigger == "invoked" {
		req.Trigger, req.Candidates = Invoked, len(sc.replies)
	}
	res, err := e.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res, model.Calls()
}

// candidates is a fake model that answers a request for several
// candidates with one reply each.
type candidates struct {
	llmtest.Model
	replies []string
}

func (m *candidates) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	resp, err := m.Model.Complete(ctx, req)
	if err != nil || req.N <= 1 {
		return resp, err
	}
	resp.Choices = resp.Choices[:0]
	for _, r := range m.replies[:min(req.N, len(m.replies))] {
		resp.Choices = append(resp.Choices, llm.Choice{Text: r, FinishReason: "stop"})
	}
	return resp, nil
}

func renderPrompt(res Result) string {
	p := res.Prompt
	if p == nil {
		return "(no model call)\n"
	}
	var b strings.Builder
	r := p.Request
	fmt.Fprintf(&b, "mode: %s\nrequest: %s max_tokens=%d n=%d stop=%q indent=%d\n", p.Mode, r.Mode, r.MaxTokens, max(r.N, 1), r.Stop, r.Indent)
	for _, s := range p.Context {
		fmt.Fprintf(&b, "context: %s (%s)\n", s.Path, s.Reason)
	}
	fmt.Fprintf(&b, "== prefix ==\n%s\n== suffix ==\n%s\n", p.Prefix, p.Suffix)
	if r.Mode == llm.ModeRaw {
		fmt.Fprintf(&b, "== raw ==\n%s\n", r.Prompt)
	}
	for _, m := range r.Messages {
		fmt.Fprintf(&b, "== %s ==\n%s\n", m.Role, m.Content)
	}
	return b.String()
}

func renderResult(res Result) string {
	if res.Skipped != "" {
		return "skipped: " + res.Skipped + "\n"
	}
	if len(res.Items) == 0 {
		return "(none)\n"
	}
	var b strings.Builder
	for i, it := range res.Items {
		if i > 0 {
			b.WriteString("== candidate ==\n")
		}
		fmt.Fprintf(&b, "%s\n", it.Insert)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/golden/*.txtar", func(t *testing.T, file string, ar *txtar.Archive) {
		sc := loadScenario(t, ar)
		res, _ := sc.run(t)
		got := map[string]string{"prompt": renderPrompt(res), "result": renderResult(res)}
		golden.Check(t, file, ar, got, "prompt", "result")
	})
}
