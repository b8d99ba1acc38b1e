package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// benchModelDelay is the fake model's fixed latency: what lode adds is
// the time a request takes beyond it.
const benchModelDelay = 20 * time.Millisecond

// BenchmarkNextEditOverhead measures lode/nextEdits through lode serve's
// session, LSP in to LSP out, after an edit: the offline predictor alone,
// and beside it the model predictor over a fake server that answers a
// rewrite of the region after benchModelDelay, and as a baseline the
// model call alone (the same client and fake, nothing of lode). It
// reports the p50 and p99 of each request, less the fake's delay. The
// workspace is LODE_BENCH_ROOT (default: this module) and the document
// LODE_BENCH_FILE in it (default: context/retrieve/retrieve.go).
//
//	go test -run '^$' -bench NextEditOverhead -benchtime 200x ./internal/session
//	LODE_BENCH_ROOT=$(go env GOROOT)/src LODE_BENCH_FILE=net/http/server.go go test -run '^$' -bench NextEditOverhead -benchtime 200x -timeout 30m ./internal/session
func BenchmarkNextEditOverhead(b *testing.B) {
	root := os.Getenv("LODE_BENCH_ROOT")
	if root == "" {
		root, _ = filepath.Abs(filepath.Join("..", ".."))
	}
	file := os.Getenv("LODE_BENCH_FILE")
	if file == "" {
		file = "context/retrieve/retrieve.go"
	}
	path := filepath.Join(root, filepath.FromSlash(file))
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	fake := llmtest.NewServer(b)
	fake.ReplyFunc(func(r llmtest.Request) llmtest.Reply {
		prompt, _ := r.Field("prompt").(string)
		return llmtest.Reply{Text: rewriteRegion(prompt), Delay: benchModelDelay}
	})
	s, _ := Open(Options{Config: noFiles(), NoLearn: true, NoCache: true, Getenv: func(string) string { return "" }})
	b.Cleanup(func() { s.Close() })
	e, _ := lsptest.Connect(b, func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return s.Serve(ctx, rwc, ServeOptions{})
	}, lsptest.Options{Folders: []string{root}})
	e.WaitFor("the workspace folder", func() bool { return s.Root() != "" })
	if err := s.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
	e.Open(path, "go", string(src))
	lines := strings.Count(string(src), "\n")

	var lastPrompt string
	for _, mode := range []string{"offline only", "model", "model, no context", "model call alone"} {
		b.Run(mode, func(b *testing.B) {
			if mode == "model call alone" {
				benchModelCall(b, s, lastPrompt)
				return
			}
			cfg := *s.Config()
			cfg.Provider, cfg.BaseURL, cfg.ModelID = "openai", fake.URL+"/v1", "zeta-bench"
			cfg.NextEdit.Model, cfg.NextEdit.ContextBudget = "", 512
			switch mode {
			case "offline only":
				cfg.NextEdit.Model = "off"
			case "model, no context":
				cfg.NextEdit.ContextBudget = -1
			}
			s.Configure(&cfg)
			asked := fake.Count()
			var took []time.Duration
			for i := 0; b.Loop(); i++ {
				// A comment line added at one of 40 places in the middle
				// of the document: a new hunk each time.
				line := uint32(lines/2 + i%40)
				at := protocol.Position{Line: line}
				text := fmt.Sprintf("// note %d\n", i)
				v := e.Edit(path, protocol.Range{Start: at, End: at}, text)
				cursor := protocol.Position{Line: line, Character: uint32(len(text) - 1)}
				start := time.Now()
				var res lode.NextEditsResult
				err := e.Call(lode.MethodNextEdits, &lode.NextEditsParams{
					TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)}, Version: v},
					Position:     cursor,
				}, &res)
				d := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if mode != "offline only" {
					d -= benchModelDelay
				}
				took = append(took, d)
			}
			if mode != "offline only" {
				if fake.Count() == asked {
					b.Fatal("the model was never asked")
				}
				lastPrompt, _ = fake.Last(b).Field("prompt").(string)
			}
			reportQuantiles(b, took)
		})
	}
}

// benchModelCall is the baseline of the model predictor: the same call
// to the fake server through the same client, and nothing else.
func benchModelCall(b *testing.B, s *Session, prompt string) {
	setup, err := s.Setup(config.FeatureCompletion)
	if err != nil {
		b.Fatal(err)
	}
	m, err := setup.New()
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw, Prompt: prompt, MaxTokens: 256}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start)-benchModelDelay)
	}
	reportQuantiles(b, took)
}

// reportQuantiles reports the p50 and p99 of took, in milliseconds.
func reportQuantiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	ms := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// rewriteRegion answers a Zeta prompt with its editable region, a
// comment added to its first line: an edit the checks keep.
func rewriteRegion(prompt string) string {
	const start, end = "<|editable_region_start|>\n", "<|editable_region_end|>"
	i, j := strings.Index(prompt, start), strings.LastIndex(prompt, end)
	if i < 0 || j < i {
		return "no region"
	}
	region := strings.ReplaceAll(prompt[i+len(start):j], "<|user_cursor_is_here|>", "")
	return start + strings.Replace(region, "\n", " // next\n", 1) + end
}
