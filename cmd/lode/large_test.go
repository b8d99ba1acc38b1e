package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// generatedGo returns a Go file of about size bytes: numbered functions,
// two lines each.
func generatedGo(size int) string {
	var b strings.Builder
	b.Grow(size + 64)
	b.WriteString("package big\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "func generated%d(x int) int {\n\treturn x + %d }\n", i, i)
	}
	return b.String()
}

// heapInUse returns the heap in use after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestLargeUnsavedDocument opens a 50 MB document that is not on disk in
// a whole session (index, embedded model, retriever, engine), with an
// inline completion request sent at once and more after edits, each
// followed by lode/context at the cursor. Whatever the timing,
// structurally: the document is never parsed whole (so neither indexed
// nor learned), every request is answered (inline completion from a
// window around the cursor, nothing else of the document sent), and once the document is closed the heap returns to within 20% of what
// it was before. BenchmarkLoadHugeDocument reports the time and RSS of the
// same scenario.
func TestLargeUnsavedDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB document")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.go"), []byte("package big\n\nfunc helper(x int) int { return x * 2 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	model := llmtest.NewServer(t)
	model.Reply(llmtest.Reply{Text: "x * 3"})
	serveIn := serveModel(t, model.URL)
	e, _ := lsptest.Connect(t, serveIn, lsptest.Options{
		Folders:               []string{root},
		Timeout:               2 * time.Minute, // generous: the race detector slows the 50 MB messages
		InitializationOptions: map[string]any{"completion": map[string]any{"timeout_ms": 600000, "debounce_ms": 0}},
	})
	// The fake editor keeps its largest message's buffer for the rest of
	// the session (a real editor is another process): let it grow first,
	// with a message the server ignores, so that only the server's
	// memory differs below.
	if err := e.Notify("lode/test/ignored", map[string]string{"pad": strings.Repeat("x", 56<<20)}); err != nil {
		t.Fatal(err)
	}
	e.Notify("lode/test/ignored", nil)
	e.Call(lode.MethodContext, &lode.ContextParams{}, nil) // the server has read past them
	before := heapInUse()
	parsed := syntax.ParsedBytes()

	big := filepath.Join(root, "big.go") // unsaved: not on disk
	doc := generatedGo(50 << 20)
	e.Open(big, "go", doc)
	lines := uint32(strings.Count(doc, "\n"))
	doc = ""
	ask := func(line uint32) []protocol.InlineCompletionItem {
		t.Helper()
		var list protocol.InlineCompletionList
		err := e.Call(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(big, protocol.Position{Line: line, Character: 9}, protocol.InlineCompletionTriggerKindInvoked), &list)
		if err != nil {
			t.Fatal(err)
		}
		return list.Items
	}
	// A request while the document is fresh, then after edits.
	mid := lines / 2 &^ 1 // a "\treturn x + N }" line
	for i, line := range []uint32{mid, mid, mid + 2} {
		if i > 0 {
			e.Edit(big, protocol.Range{Start: protocol.Position{Line: line, Character: 9}, End: protocol.Position{Line: line, Character: 9}}, "y")
		}
		start := time.Now()
		items := ask(line)
		t.Logf("request %d answered in %v", i, time.Since(start))
		// Over context.max_file_size the server completes in a window
		// around the cursor: the model sees nothing far from it.
		if len(items) == 0 || model.Count() == 0 {
			t.Fatalf("request %d at line %d: items %+v after %d model calls", i, line+1, items, model.Count())
		}
		for _, r := range model.Requests() {
			if strings.Contains(string(r.Body), "generated1(") || len(r.Body) > 256<<10 {
				t.Fatalf("request %d: the model was sent %d bytes, with the document's start", i, len(r.Body))
			}
		}
		var b retrieve.Bundle
		if err := e.Call(lode.MethodContext, &lode.ContextParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(big)},
			Position:     protocol.Position{Line: line, Character: 9},
		}, &b); err != nil {
			t.Fatalf("lode/context %d: %v", i, err)
		}
	}

	// A document opened and edited after the big one is indexed only
	// once the indexer has gone past the big one's changes.
	other := filepath.Join(root, "other.go")
	e.Open(other, "go", "package big\n")
	e.Edit(other, protocol.Range{Start: protocol.Position{Line: 1}, End: protocol.Position{Line: 1}}, "\nfunc afterTheBigOne() {}\n")
	user := filepath.Join(root, "user.go")
	e.Open(user, "go", "package big\n\nfunc use() {\n\tafterTheBigOne()\n}\n")
	e.WaitFor("the document opened after the big one to be indexed", func() bool {
		var b retrieve.Bundle
		err := e.Call(lode.MethodContext, &lode.ContextParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(user)},
			Position:     protocol.Position{Line: 3, Character: 5},
		}, &b)
		for _, s := range b.Snippets {
			if err == nil && s.Path == other {
				return true
			}
		}
		return false
	})
	if n := syntax.ParsedBytes() - parsed; n > 10<<20 {
		t.Fatalf("%d MB parsed for a 50 MB document: it was parsed whole (indexed, learned or reparsed)", n>>20)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapSys > 1500<<20 {
		t.Fatalf("heap reserved %d MB with the document open", ms.HeapSys>>20)
	}

	e.Close(big)
	e.Close(other)
	e.Close(user)
	e.WaitFor("the heap to return after close", func() bool {
		return heapInUse() <= before+before/5
	})
	t.Logf("heap in use before the document %d MB, after its close %d MB", before>>20, heapInUse()>>20)
}

