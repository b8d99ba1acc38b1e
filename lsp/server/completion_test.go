package server

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lsptest"
)

const mainPath = "/w/app/main.go"

const mainDoc = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Pri\n}\n"

// completionEditor starts a session completing with m, main.go open.
func completionEditor(t *testing.T, m *llmtest.Model, caps *protocol.ClientCapabilities, settings any) (*lsptest.Editor, *protocol.InitializeResult, *completion.Engine) {
	cfg := config.Default().Completion
	cfg.SyntaxCheck = false
	if s, ok := settings.(map[string]any); ok {
		if c, ok := s["completion"].(map[string]any); ok {
			cfg.FeedbackLog, _ = c["feedback_log"].(string)
		}
	}
	eng := completion.New(completion.Options{Config: cfg, Model: m})
	opts := testOptions(t)
	opts.Completer = eng
	opts.OnConfig = func(c *config.Config) { eng.SetConfig(c.Completion) }
	e, res := lsptest.Connect(t, serveWith(opts), lsptest.Options{Capabilities: caps, Settings: settings, InitializationOptions: settings, Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	return e, res, eng
}

func inlineCaps() *protocol.ClientCapabilities {
	caps := lsptest.DefaultCapabilities()
	caps.TextDocument = &protocol.TextDocumentClientCapabilities{InlineCompletion: &protocol.InlineCompletionClientCapabilities{}}
	return &caps
}

func inlineParams(line, char uint32, kind protocol.InlineCompletionTriggerKind) *protocol.InlineCompletionParams {
	return &protocol.InlineCompletionParams{
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
			Position:     protocol.Position{Line: line, Character: char},
		},
		Context: protocol.InlineCompletionContext{TriggerKind: kind},
	}
}

func TestInlineCompletion(t *testing.T) {
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	e, res, _ := completionEditor(t, m, inlineCaps(), nil)
	if res.Capabilities.InlineCompletionProvider == nil {
		t.Fatal("inlineCompletionProvider not advertised")
	}
	if res.Capabilities.CompletionProvider != nil {
		t.Error("completionProvider advertised to an editor with inline completion")
	}
	var list protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("items = %+v", list.Items)
	}
	it := list.Items[0]
	if s, _ := it.InsertText.(protocol.String); s != `Println("hi")` {
		t.Errorf("insertText = %v", it.InsertText)
	}
	want := protocol.Range{Start: protocol.Position{Line: 5, Character: 5}, End: protocol.Position{Line: 5, Character: 8}}
	if it.Range == nil || *it.Range != want {
		t.Errorf("range = %+v, want %+v (the word typed so far)", it.Range, want)
	}
	if it.Command.Command != "" {
		t.Errorf("accept command sent while the feedback log is off: %+v", it.Command)
	}
	// Mid-identifier automatic requests are declined; invoked ones are not.
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 6, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil || len(list.Items) != 0 {
		t.Errorf("mid-word automatic: %+v, %v", list.Items, err)
	}
	before := len(m.Calls())
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 6, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil || len(m.Calls()) != before+1 {
		t.Errorf("mid-word invoked did not reach the model: %v", err)
	}
}

func TestCompletionItemsWithoutInlineSupport(t *testing.T) {
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	e, res, _ := completionEditor(t, m, nil, nil)
	if res.Capabilities.CompletionProvider == nil {
		t.Fatal("completionProvider not advertised to an editor without inline completion")
	}
	var list protocol.CompletionList
	err := e.Call(protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{
		TextDocumentPositionParams: inlineParams(5, 8, 0).TextDocumentPositionParams,
	}, &list)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || !list.IsIncomplete {
		t.Fatalf("list = %+v", list)
	}
	it := list.Items[0]
	edit, ok := it.TextEdit.(*protocol.TextEdit)
	if !ok || edit.NewText != `Println("hi")` || edit.Range.Start.Character != 5 || edit.Range.End.Character != 8 {
		t.Errorf("textEdit = %+v", it.TextEdit)
	}
	if f, _ := it.FilterText.Get(); f != `Println("hi")` {
		t.Errorf("filterText = %q", f)
	}
	if d, _ := it.Detail.Get(); !strings.Contains(d, "fake-coder") {
		t.Errorf("detail = %q, want the model name", d)
	}
}

func TestStaleCompletionNotShown(t *testing.T) {
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	m.Delay = 200 * time.Millisecond // the edit below arrives while the model runs
	e, _, _ := completionEditor(t, m, inlineCaps(), nil)
	done := make(chan protocol.InlineCompletionList, 1)
	go func() {
		var list protocol.InlineCompletionList
		e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &list)
		done <- list
	}()
	for deadline := time.Now().Add(5 * time.Second); len(m.Calls()) == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	e.Edit(mainPath, protocol.Range{Start: protocol.Position{Line: 6, Character: 1}, End: protocol.Position{Line: 6, Character: 1}}, "\n// x")
	if list := <-done; len(list.Items) != 0 {
		t.Errorf("a completion for an outdated document was shown: %+v", list.Items)
	}
}

