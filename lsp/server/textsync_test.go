package server

import (
	"testing"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/lsp/lsptest"
)

func rng(l1, c1, l2, c2 uint32) protocol.Range {
	return protocol.Range{Start: protocol.Position{Line: l1, Character: c1}, End: protocol.Position{Line: l2, Character: c2}}
}

func utf8Caps() *protocol.ClientCapabilities {
	caps := lsptest.DefaultCapabilities()
	caps.General.PositionEncodings = []protocol.PositionEncodingKind{protocol.PositionEncodingKindUTF16, protocol.PositionEncodingKindUTF8}
	return &caps
}

func TestEncodingNegotiation(t *testing.T) {
	_, res := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{Capabilities: utf8Caps()})
	if res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF8 {
		t.Errorf("offered utf-8, negotiated %q", res.Capabilities.PositionEncoding)
	}
	caps := lsptest.DefaultCapabilities()
	caps.General = nil
	_, res = lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{Capabilities: &caps})
	if res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF16 {
		t.Errorf("no encodings offered, negotiated %q", res.Capabilities.PositionEncoding)
	}
}

// The document holds a 2-byte rune (é, 1 UTF-16 unit), a 3-byte rune (世,
// 1 unit), a 4-byte rune (😀, a surrogate pair: 2 units) and CRLF endings.
const intl = "a é 世 😀 b\r\nx\r\n"

func TestEncodings(t *testing.T) {
	tests := []struct {
		name    string
		utf8    bool
		edit    protocol.Range
		text    string
		want    string
		cursor  protocol.Position
		wantOff int
	}{
		{
			name: "utf-16 after surrogate pair", edit: rng(0, 9, 0, 9), text: "!",
			want: "a é 世 😀 !b\r\nx\r\n", cursor: protocol.Position{Line: 0, Character: 9}, wantOff: 14,
		},
		{
			name: "utf-16 replace the emoji", edit: rng(0, 6, 0, 8), text: "E",
			want: "a é 世 E b\r\nx\r\n", cursor: protocol.Position{Line: 1, Character: 1}, wantOff: 15,
		},
		{
			name: "utf-16 inside a surrogate pair moves to its start", edit: rng(0, 7, 0, 7), text: "|",
			want: "a é 世 |😀 b\r\nx\r\n", cursor: protocol.Position{Line: 0, Character: 4}, wantOff: 5,
		},
		{
			name: "utf-8 after the emoji", utf8: true, edit: rng(0, 14, 0, 14), text: "!",
			want: "a é 世 😀 !b\r\nx\r\n", cursor: protocol.Position{Line: 0, Character: 15}, wantOff: 15,
		},
		{
			name: "utf-8 join lines across CRLF", utf8: true, edit: rng(0, 16, 1, 0), text: "",
			want: "a é 世 😀 bx\r\n", cursor: protocol.Position{Line: 1, Character: 0}, wantOff: 18,
		},
		{
			name: "character past the end of the line clamps", edit: rng(1, 50, 1, 50), text: "y",
			want: "a é 世 😀 b\r\nxy\r\n", cursor: protocol.Position{Line: 0, Character: 99}, wantOff: 15,
		},
		{
			name: "end of document as the line after the last", edit: rng(2, 0, 2, 0), text: "z",
			want: "a é 世 😀 b\r\nx\r\nz", cursor: protocol.Position{Line: 2, Character: 0}, wantOff: 20,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := lsptest.Options{}
			if tc.utf8 {
				opts.Capabilities = utf8Caps()
			}
			e, _ := lsptest.Connect(t, serveWith(testOptions(t)), opts)
			e.Open("/w/intl.txt", "plaintext", intl)
			e.Edit("/w/intl.txt", tc.edit, tc.text)
			got, off, err := contentAt(t, e, "/w/intl.txt", tc.cursor.Line, tc.cursor.Character)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("content = %q, want %q", got, tc.want)
			}
			if off != tc.wantOff {
				t.Errorf("cursor offset = %d, want %d", off, tc.wantOff)
			}
		})
	}
}

func TestPositionPastEnd(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	e.Open("/w/a.txt", "plaintext", "one\ntwo")
	_, _, err := contentAt(t, e, "/w/a.txt", 5, 0)
	wantCode(t, err, jsonrpc2.InvalidParams)
	// An edit past the end is refused and the content stays.
	e.Edit("/w/a.txt", rng(9, 0, 9, 1), "x")
	if got, _, err := contentAt(t, e, "/w/a.txt", 0, 0); err != nil || got != "one\ntwo" {
		t.Fatalf("content = %q, %v", got, err)
	}
	_, _, err = contentAt(t, e, "/w/closed.txt", 0, 0)
	wantCode(t, err, jsonrpc2.InvalidParams)
}

func TestIncrementalSync(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{})
	const path = "/w/main.go"
	e.Open(path, "go", "package main\n\nfunc main() {\n}\n")
	steps := []struct {
		apply func()
		want  string
	}{
		{func() { e.Edit(path, rng(3, 0, 3, 0), "\tprintln(1)\n") }, "package main\n\nfunc main() {\n\tprintln(1)\n}\n"},
		{func() { e.Edit(path, rng(3, 9, 3, 10), "42") }, "package main\n\nfunc main() {\n\tprintln(42)\n}\n"},
		{func() { e.Edit(path, rng(1, 0, 2, 0), "") }, "package main\nfunc main() {\n\tprintln(42)\n}\n"},
		{func() { e.Replace(path, "package x\n") }, "package x\n"},
		{func() { e.Edit(path, rng(0, 8, 0, 9), "yz") }, "package yz\n"},
	}
	for i, st := range steps {
		st.apply()
		got, _, err := contentAt(t, e, path, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want {
			t.Fatalf("step %d: content = %q, want %q", i, got, st.want)
		}
	}

	// Several changes in one notification apply in order, each to the
	// result of the one before.
	err := e.Notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)}, Version: 99},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{
			&protocol.TextDocumentContentChangeWholeDocument{Text: "abc"},
			&protocol.TextDocumentContentChangePartial{Range: rng(0, 1, 0, 2), Text: "XY"},
			&protocol.TextDocumentContentChangePartial{Range: rng(0, 0, 0, 0), Text: ">"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := contentAt(t, e, path, 0, 0); got != ">aXYc" {
		t.Errorf("batched changes: %q, want %q", got, ">aXYc")
	}
	doc, err := New(testOptions(t)).Document(t.Context(), lsptest.URI(path))
	if err == nil || doc != nil {
		t.Errorf("a fresh server has the document open")
	}
	e.Close(path)
	_, _, err = contentAt(t, e, path, 0, 0)
	wantCode(t, err, jsonrpc2.InvalidParams)
}
