package ngram

import (
	"slices"
	"sync"
)

// none marks an absent node.
const none = ^uint32(0)

// table counts the n-grams (orders 1..order) of a token stream in a trie
// whose nodes are n-grams: a node's parent is the n-gram without its last
// token, the root is the empty n-gram. Nodes live in parallel arrays (20
// bytes each) and a child is found through an open-addressing hash of
// (parent, token) that stores only node ids (4 bytes a slot), so a node
// costs about 26 bytes.
//
// Counts may go down (a file is forgotten); a node whose count falls to
// zero stays in the trie, is skipped by every reader, and is revived if the
// n-gram comes back. A table is not safe for concurrent writes.
type table struct {
	order int

	// Per node. first/next chain a node's children for enumeration.
	parent, tok, count, kids, first, next []uint32

	slots []uint32 // node ids, none when empty; len is a power of two
	shift uint     // 64 - log2(len(slots))

	// top caches the most frequent unigrams, for candidates when no longer
	// context is known. It is rebuilt when stale (changes != topAt).
	changes uint64
	topMu   sync.Mutex
	topAt   uint64
	top     []uint32
}

func newTable(order int) *table {
	t := &table{order: order}
	t.parent = []uint32{none}
	t.tok = []uint32{none}
	t.count = []uint32{0}
	t.kids = []uint32{0}
	t.first = []uint32{none}
	t.next = []uint32{none}
	t.rehash(1 << 10)
	return t
}

func hashKey(parent, tok uint32) uint64 {
	return (uint64(parent)<<32 | uint64(tok)) * 0x9E3779B97F4A7C15
}

func (t *table) rehash(n int) {
	t.slots = make([]uint32, n)
	for i := range t.slots {
		t.slots[i] = none
	}
	t.shift = uint(64 - log2(n))
	mask := uint64(n - 1)
	for id := 1; id < len(t.parent); id++ {
		i := hashKey(t.parent[id], t.tok[id]) >> t.shift
		for t.slots[i] != none {
			i = (i + 1) & mask
		}
		t.slots[i] = uint32(id)
	}
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

// child returns the node of n-gram (node, tok), or none.
func (t *table) child(node, tok uint32) uint32 {
	if node == none {
		return none
	}
	mask := uint64(len(t.slots) - 1)
	for i := hashKey(node, tok) >> t.shift; ; i = (i + 1) & mask {
		id := t.slots[i]
		if id == none {
			return none
		}
		if t.parent[id] == node && t.tok[id] == tok {
			return id
		}
	}
}

// childOrNew returns the node of n-gram (node, tok), creating it.
func (t *table) childOrNew(node, tok uint32) uint32 {
	mask := uint64(len(t.slots) - 1)
	i := hashKey(node, tok) >> t.shift
	for ; ; i = (i + 1) & mask {
		id := t.slots[i]
		if id == none {
			break
		}
		if t.parent[id] == node && t.tok[id] == tok {
			return id
		}
	}
	id := uint32(len(t.parent))
	t.parent = append(t.parent, node)
	t.tok = append(t.tok, tok)
	t.count = append(t.count, 0)
	t.kids = append(t.kids, 0)
	t.first = append(t.first, none)
	t.next = append(t.next, t.first[node])
	t.first[node] = id
	t.slots[i] = id
	if 4*len(t.parent) > 3*len(t.slots) {
		t.rehash(2 * len(t.slots))
	}
	return id
}

// window holds, for one position of a stream, the node of the context of
// each length: ctx[k] is the node of the k tokens before the position
// (ctx[0] is the root), or none when that context never occurred.
type window [maxOrder]uint32

func (t *table) start() window {
	var c window
	for k := range c {
		c[k] = none
	}
	c[0] = 0
	return c
}

// advance returns the context after tok, given the context before it.
func (t *table) advance(c window, tok uint32) window {
	var n window
	n[0] = 0
	for k := 1; k < maxOrder; k++ {
		if k >= t.order {
			n[k] = none
			continue
		}
		n[k] = t.child(c[k-1], tok)
	}
	return n
}

// add counts tok after context c (delta +1) or uncounts it (-1), and
// returns the context after tok. Removing what was never added is a no-op.
func (t *table) add(c window, tok uint32, delta int) window {
	var n window
	n[0] = 0
	t.changes++
	for k := 1; k <= t.order; k++ {
		h := c[k-1]
		var id uint32
		switch {
		case h == none:
			id = none
		case delta > 0:
			id = t.childOrNew(h, tok)
			if t.count[id] == 0 {
				t.kids[h]++
			}
			t.count[id]++
			if k == 1 {
				t.count[0]++
			}
		default:
			id = t.child(h, tok)
			if id != none && t.count[id] > 0 {
				t.count[id]--
				if t.count[id] == 0 {
					t.kids[h]--
				}
				if k == 1 {
					t.count[0]--
				}
			}
		}
		if k < maxOrder {
			n[k] = id
		}
	}
	return n
}

// addAll counts (or uncounts) every n-gram of toks.
func (t *table) addAll(toks []uint32, delta int) {
	c := t.start()
	for _, tok := range toks {
		c = t.add(c, tok, delta)
	}
}

// nodes returns how many nodes the table holds, dead ones included.
func (t *table) nodes() int { return len(t.parent) - 1 }

// bytes estimates the table's memory.
func (t *table) bytes() int { return 24*cap(t.parent) + 4*cap(t.slots) }

// followers calls yield with the live children of node, most frequent
// first, at most max of them, scanning at most scan children; keep filters
// tokens. The root's children are taken from the cached unigram ranking.
func (t *table) followers(node uint32, max, scan int, keep func(uint32) bool, yield func(tok uint32)) {
	if node == none || t.kids[node] == 0 {
		return
	}
	var ids []uint32
	if node == 0 {
		for _, id := range t.topUnigrams() {
			if keep == nil || keep(t.tok[id]) {
				yield(t.tok[id])
				if max--; max == 0 {
					return
				}
			}
		}
		return
	}
	for id := t.first[node]; id != none && scan > 0; id = t.next[id] {
		scan--
		if t.count[id] > 0 && (keep == nil || keep(t.tok[id])) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b uint32) int { return int(t.count[b]) - int(t.count[a]) })
	for i, id := range ids {
		if i == max {
			return
		}
		yield(t.tok[id])
	}
}

// topUnigrams returns the nodes of the most frequent unigrams, recomputed
// when the table changed by more than a few percent since last time.
func (t *table) topUnigrams() []uint32 {
	t.topMu.Lock()
	defer t.topMu.Unlock()
	if t.top != nil && (t.changes-t.topAt)*50 < uint64(t.count[0]+1) {
		return t.top
	}
	var ids []uint32
	for id := t.first[0]; id != none; id = t.next[id] {
		if t.count[id] > 0 {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b uint32) int { return int(t.count[b]) - int(t.count[a]) })
	if len(ids) > topUnigrams {
		ids = ids[:topUnigrams:topUnigrams]
	}
	t.top, t.topAt = ids, t.changes
	return ids
}

// topUnigrams is how many frequent unigrams a table ranks for candidates.
const topUnigrams = 4096
