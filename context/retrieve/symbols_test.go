package retrieve

import (
	"context"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// TestSymbolCacheEdits checks that an edit of an open document drops no
// cached name while the index still answers as before; that once the
// index has the edited document, the names whose declarations there
// changed (a signature, a rename) are looked up again, and no others; and
// that a disk change empties the cache.
func TestSymbolCacheEdits(t *testing.T) {
	ix := index.New()
	t.Cleanup(ix.Close)
	ctx := context.Background()
	lang := syntax.ByName("go")
	update := func(p, src string) {
		t.Helper()
		if err := ix.Update(ctx, p, lang, []byte(src)); err != nil {
			t.Fatal(err)
		}
	}
	update("/w/a.go", "package w\n\nfunc Open() {}\n\nfunc Close() {}\n\nfunc Stop() {}\n")
	update("/w/b.go", "package w\n\nfunc Close2() {}\n\nfunc Read() {}\n")
	var c symbolCache
	c.refresh(ix)
	names := []string{"Open", "Close", "Stop", "Shut", "Read", "Missing"}
	for _, name := range names {
		c.lookup(ix, name)
	}
	cached := func(name string) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.byName[name]
		return ok
	}
	expect := func(when string, want map[string]bool) {
		t.Helper()
		for _, name := range names {
			if got := cached(name); got != want[name] {
				t.Errorf("%s: %s cached = %v, want %v", when, name, got, want[name])
			}
		}
	}

	// The first edit drops the document's names once: they were cached
	// from an entry of unknown age.
	c.edit("/w/a.go")
	c.refresh(ix)
	expect("after the first edit of a.go", map[string]bool{"Shut": true, "Read": true, "Missing": true})
	for _, name := range names {
		c.lookup(ix, name)
	}
	all := map[string]bool{"Open": true, "Close": true, "Stop": true, "Shut": true, "Read": true, "Missing": true}
	for range 3 { // typing: the index has not caught up
		c.edit("/w/a.go")
		c.refresh(ix)
	}
	expect("after edits the index has not seen", all)

	// The index catches up: Close's signature changed, Stop was renamed
	// Shut (the symbol count is the same), Open did not move.
	update("/w/a.go", "package w\n\nfunc Open() {}\n\nfunc Close(x int) {}\n\nfunc Shut() {}\n")
	c.refresh(ix)
	expect("after the index caught up", map[string]bool{"Open": true, "Read": true, "Missing": true})
	if got := c.lookup(ix, "Close"); len(got) != 1 || !strings.Contains(got[0].Signature, "x int") {
		t.Errorf("Close after the index caught up: %+v, want its new signature", got)
	}
	if got := c.lookup(ix, "Shut"); len(got) != 1 {
		t.Errorf("Shut after the index caught up: %d definitions, want 1", len(got))
	}
	if got := c.lookup(ix, "Stop"); len(got) != 0 {
		t.Errorf("Stop after the index caught up: %d definitions, want none", len(got))
	}

	c.changes.Add(1) // a file changed on disk
	c.refresh(ix)
	if cached("Read") || cached("Open") {
		t.Error("a disk change left names cached")
	}
}

// TestSymbolCacheCaughtUpBeforeTheFirstLook checks the first look at an
// edited document when the index has caught up with the edit already (a
// paste or a rename with no request in between): a name the document now
// declares, cached before as declared nowhere, is not served stale.
func TestSymbolCacheCaughtUpBeforeTheFirstLook(t *testing.T) {
	ix := index.New()
	t.Cleanup(ix.Close)
	ctx := context.Background()
	lang := syntax.ByName("go")
	if err := ix.Update(ctx, "/w/a.go", lang, []byte("package w\n\nfunc Stop() {}\n")); err != nil {
		t.Fatal(err)
	}
	var c symbolCache
	c.refresh(ix)
	if got := c.lookup(ix, "Shut"); len(got) != 0 {
		t.Fatalf("Shut before the rename: %d definitions", len(got))
	}
	c.edit("/w/a.go")
	if err := ix.Update(ctx, "/w/a.go", lang, []byte("package w\n\nfunc Shut() {}\n")); err != nil {
		t.Fatal(err)
	}
	c.refresh(ix)
	if got := c.lookup(ix, "Shut"); len(got) != 1 {
		t.Errorf("Shut after the rename the index caught up with: %d definitions, want 1", len(got))
	}
}
