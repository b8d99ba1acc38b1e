package ngram

import (
	"cmp"
	"slices"
	"sync"
)

// none marks an absent node.
const none = ^uint32(0)

// table counts the n-grams (orders 1..order) of a token stream in a trie
// whose nodes are n-grams: a node's parent is the n-gram without its last
// token, the root is the empty n-gram. Nodes are 24 bytes each, and a child
// is found through an open-addressing hash of
// (parent, token) that stores only node ids (4 bytes a slot), so a node
// costs about 30 bytes.
//
// Counts may go down (a file is forgotten); a node whose count falls to
// zero stays in the trie, is skipped by every reader, and is revived if the
// n-gram comes back. A table is not safe for concurrent writes.
type table struct {
	order int

	// pages hold the nodes (node 0 is the root), in fixed-size pages so
	// that growing never copies them nor leaves a garbage copy behind.
	pages []*[pageSize]node
	len   uint32 // nodes in use

	slots []uint32 // node ids, none when empty; len is a power of two
	shift uint     // 64 - log2(len(slots))

	// tops caches the ranked children of nodes with many (see ranked).
	topMu sync.Mutex
	tops  map[uint32]*ranking

	// prunedAt is the count under which n-grams were dropped (see
	// pruned); 0 when none were.
	prunedAt uint32
}

// node is one n-gram. Its fields sit together so that finding a child and
// reading its counts touches one cache line.
type node struct {
	parent, tok uint32
	count       uint32 // occurrences of the n-gram
	kids        uint32 // children with a non-zero count
	first, next uint32 // first child; next sibling (children chain)
}

const (
	pageBits = 10
	pageSize = 1 << pageBits
)

func newTable(order int) *table {
	t := &table{order: order}
	t.newNode(node{parent: none, tok: none, first: none, next: none})
	t.rehash(1 << 10)
	return t
}

// at returns node id.
func (t *table) at(id uint32) *node { return &t.pages[id>>pageBits][id&(pageSize-1)] }

// newNode appends n and returns its id.
func (t *table) newNode(n node) uint32 {
	id := t.len
	if int(id>>pageBits) == len(t.pages) {
		t.pages = append(t.pages, newPage())
	}
	*t.at(id) = n
	t.len++
	return id
}

func hashKey(parent, tok uint32) uint64 {
	return (uint64(parent)<<32 | uint64(tok)) * 0x9E3779B97F4A7C15
}

