package index

import (
	"sync"

	"github.com/lode-ls/lode/context/syntax"
)

// treeCacheSize is how many recently updated files keep their tree: the
// files being edited, whose next Update reparses incrementally.
const treeCacheSize = 8

// treeCache holds the last trees of recently updated files, most recent
// last. It owns them: an evicted or dropped tree is closed.
type treeCache struct {
	mu    sync.Mutex
	max   int
	paths []string
	trees []*syntax.Tree
}

func newTreeCache(n int) *treeCache { return &treeCache{max: n} }

// take removes and returns the tree of path, or nil. The caller owns it.
func (c *treeCache) take(path string) *syntax.Tree {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, p := range c.paths {
		if p == path {
			t := c.trees[i]
			c.paths = append(c.paths[:i], c.paths[i+1:]...)
			c.trees = append(c.trees[:i], c.trees[i+1:]...)
			return t
		}
	}
	return nil
}

// put stores t as the tree of path, closing the tree it replaces and the
// least recently stored one when full.
func (c *treeCache) put(path string, t *syntax.Tree) {
	c.take(path).Close()
	c.mu.Lock()
	var evicted *syntax.Tree
	if len(c.paths) == c.max {
		evicted = c.trees[0]
		c.paths, c.trees = c.paths[1:], c.trees[1:]
	}
	c.paths = append(c.paths, path)
	c.trees = append(c.trees, t)
	c.mu.Unlock()
	evicted.Close()
}

// drop closes and forgets the tree of path.
func (c *treeCache) drop(path string) { c.take(path).Close() }

// close closes every tree.
func (c *treeCache) close() {
	c.mu.Lock()
	trees := c.trees
	c.paths, c.trees = nil, nil
	c.mu.Unlock()
	for _, t := range trees {
		t.Close()
	}
}
