package openai

import (
	"context"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// BenchmarkComplete measures one call's cost in the client and the
// loopback fake server together: the floor of lode's overhead per call.
func BenchmarkComplete(b *testing.B) {
	srv := llmtest.NewServer(b)
	srv.Reply(llmtest.Reply{Text: "return a + b"})
	c, _ := New(Options{BaseURL: srv.URL + "/v1", Model: "m"})
	defer c.CloseIdleConnections()
	req := &llm.Request{Mode: llm.ModeFIM, Prompt: "func add(a, b int) int {\n\t", Suffix: "\n}"}
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Complete(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Stream(context.Background(), req, func(string) bool { return true }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