func (t *table) rehash(n int) {
	t.slots = newSlots(n)
	for i := range t.slots {
		t.slots[i] = none
	}
	t.shift = uint(64 - log2(n))
	mask := uint64(n - 1)
	for id := uint32(1); id < t.len; id++ {
		i := hashKey(t.at(id).parent, t.at(id).tok) >> t.shift
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
func (t *table) child(parent, tok uint32) uint32 {
	if parent == none {
		return none
	}
	mask := uint64(len(t.slots) - 1)
	for i := hashKey(parent, tok) >> t.shift; ; i = (i + 1) & mask {
		id := t.slots[i]
		if id == none {
			return none
		}
		if n := t.at(id); n.parent == parent && n.tok == tok {
			return id
		}
	}
}

// seen reports whether the table counts tok.
func (t *table) seen(tok uint32) bool {
	id := t.child(0, tok)
	return id != none && t.at(id).count > 0
}

// childOrNew returns the node of n-gram (node, tok), creating it.
func (t *table) childOrNew(parent, tok uint32) uint32 {
	mask := uint64(len(t.slots) - 1)
	i := hashKey(parent, tok) >> t.shift
	for ; ; i = (i + 1) & mask {
		id := t.slots[i]
		if id == none {
			break
		}
		if n := t.at(id); n.parent == parent && n.tok == tok {
			return id
		}
	}
	id := t.newNode(node{parent: parent, tok: tok, first: none, next: t.at(parent).first})
	t.at(parent).first = id
	t.slots[i] = id
	if 4*int(t.len) > 3*len(t.slots) {
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
	for k := 1; k <= t.order; k++ {
		h := c[k-1]
		var id uint32
		switch {
		case h == none:
			id = none
		case delta > 0:
			id = t.childOrNew(h, tok)
			if t.at(id).count == 0 {
				t.at(h).kids++
			}
			t.at(id).count++
			if k == 1 {
				t.at(0).count++
			}
		default:
			id = t.child(h, tok)
			if id != none && t.at(id).count > 0 {
				t.at(id).count--
				if t.at(id).count == 0 {
					t.at(h).kids--
				}
				if k == 1 {
					t.at(0).count--
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
func (t *table) nodes() int { return int(t.len) - 1 }

// bytes estimates the table's memory.
func (t *table) bytes() int { return 24*pageSize*len(t.pages) + 4*cap(t.slots) }

// followers calls yield with the live children of node, most frequent
// first, at most max of them; keep, when not nil, filters them. Children of
// a node with many come from a cached ranking (see ranked); when keep
// rejects most of it, up to scan more children are looked at.
func (t *table) followers(node uint32, max, scan int, keep func(uint32) bool, yield func(tok uint32)) {
	if node == none || t.at(node).kids == 0 {
		return
	}
	var ids []uint32
	if t.at(node).kids > fewKids {
		n := 0
		for _, id := range t.ranked(node) {
			if t.at(id).count > 0 && (keep == nil || keep(t.at(id).tok)) {
				yield(t.at(id).tok)
				if n++; n == max {
					return
				}
			}
		}
		if keep == nil || node == 0 {
			return // the root's children beyond the ranked are rare tokens
		}
		max -= n
	}
	for id := t.at(node).first; id != none && scan > 0; id = t.at(id).next {
		scan--
		if t.at(id).count > 0 && (keep == nil || keep(t.at(id).tok)) {
			ids = append(ids, id)
		}
	}
	sortByCount(t, ids)
	for i, id := range ids {
		if i == max {
			return
		}
		yield(t.at(id).tok)
	}
}

// fewKids is the number of children up to which a node's children are
// scanned at each request rather than ranked once and cached.
const fewKids = 48

// sortByCount sorts nodes by decreasing count, ties by token id, so that
// the followers kept do not depend on the order the n-grams were counted
// in (a directory level counts its files in map order).
func sortByCount(t *table, ids []uint32) {
	slices.SortFunc(ids, func(a, b uint32) int {
		if c := cmp.Compare(t.at(b).count, t.at(a).count); c != 0 {
			return c
		}
		return cmp.Compare(t.at(a).tok, t.at(b).tok)
	})
}

// before reports whether node a comes before node b in sortByCount's
// order.
func before(t *table, a, b uint32) bool {
	if ca, cb := t.at(a).count, t.at(b).count; ca != cb {
		return ca > cb
	}
	return t.at(a).tok < t.at(b).tok
}

// selectTop moves the first k of ids in sortByCount's order to ids[:k],
// in no particular order, in time linear in len(ids) on average (a
// quickselect). ids are distinct children of one node: no two are equal
// in that order.
func selectTop(t *table, ids []uint32, k int) {
	lo, hi := 0, len(ids)
	for hi-lo > 1 && k > lo && k < hi {
		p := ids[lo+(hi-lo)/2]
		// [lo, i) come before p, [i, n) is p, [n, hi) come after.
		i, j, n := lo, lo, hi
		for j < n {
			switch {
			case before(t, ids[j], p):
				ids[i], ids[j] = ids[j], ids[i]
				i++
				j++
			case before(t, p, ids[j]):
				n--
				ids[j], ids[n] = ids[n], ids[j]
			default:
				j++
			}
		}
		switch {
		case k <= i:
			hi = i
		case k >= n:
			lo = n
		default:
			return
		}
	}
}

// ranked returns the most frequent children of node (topRoot for the root,
// topKids for others), from a cache refreshed when the node's count has
// grown by a quarter since it was computed.
func (t *table) ranked(node uint32) []uint32 {
	t.topMu.Lock()
	defer t.topMu.Unlock()
	r := t.tops[node]
	if r != nil && 4*uint64(t.at(node).count) <= 5*uint64(r.at) {
		return r.ids
	}
	var ids []uint32
	for id := t.at(node).first; id != none; id = t.at(id).next {
		if t.at(id).count > 0 {
			ids = append(ids, id)
		}
	}
	size := topKids
	if node == 0 {
		size = topRoot
	}
	if len(ids) > size {
		// A project's root has hundreds of thousands of children: select
		// the first, then sort only them.
		selectTop(t, ids, size)
		ids = slices.Clip(ids[:size])
	}
	sortByCount(t, ids)
	if t.tops == nil {
		t.tops = map[uint32]*ranking{}
	}
	t.tops[node] = &ranking{ids: ids, at: t.at(node).count}
	return ids
}

// ranking is a cached list of a node's most frequent children.
type ranking struct {
	ids []uint32
	at  uint32 // the node's count when ranked
}

// How many children are ranked: many for the root, which backs the
// frequency baseline and the typed-word filter, fewer elsewhere.
const (
	topRoot = 4096
	topKids = 256
)
