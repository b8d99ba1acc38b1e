package main

// Benchmarks of a whole session over the standard library once it is
// indexed and learned (from the user's cache after the first run), as
// the editor sees it: the first request after a didOpen, and the embedded
// model's requests. scripts/load.sh runs them idle and beside stress-ng.
// See docs/performance.md, section "Under load".

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// warmSession opens a session over root, waits until it is indexed and
// its embedded model has learned it (the caches of an earlier run make
// that quick), then serves it to an in-process editor. Without embedded,
// a fake OpenAI-compatible server answers after loadModelDelay.
func warmSession(b *testing.B, root string, embedded bool) *lsptest.Editor {
	env := map[string]string{"LODE_PROVIDER": "embedded"}
	if !embedded {
		model := llmtest.NewServer(b)
		model.Reply(llmtest.Reply{Text: "x", Delay: loadModelDelay})
		env = map[string]string{
			"LODE_PROVIDER": "openai", "LODE_BASE_URL": model.URL + "/v1",
			"LODE_MODEL": "gpt-3.5-turbo-instruct", "LODE_API_KEY": "sk-test",
		}
	}
	for k, v := range env {
		b.Setenv(k, v)
	}
	getenv := func(k string) string { return env[k] }
	s, _ := session.Open(session.Options{
		Config: config.Inputs{UserFile: "-", Getenv: getenv}, Getenv: getenv,
		Root: root, Watch: true, Logger: slog.New(slog.DiscardHandler),
	})
	b.Cleanup(func() { s.Close() })
	start := time.Now()
	if err := s.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed and learned %s in %s", root, time.Since(start).Round(time.Millisecond))
	serveIn := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return s.Serve(ctx, rwc, session.ServeOptions{Name: "lode", Version: "bench"})
	}
	// No folders: the session has its root already, and a folder sent
	// again would start a rescan beside the measured requests.
	e, _ := lsptest.Connect(b, serveIn, lsptest.Options{
		Timeout: 10 * time.Minute, // a bound, not a measure
		InitializationOptions: map[string]any{"completion": map[string]any{
			"timeout_ms": 600000, "debounce_ms": 0, "fallback_embedded": false,
		}},
	})
	return e
}

// inlineItems is inline's request, returning the answer's items too.
func inlineItems(b *testing.B, e *lsptest.Editor, path string, s site) (time.Duration, []protocol.InlineCompletionItem) {
	start := time.Now()
	var list protocol.InlineCompletionList
	err := e.Call(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: s.line, Character: s.col}, protocol.InlineCompletionTriggerKindInvoked), &list)
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start), list.Items
}

// lineExact reports whether the first item, applied to the site's
// document, restores the line the site cut.
func lineExact(s site, items []protocol.InlineCompletionItem) bool {
	if len(items) == 0 || items[0].Range == nil {
		return false
	}
	lines := strings.Split(s.doc, "\n")
	r := *items[0].Range
	if r.Start.Line != s.line || r.End.Line != s.line {
		return false
	}
	line := lines[s.line]
	if !isASCII(line) || int(r.End.Character) > len(line) || r.Start.Character > r.End.Character {
		return false
	}
	text, _ := items[0].InsertText.(protocol.String)
	got := line[:r.Start.Character] + string(text) + line[r.End.Character:]
	got, _, _ = strings.Cut(got, "\n")
	return got == line+s.rest
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// BenchmarkFirstRequestAfterOpen measures the first inline request in a
// document just opened (didOpen sent, the request right after it, no
// wait) in a session over the standard library, indexed and learned, with
// a fake server model (its fixed latency taken off): each iteration opens
// another file. Then, as after a keystroke, one request after an edit of
// the same document. Run with -benchtime=200x.
func BenchmarkFirstRequestAfterOpen(b *testing.B) {
	root := loadRoot(b)
	files := goFiles(root)
	e := warmSession(b, root, false)
	rng := rand.New(rand.NewPCG(3, 4))
	var first, edit []time.Duration
	traced := slowTraces(b)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path, sites := fileSites(rng, files, 2)
		b.StartTimer()
		e.Open(path, "go", sites[0].doc)
		d, _ := inlineItems(b, e, path, sites[0])
		first = append(first, d-loadModelDelay)
		b.StopTimer()
		traced("first", d-loadModelDelay)
		e.Replace(path, sites[1].doc)
		d, _ = inlineItems(b, e, path, sites[1])
		edit = append(edit, d-loadModelDelay)
		traced("edit", d-loadModelDelay)
		e.Close(path)
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, first, "first-")
	reportLatency(b, edit, "edit-")
}

// BenchmarkEmbeddedOverhead measures inline requests answered by the
// embedded model (no model server) in a session over the standard
// library, indexed and learned: each file is opened and asked once (the
// first request), then at 10 successive lines, the document edited before
// each, as when one works down a file. Nothing is taken off: the model is
// part of the overhead. It reports the fraction of requests whose first
// item restores the cut line exactly (line-exact). Run with
// -benchtime=300x.
func BenchmarkEmbeddedOverhead(b *testing.B) {
	root := loadRoot(b)
	files := goFiles(root)
	e := warmSession(b, root, true)
	w := &fileWalk{e: e, rng: rand.New(rand.NewPCG(1, 2)), files: files, n: 11}
	var first, edit []time.Duration
	exact, asked := 0, 0
	traced := slowTraces(b)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path, s, opened := w.next()
		if opened {
			b.StartTimer()
			e.Open(path, "go", s.doc)
			d, items := inlineItems(b, e, path, s)
			b.StopTimer()
			first = append(first, d)
			traced("first", d)
			if lineExact(s, items) {
				exact++
			}
			asked++
			path, s, _ = w.next()
		}
		e.Replace(path, s.doc)
		b.StartTimer()
		d, items := inlineItems(b, e, path, s)
		b.StopTimer()
		edit = append(edit, d)
		traced("edit", d)
		if lineExact(s, items) {
			exact++
		}
		asked++
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, first, "first-")
	reportLatency(b, edit, "edit-")
	b.ReportMetric(float64(exact)/float64(asked), "line-exact")
}
