package retrieve

import (
	"context"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// TestSymbolCacheEdits checks that an edit of an open document drops only
// the cached names defined in it, while a disk change empties the cache.
func TestSymbolCacheEdits(t *testing.T) {
	ix := index.New()
	t.Cleanup(ix.Close)
	ctx := context.Background()
	lang := syntax.ByName("go")
	files := map[string]string{
		"/w/a.go": "package w\n\nfunc Open() {}\n\nfunc Close() {}\n",
		"/w/b.go": "package w\n\nfunc Close2() {}\n\nfunc Read() {}\n",
	}
	for p, src := range files {
		if err := ix.Update(ctx, p, lang, []byte(src)); err != nil {
			t.Fatal(err)
		}
	}
	var c symbolCache
	c.refresh(ix)
	for _, name := range []string{"Open", "Close", "Read", "Missing"} {
		c.lookup(ix, name)
	}
	cached := func(name string) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.byName[name]
		return ok
	}
	c.edited("/w/a.go")
	for name, want := range map[string]bool{"Open": false, "Close": false, "Read": true, "Missing": true} {
		if got := cached(name); got != want {
			t.Errorf("after an edit of a.go, %s cached = %v, want %v", name, got, want)
		}
	}
	if got := len(c.lookup(ix, "Open")); got != 1 {
		t.Errorf("Open looked up again: %d definitions, want 1", got)
	}
	c.changes.Add(1) // a file changed on disk
	c.refresh(ix)
	if cached("Read") || cached("Open") {
		t.Error("a disk change left names cached")
	}
}
