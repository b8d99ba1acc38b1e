package server

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/eventually"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// newEngine returns completion.New(opts), closed when the test ends
// (after the session, whose cleanup was registered later).
func newEngine(t *testing.T, opts completion.Options) *completion.Engine {
	eng := completion.New(opts)
	t.Cleanup(func() { eng.Close() })
	return eng
}

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
	eng := newEngine(t, completion.Options{Config: cfg, Model: m})
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
	return lsptest.InlineParams(mainPath, protocol.Position{Line: line, Character: char}, kind)
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
	// The model answers once the edit below is in: the answer is for an
	// outdated document.
	edited := make(chan struct{})
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Answer: func(*llm.Request) (string, error) {
		<-edited
		return `ntln("hi")`, nil
	}}
	e, _, _ := completionEditor(t, m, inlineCaps(), nil)
	release := sync.OnceFunc(func() { close(edited) })
	t.Cleanup(release) // before the engine's Close, should the test fail first
	done := make(chan protocol.InlineCompletionList, 1)
	go func() {
		var list protocol.InlineCompletionList
		e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &list)
		done <- list
	}()
	eventually.True(t, func() bool { return len(m.Calls()) > 0 }, "the model was not called")
	e.Edit(mainPath, protocol.Range{Start: protocol.Position{Line: 6, Character: 1}, End: protocol.Position{Line: 6, Character: 1}}, "\n// x")
	// A request after the edit sees it: the server has applied it.
	if content, _, err := contentAt(t, e, mainPath, 0, 0); err != nil || !strings.Contains(content, "// x") {
		t.Fatalf("the edit is not in: %q, %v", content, err)
	}
	release()
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

// rankedSession starts a session whose completion items come from remote
// (lines) and a ranking companion, with settings.
func rankedSession(t *testing.T, remote *llmtest.Model, settings map[string]any) *lsptest.Editor {
	local := &ranker{Model: &llmtest.Model{Name: "fake-ngram", FIM: true}, preds: []llm.Prediction{
		{Text: "Println", Score: 0.6}, {Text: "Printf", Score: 0.3}, {Text: "Errorf", Score: 0.1},
	}}
	eng := newEngine(t, completion.Options{Config: config.Default().Completion, Model: remote, Embedded: local})
	opts := testOptions(t)
	opts.Completer = eng
	opts.OnConfig = func(c *config.Config) { eng.SetConfig(c.Completion) }
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Settings: settings, InitializationOptions: settings, Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	return e
}

func TestCompletionItemsWithRankedTokens(t *testing.T) {
	remote := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	// The items wait for the line as long as the call lasts.
	settings := map[string]any{"completion": map[string]any{"syntax_check": false, "items_wait_ms": int(time.Hour / time.Millisecond)}}
	e := rankedSession(t, remote, settings)
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
}

// TestCompletionItemsDoNotWaitForTheServer checks that with a server
// that has not answered within the items wait (zero here), the ranked
// tokens come without the line.
func TestCompletionItemsDoNotWaitForTheServer(t *testing.T) {
	remote := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`, Delay: time.Hour}
	settings := map[string]any{"completion": map[string]any{"syntax_check": false, "items_wait_ms": 0}}
	e := rankedSession(t, remote, settings)
	e.Edit(mainPath, protocol.Range{Start: protocol.Position{Line: 5, Character: 5}, End: protocol.Position{Line: 5, Character: 8}}, "E")
	params := &protocol.CompletionParams{TextDocumentPositionParams: inlineParams(5, 6, 0).TextDocumentPositionParams}
	var list protocol.CompletionList
	if err := e.Call(protocol.MethodTextDocumentCompletion, params, &list); err != nil {
		t.Fatal(err)
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
	// The server answers when the test lets it; the companion does not
	// wait for it at all.
	answer := make(chan struct{})
	remote := &llmtest.Model{Name: "fake-coder", FIM: true, Answer: func(*llm.Request) (string, error) {
		<-answer
		return `ntln("remote")`, nil
	}}
	local := &llmtest.Model{Name: "fake-ngram", FIM: true, Text: `nt("local")`}
	settings := map[string]any{"completion": map[string]any{"companion": true, "companion_wait_ms": 0, "syntax_check": false}}
	eng := newEngine(t, completion.Options{Config: config.Default().Completion, Model: remote, Embedded: local})
	opts := testOptions(t)
	opts.Completer = eng
	opts.OnConfig = func(c *config.Config) { eng.SetConfig(c.Completion) }
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Capabilities: inlineCaps(), Settings: settings, InitializationOptions: settings, Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	release := sync.OnceFunc(func() { close(answer) })
	t.Cleanup(release) // before the engine's Close, should the test fail first
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
	if got := ask(); got != `Print("local")` {
		t.Fatalf("second answer, the server still working = %q, want the companion's", got)
	}
	// Once the server has answered, asking again shows its line, from
	// the one call.
	release()
	got := ""
	eventually.True(t, func() bool {
		got = ask()
		return got != `Print("local")`
	}, "the server's answer never showed")
	if got != `Println("remote")` {
		t.Errorf("later answer = %q, want the server's", got)
	}
	if n := len(remote.Calls()); n != 1 {
		t.Errorf("server calls = %d, want 1", n)
	}
}
