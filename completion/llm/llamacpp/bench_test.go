package llamacpp

import (
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// BenchmarkComplete measures one call's cost in the client and the
// loopback fake server together.
func BenchmarkComplete(b *testing.B) {
	llmtest.BenchmarkClient(b, New, func(url string) Options { return Options{BaseURL: url, Model: "m"} })
}
