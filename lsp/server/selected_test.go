package server

import (
	"strings"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// With the completion widget open on "Println" after "fmt.Pri", lode
// completes after "fmt.Println" and answers the item's text extended by
// the model's, over the widget's range.
func TestInlineCompletionExtendsSelectedItem(t *testing.T) {
	var prefixes []string
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Answer: func(r *llm.Request) (string, error) {
		prefixes = append(prefixes, r.Prompt)
		return `("hi")`, nil
	}}
	e, _, _ := completionEditor(t, m, inlineCaps(), nil)
	widget := protocol.Range{Start: protocol.Position{Line: 5, Character: 5}, End: protocol.Position{Line: 5, Character: 8}}
	p := inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic)
	p.Context.SelectedCompletionInfo = protocol.SelectedCompletionInfo{Range: widget, Text: "Println"}
	var list protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, p, &list); err != nil {
		t.Fatal(err)
	}
	if len(prefixes) != 1 || !strings.HasSuffix(prefixes[0], "\tfmt.Println") {
		t.Fatalf("model prompts %q, want one ending with the selected item", prefixes)
	}
	if len(list.Items) != 1 {
		t.Fatalf("items %+v, want one", list.Items)
	}
	it := list.Items[0]
	if it.InsertText != protocol.String(`Println("hi")`) {
		t.Errorf("insertText %v, want the selected item's text and the model's", it.InsertText)
	}
	if it.Range == nil || *it.Range != widget {
		t.Errorf("range %+v, want the widget's %+v", it.Range, widget)
	}

	// A selected item out of the document answers nothing.
	p.Context.SelectedCompletionInfo.Range.End.Line = 99
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, p, &list); err != nil || len(list.Items) != 0 {
		t.Errorf("out-of-range selected item: %+v, %v", list.Items, err)
	}
}

func TestSelectedInsertText(t *testing.T) {
	// document with the item inserted: "x := fmt.Println" (item "Println"
	// at 9..16, cursor 16).
	sel := &selected{start: 9, end: 16, virtual: "x := fmt.Println"}
	sel.info.Text = "Println"
	for _, tc := range []struct {
		name       string
		start, end int
		text, want string
	}{
		{"identifier start", 9, 16, `Println("a")`, `Println("a")`},
		{"from the cursor", 16, 16, `("a")`, `Println("a")`},
		{"from before the range", 5, 16, `fmt.Println("a")`, `Println("a")`},
		{"disagrees before the range", 5, 16, `fmx.Println("a")`, ""},
		{"adds nothing", 9, 16, `Println`, ""},
		{"not at the cursor", 9, 15, `Printl("a")`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := completionItem(tc.start, tc.end, tc.text)
			got, ok := sel.insertText(it)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("insertText = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func completionItem(start, end int, text string) completion.Item {
	return completion.Item{Start: start, End: end, Text: text}
}

// An explicit request where a completion is on screen asks the model for
// several candidates, so that the editor can cycle through them.
func TestInvokedAfterShownGivesCandidates(t *testing.T) {
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("a")`, More: []string{`ntf("b")`, `nt("c")`}}
	e, _, _ := completionEditor(t, m, inlineCaps(), nil)
	var list protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("automatic: %+v, %v", list.Items, err)
	}
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 3 {
		t.Fatalf("invoked after a shown completion: %d items %+v, want 3 candidates", len(list.Items), list.Items)
	}
}
