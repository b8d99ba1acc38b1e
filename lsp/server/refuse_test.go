package server

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/syntax"
)

// TestRefusedDocuments: a binary document gets no completion and no
// explanation, and nothing of it reaches the model.
func TestRefusedDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		settings   map[string]any
	}{
		{"NUL bytes", "package main\x00\x00\x01\x02\nfunc f() {\n\tfmt.Pri\n}\n", nil},
		{"not UTF-8", "package main\n" + strings.Repeat("\xff\xfe\xfd ", 40) + "\n\tfmt.Pri\n", nil},
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

// hugeMain returns a main.go of n numbered functions, with "\tfmt.Pri"
// typed in the middle one, and the line of it.
func hugeMain(n int) (string, uint32) {
	var b strings.Builder
	b.WriteString("package main\n\nimport \"fmt\"\n")
	for i := range n {
		fmt.Fprintf(&b, "func number%d() int {\n", i)
		if i == n/2 {
			b.WriteString("\tfmt.Pri\n")
		}
		fmt.Fprintf(&b, "\treturn %d\n}\n", i)
	}
	s := b.String()
	return s, uint32(strings.Count(s[:strings.Index(s, "\tfmt.Pri")], "\n"))
}

// TestLargeDocumentServed: a document over the size limit (the default
// 1 MiB here) is completed and explained in a window around the cursor:
// the model sees none of its far parts, the answers are in the
// document's coordinates, and code lenses (which would parse it whole)
// and patches (which would send it whole) are not offered.
func TestLargeDocumentServed(t *testing.T) {
	big, line := hugeMain(60000)
	if len(big) <= 1<<20 {
		t.Fatalf("the document is %d bytes, not over the limit", len(big))
	}
	far := []string{"func number1() int", "func number59990() int"}

	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	e, _, _ := completionEditor(t, m, inlineCaps(), nil)
	e.Replace(mainPath, big)
	var list protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(line, 8, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Range == nil || list.Items[0].Range.Start.Line != line {
		t.Fatalf("items %+v: want one at line %d", list.Items, line)
	}
	calls := m.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d model calls", len(calls))
	}
	sent := calls[0].Prompt + calls[0].Suffix
	for _, m := range calls[0].Messages {
		sent += m.Content
	}
	if !strings.HasSuffix(calls[0].Prompt, "\tfmt.Pri") || len(sent) > 128<<10 {
		t.Errorf("prompt of %d bytes ending %q", len(sent), calls[0].Prompt[max(0, len(calls[0].Prompt)-20):])
	}
	for _, f := range far {
		if strings.Contains(sent, f) {
			t.Errorf("the model was sent %q, far from the cursor", f)
		}
	}

	chat := &llmtest.Model{Name: "fake-chat", Text: "Returns a number."}
	e, _ = explainEditor(t, chat, nil, map[string]any{"explain": map[string]any{"code_lens": true}})
	e.Replace(calcPath, big)
	var got explainResult
	p := pos(line+1, 3)
	parsed := syntax.ParsedBytes()
	if err := e.Call(methodExplain, explainParams{TextDocument: doc(), Position: &p}, &got); err != nil {
		t.Fatal(err)
	}
	if n := syntax.ParsedBytes() - parsed; n > int64(len(big)/4) {
		t.Errorf("%d bytes parsed to explain a function of a %d-byte document", n, len(big))
	}
	if got.Title != "function number30000" || got.Range.Start.Line != line-1 || got.Range.End.Line != line+2 {
		t.Errorf("explained %q at lines %d-%d, want function number30000 at %d-%d", got.Title, got.Range.Start.Line, got.Range.End.Line, line-1, line+2)
	}
	for _, c := range chat.Calls() {
		for _, m := range c.Messages {
			for _, f := range far {
				if strings.Contains(m.Content, f) {
					t.Errorf("the explanation's model was sent %q", f)
				}
			}
			if strings.Contains(m.Content, "number30000") && !strings.Contains(m.Content, fmt.Sprintf("lines %d-%d", line, line+3)) {
				t.Errorf("the prompt does not give the document's lines %d-%d:\n%s", line, line+3, m.Content)
			}
		}
	}
	var lenses []protocol.CodeLens
	if err := e.Call(protocol.MethodTextDocumentCodeLens, &protocol.CodeLensParams{TextDocument: doc()}, &lenses); err != nil {
		t.Fatal(err)
	}
	if len(lenses) != 0 {
		t.Errorf("%d code lenses on a document over the limit", len(lenses))
	}
	arg, err := protocol.Marshal(actionData{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc()},
		Range:        protocol.Range{Start: pos(line, 0), End: pos(line+2, 0)}, Instruction: "shorter",
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{
		Command:   commandRewrite,
		Arguments: []protocol.LSPAny{arg},
	}, nil)
	wantCode(t, err, jsonrpc2.InvalidParams)
	for _, c := range chat.Calls() {
		for _, m := range c.Messages {
			if strings.Contains(m.Content, "shorter") {
				t.Errorf("a patch of the whole document was asked for")
			}
		}
	}
}
