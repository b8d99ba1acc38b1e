package server

import (
	"sync"
	"sync/atomic"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/eventually"
)

// An edit answers the requests on the document's older text at once
// (empty: their answers would be stale), without aborting their model
// call, which the next request takes over.
func TestEditAnswersOlderRequestsAtOnce(t *testing.T) {
	answer := make(chan struct{})
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Answer: func(*llm.Request) (string, error) {
		<-answer
		return `ntln("hi")`, nil
	}}
	e, _, _ := completionEditor(t, m, inlineCaps(), nil)
	release := sync.OnceFunc(func() { close(answer) })
	t.Cleanup(release) // before the engine's Close, should the test fail first

	var first protocol.InlineCompletionList
	waitFirst := e.Go(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &first)
	eventually.True(t, func() bool { return len(m.Calls()) == 1 }, "the model was not called")
	var answered atomic.Bool
	go func() {
		waitFirst()
		answered.Store(true)
	}()
	e.Edit(mainPath, protocol.Range{Start: protocol.Position{Line: 5, Character: 8}, End: protocol.Position{Line: 5, Character: 8}}, "n")
	eventually.True(t, answered.Load, "the request on the older text waits for the model")
	if len(first.Items) != 0 {
		t.Fatalf("a completion for an outdated document was shown: %+v", first.Items)
	}

	// The next request typed ahead of the call, which goes on.
	var next protocol.InlineCompletionList
	waitNext := e.Go(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 9, protocol.InlineCompletionTriggerKindAutomatic), &next)
	release()
	if err := waitNext(); err != nil || len(next.Items) != 1 {
		t.Fatalf("next request: %+v, %v", next.Items, err)
	}
	if s, _ := next.Items[0].InsertText.(protocol.String); s != `Println("hi")` {
		t.Errorf("insertText = %v, want the call's answer less what was typed", next.Items[0].InsertText)
	}
	if n := len(m.Calls()); n != 1 {
		t.Errorf("model calls = %d, want 1 (the edit does not abort the call)", n)
	}
}
