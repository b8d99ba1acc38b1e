package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/internal/eventually"
	"github.com/lode-ls/lode/lsp/lsptest"
)

const calcPath = "/w/calc/calc.go"

const calcDoc = `package calc

// Add returns the sum of a and b.
func Add(a, b int) int {
	return a - b
}

func Twice(x int) int {
	return Add(x, x)
}
`

// explainEditor starts a session whose explainer and patcher ask m, with
// calc.go open, and the given client capabilities and settings.
func explainEditor(t *testing.T, m *llmtest.Model, caps *protocol.ClientCapabilities, settings any) (*lsptest.Editor, *protocol.InitializeResult) {
	opts := testOptions(t)
	opts.Context = nil
	opts.Explainer = explain.New(m, explain.Options{})
	opts.Patcher = &patch.Suggester{Model: m, Syntax: patch.TreeSitter{}}
	e, res := lsptest.Connect(t, serveWith(opts), lsptest.Options{Capabilities: caps, InitializationOptions: settings, Settings: settings, Folders: []string{"/w"}})
	e.Open(calcPath, "go", calcDoc)
	return e, res
}

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

func doc() protocol.TextDocumentIdentifier {
	return protocol.TextDocumentIdentifier{URI: lsptest.URI(calcPath)}
}

func TestExplainRequest(t *testing.T) {
	m := &llmtest.Model{Name: "fake-chat", Text: "Subtracts `b` from `a`, although the doc says it adds."}
	e, res := explainEditor(t, m, nil, nil)
	if res.Capabilities.CodeActionProvider == nil {
		t.Errorf("capabilities: %+v", res.Capabilities)
	}
	if res.Capabilities.HoverProvider != nil || res.Capabilities.CodeLensProvider != nil {
		t.Errorf("hover or code lenses advertised while explain.hover and explain.code_lens are off: %+v", res.Capabilities)
	}
	var got explainResult
	p := pos(4, 3)
	if err := e.Call(methodExplain, explainParams{TextDocument: doc(), Position: &p}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Structural || got.Title != "function Add" || got.Range.Start.Line != 3 || got.Range.End.Line != 5 ||
		!strings.Contains(got.Markdown, "although the doc says it adds") || got.Model != "fake-chat" {
		t.Errorf("result: %+v", got)
	}
	e.WaitFor("progress to end", func() bool {
		ps := e.Progress()
		return len(ps) >= 2 && strings.Contains(string(ps[len(ps)-1].Value), `"end"`)
	})
	if err := e.Call(methodExplain, explainParams{TextDocument: doc(), Position: &p}, &got); err != nil || !got.Cached || len(m.Calls()) != 1 {
		t.Errorf("second request: cached %v, model calls %d, err %v", got.Cached, len(m.Calls()), err)
	}
	wantCode(t, e.Call(methodExplain, map[string]any{"textDocument": doc()}, nil), jsonrpc2.InvalidParams)
}

func TestExplainCommandShowsMessage(t *testing.T) {
	m := &llmtest.Model{Text: "Adds twice."}
	e, _ := explainEditor(t, m, nil, nil)
	r := protocol.Range{Start: pos(7, 0), End: pos(9, 1)}
	arg := explainParams{TextDocument: doc(), Range: &r}
	if err := e.Call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandExplain, "arguments": []any{arg}}, nil); err != nil {
		t.Fatal(err)
	}
	e.WaitFor("a message", func() bool { return len(e.ShownMessages()) > 0 })
	msgs := e.ShownMessages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Message, "Adds twice.") || !strings.Contains(msgs[0].Message, "selection in Twice") {
		t.Errorf("shown: %+v", msgs)
	}
}

func TestExplainModelFailsFallsBack(t *testing.T) {
	e, _ := explainEditor(t, &llmtest.Model{Text: ""}, nil, nil)
	var got explainResult
	p := pos(4, 3)
	if err := e.Call(methodExplain, explainParams{TextDocument: doc(), Position: &p}, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Structural || !strings.Contains(got.Markdown, "The model failed") || !strings.Contains(got.Markdown, "func Add(a, b int) int") {
		t.Errorf("fallback: %+v", got)
	}
}

func TestExplainCancelled(t *testing.T) {
	m := &llmtest.Model{Delay: time.Hour}
	e, _ := explainEditor(t, m, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := pos(4, 3)
	errc := make(chan error, 1)
	go func() {
		errc <- e.CallContext(ctx, methodExplain, explainParams{TextDocument: doc(), Position: &p}, nil)
	}()
	eventually.True(t, func() bool { return len(m.Calls()) > 0 }, "the model was not called")
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled explanation answered")
	}
	eventually.True(t, func() bool { return m.Canceled() == 1 }, "the model call was not cancelled")
}

func TestHoverAndCodeLens(t *testing.T) {
	m := &llmtest.Model{Text: "Explained on hover."}
	e, _ := explainEditor(t, m, nil, nil)
	var h *protocol.Hover
	hp := protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc(), Position: pos(4, 3)}}
	if err := e.Call(protocol.MethodTextDocumentHover, hp, &h); err != nil || h != nil || len(m.Calls()) != 0 {
		t.Fatalf("hover while off: %+v, %v, %d calls", h, err, len(m.Calls()))
	}
	var lenses []protocol.CodeLens
	if err := e.Call(protocol.MethodTextDocumentCodeLens, protocol.CodeLensParams{TextDocument: doc()}, &lenses); err != nil || len(lenses) != 0 {
		t.Fatalf("code lenses while off: %v, %v", lenses, err)
	}

	e2, _ := explainEditor(t, m, nil, map[string]any{"explain": map[string]any{"hover": true, "code_lens": true}})
	if err := e2.Call(protocol.MethodTextDocumentHover, hp, &h); err != nil || h == nil {
		t.Fatalf("hover: %+v, %v", h, err)
	}
	if mc, ok := h.Contents.(*protocol.MarkupContent); !ok || !strings.Contains(mc.Value, "Explained on hover.") {
		t.Errorf("hover contents: %#v", h.Contents)
	}
	if err := e2.Call(protocol.MethodTextDocumentCodeLens, protocol.CodeLensParams{TextDocument: doc()}, &lenses); err != nil {
		t.Fatal(err)
	}
	if len(lenses) != 2 || lenses[0].Range.Start.Line != 3 || lenses[1].Range.Start.Line != 7 || lenses[0].Command.Command != commandExplain {
		t.Errorf("lenses: %+v", lenses)
	}
}

