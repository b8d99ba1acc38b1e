package main

// Benchmarks of a whole session (index, embedded model, retriever, engine,
// server) under the conditions of a busy machine, measured as the editor
// sees it: the time from an inline completion request sent to its answer,
// less the fake model's fixed latency. scripts/load.sh (make load) runs
// them idle and beside stress-ng --cpu 4 and prints both side by side.
// See docs/performance.md, section "Under load".

import (
	"fmt"
	"go/build"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// indexWait bounds the wait for the first index to end, after the
// measured requests; past it BenchmarkLoadFirstIndex reports no index-s.
const indexWait = 5 * time.Minute

// loadModelDelay is the fake model's fixed latency, taken off every
// measured request.
const loadModelDelay = 20 * time.Millisecond

// loadSession serves a whole session over the workspace folder root,
// answering with a fake OpenAI-compatible server after loadModelDelay, or
// with the embedded model when embedded is set (then nothing is taken off).
func loadSession(b *testing.B, root string, embedded bool) *lsptest.Editor {
	model := ""
	if !embedded {
		srv := llmtest.NewServer(b)
		srv.Reply(llmtest.Reply{Text: "x", Delay: loadModelDelay})
		model = srv.URL
	}
	serveIn := serveModel(b, model)
	e, _ := lsptest.Connect(b, serveIn, lsptest.Options{
		Folders: []string{root},
		Timeout: 10 * time.Minute, // a bound, not a measure: a loaded machine is slow
		InitializationOptions: map[string]any{"completion": map[string]any{
			"timeout_ms": 600000, "debounce_ms": 0, "fallback_embedded": false,
		}},
	})
	return e
}

// inline asks for an inline completion at line:col of path and returns how
// long the answer took, less the fake model's latency unless embedded.
func inline(b *testing.B, e *lsptest.Editor, path string, line, col uint32, embedded bool) time.Duration {
	d, _ := goInline(b, e, path, line, col, embedded)()
	return d
}

// goInline sends an inline completion request at line:col of path and
// returns at once, the request queued after the edits before it and before
// those after; answer waits for it and returns how long it took from then,
// less the fake model's latency unless embedded, and its number of items.
func goInline(b *testing.B, e *lsptest.Editor, path string, line, col uint32, embedded bool) (answer func() (time.Duration, int)) {
	start := time.Now()
	var list protocol.InlineCompletionList
	wait := e.Go(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: line, Character: col}, protocol.InlineCompletionTriggerKindInvoked), &list)
	return func() (time.Duration, int) {
		if err := wait(); err != nil {
			b.Error(err)
		}
		d := time.Since(start)
		if !embedded {
			d -= loadModelDelay
		}
		return d, len(list.Items)
	}
}

// insertAt types s at line:col of path.
func insertAt(e *lsptest.Editor, path string, line, col uint32, s string) {
	p := protocol.Position{Line: line, Character: col}
	e.Edit(path, protocol.Range{Start: p, End: p}, s)
}

// loadRoot is the workspace of the first-index benchmark: LODE_BENCH_ROOT,
// else a copy of the Go standard library (benchStdlib).
func loadRoot(b *testing.B) string {
	if testing.Short() {
		b.Skip("indexes a large workspace")
	}
	if r := os.Getenv("LODE_BENCH_ROOT"); r != "" {
		return r
	}
	return benchStdlib(b)
}

// goFiles returns the non-test Go files under root, outside testdata.
func goFiles(root string) []string {
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if err == nil && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// rss returns the process's resident set and its peak, in MB.
func rss() (now, peak float64) {
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return now, peak
}

func reportLatency(b *testing.B, d []time.Duration, prefix string) {
	b.ReportMetric(ms(percentile(d, 0.5)), prefix+"p50-ms")
	b.ReportMetric(ms(percentile(d, 0.99)), prefix+"p99-ms")
	b.ReportMetric(ms(slices.Max(d)), prefix+"max-ms")
}

// BenchmarkLoadFirstIndex measures inline completion overhead during the
// first index of a large workspace (no saved index): each iteration edits
// a standard library file (a new one every 10) and asks at the edited
// line. After the iterations it waits for the index to finish (at most
// indexWait) and reports its time (index-s, absent when it did not finish)
// and the process's peak RSS. Run with -benchtime=200x.
func BenchmarkLoadFirstIndex(b *testing.B) {
	root := loadRoot(b)
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	files := goFiles(root)
	start := time.Now()
	e := loadSession(b, root, false)
	indexed := func() bool {
		for _, p := range e.Progress() {
			if strings.Contains(strings.ReplaceAll(string(p.Value), " ", ""), `"kind":"end"`) {
				return true
			}
		}
		return false
	}
	w := &fileWalk{e: e, rng: rand.New(rand.NewPCG(1, 2)), files: files, n: 10}
	var during, after []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path, s, opened := w.next()
		if opened {
			e.Open(path, "go", s.doc)
		}
		e.Replace(path, s.doc)
		b.StartTimer()
		d := inline(b, e, path, s.line, s.col, false)
		if indexed() {
			after = append(after, d)
		} else {
			during = append(during, d)
		}
	}
	b.StopTimer()
	// Wait for the index, within a bound: on a loaded machine the
	// background work, which runs at a lower priority, may take long.
	for deadline := time.Now().Add(indexWait); !indexed() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	_, peak := rss()
	if len(during) > 0 {
		reportLatency(b, during, "indexing-")
	}
	b.ReportMetric(float64(len(during)), "during-index")
	if indexed() {
		b.ReportMetric(time.Since(start).Seconds(), "index-s")
	}
	b.ReportMetric(peak, "peak-rss-MB")
}

