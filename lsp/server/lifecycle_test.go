package server

import (
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

func TestLifecycle(t *testing.T) {
	e := lsptest.New(t, serveWith(testOptions(t)), lsptest.Options{})

	// Before initialize: requests fail, notifications are ignored.
	wantCode(t, e.Call(lode.MethodContext, map[string]any{}, nil), jsonrpc2.ServerNotInitialized)
	e.Open("/w/a.go", "go", "package a\n")

	res, err := e.Initialize()
	if err != nil {
		t.Fatal(err)
	}
	if res.ServerInfo.Name != "lode" {
		t.Errorf("serverInfo.name = %q", res.ServerInfo.Name)
	}
	if v, _ := res.ServerInfo.Version.Get(); v != "test" {
		t.Errorf("serverInfo.version = %q", v)
	}
	caps := res.Capabilities
	if caps.PositionEncoding != protocol.PositionEncodingKindUTF16 {
		t.Errorf("positionEncoding = %q, want utf-16", caps.PositionEncoding)
	}
	sync, ok := caps.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
	if !ok || sync.Change == nil || *sync.Change != protocol.TextDocumentSyncKindIncremental || sync.OpenClose == nil || !*sync.OpenClose {
		t.Errorf("textDocumentSync = %#v", caps.TextDocumentSync)
	}
	if caps.Workspace == nil || caps.Workspace.WorkspaceFolders == nil || !*caps.Workspace.WorkspaceFolders.Supported {
		t.Errorf("workspace folders not advertised: %#v", caps.Workspace)
	}
	// Nothing that is not implemented is advertised.
	if caps.HoverProvider != nil || caps.DefinitionProvider != nil || caps.RenameProvider != nil {
		t.Errorf("unimplemented capabilities advertised: %#v", caps)
	}

	// The didOpen sent before initialize was ignored.
	if _, _, err := contentAt(t, e, "/w/a.go", 0, 0); err == nil {
		t.Errorf("a didOpen before initialize was applied")
	}
	wantCode(t, e.Call(protocol.MethodInitialize, &protocol.InitializeParams{}, nil), jsonrpc2.InvalidRequest)
	wantCode(t, e.Call("textDocument/nonsense", map[string]any{}, nil), jsonrpc2.MethodNotFound)
	if err := e.Notify("lode/unknownNotification", map[string]any{"x": 1}); err != nil {
		t.Fatal(err)
	}
	if err := e.Notify("$/unknown", nil); err != nil {
		t.Fatal(err)
	}
	e.Open("/w/a.go", "go", "package a\n")
	if got, _, err := contentAt(t, e, "/w/a.go", 0, 0); err != nil || got != "package a\n" {
		t.Fatalf("content = %q, %v", got, err)
	}

	if err := e.Call(protocol.MethodShutdown, nil, nil); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.Call(lode.MethodContext, map[string]any{}, nil), jsonrpc2.InvalidRequest)
	code, err := e.Exit()
	if err != nil || code != 0 {
		t.Fatalf("exit after shutdown: code %d, %v; want 0", code, err)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	code, err := e.Exit()
	if err != nil || code != 1 {
		t.Fatalf("exit without shutdown: code %d, %v; want 1", code, err)
	}
}

func TestConnectionLost(t *testing.T) {
	r := lsptest.NewRaw(t, serveWith(testOptions(t)))
	r.SendJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}})
	r.RecvResponse("1")
	if code := r.Close(); code != 1 {
		t.Fatalf("code %d after the client vanished, want 1", code)
	}
}

func TestCustomRequestWithoutParams(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	// No params at all: decodes as {}, so the handler runs and rejects the
	// empty URI instead of failing to decode.
	err := e.Call(lode.MethodContext, nil, nil)
	wantCode(t, err, jsonrpc2.InvalidParams)
	if got := err.Error(); got == "" || !strings.Contains(got, "URI") {
		t.Errorf("error %q should come from the handler (about the URI)", got)
	}
}
