package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// TestNextEditModel: with a server model configured, the session's
// next-edit engine asks it in the format the settings choose (Zeta's for
// a model named so, chat otherwise), names files relative to the
// workspace folder, asks nothing while nextedit.model is off, and goes
// through the completion model's breaker.
func TestNextEditModel(t *testing.T) {
	const v1 = "package calc\n\ntype Point struct {\n\tX, Y int\n}\n\nfunc Add(a, b Point) Point {\n\treturn Point{X: a.X + b.X, Y: a.Y + b.Y}\n}\n\nfunc Sub(a, b Point) Point {\n\treturn Point{X: a.X - b.X, Y: a.Y - b.Y}\n}\n"
	v2 := strings.Replace(v1, "X, Y int", "X, Y, Z int", 1)
	v3 := strings.Replace(v2, "Y: a.Y + b.Y}", "Y: a.Y + b.Y, Z: a.Z + b.Z}", 1)
	region := v3[strings.Index(v3, "}\n\nfunc Add"):]
	rewritten := strings.Replace(region, "Y: a.Y - b.Y}", "Y: a.Y - b.Y, Z: a.Z - b.Z}", 1)

	root := t.TempDir()
	path := filepath.Join(root, "calc", "calc.go")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(v1), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := llmtest.NewServer(t)
	s, _ := Open(Options{Config: noFiles(), Root: root, NoLearn: true, NoCache: true, Getenv: func(string) string { return "" }})
	defer s.Close()
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ws := s.Workspace()
	ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: 1, Text: text.New(v1)})
	ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: 2, Text: text.New(v2)})
	ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: 3, Text: text.New(v3)})
	req := nextedit.Request{Path: path, Version: 3, Cursor: strings.Index(v3, "b.Z}") + 4}
	modelEdits := func() []nextedit.Edit {
		t.Helper()
		edits, err := s.NextEdits().NextEdits(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		var out []nextedit.Edit
		for _, e := range edits {
			if e.Kind == nextedit.KindModel {
				out = append(out, e)
			}
		}
		return out
	}

	if got := modelEdits(); len(got) != 0 || fake.Count() != 0 {
		t.Fatalf("the embedded model: %d model edits, %d requests; want none", len(got), fake.Count())
	}

	cfg := *s.Config()
	cfg.Provider, cfg.BaseURL, cfg.ModelID = "openai", fake.URL+"/v1", "zeta-7b"
	s.Configure(&cfg)
	fake.Reply(llmtest.Reply{Text: "<|editable_region_start|>\n" + rewritten + "<|editable_region_end|>"})
	got := modelEdits()
	if len(got) != 1 || got[0].NewText != ", Z: a.Z - b.Z" || got[0].Version != 3 {
		t.Fatalf("zeta: model edits %+v, want Z added to Sub", got)
	}
	last := fake.Last(t)
	if prompt, _ := last.Field("prompt").(string); !strings.HasSuffix(last.Path, "/completions") || !strings.Contains(prompt, "### User Excerpt:\n\n```calc/calc.go\n") {
		t.Errorf("zeta: request to %s, prompt:\n%s", last.Path, prompt)
	}

	cfg.NextEdit.Format = "chat"
	s.Configure(&cfg)
	fake.Reply(llmtest.Reply{Text: "```go\n" + rewritten + "```"})
	if got := modelEdits(); len(got) != 1 || !strings.HasSuffix(fake.Last(t).Path, "/chat/completions") {
		t.Errorf("chat: model edits %+v, last request to %s", got, fake.Last(t).Path)
	}

	cfg.NextEdit.Model = "off"
	s.Configure(&cfg)
	n := fake.Count()
	if got := modelEdits(); len(got) != 0 {
		t.Errorf("nextedit.model = off: model edits %+v", got)
	}
	for _, r := range fake.Requests()[n:] {
		prompt, _ := r.Field("prompt").(string)
		if strings.Contains(prompt+messagesOf(r), "editable_region") {
			t.Errorf("nextedit.model = off, yet a next-edit request: %s", r.Path)
		}
	}

	cfg.NextEdit.Model = ""
	s.Configure(&cfg)
	fake.Reply(llmtest.Reply{Status: 401})
	if got := modelEdits(); len(got) != 0 {
		t.Errorf("a refused key: model edits %+v", got)
	}
	if _, st, _ := s.ModelStatus(); st.State != health.Down {
		t.Errorf("after the next-edit call was refused, the completion model is %v: not the same breaker", st.State)
	}
}

// messagesOf returns the contents of a chat request's messages.
func messagesOf(r llmtest.Request) string {
	var b strings.Builder
	ms, _ := r.Field("messages").([]any)
	for _, m := range ms {
		if mm, ok := m.(map[string]any); ok {
			c, _ := mm["content"].(string)
			b.WriteString(c)
		}
	}
	return b.String()
}
