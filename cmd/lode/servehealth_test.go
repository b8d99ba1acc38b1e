package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/lsp/lsptest"
)

func TestServeModelDownOneMessage(t *testing.T) {
	bin := lodeBinary(t)
	model := llmtest.NewServer(t)
	model.Reply(llmtest.Reply{Status: 401, Error: "bad key"})
	var stderr syncBuffer
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return binaryServeEnv(bin, &stderr, []string{
			"LODE_PROVIDER=openai", "LODE_BASE_URL=" + model.URL + "/v1", "LODE_MODEL=gpt-3.5-turbo-instruct", "LODE_API_KEY=sk-test",
		})(ctx, rwc)
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{})
	const path = "/w/add.go"
	e.Open(path, "go", "package main\n\nfunc add(a, b int) int {\n\treturn \n}\n")
	for i := 0; i < 10; i++ {
		e.Replace(path, fmt.Sprintf("package main\n\nfunc add%d(a, b int) int {\n\treturn \n}\n", i))
		var list protocol.InlineCompletionList
		if err := e.Call(protocol.MethodTextDocumentInlineCompletion, &protocol.InlineCompletionParams{
			TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)},
				Position:     protocol.Position{Line: 3, Character: 8},
			},
			Context: protocol.InlineCompletionContext{TriggerKind: protocol.InlineCompletionTriggerKindInvoked},
		}, &list); err != nil {
			t.Fatal(err)
		}
	}
	msgs := e.ShownMessages()
	n := 0
	for _, r := range model.Requests() {
		if strings.HasSuffix(r.Path, "/completions") {
			n++
		}
	}
	t.Logf("messages %+v; completion requests at the server: %d", msgs, n)
	if len(msgs) != 1 || n > 2 {
		t.Errorf("messages %d, requests %d", len(msgs), n)
	}
}
