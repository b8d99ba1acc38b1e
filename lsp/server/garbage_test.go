package server

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"

	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestGarbage sends what a broken or hostile client might, then checks that
// the server still answers. Where the server must answer, the answer is
// checked too.
func TestGarbage(t *testing.T) {
	big := strings.Repeat("x", 50<<20)
	frame := func(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }
	tests := []struct {
		name   string
		raw    string
		answer string // id of a response to expect, "" for none
		code   jsonrpc2.Code
	}{
		{name: "missing Content-Length", raw: "Content-Type: application/json\r\n\r\n"},
		{name: "bad Content-Length", raw: "Content-Length: twelve\r\n\r\n"},
		{name: "negative Content-Length", raw: "Content-Length: -5\r\n\r\n"},
		{name: "zero Content-Length", raw: "Content-Length: 0\r\n\r\n"},
		{name: "not a header", raw: "hello\r\n\r\n"},
		{name: "endless header line", raw: strings.Repeat("h", 100000) + "\r\n\r\n"},
		{name: "invalid JSON", raw: frame(`{"jsonrpc":"2.0","id":1,"method":`), answer: "null", code: jsonrpc2.ParseError},
		{name: "trailing garbage", raw: frame(`{"jsonrpc":"2.0","id":1,"method":"x"} junk`), answer: "null", code: jsonrpc2.ParseError},
		{name: "batch", raw: frame(`[{"jsonrpc":"2.0","id":1,"method":"x"}]`), answer: "null", code: jsonrpc2.InvalidRequest},
		{name: "a JSON string", raw: frame(`"hello"`), answer: "null", code: jsonrpc2.ParseError},
		{name: "wrong param types", raw: frame(`{"jsonrpc":"2.0","id":5,"method":"lode/context","params":{"textDocument":{"uri":42},"position":"x"}}`), answer: "5", code: jsonrpc2.InvalidParams},
		{name: "params not an object", raw: frame(`{"jsonrpc":"2.0","id":5,"method":"lode/context","params":[1,2]}`), answer: "5", code: jsonrpc2.InvalidParams},
		{name: "wrong types in a notification", raw: frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":7,"contentChanges":"no"}}`)},
		{name: "change of a closed document", raw: frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///nope","version":2},"contentChanges":[{"text":"x"}]}}`)},
		{name: "not a file URI", raw: frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:1","languageId":"go","version":1,"text":"x"}}}`)},
		{name: "position past the end", raw: frame(`{"jsonrpc":"2.0","id":6,"method":"lode/context","params":{"textDocument":{"uri":"file:///w/a.go"},"position":{"line":1000,"character":0}}}`), answer: "6", code: jsonrpc2.InvalidParams},
		{name: "negative position", raw: frame(`{"jsonrpc":"2.0","id":6,"method":"lode/context","params":{"textDocument":{"uri":"file:///w/a.go"},"position":{"line":-1,"character":0}}}`), answer: "6", code: jsonrpc2.InvalidParams},
		{name: "edit past the end", raw: frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/a.go","version":2},"contentChanges":[{"range":{"start":{"line":99,"character":0},"end":{"line":99,"character":0}},"text":"x"}]}}`)},
		{name: "invalid UTF-8 in a request", raw: frame("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"lode/context\",\"params\":{\"textDocument\":{\"uri\":\"file:///w/\xff.go\"},\"position\":{\"line\":0,\"character\":0}}}")},
		{name: "invalid UTF-8 in a notification", raw: frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///w/b.go\",\"languageId\":\"go\",\"version\":1,\"text\":\"\xff\xfe\"}}}")},
		{name: "response to nothing", raw: frame(`{"jsonrpc":"2.0","id":99,"result":{}}`)},
		{name: "unknown request", raw: frame(`{"jsonrpc":"2.0","id":9,"method":"foo/bar"}`), answer: "9", code: jsonrpc2.MethodNotFound},
		{name: "50 MB notification", raw: frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/big.txt","languageId":"plaintext","version":1,"text":"` + big + `"}}}`)},
		{name: "50 MB request", raw: frame(`{"jsonrpc":"2.0","id":10,"method":"foo/bar","params":{"x":"` + big + `"}}`), answer: "10", code: jsonrpc2.MethodNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.HasPrefix(tc.name, "50 MB") && testing.Short() {
				t.Skip("50 MB message under -short")
			}
			r := lsptest.NewRaw(t, serveWith(testOptions(t)))
			rawInit(t, r)
			r.Send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/a.go","languageId":"go","version":1,"text":"package a\n"}}}`)
			r.Write([]byte(tc.raw))
			if tc.answer != "" {
				m := r.RecvResponse(tc.answer)
				if m.Error == nil || m.Error.Code != int(tc.code) {
					t.Fatalf("answer %s, want error code %d", describeMsg(m), tc.code)
				}
			}
			// Whatever came before, the server keeps serving. A broken
			// header may swallow the frame after it, so probe twice.
			r.Send(contextRequest(100, "file:///w/a.go", 0, 0))
			r.Send(contextRequest(101, "file:///w/a.go", 0, 0))
			m := r.RecvResponse("101")
			if m.Error != nil || !strings.Contains(string(m.Result), `package a\n`) {
				t.Fatalf("probe after garbage: %s", describeMsg(m))
			}
		})
	}
}

// TestOversizedMessage checks that a message over the configured limit is
// dropped and the server keeps serving.
func TestOversizedMessage(t *testing.T) {
	opts := testOptions(t)
	opts.MaxMessageSize = 1 << 20
	r := lsptest.NewRaw(t, serveWith(opts))
	rawInit(t, r)
	body := `{"jsonrpc":"2.0","id":1,"method":"foo/bar","params":"` + strings.Repeat("y", 2<<20) + `"}`
	r.Send(body)
	r.Send(`{"jsonrpc":"2.0","id":2,"method":"foo/bar"}`)
	m := r.Recv()
	for m.Method != "" {
		m = r.Recv()
	}
	if string(m.ID) != "2" {
		t.Fatalf("first answer after an oversized message: %s, want the answer to 2", describeMsg(m))
	}
}

func describeMsg(m lsptest.Message) string {
	s := fmt.Sprintf("id=%s method=%q result=%.200s", m.ID, m.Method, m.Result)
	if m.Error != nil {
		s += fmt.Sprintf(" error=%d %q", m.Error.Code, m.Error.Message)
	}
	return s
}
