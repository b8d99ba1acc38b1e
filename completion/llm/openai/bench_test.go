package openai

import (
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// BenchmarkComplete measures one call's cost in the client and the
// loopback fake server together.
func BenchmarkComplete(b *testing.B) {
	srv := llmtest.NewServer(b)
	srv.Reply(llmtest.Reply{Text: "return a + b"})
	c, err := New(Options{BaseURL: srv.URL + "/v1", Model: "m"})
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseIdleConnections()
	llmtest.BenchmarkCalls(b, c)
}
