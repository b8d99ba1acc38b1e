package main

// Benchmarks of the completion engine behind the language server, through
// the in-process fake editor. They measure what lode controls: the time a
// request spends in lode before the model is called and after it answers
// (with a fake model of fixed latency, on a workspace the size of the Go
// standard library), how fast a superseded or cancelled call is closed at
// the HTTP level, and what a user typing at 10 characters a second costs.
// See docs/performance.md, section "Completion".

import (
	"context"
	"fmt"
	"go/build"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/llm/ollama"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lsptest"
	"github.com/lode-ls/lode/lsp/server"
)

// timedModel answers after a fixed delay and records when each call came
// in (the model call out of lode) and when it answered.
type timedModel struct {
	delay time.Duration
	text  atomic.Pointer[string]
	out   atomic.Int64 // unix nanoseconds of the last call
	in    atomic.Int64 // unix nanoseconds of the last answer
}

func (m *timedModel) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	m.out.Store(time.Now().UnixNano())
	t := time.NewTimer(m.delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	text := *m.text.Load()
	m.in.Store(time.Now().UnixNano())
	return &llm.Response{Model: "timed", Choices: []llm.Choice{{Text: text}}}, nil
}

func (m *timedModel) SupportsFIM() bool { return true }

// benchSession starts a server whose engine asks model, with retriever
// (may be nil) as workspace context.
func benchSession(b *testing.B, model llm.Model, r completion.Retriever, cfg config.Completion, inline bool) (*lsptest.Editor, *completion.Engine) {
	eng := completion.New(completion.Options{Config: cfg, Model: model, Retriever: r, Tokens: tokens.New()})
	b.Cleanup(func() { eng.Close() })
	opts := server.Options{Version: "bench", Config: config.Inputs{UserFile: "-", Getenv: func(string) string { return "" }},
		Logger: slog.New(slog.DiscardHandler), Completer: eng}
	var caps *protocol.ClientCapabilities
	if inline {
		c := lsptest.DefaultCapabilities()
		c.TextDocument = &protocol.TextDocumentClientCapabilities{InlineCompletion: &protocol.InlineCompletionClientCapabilities{}}
		caps = &c
	}
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int { return server.New(opts).Serve(ctx, rwc) }
	e, _ := lsptest.Connect(b, serve, lsptest.Options{Capabilities: caps, Folders: []string{"/bench"}})
	return e, eng
}

// stdlib is the Go standard library, indexed once per process.
var stdlib struct {
	once  sync.Once
	root  string
	files []string
	r     *retrieve.Retriever
	err   error
}

func stdlibRetriever(b *testing.B) (*retrieve.Retriever, []string) {
	if testing.Short() {
		b.Skip("indexes the Go standard library")
	}
	stdlib.once.Do(func() {
		root := os.Getenv("LODE_BENCH_ROOT")
		if root == "" {
			root = filepath.Join(build.Default.GOROOT, "src")
		}
		stdlib.root = root
		ws := workspace.New()
		if stdlib.err = ws.AddFolder(root); stdlib.err != nil {
			return
		}
		ix, cache, _ := retrieve.OpenIndex(root)
		start := time.Now()
		ir := retrieve.StartIndexing(context.Background(), ws, ix, retrieve.IndexOptions{CachePath: cache})
		if _, stdlib.err = ir.Wait(context.Background()); stdlib.err != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "indexed %s in %s\n", root, time.Since(start).Round(time.Millisecond))
		stdlib.r = retrieve.New(ws, ix, tokens.New(), retrieve.Options{})
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			if err == nil && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				stdlib.files = append(stdlib.files, p)
			}
			return nil
		})
	})
	if stdlib.err != nil {
		b.Fatal(stdlib.err)
	}
	return stdlib.r, stdlib.files
}

// site is a cursor in the middle of a real line whose rest was removed:
// the model will answer that rest.
type site struct {
	doc, rest string
	line, col uint32
}

// fileSites returns up to n sites on successive lines of a random file,
// as when one works down a file.
func fileSites(rng *rand.Rand, files []string, n int) (string, []site) {
	for {
		p := files[rng.IntN(len(files))]
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 200_000 {
			continue
		}
		lines := strings.Split(string(data), "\n")
		var sites []site
		for i := rng.IntN(len(lines)); i < len(lines) && len(sites) < n; i++ {
			l := lines[i]
			t := strings.TrimLeft(l, "\t ")
			if len(t) < 12 || strings.HasPrefix(t, "//") {
				continue
			}
			col := len(l) - len(t) + len(t)/2
			for col < len(l) && l[col] != ' ' && l[col] != '(' && l[col] != '.' {
				col++
			}
			if col >= len(l)-1 {
				continue
			}
			cut := slices.Clone(lines)
			cut[i] = l[:col]
			sites = append(sites, site{doc: strings.Join(cut, "\n"), rest: l[col:], line: uint32(i), col: uint32(col)})
		}
		if len(sites) == n {
			return p, sites
		}
	}
}

