package server

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"
	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/llm/openai"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/wire"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// faultMessages is what the message shown says for each of llmtest.Faults.
var faultMessages = map[string]string{
	"hang": "did not answer in time", "401": "refused the API key", "429": "rate limiting",
	"500": "cannot reach", "malformed": "cannot read", "cut stream": "cannot read",
}

// TestModelHealthMatrix serves inline completions from a server model
// behind the breaker, the fake server failing in each way: the first
// request may wait up to timeout_ms; every later one while the fault lasts
// is answered by the embedded model without a request to the server;
// exactly one message is shown for the episode; the model is used again
// once the fault ends; no connection to the fake is left open.
func TestModelHealthMatrix(t *testing.T) {
	for _, tc := range llmtest.Faults() {
		if tc.Refused {
			continue // a refused connection: cmd/lode's TestServeFaultMatrix
		}
		want, ok := faultMessages[tc.Name]
		if !ok {
			t.Fatalf("no expected message for %s", tc.Name)
		}
		t.Run(tc.Name, func(t *testing.T) {
			// Registered first, run last: after the editor, the server and
			// the fake are gone, nothing this test started may be left.
			running := goleak.IgnoreCurrent()
			t.Cleanup(func() { goleak.VerifyNone(t, running) })
			fake := llmtest.NewServer(t)
			client, err := openai.New(openai.Options{BaseURL: fake.URL + "/v1", APIKey: "sk-test", Model: "qwen2.5-coder-1.5b",
				FIM: openai.FIMNone, Timeouts: wire.Timeouts{Request: time.Minute}})
			if err != nil {
				t.Fatal(err)
			}
			var srv *Server
			h := health.New(client, health.Options{Backoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, ProbeTimeout: 400 * time.Millisecond,
				OnChange: func(st health.Status) {
					srv.ModelHealth(st.State == health.Down, health.Message(st, health.Advice{What: "the completion model", Fallback: true}))
				}})
			defer h.Close()
			cfg := config.Default().Completion
			cfg.SyntaxCheck, cfg.TimeoutMS, cfg.Fallback, cfg.Stream = false, 400, true, true
			embedded := &llmtest.Model{Name: "embedded", Text: `ntln("embedded")`}
			eng := completion.New(completion.Options{Config: cfg, Model: h, ModelName: "qwen2.5-coder-1.5b", FIM: completion.FIMRaw, Embedded: embedded})
			defer eng.Close()
			opts := testOptions(t)
			opts.Completer = eng
			srv = New(opts)
			e, _ := lsptest.Connect(t, func(ctx context.Context, rwc io.ReadWriteCloser) int { return srv.Serve(ctx, rwc) },
				lsptest.Options{Capabilities: inlineCaps(), Folders: []string{"/w"}})
			fake.Reply(tc.Reply)

			ask := func(i int) []protocol.InlineCompletionItem {
				t.Helper()
				// A new document text each time: no answer comes from the
				// engine's cache.
				e.Replace(mainPath, strings.Replace(mainDoc, "fmt.Pri", fmt.Sprintf("x%d := 1\n\tfmt.Pri", i), 1))
				var list protocol.InlineCompletionList
				if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(6, 8, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil {
					t.Fatal(err)
				}
				return list.Items
			}
			e.Open(mainPath, "go", mainDoc)
			ask(0) // may wait up to timeout_ms
			e.WaitFor("the message", func() bool { return len(e.ShownMessages()) > 0 })
			completions := func() int {
				n := 0
				for _, r := range fake.Requests() {
					if strings.HasSuffix(r.Path, "/completions") && r.Field("max_tokens") != float64(16) {
						n++ // not a probe (16 tokens)
					}
				}
				return n
			}
			before := completions()
			for i := 1; i <= 20; i++ {
				items := ask(i)
				if len(items) != 1 || !strings.Contains(fmt.Sprint(items[0].InsertText), "embedded") {
					t.Fatalf("request %d while down: items %+v, want the embedded model's", i, items)
				}
			}
			if n := completions() - before; n != 0 {
				t.Errorf("%d of 20 requests made while down reached the server", n)
			}
			msgs := e.ShownMessages()
			if len(msgs) != 1 || !strings.Contains(msgs[0].Message, want) || msgs[0].Type != protocol.MessageTypeWarning {
				t.Errorf("shown messages %+v: want one warning saying %q", msgs, want)
			}

			fake.Reply(llmtest.Reply{Text: `ntln("model")`})
			e.WaitFor("recovery", func() bool { return h.Status().State == health.Up })
			if items := ask(100); len(items) != 1 || !strings.Contains(fmt.Sprint(items[0].InsertText), "model") {
				t.Errorf("after recovery: items %+v, want the model's", items)
			}
			if n := len(e.ShownMessages()); n != 1 {
				t.Errorf("%d messages shown for one episode", n)
			}
			e.WaitFor("connections to the fake closed", func() bool { return fake.OpenConns() <= 1 })
		})
	}
}

// BenchmarkInlineWhileModelDown measures an automatic inline completion
// through the server while the model server is down (it answers 401, or
// never answers: timeout_ms is 1 s), once the breaker is open, against the
// same request served by the embedded model alone. They should be alike: a
// request never waits for a model that is down.
//
//	go test -run '^$' -bench InlineWhileModelDown -benchtime 200x ./lsp/server
func BenchmarkInlineWhileModelDown(b *testing.B) {
	for _, fault := range []string{"401", "hang", ""} {
		name := "embedded only"
		if fault != "" {
			name = "model down (" + fault + "), embedded answers"
		}
		down := fault != ""
		b.Run(name, func(b *testing.B) {
			embedded := &llmtest.Model{Name: "embedded", Text: `ntln("embedded")`}
			cfg := config.Default().Completion
			cfg.SyntaxCheck, cfg.TimeoutMS = false, 1000
			opts := completion.Options{Config: cfg, Model: embedded, ModelName: "embedded"}
			if down {
				fake := llmtest.NewServer(b)
				fake.Reply(llmtest.Reply{Status: 401, Hang: fault == "hang"})
				client, err := openai.New(openai.Options{BaseURL: fake.URL + "/v1", Model: "qwen2.5-coder-1.5b", FIM: openai.FIMNone})
				if err != nil {
					b.Fatal(err)
				}
				h := health.New(client, health.Options{Backoff: time.Hour})
				defer h.Close()
				opts.Model, opts.ModelName, opts.FIM, opts.Embedded = h, "qwen2.5-coder-1.5b", completion.FIMRaw, embedded
			}
			eng := completion.New(opts)
			defer eng.Close()
			sopts := testOptions(b)
			sopts.Completer = eng
			e, _ := lsptest.Connect(b, serveWith(sopts), lsptest.Options{Capabilities: inlineCaps(), Folders: []string{"/w"}})
			e.Open(mainPath, "go", mainDoc)
			// The first request meets the fault and opens the breaker.
			var first protocol.InlineCompletionList
			if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindAutomatic), &first); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e.Replace(mainPath, strings.Replace(mainDoc, "fmt.Pri", fmt.Sprintf("x%d := 1\n\tfmt.Pri", i), 1))
				start := time.Now()
				var list protocol.InlineCompletionList
				if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(6, 8, protocol.InlineCompletionTriggerKindAutomatic), &list); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
