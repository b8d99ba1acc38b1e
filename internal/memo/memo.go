// Package memo holds Strings, a bounded memo of a costly function of
// strings (a token count, a redaction) for texts that come back on every
// keystroke. It is safe for concurrent use.
//
// Package memo depends on the standard library only.
package memo

import (
	"hash/maphash"
	"sync"
)

// Strings remembers the results of a function of strings, by a 64-bit
// hash of the string under a seed of its own (two strings sharing one are
// as unlikely as a random collision). When it holds max results it forgets
// them all, which costs one recomputation of the strings in use.
type Strings[V any] struct {
	seed maphash.Seed
	max  int

	mu sync.Mutex
	m  map[uint64]V
}

// New returns an empty memo holding at most max results.
func New[V any](max int) *Strings[V] {
	return &Strings[V]{seed: maphash.MakeSeed(), max: max, m: make(map[uint64]V)}
}

// Get returns f(s), remembered from an earlier Get of s when it can. f runs
// without the lock held: Gets of other strings do not wait for it, and two
// Gets of the same new string may both run it.
func (c *Strings[V]) Get(s string, f func(string) V) V {
	h := maphash.String(c.seed, s)
	c.mu.Lock()
	v, ok := c.m[h]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = f(s)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[h] = v
	c.mu.Unlock()
	return v
}