// fileWalk hands out the sites of random files, n successive lines of
// each, as one works down a file: once a file's sites are used, it closes
// the file and draws another.
type fileWalk struct {
	e     *lsptest.Editor
	rng   *rand.Rand
	files []string
	n     int
	path  string
	sites []site
}

// next returns the next site and its file; opened says the file was just
// drawn, and is not open yet.
func (w *fileWalk) next() (path string, s site, opened bool) {
	if len(w.sites) == 0 {
		if w.path != "" {
			w.e.Close(w.path)
		}
		w.path, w.sites = fileSites(w.rng, w.files, w.n)
		opened = true
	}
	s, w.sites = w.sites[0], w.sites[1:]
	return w.path, s, opened
}

func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkServerOverhead measures, per inline completion request through
// the server, the time from the request sent to the model call (context
// retrieval over the standard library, prompt, policy) and from the model's
// answer to the response received (post-processing with the syntax check),
// with a fake model answering after 20ms. Each file is opened and completed
// once untimed, then completed at 10 successive lines (the document edited
// in between), as when one works in an open file. Run with -benchtime=300x.
func BenchmarkServerOverhead(b *testing.B) {
	r, files := stdlibRetriever(b)
	model := &timedModel{delay: 20 * time.Millisecond}
	cfg := config.Default().Completion
	e, _ := benchSession(b, model, r, cfg, true)
	w := &fileWalk{e: e, rng: rand.New(rand.NewPCG(1, 2)), files: files, n: 11}
	var before, after []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path, s, opened := w.next()
		model.text.Store(&s.rest)
		if opened {
			e.Open(path, "go", s.doc)
			inlineItems(b, e, path, s)
			path, s, _ = w.next()
			model.text.Store(&s.rest)
		}
		e.Replace(path, s.doc)
		b.StartTimer()
		sent := time.Now()
		_, _ = inlineItems(b, e, path, s)
		got := time.Now()
		b.StopTimer()
		out, in := time.Unix(0, model.out.Load()), time.Unix(0, model.in.Load())
		if out.Before(sent) {
			b.Fatalf("no model call for %s:%d:%d", path, s.line+1, s.col+1)
		}
		before = append(before, out.Sub(sent))
		after = append(after, got.Sub(in))
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(ms(percentile(before, 0.5)), "in-p50-ms")
	b.ReportMetric(ms(percentile(before, 0.99)), "in-p99-ms")
	b.ReportMetric(ms(percentile(after, 0.5)), "out-p50-ms")
	b.ReportMetric(ms(percentile(after, 0.99)), "out-p99-ms")
}

// ollamaModel is a real HTTP provider talking to the fake server, so that
// aborted calls are seen closing at the HTTP level.
func ollamaModel(b *testing.B, url string) llm.Model {
	m, err := ollama.New(ollama.Options{BaseURL: url, Model: "qwen2.5-coder:1.5b-base"})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkAbortClose measures the time from a superseding request sent
// (a request elsewhere in the document) or a $/cancelRequest to the fake
// model server seeing the older call's connection close.
func BenchmarkAbortClose(b *testing.B) {
	for _, how := range []string{"superseded", "cancelled"} {
		b.Run(how, func(b *testing.B) {
			srv := llmtest.NewServer(b)
			srv.Reply(llmtest.Reply{Hang: true})
			cfg := config.Default().Completion
			e, _ := benchSession(b, ollamaModel(b, srv.URL), nil, cfg, true)
			const path = "/bench/a.go"
			e.Open(path, "go", "package a\n\nfunc f() {\n\tx := \n\ty := \n}\n")
			var lat []time.Duration
			b.ResetTimer()
			for i := range b.N {
				ctxA, cancelA := context.WithCancel(context.Background())
				n := srv.Count()
				doneA := callAsync(e, ctxA, path, 3, 6)
				for srv.Count() == n {
					time.Sleep(50 * time.Microsecond)
				}
				start := time.Now()
				var cancelB context.CancelFunc
				var doneB <-chan error
				if how == "superseded" {
					var ctxB context.Context
					ctxB, cancelB = context.WithCancel(context.Background())
					doneB = callAsync(e, ctxB, path, 4, 6)
				} else {
					cancelA()
				}
				if _, ok := srv.WaitClosed(2 * time.Second); !ok {
					b.Fatalf("iteration %d: the older call was never closed", i)
				}
				lat = append(lat, time.Since(start))
				cancelA()
				<-doneA
				if cancelB != nil {
					for srv.Count() == n+1 {
						time.Sleep(50 * time.Microsecond)
					}
					cancelB()
					<-doneB
					srv.WaitClosed(2 * time.Second)
				}
			}
			b.StopTimer()
			b.ReportMetric(ms(percentile(lat, 0.5)), "close-p50-ms")
			b.ReportMetric(ms(percentile(lat, 0.99)), "close-p99-ms")
			b.ReportMetric(ms(slices.Max(lat)), "close-max-ms")
		})
	}
}

func callAsync(e *lsptest.Editor, ctx context.Context, path string, line, col uint32) <-chan error {
	ch := make(chan error, 1)
	go func() {
		var list protocol.InlineCompletionList
		ch <- e.CallContext(ctx, protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: line, Character: col}, protocol.InlineCompletionTriggerKindAutomatic), &list)
	}()
	return ch
}

