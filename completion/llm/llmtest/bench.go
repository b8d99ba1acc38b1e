package llmtest

import (
	"context"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
)

// StreamingModel is a model that also streams: what BenchmarkCalls needs.
type StreamingModel interface {
	llm.Model
	llm.Streamer
}

// BenchmarkCalls measures one fill-in-the-middle call through m, whole and
// streamed, against a server that answers at once: the floor of lode's
// overhead per model call. Each provider's benchmark points its client at
// a Server and calls it.
func BenchmarkCalls(b *testing.B, m StreamingModel) {
	req := &llm.Request{Mode: llm.ModeFIM, Prompt: "func add(a, b int) int {\n\t", Suffix: "\n}"}
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.Complete(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.Stream(context.Background(), req, func(string) bool { return true }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
