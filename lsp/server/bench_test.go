package server

import (
	"strings"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/lsp/lsptest"
)

// BenchmarkDidChange measures applying one-character incremental edits to
// a 5,000-line document, end to end through the connection.
func BenchmarkDidChange(b *testing.B) {
	e, _ := lsptest.Connect(b, serveWith(testOptions(b)), lsptest.Options{})
	const path = "/w/big.go"
	e.Open(path, "go", strings.Repeat("\tx := compute(a, b, c) // some code\n", 5000))
	b.ResetTimer()
	for i := range b.N {
		line := uint32(i % 5000)
		e.Edit(path, protocol.Range{Start: protocol.Position{Line: line, Character: 1}, End: protocol.Position{Line: line, Character: 2}}, "y")
	}
	// A request after the edits returns once they are all applied.
	if err := e.Call("textDocument/nonexistent", nil, nil); err == nil {
		b.Fatal("unexpected success")
	}
}

// BenchmarkRoundTrip measures a request's round trip through the server
// (decode, snapshot, dispatch, encode) with a context source that answers
// at once.
func BenchmarkRoundTrip(b *testing.B) {
	e, _ := lsptest.Connect(b, serveWith(testOptions(b)), lsptest.Options{})
	const path = "/w/small.go"
	e.Open(path, "go", "package small\n")
	p := map[string]any{"textDocument": map[string]string{"uri": string(lsptest.URI(path).String())}, "position": map[string]int{"line": 0, "character": 3}}
	b.ResetTimer()
	for range b.N {
		if err := e.Call("lode/context", p, nil); err != nil {
			b.Fatal(err)
		}
	}
}
