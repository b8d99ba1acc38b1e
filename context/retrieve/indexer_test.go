package retrieve

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/eventually"
)

// TestIndexerYieldsAndCoalesces: re-indexing an edited document waits at
// Yield (as for a request in flight), and the edits made meanwhile are
// indexed together, not one by one.
func TestIndexerYieldsAndCoalesces(t *testing.T) {
	root, ws, ix := newWorkspace(t, map[string]string{"a.go": "package a\n"})
	path := filepath.Join(root, "a.go")
	var (
		mu      sync.Mutex
		held    bool
		waiting int
		release = make(chan struct{})
	)
	yield := func(ctx context.Context) error {
		mu.Lock()
		h := held
		if h {
			waiting++
		}
		mu.Unlock()
		if h {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	ir := StartIndexing(ctx, ws, ix, IndexOptions{Yield: yield, Settle: -1})
	if _, err := ir.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	held = true
	mu.Unlock()
	for i := range 50 {
		ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: int32(i + 1),
			Text: text.New(fmt.Sprintf("package a\n\nfunc Edited%d() {}\n", i))})
	}
	eventually.True(t, func() bool { mu.Lock(); defer mu.Unlock(); return waiting > 0 }, "the indexer never waited at Yield")
	if len(ix.LookupPrefix("Edited", false, 0)) != 0 || ir.Updates() != 0 {
		t.Fatal("the document was indexed while background work was held back")
	}
	mu.Lock()
	held = false
	mu.Unlock()
	close(release)
	eventually.True(t, func() bool { return len(ix.Lookup("Edited49")) == 1 }, "the last edit was never indexed")
	if n := ir.Updates(); n > 2 {
		t.Fatalf("50 edits made while held back were indexed in %d updates, want 1 or 2", n)
	}
	cancel()
}

// TestIndexerParsesGiveWay: the cold build's parses call Yield as they go,
// not only between files, so that a request does not wait for the parse
// of a long file to end.
func TestIndexerParsesGiveWay(t *testing.T) {
	src := "package a\n\n"
	for i := range 3000 {
		src += fmt.Sprintf("func f%d(x int) int { return x*%d + 1 }\n", i, i)
	}
	_, ws, ix := newWorkspace(t, map[string]string{"a.go": src})
	var yields atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ir := StartIndexing(ctx, ws, ix, IndexOptions{Yield: func(ctx context.Context) error {
		yields.Add(1)
		return ctx.Err()
	}})
	if _, err := ir.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if len(ix.Lookup("f2999")) != 1 {
		t.Fatal("the file was not indexed")
	}
	if n := yields.Load(); n < 10 {
		t.Fatalf("Yield called %d times for one file of %d lines, want it called during the parse", n, 3000)
	}
}
