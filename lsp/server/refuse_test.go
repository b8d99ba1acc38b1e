package server

import (
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// TestRefusedDocuments: a binary document, or one over
// context.max_file_size, gets no completion and no explanation, and
// nothing of it reaches the model.
func TestRefusedDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		settings   map[string]any
	}{
		{"NUL bytes", "package main\x00\x00\x01\x02\nfunc f() {\n\tfmt.Pri\n}\n", nil},
		{"not UTF-8", "package main\n" + strings.Repeat("\xff\xfe\xfd ", 40) + "\n\tfmt.Pri\n", nil},
		{"too large", mainDoc + strings.Repeat("// padding\n", 20), map[string]any{"context": map[string]any{"max_file_size": 100}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
			e, _, _ := completionEditor(t, m, inlineCaps(), tc.settings)
			e.Replace(mainPath, tc.text)
			line := uint32(strings.Count(tc.text[:strings.Index(tc.text, "fmt.Pri")], "\n"))
			var list protocol.InlineCompletionList
			if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(line, 8, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != 0 || len(m.Calls()) != 0 {
				t.Errorf("items %+v, model calls %d: want none", list.Items, len(m.Calls()))
			}
		})
	}
	t.Run("explain", func(t *testing.T) {
		m := &llmtest.Model{Name: "fake-chat", Text: "Adds."}
		e, _ := explainEditor(t, m, nil, nil)
		e.Replace(calcPath, "package calc\x00\x00\nfunc Add(a, b int) int { return a + b }\n")
		p := pos(1, 6)
		err := e.Call(methodExplain, explainParams{TextDocument: doc(), Position: &p}, nil)
		wantCode(t, err, jsonrpc2.InvalidParams)
		if len(m.Calls()) != 0 {
			t.Errorf("the model was asked about a binary document")
		}
	})
}
