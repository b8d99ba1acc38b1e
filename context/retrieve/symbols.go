package retrieve

import (
	"sync"
	"sync/atomic"

	"github.com/lode-ls/lode/context/index"
)

// symbolCache remembers the index's answers to Lookup by name. The same
// names come back request after request, and a common one ("String",
// "Close") has hundreds of definitions to copy out of the index. It is
// emptied when a file on disk changes or the index's symbol count does,
// which covers the index catching up with a change a moment later. An
// edit of an open document (every keystroke) only drops the names with a
// definition in that document, whose ranges may have moved.
type symbolCache struct {
	changes atomic.Int64 // disk events seen

	mu      sync.Mutex
	changed int64 // changes when the entries were valid
	symbols int   // the index's symbol count then
	byName  map[string][]index.Symbol
	byPath  map[string]map[string]bool // names cached with a definition in the path
}

// edited drops the cached names that have a definition in path.
func (c *symbolCache) edited(path string) {
	c.mu.Lock()
	for name := range c.byPath[path] {
		delete(c.byName, name)
	}
	delete(c.byPath, path)
	c.mu.Unlock()
}

const maxCachedNames = 4096

// lookup returns ix.Lookup(name), from the cache when it is current.
func (c *symbolCache) lookup(ix *index.Index, name string) []index.Symbol {
	c.mu.Lock()
	syms, ok := c.byName[name]
	c.mu.Unlock()
	if ok {
		return syms
	}
	syms = ix.Lookup(name)
	c.mu.Lock()
	if len(c.byName) < maxCachedNames {
		c.byName[name] = syms
		for i, s := range syms {
			if i > 0 && s.Path == syms[i-1].Path {
				continue
			}
			if c.byPath[s.Path] == nil {
				c.byPath[s.Path] = make(map[string]bool)
			}
			c.byPath[s.Path][name] = true
		}
	}
	c.mu.Unlock()
	return syms
}

// refresh empties the cache if the workspace or the index changed since
// it was filled. Retrieve calls it once per request.
func (c *symbolCache) refresh(ix *index.Index) {
	changed, symbols := c.changes.Load(), ix.Stats().Symbols
	c.mu.Lock()
	if c.byName == nil || changed != c.changed || symbols != c.symbols || len(c.byName) >= maxCachedNames {
		c.byName = make(map[string][]index.Symbol)
		c.byPath = make(map[string]map[string]bool)
		c.changed, c.symbols = changed, symbols
	}
	c.mu.Unlock()
}
