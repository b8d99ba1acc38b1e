package retrieve

import (
	"sync"
	"sync/atomic"

	"github.com/lode-ls/lode/context/index"
)

// symbolCache remembers the index's answers to Lookup by name. The same
// names come back request after request, and a common one ("String",
// "Close") has hundreds of definitions to copy out of the index. It is
// emptied when a file on disk changes or the index's symbol count does.
// An open document being edited changes in the index only when the index
// catches up with it (after a pause in typing): the cache then drops the
// names whose declarations in that document the index changed, and
// keeps the others; a keystroke alone drops nothing, since the index
// still answers as before.
type symbolCache struct {
	changes atomic.Int64 // disk events seen

	mu      sync.Mutex
	changed int64 // changes when the entries were valid
	symbols int   // the index's symbol count then
	// gen counts the drops: a lookup that began before one does not
	// store the answer it got.
	gen    uint64
	byName map[string][]index.Symbol
	byPath map[string]map[string]bool // names cached with a definition in the path
	// edited has the open documents edited since the cache was emptied,
	// with the index's content hash of each when its names were last
	// checked (see check).
	edited map[string]*editedDoc
}

// editedDoc is what symbolCache knows of an edited document's entry in
// the index.
type editedDoc struct {
	hash  uint32
	known bool // hash was read: the names cached since agree with it
	found bool // the index had the document then
}

// maxEditedDocs bounds the edited documents watched; past it the cache
// is emptied.
const maxEditedDocs = 64

// edit records that the open document at path was edited: its entry in
// the index may change from now on. It only records (observe must not
// block).
func (c *symbolCache) edit(path string) {
	c.mu.Lock()
	if c.edited == nil {
		c.edited = make(map[string]*editedDoc)
	}
	if c.edited[path] == nil {
		c.edited[path] = &editedDoc{}
	}
	c.mu.Unlock()
}

const maxCachedNames = 4096

// lookup returns ix.Lookup(name), from the cache when it is current.
func (c *symbolCache) lookup(ix *index.Index, name string) []index.Symbol {
	c.mu.Lock()
	syms, ok := c.byName[name]
	gen := c.gen
	c.mu.Unlock()
	if ok {
		return syms
	}
	syms = ix.Lookup(name)
	c.mu.Lock()
	if c.byName != nil && gen == c.gen && len(c.byName) < maxCachedNames {
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
// it was filled, and drops the names whose declarations in an edited
// document the index changed. Retrieve calls it once per request.
func (c *symbolCache) refresh(ix *index.Index) {
	changed, symbols := c.changes.Load(), ix.Stats().Symbols
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byName == nil || changed != c.changed || symbols != c.symbols || len(c.byName) >= maxCachedNames || len(c.edited) > maxEditedDocs {
		c.byName = make(map[string][]index.Symbol)
		c.byPath = make(map[string]map[string]bool)
		c.changed, c.symbols = changed, symbols
		c.gen++
		if len(c.edited) > maxEditedDocs {
			c.edited = nil
		}
		for _, d := range c.edited {
			*d = editedDoc{} // read again below
		}
	}
	for path, d := range c.edited {
		c.check(ix, path, d)
	}
}

// check compares the index's entry of the edited document at path with
// d, what the cached names agree with, and drops the names whose
// declarations there changed: the definitions of the path the cache
// holds for a name against those the index now has. c.mu is held (the
// index never calls back into the cache: no lock order to break).
func (c *symbolCache) check(ix *index.Index, path string, d *editedDoc) {
	fi, found := ix.File(path)
	switch {
	case !d.known:
		// Names cached before the first look were filled from an entry
		// of unknown age: those the document declared then, and those
		// it declares in the index now (the index may have caught up
		// with the edit already: a name renamed there was cached as
		// declared nowhere, or elsewhere only).
		c.dropPath(path)
		for _, s := range ix.FileSymbols(path) {
			c.drop(s.Name)
		}
	case found == d.found && fi.Hash == d.hash:
		return
	default:
		now := make(map[string][]index.Symbol)
		for _, s := range ix.FileSymbols(path) {
			now[s.Name] = append(now[s.Name], s)
		}
		for name := range c.byPath[path] {
			if !samePath(c.byName[name], path, now[name]) {
				c.drop(name)
			}
		}
		for name, syms := range now {
			if cached, ok := c.byName[name]; ok && !samePath(cached, path, syms) {
				c.drop(name) // a name the document declares anew
			}
		}
		c.gen++
	}
	*d = editedDoc{hash: fi.Hash, known: true, found: found}
}

// samePath reports whether the symbols of cached that lie in path are
// syms, in order (the index's order: by offset).
func samePath(cached []index.Symbol, path string, syms []index.Symbol) bool {
	n := 0
	for _, s := range cached {
		if s.Path != path {
			continue
		}
		if n >= len(syms) || s != syms[n] {
			return false
		}
		n++
	}
	return n == len(syms)
}

// drop forgets the cached name. c.mu is held.
func (c *symbolCache) drop(name string) {
	for i, s := range c.byName[name] {
		if i > 0 && s.Path == c.byName[name][i-1].Path {
			continue
		}
		if names := c.byPath[s.Path]; names != nil {
			delete(names, name)
			if len(names) == 0 {
				delete(c.byPath, s.Path)
			}
		}
	}
	delete(c.byName, name)
}

// dropPath forgets the cached names with a definition in path. c.mu is
// held.
func (c *symbolCache) dropPath(path string) {
	for name := range c.byPath[path] {
		c.drop(name)
	}
	c.gen++
}