// BenchmarkLoadLargeDocument opens a generated 5 MB Go file (on disk, over
// the 1 MiB size limit) and measures its first inline completion, then one
// after each edit (a character typed at the cursor, the cursor moving down
// the file). Run with -benchtime=100x.
func BenchmarkLoadLargeDocument(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 5 MB document")
	}
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	root := b.TempDir()
	path := filepath.Join(root, "generated.go")
	doc := generatedGo(5 << 20)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		b.Fatal(err)
	}
	lines := uint32(strings.Count(doc, "\n"))
	e := loadSession(b, root, false)
	start := time.Now()
	e.Open(path, "go", doc)
	line := lines / 2 &^ 1
	inline(b, e, path, line, 9, false)
	first := time.Since(start) - loadModelDelay
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		l := line + uint32(2*(i/10))
		insertAt(e, path, l, 9, "y")
		b.StartTimer()
		lat = append(lat, inline(b, e, path, l, 10, false))
	}
	b.StopTimer()
	reportLatency(b, lat, "edit-")
	b.ReportMetric(ms(first), "open-first-ms")
}

// BenchmarkLoadEditBurst measures, on a 3,000-line standard library file,
// the latency of inline requests each after one edit (idle), then during a
// burst: 200 didChange sent back to back with an inline request every 10
// edits, in that order (each request queued after its edit: lsptest's
// Go), not waited for. It reports the burst's slowest request against the
// idle p99 (the target: at most 3 times). Run with -benchtime=1x.
func BenchmarkLoadEditBurst(b *testing.B) {
	if testing.Short() {
		b.Skip("a whole session")
	}
	src, err := os.ReadFile(filepath.Join(build.Default.GOROOT, "src", "net", "http", "transport.go"))
	if err != nil {
		b.Skip("no GOROOT sources")
	}
	for _, model := range []string{"server", "embedded"} {
		b.Run(model, func(b *testing.B) {
			embedded := model == "embedded"
			b.Setenv("XDG_CACHE_HOME", b.TempDir())
			root := b.TempDir()
			path := filepath.Join(root, "transport.go")
			if err := os.WriteFile(path, src, 0o644); err != nil {
				b.Fatal(err)
			}
			e := loadSession(b, root, embedded)
			e.Open(path, "go", string(src))
			// Type on a fresh line after the imports' closing line.
			line := uint32(strings.Count(string(src[:strings.Index(string(src), "\n)\n")+3]), "\n"))
			insertAt(e, path, line, 0, "\n")
			col := uint32(0)
			typeChar := func() {
				insertAt(e, path, line, col, "x")
				col++
			}
			typeChar()
			inline(b, e, path, line, col, embedded) // warm: connections, caches, trees
			var idle, burst []time.Duration
			lastItems := 0 // the items of the burst's last answer
			traced := slowTraces(b)
			for range b.N {
				for range 100 {
					typeChar()
					idle = append(idle, inline(b, e, path, line, col, embedded))
				}
				var mu sync.Mutex
				var wg sync.WaitGroup
				for i := range 200 {
					typeChar()
					if i%10 == 9 {
						answer := goInline(b, e, path, line, col, embedded)
						wg.Go(func() {
							d, n := answer()
							traced("burst", d)
							mu.Lock()
							burst = append(burst, d)
							if i == 199 {
								lastItems = n
							}
							mu.Unlock()
						})
					}
				}
				wg.Wait()
			}
			reportLatency(b, idle, "idle-")
			reportLatency(b, burst, "burst-")
			b.ReportMetric(float64(slices.Max(burst))/float64(percentile(idle, 0.99)), "burst-max/idle-p99")
			// The last request of a burst answers the final text.
			b.ReportMetric(float64(lastItems), "burst-last-items")
		})
	}
}

// BenchmarkLoadHugeDocument opens a 50 MB document that is not on disk
// and asks for an inline completion at once; it reports the time to that
// answer (the didOpen's transfer and decoding included), the process's RSS
// before, at its peak and after the document is closed (the fake editor,
// in the same process, holds its own copies of the document's messages
// while they are sent). Run with -benchtime=1x.
func BenchmarkLoadHugeDocument(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 50 MB document")
	}
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	root := b.TempDir()
	e := loadSession(b, root, false)
	doc := generatedGo(50 << 20)
	lines := uint32(strings.Count(doc, "\n"))
	heapInUse()
	before, _ := rss()
	var answer time.Duration
	for i := range b.N {
		path := filepath.Join(root, fmt.Sprintf("unsaved%d.go", i))
		start := time.Now()
		e.Open(path, "go", doc)
		inline(b, e, path, lines/2&^1, 9, false)
		answer = time.Since(start) - loadModelDelay
		e.Close(path)
	}
	b.StopTimer()
	doc = ""
	_, peak := rss()
	e.Open(filepath.Join(root, "small.go"), "go", "package small\n") // the server reads past the big messages
	heapInUse()
	runtime.GC()
	debug.FreeOSMemory()
	after, _ := rss()
	b.ReportMetric(ms(answer), "open-answer-ms")
	b.ReportMetric(before, "rss-before-MB")
	b.ReportMetric(peak, "rss-peak-MB")
	b.ReportMetric(after, "rss-after-close-MB")
}