func TestAcceptCompletionCommand(t *testing.T) {
	log := filepath.Join(t.TempDir(), "feedback.jsonl")
	settings := map[string]any{"completion": map[string]any{"feedback_log": log}}
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	e, res, eng := completionEditor(t, m, inlineCaps(), settings)
	if !hasSubstring(res.Capabilities.ExecuteCommandProvider.Commands, commandAccept) {
		t.Errorf("%s not advertised: %v", commandAccept, res.Capabilities.ExecuteCommandProvider.Commands)
	}
	var list protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("items = %+v, %v", list.Items, err)
	}
	cmd := list.Items[0].Command
	if cmd.Command != commandAccept || len(cmd.Arguments) != 1 {
		t.Fatalf("command = %+v", cmd)
	}
	var ok bool
	if err := e.Call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmd.Command, Arguments: cmd.Arguments}, &ok); err != nil || !ok {
		t.Fatalf("accept: %v, %v", ok, err)
	}
	if s := eng.Stats(); s.Accepted != 1 {
		t.Errorf("accepted = %d", s.Accepted)
	}
	eng.Close()
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var ev completion.FeedbackEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev.Event)
	}
	if strings.Join(events, ",") != "shown,accepted" {
		t.Errorf("events = %v", events)
	}
}

// ranker is a fake embedded model that ranks next tokens.
type ranker struct {
	*llmtest.Model
	preds []llm.Prediction
}

func (r *ranker) PredictNext(ctx context.Context, req *llm.Request, n int) ([]llm.Prediction, error) {
	return r.preds[:min(n, len(r.preds))], nil
}

func TestCompletionItemsWithRankedTokens(t *testing.T) {
	remote := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	local := &ranker{Model: &llmtest.Model{Name: "fake-ngram", FIM: true}, preds: []llm.Prediction{
		{Text: "Println", Score: 0.6}, {Text: "Printf", Score: 0.3}, {Text: "Errorf", Score: 0.1},
	}}
	cfg := config.Default().Completion
	cfg.SyntaxCheck = false
	eng := completion.New(completion.Options{Config: cfg, Model: remote, Embedded: local})
	opts := testOptions(t)
	opts.Completer = eng
	opts.OnConfig = func(c *config.Config) { eng.SetConfig(c.Completion) }
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	params := &protocol.CompletionParams{TextDocumentPositionParams: inlineParams(5, 8, 0).TextDocumentPositionParams}

	var list protocol.CompletionList
	if err := e.Call(protocol.MethodTextDocumentCompletion, params, &list); err != nil {
		t.Fatal(err)
	}
	type row struct {
		label, kind, sort string
	}
	want := []row{
		{`Println("hi")`, "snippet", "0000"},
		{"Println", "field", "0001"},
		{"Printf", "field", "0002"},
	}
	if len(list.Items) != len(want) {
		t.Fatalf("items = %+v", list.Items)
	}
	word := protocol.Range{Start: protocol.Position{Line: 5, Character: 5}, End: protocol.Position{Line: 5, Character: 8}}
	for i, it := range list.Items {
		sort, _ := it.SortText.Get()
		got := row{it.Label, map[protocol.CompletionItemKind]string{
			protocol.CompletionItemKindSnippet: "snippet", protocol.CompletionItemKindField: "field"}[it.Kind], sort}
		if got != want[i] {
			t.Errorf("item %d = %+v, want %+v", i, got, want[i])
		}
		edit, ok := it.TextEdit.(*protocol.TextEdit)
		if f, _ := it.FilterText.Get(); !ok || edit.Range != word || edit.NewText != f {
			t.Errorf("item %d: textEdit %+v, filterText %q: want the word replaced", i, it.TextEdit, f)
		}
	}
	if d, _ := list.Items[1].Detail.Get(); d != "lode · fake-ngram · 60%" {
		t.Errorf("token detail = %q", d)
	}
	if d, _ := list.Items[0].Detail.Get(); !strings.Contains(d, "fake-coder") {
		t.Errorf("line detail = %q", d)
	}

	// A server slower than the items wait: the ranked tokens come at once,
	// without the line.
	remote.Delay = 10 * time.Second
	e.Edit(mainPath, protocol.Range{Start: protocol.Position{Line: 5, Character: 5}, End: protocol.Position{Line: 5, Character: 8}}, "E")
	params.Position.Character = 6
	start := time.Now()
	if err := e.Call(protocol.MethodTextDocumentCompletion, params, &list); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("items waited %v for a slow server", took)
	}
	var labels []string
	for _, it := range list.Items {
		labels = append(labels, it.Label)
	}
	if strings.Join(labels, " ") != "Errorf" {
		t.Errorf("items from a slow server = %q, want the ranked tokens", labels)
	}
}

func TestInlineCompanion(t *testing.T) {
	remote := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("remote")`, Delay: 300 * time.Millisecond}
	local := &llmtest.Model{Name: "fake-ngram", FIM: true, Text: `nt("local")`}
	settings := map[string]any{"completion": map[string]any{"companion": true, "companion_wait_ms": 20, "syntax_check": false}}
	eng := completion.New(completion.Options{Config: config.Default().Completion, Model: remote, Embedded: local})
	opts := testOptions(t)
	opts.Completer = eng
	opts.OnConfig = func(c *config.Config) { eng.SetConfig(c.Completion) }
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Capabilities: inlineCaps(), Settings: settings, InitializationOptions: settings, Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	ask := func() string {
		var list protocol.InlineCompletionList
		if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 {
			t.Fatalf("items = %+v", list.Items)
		}
		s, _ := list.Items[0].InsertText.(protocol.String)
		return string(s)
	}
	if got := ask(); got != `Print("local")` {
		t.Fatalf("first answer = %q, want the companion's", got)
	}
	// Asking again shows the companion's line until the server has
	// answered, then the server's, from the one call.
	got := ""
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got = ask(); got != `Print("local")` {
			break
		}
	}
	if got != `Println("remote")` {
		t.Errorf("later answer = %q, want the server's", got)
	}
	if n := len(remote.Calls()); n != 1 {
		t.Errorf("server calls = %d, want 1", n)
	}
}
