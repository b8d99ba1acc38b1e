package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/patch"
)

// commandSession opens a session over files written to a new folder, as
// a command opens it, and waits for its index.
func commandSession(t *testing.T, files map[string]string, o Options) (*Session, string) {
	t.Helper()
	root := t.TempDir()
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o.Config, o.Root, o.NoCache, o.Getenv = noFiles(), root, true, func(string) string { return "" }
	s, problems := Open(o)
	t.Cleanup(func() { s.Close() })
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, root
}

func TestExplainAt(t *testing.T) {
	s, _ := commandSession(t, nil, Options{NoIndex: true})
	content := "package calc\n\n\tfunc Add(a, b int) int {\n\treturn a + b\n}\n"
	for _, tc := range []struct {
		name               string
		line, col, endLine int
		wantStart, wantEnd int
	}{
		{"the whole file", 0, 0, 0, 0, 0},
		{"a line: its first non-blank byte", 3, 0, 0, 15, 15},
		{"a line and column", 3, 7, 0, 20, 20},
		{"lines", 3, 0, 4, 14, 53},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ExplainAt("/w/calc.go", content, tc.line, tc.col, tc.endLine)
			if err != nil || got.Start != tc.wantStart || got.End != tc.wantEnd || got.Content != content {
				t.Fatalf("ExplainAt = %d-%d, %v; want %d-%d", got.Start, got.End, err, tc.wantStart, tc.wantEnd)
			}
		})
	}
	if _, err := s.ExplainAt("/w/calc.go", content, 3, 0, 9); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "line 9 out of range (1-6)") {
		t.Errorf("lines past the end: %v", err)
	}
}

func TestContextAt(t *testing.T) {
	use := "package calc\n\nfunc Twice(x int) int {\n\treturn Add(x, x)\n}\n"
	s, root := commandSession(t, map[string]string{"calc.go": calcSrc, "use.go": use, ".env": "KEY=secret\n"}, Options{NoLearn: true})
	b, _, err := s.ContextAt(context.Background(), ContextQuery{Path: filepath.Join(root, "use.go"), Line: 4, Col: 9, PrefixLines: 40, SuffixLines: 10})
	if err != nil || !strings.Contains(fmt.Sprint(b.Snippets), "func Add(a, b int) int") || b.Budget != s.Config().Context.Budget {
		t.Errorf("the bundle at the call (budget %d): %v\n%+v", b.Budget, err, b.Snippets)
	}
	for _, q := range []ContextQuery{
		{Path: filepath.Join(root, ".env"), Line: 1, Col: 1},
		{Path: filepath.Join(root, "use.go"), Line: 9, Col: 1},
	} {
		if _, _, err := s.ContextAt(context.Background(), q); !errors.Is(err, ErrInput) {
			t.Errorf("ContextAt(%s:%d) = %v, want an input error", filepath.Base(q.Path), q.Line, err)
		}
	}
}

func TestCompleteAtReplay(t *testing.T) {
	s, root := commandSession(t, map[string]string{"calc.go": calcSrc}, Options{NoIndex: true})
	path := filepath.Join(root, "calc.go")
	fc, err := s.CompleteAt(context.Background(), CompleteQuery{Path: path, Line: 5, Col: 9, Trigger: completion.Invoked, Candidates: 1, Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(calcSrc, "\treturn a - b\n", "\treturn \n", 1)
	if fc.Written != "a - b" || fc.Text.String() != want || fc.Offset != strings.Index(want, "return ")+len("return ") {
		t.Errorf("replay: written %q, offset %d, text\n%s", fc.Written, fc.Offset, fc.Text)
	}
	if _, err := s.CompleteAt(context.Background(), CompleteQuery{Path: path, Line: 99, Col: 1}); !errors.Is(err, ErrInput) {
		t.Errorf("line 99: %v, want an input error", err)
	}
}

func TestReadTargetAndPatchContext(t *testing.T) {
	use := "package calc\n\nfunc Twice(x int) int {\n\treturn Add(x, x)\n}\n"
	s, root := commandSession(t, map[string]string{"calc.go": calcSrc, "sub/use.go": use}, Options{NoLearn: true})
	tg, err := s.ReadTarget(filepath.Join(root, "sub", "use.go"))
	if err != nil || tg.Path != "sub/use.go" || tg.Content != use {
		t.Fatalf("ReadTarget = %+v, %v", tg, err)
	}
	if _, err := s.ReadTarget(filepath.Join(filepath.Dir(root), "elsewhere.go")); err == nil || !strings.Contains(err.Error(), "outside the workspace") {
		t.Errorf("a file outside the workspace: %v", err)
	}
	tg.StartLine, tg.EndLine = 3, 5
	snips := s.PatchContext(context.Background(), []patch.Target{tg})
	found := false
	for _, sn := range snips {
		found = found || sn.Path == "calc.go" && strings.Contains(sn.Text, "func Add")
	}
	if !found {
		t.Errorf("the context of Twice lacks Add's definition, by a relative path: %+v", snips)
	}
}

// TestExplainOnce checks a command's explanation: the model's prose, or,
// when the model fails, the structural explanation saying why, with the
// model's failure beside it.
func TestExplainOnce(t *testing.T) {
	srv := llmtest.NewServer(t)
	s, _ := commandSession(t, nil, Options{NoIndex: true})
	cfg := *s.Config()
	cfg.Provider, cfg.BaseURL, cfg.ModelID = "openai", srv.URL+"/v1", "fake-coder"
	s.Configure(&cfg)
	target := explain.Target{Path: "/w/calc.go", Content: calcSrc, Start: 60, End: 60}

	srv.Reply(llmtest.Reply{Text: "Adds, in prose."})
	ex, modelErr, err := s.ExplainOnce(context.Background(), s.Explainer(), target)
	if err != nil || modelErr != nil || ex.Structural || !strings.Contains(ex.Markdown, "Adds, in prose.") {
		t.Fatalf("with the model answering: %+v, model error %v, %v", ex, modelErr, err)
	}
	srv.Reply(llmtest.Reply{Status: 401, Error: "invalid api key"})
	s.Configure(&cfg) // a new engine, without the explanation cached
	ex, modelErr, err = s.ExplainOnce(context.Background(), s.Explainer(), target)
	if err != nil || !errors.Is(modelErr, llm.ErrUnauthorized) || !ex.Structural || !strings.Contains(ex.Markdown, "The model failed") {
		t.Fatalf("with the key refused: %+v, model error %v, %v", ex, modelErr, err)
	}
}