func TestExplainTimeoutFallsBack(t *testing.T) {
	m := &llmtest.Model{Delay: time.Hour}
	e, _ := explainEditor(t, m, nil, map[string]any{"explain": map[string]any{"timeout": "100ms"}})
	var got explainResult
	p := pos(4, 3)
	if err := e.Call(methodExplain, explainParams{TextDocument: doc(), Position: &p}, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Structural || !strings.Contains(got.Markdown, "no answer within 100ms") {
		t.Errorf("after the timeout: %+v", got)
	}
}

// TestExplainFilePlantedSymlink: another user made $TMPDIR/lode-explain
// (mode 0777) and planted a symlink where an explanation used to be
// written. lode writes in a private directory of its own, never through
// the link, and removes it when the session ends.
func TestExplainFilePlantedSymlink(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	planted := filepath.Join(tmp, "lode-explain")
	os.Mkdir(planted, 0o777)
	os.Chmod(planted, 0o777)
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o600)
	for _, name := range []string{"calc-8.md", "calc-4.md"} {
		if err := os.Symlink(victim, filepath.Join(planted, name)); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
	}
	caps := lsptest.DefaultCapabilities()
	caps.Window.ShowDocument = &protocol.ShowDocumentClientCapabilities{Support: true}
	e, _ := explainEditor(t, &llmtest.Model{Text: "Adds twice."}, &caps, nil)
	r := protocol.Range{Start: pos(7, 0), End: pos(9, 1)}
	for range 2 { // the second explanation replaces the first file
		arg := explainParams{TextDocument: doc(), Range: &r}
		if err := e.Call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandExplain, "arguments": []any{arg}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	shown := e.Requests(protocol.MethodWindowShowDocument)
	if len(shown) != 2 {
		t.Fatalf("showDocument requests: %d, want 2", len(shown))
	}
	var p protocol.ShowDocumentParams
	if err := protocol.Unmarshal(shown[1].Params, &p); err != nil {
		t.Fatal(err)
	}
	path, err := Path(p.URI)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Errorf("the symlink's target was overwritten: %q", data)
	}
	if within := strings.HasPrefix(path, planted+string(filepath.Separator)); within {
		t.Errorf("explanation written in the planted directory: %s", path)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("explanation directory %s: %v, %v; want mode 0700", dir, fi, err)
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "Adds twice.") {
		t.Errorf("explanation file: %q, %v", data, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("explanation directory holds %d files, want 1", len(entries))
	}
	if code, err := e.Shutdown(); err != nil || code != 0 {
		t.Fatalf("shutdown: %d, %v", code, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("explanation directory left after the session: %v", err)
	}
}

func TestExplainCapabilitiesFollowSettings(t *testing.T) {
	m := &llmtest.Model{Name: "fake-chat", Text: "Adds."}
	t.Run("advertised when on at initialize", func(t *testing.T) {
		_, res := explainEditor(t, m, nil, map[string]any{"explain": map[string]any{"hover": true}})
		if res.Capabilities.HoverProvider == nil || res.Capabilities.CodeLensProvider != nil {
			t.Errorf("hover %v, code lens %v: want hover only", res.Capabilities.HoverProvider, res.Capabilities.CodeLensProvider)
		}
	})
	t.Run("registered when turned on later", func(t *testing.T) {
		caps := lsptest.DefaultCapabilities()
		yes := true
		caps.TextDocument = &protocol.TextDocumentClientCapabilities{
			Hover:    &protocol.HoverClientCapabilities{DynamicRegistration: &yes},
			CodeLens: &protocol.CodeLensClientCapabilities{DynamicRegistration: &yes},
		}
		e, res := explainEditor(t, m, &caps, map[string]any{})
		if res.Capabilities.HoverProvider != nil || res.Capabilities.CodeLensProvider != nil {
			t.Fatalf("advertised while off: %+v", res.Capabilities)
		}
		e.SetSettings(map[string]any{"explain": map[string]any{"hover": true, "code_lens": true}})
		e.WaitFor("hover and code lenses registered", func() bool {
			regs := e.Requests(protocol.MethodClientRegisterCapability)
			all := ""
			for _, r := range regs {
				all += string(r.Params)
			}
			return strings.Contains(all, protocol.MethodTextDocumentHover) && strings.Contains(all, protocol.MethodTextDocumentCodeLens)
		})
		e.SetSettings(map[string]any{"explain": map[string]any{"hover": false, "code_lens": true}})
		e.WaitFor("hover unregistered", func() bool {
			for _, r := range e.Requests(protocol.MethodClientUnregisterCapability) {
				if strings.Contains(string(r.Params), protocol.MethodTextDocumentHover) && !strings.Contains(string(r.Params), protocol.MethodTextDocumentCodeLens) {
					return true
				}
			}
			return false
		})
	})
}
