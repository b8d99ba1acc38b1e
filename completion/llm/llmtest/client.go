package llmtest

import (
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// Client is what a provider's constructor returns: a model that streams
// and keeps connections to its server.
type Client interface {
	StreamingModel
	CloseIdleConnections()
}

// Open returns the client newClient makes of o, failing the test on an
// error, and closes its idle connections when the test ends. A provider's
// tests call it as llmtest.Open(t, New, Options{...}).
func Open[C Client, O any](t testing.TB, newClient func(O) (C, error), o O) C {
	t.Helper()
	c, err := newClient(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// NewModel makes the model under test: see Suite.New.
type NewModel func(t *testing.T, baseURL, apiKey string, timeouts wire.Timeouts) llm.Model

// RunConformanceEach runs RunConformance once per request of reqs, in a
// subtest named by its key, with the models newModel makes.
func RunConformanceEach(t *testing.T, newModel NewModel, reqs map[string]func() *llm.Request) {
	for name, req := range reqs {
		t.Run(name, func(t *testing.T) {
			RunConformance(t, Suite{New: newModel, Request: req})
		})
	}
}

// BenchmarkClient runs BenchmarkCalls against the client newClient makes
// of options(url), url the base URL of a fresh Server that answers at
// once.
func BenchmarkClient[C Client, O any](b *testing.B, newClient func(O) (C, error), options func(url string) O) {
	srv := NewServer(b)
	srv.Reply(Reply{Text: "return a + b"})
	BenchmarkCalls(b, Open(b, newClient, options(srv.URL)))
}
