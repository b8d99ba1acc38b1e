package rewrite

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/golden"
)

// cursorMark marks the cursor in a scenario's last version.
const cursorMark = "|CURSOR|"

// scenario is one testdata/*.txtar file: settings in the comment
// (format, model, path, language, crlf, secret: a string no prompt
// may hold), the document's successive
// versions "v1", "v2", ... (the last holds cursorMark), "context PATH"
// snippets the retriever returns, and the model's "answer"; the golden
// sections are "prompt" (the request as sent) and "edits" (what came of
// the answer).
type scenario struct {
	ar       *txtar.Archive
	settings map[string]string
	in       nextedit.ModelInput
	bundle   []retrieve.Snippet
	answer   string
}

func loadScenario(t testing.TB, file string) *scenario {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return scenarioOf(t, ar)
}

func scenarioOf(t testing.TB, ar *txtar.Archive) *scenario {
	t.Helper()
	sc := &scenario{ar: ar, settings: golden.Settings(ar)}
	path := sc.settings["path"]
	h := nextedit.NewHistory(nextedit.HistoryOptions{})
	var versions []string
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "v"):
			versions = append(versions, string(f.Data))
		case strings.HasPrefix(f.Name, "context "):
			sc.bundle = append(sc.bundle, retrieve.Snippet{Path: "/w/" + strings.TrimPrefix(f.Name, "context "), Text: string(f.Data)})
		case f.Name == "answer":
			sc.answer = strings.TrimSuffix(string(f.Data), "\n")
		}
	}
	if len(versions) == 0 {
		t.Fatal("no versions")
	}
	last := versions[len(versions)-1]
	cursor := strings.Index(last, cursorMark)
	if cursor < 0 {
		t.Fatalf("the last version has no %s", cursorMark)
	}
	versions[len(versions)-1] = strings.Replace(last, cursorMark, "", 1)
	if crlf := sc.settings["crlf"] == "true"; crlf {
		for i, v := range versions {
			versions[i] = strings.ReplaceAll(v, "\n", "\r\n")
		}
		cursor += strings.Count(last[:cursor], "\n")
	}
	for i, v := range versions {
		h.Observe(path, int32(i+1), v)
	}
	doc := versions[len(versions)-1]
	sc.in = nextedit.ModelInput{Path: path, LanguageID: sc.settings["language"], Version: int32(len(versions)), Text: doc, Cursor: cursor, Recent: h.Recent()}
	return sc
}

// retrieverFunc adapts a function to Retriever.
type retrieverFunc func(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error)

func (f retrieverFunc) Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return f(ctx, req)
}

// testRel names /w/... files relative to /w.
func testRel(path string) string { return strings.TrimPrefix(path, "/w/") }

// TestGolden runs each scenario through a Predictor over a fake model:
// the request it sends must be the golden prompt, and the edits it makes
// of the answer the golden edits.
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", func(t *testing.T, file string, ar *txtar.Archive) {
		sc := scenarioOf(t, ar)
		finish := sc.settings["finish"]
		m := &llmtest.Model{Name: sc.settings["model"], Text: sc.answer}
		var model llm.Model = m
		if finish != "" {
			model = finishModel{m, finish}
		}
		p := New(Options{Model: model, ModelName: sc.settings["model"], Format: sc.settings["format"], SyntaxCheck: true, Rel: testRel,
			Retriever: retrieverFunc(func(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
				return retrieve.Bundle{Snippets: sc.bundle}, nil
			})})
		edits, err := p.Predict(context.Background(), sc.in)
		if err != nil {
			t.Fatal(err)
		}
		calls := m.Calls()
		if len(calls) != 1 {
			t.Fatalf("%d model calls, want 1", len(calls))
		}
		got := map[string]string{"prompt": renderRequest(&calls[0]), "edits": renderEdits(sc.in.Text, edits)}
		if secret := sc.settings["secret"]; secret != "" && strings.Contains(got["prompt"], secret) {
			t.Errorf("the prompt holds the secret %q", secret)
		}
		for k, v := range got {
			if !strings.HasSuffix(v, "\n") {
				got[k] = v + "\n"
			}
		}
		golden.Check(t, file, sc.ar, got, "prompt", "edits")
	})
}

// finishModel answers as its Model does, with another finish reason.
type finishModel struct {
	*llmtest.Model
	finish string
}

func (f finishModel) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	r, err := f.Model.Complete(ctx, req)
	if err == nil {
		r.Choices[0].FinishReason = f.finish
	}
	return r, err
}

// renderRequest writes what a request sends.
func renderRequest(r *llm.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mode: %s; max_tokens: %d; stop: %q\n", r.Mode, r.MaxTokens, r.Stop)
	if r.Mode == llm.ModeChat {
		for _, m := range r.Messages {
			b.WriteString("== " + m.Role + " ==\n" + m.Content + "\n")
		}
		return b.String()
	}
	return b.String() + r.Prompt
}

// renderEdits writes each edit as its 1-based line:column range in doc
// and its new text.
func renderEdits(doc string, edits []nextedit.Edit) string {
	if len(edits) == 0 {
		return "(none)\n"
	}
	t := text.New(doc)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	var b strings.Builder
	for _, e := range edits {
		s, end := t.Position(e.Start, text.UTF8), t.Position(e.End, text.UTF8)
		fmt.Fprintf(&b, "%d:%d-%d:%d %q %q (%s)\n", s.Line+1, s.Character+1, end.Line+1, end.Character+1, doc[e.Start:e.End], e.NewText, e.Kind)
	}
	return b.String()
}
