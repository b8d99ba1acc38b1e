package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// testOptions returns Options that read no user file and no environment.
func testOptions(t testing.TB) Options {
	return Options{
		Version: "test",
		Config:  configInputs(),
		Logger:  testLogger(t),
		Context: &echoSource{},
	}
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func serveWith(opts Options) lsptest.ServeFunc {
	return func(ctx context.Context, rwc io.ReadWriteCloser) int {
		srv := New(opts)
		srv.features = append(srv.features, testFeature())
		return srv.Serve(ctx, rwc)
	}
}

// echoSource is a ContextSource whose bundle holds one snippet: the whole
// document content as the request saw it, with the cursor offset as score.
// When block is set it waits for ctx instead (for cancellation tests).
type echoSource struct {
	block   bool
	delay   time.Duration
	started chan struct{}
	mu      sync.Mutex
	calls   int
}

func (e *echoSource) Context(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	e.mu.Lock()
	e.calls++
	e.mu.Unlock()
	if e.started != nil {
		e.started <- struct{}{}
	}
	if e.block {
		<-ctx.Done()
		return retrieve.Bundle{}, ctx.Err()
	}
	if e.delay > 0 {
		time.Sleep(e.delay)
	}
	return retrieve.Bundle{
		Snippets: []retrieve.Snippet{{Path: req.Path, Text: req.Content, Score: float64(req.Offset)}},
		Budget:   req.Budget,
	}, nil
}

// contentAt asks lode/context for the document content and cursor offset.
func contentAt(t *testing.T, e *lsptest.Editor, path string, line, char uint32) (string, int, error) {
	t.Helper()
	var b retrieve.Bundle
	err := e.Call(lode.MethodContext, &lode.ContextParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)},
		Position:     protocol.Position{Line: line, Character: char},
	}, &b)
	if err != nil {
		return "", 0, err
	}
	if len(b.Snippets) != 1 {
		t.Fatalf("bundle has %d snippets", len(b.Snippets))
	}
	return b.Snippets[0].Text, int(b.Snippets[0].Score), nil
}

func wantCode(t *testing.T, err error, code jsonrpc2.Code) {
	t.Helper()
	var we *jsonrpc2.Error
	if !errors.As(err, &we) {
		t.Fatalf("got error %v, want a JSON-RPC error with code %d", err, code)
	}
	if we.Code != code {
		t.Fatalf("got code %d (%s), want %d", we.Code, we.Message, code)
	}
}

func rawJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func hasSubstring(list []string, s string) bool {
	for _, e := range list {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}

// configInputs reads no user file and no environment.
func configInputs() config.Inputs {
	return config.Inputs{UserFile: "-", Getenv: func(string) string { return "" }}
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
