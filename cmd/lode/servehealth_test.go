package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/eventually"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestServeFaultMatrix drives the real lode serve against the fake model
// server in every fault mode: the first request may wait for the model;
// while the fault lasts, later requests do not wait for it (the fake sees
// no more than the first call and the breaker's probes) and the embedded
// model answers; the user gets exactly one message; once the fault ends the
// model answers again; no connection to the fake is left open after exit.
func TestServeFaultMatrix(t *testing.T) {
	bin := lodeBinary(t)
	for _, fm := range llmtest.Faults() {
		t.Run(fm.Name, func(t *testing.T) {
			url, model := faultURL(t, fm)
			var stderr syncBuffer
			serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
				return binaryServeEnv(bin, &stderr, []string{
					"LODE_PROVIDER=openai", "LODE_BASE_URL=" + url, "LODE_MODEL=qwen2.5-coder-1.5b", "LODE_API_KEY=sk-test",
				})(ctx, rwc)
			}
			// One candidate: the request is streamed, so that a cut stream
			// is met.
			settings := map[string]any{"completion": map[string]any{"timeout_ms": 400, "debounce_ms": 0, "companion": false, "candidates": 1}}
			e, _ := lsptest.Connect(t, serve, lsptest.Options{Settings: settings, InitializationOptions: settings})
			const path = "/w/add.go"
			e.Open(path, "go", "package main\n\nfunc add(a, b int) int {\n\treturn \n}\n")
			ask := func(i int) []protocol.InlineCompletionItem {
				e.Replace(path, fmt.Sprintf("package main\n\nfunc add%d(a, b int) int {\n\treturn \n}\n", i))
				var list protocol.InlineCompletionList
				if err := e.Call(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: 3, Character: 8}, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil {
					t.Fatal(err)
				}
				return list.Items
			}
			ask(0) // meets the fault and opens the breaker
			first := model.Count()
			for i := 1; i <= 10; i++ {
				ask(i)
			}
			// Ten requests later the model has seen at most the breaker's
			// probes (one a second at first, then fewer): not one call per
			// request.
			if n := model.Count() - first; n > 3 {
				t.Errorf("%d model calls for 10 requests while the model is down", n)
			}
			e.WaitFor("the message", func() bool { return len(e.ShownMessages()) > 0 })
			want := faultMessages[fm.Name]
			if fm.Name == "401" {
				want = "refused the API key; check the key in the LODE_API_KEY environment variable"
			}
			if msgs := e.ShownMessages(); len(msgs) != 1 || !strings.Contains(msgs[0].Message, want) {
				t.Errorf("messages %+v, want one saying %q", msgs, want)
			}
			if !fm.Refused {
				// The fault ends: the probe finds the model, and requests
				// reach it again.
				model.Reply(llmtest.Reply{Text: "a + b"})
				ended := time.Now()
				i := 100
				eventually.True(t, func() bool {
					i++
					for _, it := range ask(i) {
						if s, _ := it.InsertText.(protocol.String); strings.Contains(string(s), "a + b") {
							return true
						}
					}
					return false
				}, "the model never answered again after the fault ended")
				t.Logf("%s: the model answered again %v after the fault ended", fm.Name, time.Since(ended).Round(time.Millisecond))
				if len(e.ShownMessages()) != 1 {
					t.Errorf("messages after recovery: %+v", e.ShownMessages())
				}
			}
			if code, err := e.Shutdown(); err != nil || code != 0 {
				t.Fatalf("shutdown: %d, %v", code, err)
			}
			eventually.True(t, func() bool { return model.OpenConns() == 0 }, "%d connections to the model left open after exit", model.OpenConns())
		})
	}
}