// typingTarget is what the simulated user types, character by character,
// into "package main\n\n" + typingTarget.
const typingTarget = `func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return total(xs) / float64(len(xs))
}
`

const typingHeader = "package main\n\n"

// oracle answers like a model that knows the file: the rest of the
// current line after the text typed so far, found from the end of the
// prompt (the prefix).
func oracle(delay time.Duration) func(llmtest.Request) llmtest.Reply {
	return func(r llmtest.Request) llmtest.Reply {
		prompt, _ := r.Field("prompt").(string)
		for k := len(typingTarget); k >= 0; k-- {
			want := typingHeader + typingTarget[:k]
			if strings.HasSuffix(prompt, want[max(0, len(want)-80):]) {
				rest := typingTarget[k:]
				if i := strings.IndexByte(rest, '\n'); i >= 0 {
					rest = rest[:i]
				}
				return llmtest.Reply{Text: rest, Delay: delay}
			}
		}
		return llmtest.Reply{Text: "", Delay: delay}
	}
}

// typingStats is what one run of the simulation counted.
type typingStats struct {
	chars, calls, closed, shown, stale, wrong int
	eng                                       completion.Stats
}

// typeOnce types typingTarget at cps characters a second, sending an
// automatic inline completion request after every character; a client
// that cancels sends $/cancelRequest for the previous request first.
func typeOnce(b *testing.B, cancels bool, cps int, latency time.Duration) typingStats {
	srv := llmtest.NewServer(b)
	srv.ReplyFunc(oracle(latency))
	cfg := config.Default().Completion
	e, eng := benchSession(b, ollamaModel(b, srv.URL), nil, cfg, true)
	const path = "/bench/typing.go"
	e.Open(path, "go", typingHeader)
	var (
		version  atomic.Int32
		mu       sync.Mutex
		st       typingStats
		wg       sync.WaitGroup
		cancel   context.CancelFunc = func() {}
		line, ch uint32             = 2, 0
	)
	version.Store(1)
	for i, c := range typingTarget {
		v := e.Edit(path, protocol.Range{Start: protocol.Position{Line: line, Character: ch}, End: protocol.Position{Line: line, Character: ch}}, string(c))
		version.Store(v)
		if c == '\n' {
			line, ch = line+1, 0
		} else {
			ch++
		}
		if cancels {
			cancel()
		}
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		typed := i + 1
		reqLine, reqCh := line, ch
		wg.Go(func() {
			var list protocol.InlineCompletionList
			err := e.CallContext(ctx, protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: reqLine, Character: reqCh}, protocol.InlineCompletionTriggerKindAutomatic), &list)
			if err != nil || len(list.Items) == 0 {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			st.shown++
			if version.Load() != v {
				st.stale++ // answered for a document the user has changed since
			}
			it := list.Items[0]
			text, _ := it.InsertText.(protocol.String)
			insert := string(text)[reqCh-it.Range.Start.Character:]
			if !strings.HasPrefix(typingTarget[typed:], insert) {
				st.wrong++
			}
		})
		time.Sleep(time.Second / time.Duration(cps))
	}
	wg.Wait()
	cancel()
	st.chars = len(typingTarget)
	st.calls = srv.Count()
	for {
		if _, ok := srv.WaitClosed(10 * time.Millisecond); !ok {
			break
		}
		st.closed++
	}
	st.eng = eng.Stats()
	return st
}

// BenchmarkTypingSimulation types typingTarget (213 characters) at 10
// characters a second against a fake Ollama server whose model knows the
// file (it answers the rest of the line) after 150ms. It reports per run:
// model calls, answers from the type-through cache, calls reused by a
// request that typed ahead, calls aborted (and closed at the HTTP level),
// completions shown, and stale completions shown (for a document changed
// since), which must be zero. Run with -benchtime=1x.
func BenchmarkTypingSimulation(b *testing.B) {
	if testing.Short() {
		b.Skip("types in real time")
	}
	for _, client := range []struct {
		name    string
		cancels bool
	}{{"client-waits", false}, {"client-cancels", true}} {
		b.Run(client.name, func(b *testing.B) {
			var st typingStats
			for range b.N {
				st = typeOnce(b, client.cancels, 10, 150*time.Millisecond)
			}
			b.ReportMetric(float64(st.chars), "chars")
			b.ReportMetric(float64(st.calls), "model-calls")
			b.ReportMetric(float64(st.eng.TypeThrough), "type-through")
			b.ReportMetric(float64(st.eng.Reused), "reused")
			b.ReportMetric(float64(st.eng.Aborted), "aborted")
			b.ReportMetric(float64(st.closed), "http-closed")
			b.ReportMetric(float64(st.shown), "shown")
			b.ReportMetric(float64(st.wrong), "shown-wrong")
			b.ReportMetric(float64(st.stale), "stale-shown")
		})
	}
}
