package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// rawInit initializes a server through a raw client.
func rawInit(t *testing.T, r *lsptest.Raw) {
	t.Helper()
	r.Send(`{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"capabilities":{}}}`)
	if m := r.RecvResponse(`"init"`); m.Error != nil {
		t.Fatalf("initialize: %+v", m.Error)
	}
	r.Send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
}

func contextRequest(id int, uri string, line, char int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"lode/context","params":{"textDocument":{"uri":%q},"position":{"line":%d,"character":%d}}}`, id, uri, line, char)
}

// TestOrderingUnderLoad sends thousands of didChange notifications, each
// appending one character, with lode/context requests in between that the
// source answers slowly. Every request must see exactly the edits sent
// before it, and the final text must hold every edit in order.
func TestOrderingUnderLoad(t *testing.T) {
	opts := testOptions(t)
	opts.Context = &echoSource{delay: 200 * time.Microsecond}
	r := lsptest.NewRaw(t, serveWith(opts))
	rawInit(t, r)
	const uri = "file:///w/load.txt"
	r.Send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + uri + `","languageId":"plaintext","version":1,"text":""}}}`)

	const edits = 3000
	var want strings.Builder
	expect := map[int]string{}
	for i := 1; i <= edits; i++ {
		c := string(rune('a' + i%26))
		r.Send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":%d},"contentChanges":[{"range":{"start":{"line":0,"character":%d},"end":{"line":0,"character":%d}},"text":%q}]}}`,
			uri, i+1, i-1, i-1, c))
		want.WriteString(c)
		if i%7 == 0 {
			r.Send(contextRequest(i, uri, 0, i))
			expect[i] = want.String()
		}
	}
	r.Send(contextRequest(0, uri, 0, 0))
	expect[0] = want.String()

	got := map[int]string{}
	for len(got) < len(expect) {
		m := r.Recv()
		if m.Method != "" {
			continue
		}
		var id int
		fmt.Sscan(string(m.ID), &id)
		if m.Error != nil {
			t.Fatalf("request %d: %+v", id, m.Error)
		}
		var b struct{ Snippets []struct{ Text string } }
		if err := jsonUnmarshal(m.Result, &b); err != nil || len(b.Snippets) != 1 {
			t.Fatalf("request %d: bad result %s", id, m.Result)
		}
		got[id] = b.Snippets[0].Text
	}
	for id, w := range expect {
		if got[id] != w {
			t.Fatalf("request %d saw %d characters, want %d (first difference at %d)", id, len(got[id]), len(w), firstDiff(got[id], w))
		}
	}
}

func firstDiff(a, b string) int {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestCancelRequest(t *testing.T) {
	src := &echoSource{block: true, started: make(chan struct{}, 1)}
	opts := testOptions(t)
	opts.Context = src
	r := lsptest.NewRaw(t, serveWith(opts))
	rawInit(t, r)
	r.Send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/a.go","languageId":"go","version":1,"text":"package a"}}}`)

	for _, id := range []string{`7`, `"seven"`} {
		r.Send(`{"jsonrpc":"2.0","id":` + id + `,"method":"lode/context","params":{"textDocument":{"uri":"file:///w/a.go"},"position":{"line":0,"character":3}}}`)
		select {
		case <-src.started:
		case <-time.After(lsptest.Patience):
			t.Fatal("the request never reached the context source")
		}
		// Other messages are served while the request blocks.
		r.Send(`{"jsonrpc":"2.0","id":"other","method":"nonexistent/method"}`)
		if m := r.RecvResponse(`"other"`); m.Error == nil || m.Error.Code != int(jsonrpc2.MethodNotFound) {
			t.Fatalf("other request: %+v", m)
		}
		r.Send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":` + id + `}}`)
		m := r.RecvResponse(id)
		if m.Error == nil || m.Error.Code != int(lode.CodeRequestCancelled) {
			t.Fatalf("cancelled request %s answered %+v, want code -32800", id, m)
		}
	}
	// Cancelling an answered or unknown request is harmless.
	r.Send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":12345}}`)
	r.Send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":{"bad":true}}}`)
	r.Send(`{"jsonrpc":"2.0","id":"probe","method":"nonexistent/method"}`)
	if m := r.RecvResponse(`"probe"`); m.Error == nil {
		t.Fatalf("probe: %+v", m)
	}
}
