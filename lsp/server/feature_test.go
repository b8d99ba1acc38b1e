package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/lsp/lsptest"
)

// testFeature exercises the helpers feature files use.
func testFeature() *feature {
	type empty struct{}
	type show struct{ Message string }
	return &feature{
		name: "test",
		requests: map[string]requestFunc{
			"test/progress": request(func(s *Server, ctx context.Context, p *empty) (string, error) {
				prog := s.Progress(ctx, nil, "testing")
				prog.Report(ctx, "half", 50)
				prog.End(ctx, "done")
				prog.Report(ctx, "after the end", 60) // ignored
				return "ok", nil
			}),
			"test/show": request(func(s *Server, ctx context.Context, p *show) (any, error) {
				s.ShowMessage(ctx, protocol.MessageTypeWarning, p.Message)
				s.Logger().Info("logged " + p.Message)
				s.Logger().Debug("debug " + p.Message)
				return nil, nil
			}),
			"test/panic": request(func(s *Server, ctx context.Context, p *empty) (any, error) {
				panic("boom")
			}),
		},
		notifications: map[string]notificationFunc{
			"test/panic": notification(func(s *Server, ctx context.Context, p *empty) error {
				panic("boom")
			}),
		},
		commands: map[string]commandFunc{
			"lode.test.echo": func(s *Server, ctx context.Context, args []protocol.LSPAny) (any, error) {
				return args, nil
			},
		},
	}
}

func TestShowMessageAndLog(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	if err := e.Call("test/show", &map[string]string{"Message": "hello"}, nil); err != nil {
		t.Fatal(err)
	}
	e.WaitFor("showMessage", func() bool { return len(e.ShownMessages()) > 0 })
	if m := e.ShownMessages()[0]; m.Message != "hello" || m.Type != protocol.MessageTypeWarning {
		t.Errorf("shown %+v", m)
	}
	e.WaitFor("logMessage", func() bool { return len(e.LogMessages()) > 0 })
	for _, m := range e.LogMessages() {
		if strings.Contains(m.Message, "debug hello") {
			t.Errorf("debug record sent at level info: %+v", m)
		}
	}
	if m := e.LogMessages()[0]; m.Message != "logged hello" || m.Type != protocol.MessageTypeInfo {
		t.Errorf("logged %+v", m)
	}
}

func TestProgress(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	var got string
	if err := e.Call("test/progress", nil, &got); err != nil || got != "ok" {
		t.Fatalf("test/progress: %q, %v", got, err)
	}
	creates := e.Requests(protocol.MethodWindowWorkDoneProgressCreate)
	if len(creates) != 1 {
		t.Fatalf("%d progress tokens created, want 1", len(creates))
	}
	e.WaitFor("3 progress notifications", func() bool { return len(e.Progress()) >= 3 })
	var kinds []string
	for _, p := range e.Progress() {
		var v struct{ Kind, Title, Message string }
		if err := json.Unmarshal(p.Value, &v); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, v.Kind+":"+v.Title+v.Message)
	}
	if want := "begin:testing report:half end:done"; strings.Join(kinds, " ") != want {
		t.Errorf("progress = %q, want %q", strings.Join(kinds, " "), want)
	}

	// A client without work-done progress gets none.
	caps := lsptest.DefaultCapabilities()
	caps.Window = nil
	e2, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{Capabilities: &caps})
	if err := e2.Call("test/progress", nil, &got); err != nil {
		t.Fatal(err)
	}
	if n := len(e2.Requests(protocol.MethodWindowWorkDoneProgressCreate)) + len(e2.Progress()); n != 0 {
		t.Errorf("progress sent to a client without support: %d messages", n)
	}
}

func TestPanicsRecovered(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	wantCode(t, e.Call("test/panic", nil, nil), jsonrpc2.InternalError)
	if err := e.Notify("test/panic", nil); err != nil {
		t.Fatal(err)
	}
	e.Open("/w/a.go", "go", "x")
	if got, _, err := contentAt(t, e, "/w/a.go", 0, 0); err != nil || got != "x" {
		t.Fatalf("server stopped serving after panics: %q, %v", got, err)
	}
}

func TestExecuteCommand(t *testing.T) {
	e, res := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	if cmds := res.Capabilities.ExecuteCommandProvider.Commands; !strings.Contains(strings.Join(cmds, " "), "lode.test.echo") {
		t.Errorf("commands advertised: %v", cmds)
	}
	var got []any
	err := e.Call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{
		Command: "lode.test.echo", Arguments: []protocol.LSPAny{[]byte(`{"a":1}`), []byte(`"b"`)},
	}, &got)
	if err != nil || len(got) != 2 || got[1] != "b" {
		t.Fatalf("echo: %v, %v", got, err)
	}
	err = e.Call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: "lode.nope"}, nil)
	wantCode(t, err, jsonrpc2.InvalidParams)
}