// serveModel returns lode serve, in this process, with the fake model
// server at url as an OpenAI-compatible completion model, or with the
// embedded model when url is "", and no user settings.
func serveModel(tb testing.TB, url string) lsptest.ServeFunc {
	env := map[string]string{"LODE_PROVIDER": "embedded"}
	if url != "" {
		env = map[string]string{
			"LODE_PROVIDER": "openai", "LODE_BASE_URL": url + "/v1",
			"LODE_MODEL": "gpt-3.5-turbo-instruct", "LODE_API_KEY": "sk-test",
		}
	}
	for k, v := range env { // the session reads API keys from the environment
		tb.Setenv(k, v)
	}
	in := config.Inputs{UserFile: "-", Getenv: func(k string) string { return env[k] }}
	return func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return serve(ctx, rwc, in, slog.New(slog.DiscardHandler), new(slog.LevelVar))
	}
}

// TestLargeFileWindow: lode complete and lode explain on a file over
// context.max_file_size work in a window around the cursor, as the server
// does for a large open document: the model is asked, sees nothing far
// from the cursor (nor is the file parsed whole), and the explanation
// gives the file's own lines.
func TestLargeFileWindow(t *testing.T) {
	srv := llmtest.NewServer(t)
	dir := cliWorkspace(t, srv.URL+"/v1", "[context]\nmax_file_size = 2000\n")
	var b strings.Builder
	b.WriteString("package big\n")
	for i := range 30000 {
		fmt.Fprintf(&b, "func number%d() int {\n\treturn %d\n}\n", i, i)
	}
	src := b.String()
	if err := os.WriteFile(filepath.Join(dir, "big.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 1 + 3*15000 + 2 // "\treturn 15000", 1-based
	far := []string{"func number1() int", "func number29990() int"}
	sent := func() string {
		reqs := srv.Requests()
		if len(reqs) == 0 {
			t.Fatal("the model was not asked")
		}
		return string(reqs[len(reqs)-1].Body)
	}

	parsed := syntax.ParsedBytes()
	wholeParse := func(command string) {
		t.Helper()
		if n := syntax.ParsedBytes() - parsed; n >= int64(len(src)) {
			t.Errorf("lode %s parsed %d bytes of a %d-byte file", command, n, len(src))
		}
		parsed = syntax.ParsedBytes()
	}

	srv.Reply(llmtest.Reply{Text: " + 1"})
	code, out, errs := runLode("complete", fmt.Sprintf("big.go:%d:14", line))
	if code != exitOK || !strings.Contains(out, "+ 1") {
		t.Fatalf("lode complete: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	wholeParse("complete")
	body := sent()
	if !strings.Contains(body, `return 15000`) || len(body) > 128<<10 {
		t.Errorf("the request (%d bytes) lacks the cursor's line:\n%s", len(body), body)
	}
	for _, f := range far {
		if strings.Contains(body, f) {
			t.Errorf("lode complete sent %q, far from the cursor", f)
		}
	}

	srv.Reply(llmtest.Reply{Text: "Returns 15000."})
	code, out, errs = runLode("explain", fmt.Sprintf("big.go:%d", line))
	if code != exitOK || !strings.Contains(out, "Returns 15000.") {
		t.Fatalf("lode explain: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	wholeParse("explain")
	body = sent()
	if want := fmt.Sprintf("lines %d-%d", line-1, line+1); !strings.Contains(body, want) {
		t.Errorf("the explain request does not give the file's %s:\n%s", want, body)
	}
	for _, f := range far {
		if strings.Contains(body, f) {
			t.Errorf("lode explain sent %q, far from the cursor", f)
		}
	}
}
