package ngram

import "sync"

// The directory and file levels come and go: each document opened in
// another directory builds its levels, tens of megabytes for a large
// package (every n-gram up to docOrder tokens, most of them occurring
// once), and the caches drop the oldest. Allocated afresh each time, that
// memory is most of what a session allocates while the user moves between
// files, and it sets how often the collector runs, whose marking takes a
// core from the requests for tens of milliseconds each time. So the
// memory of a dropped level (its pages of nodes and its slots) and the
// scratch of every build (the concatenated streams, the occurrences) go
// back to pools that the next builds take from. The pools are the
// runtime's: what is not taken again is freed by the collector, so they
// hold nothing for long and need no bound of their own.
//
// A level leaves the caches under cacheMu, while predictions may still be
// reading it under the read lock of mu: it is retired, and its memory is
// recycled only once mu has been held for writing since (reclaim), when no
// prediction can hold it any more.
var (
	nodePages sync.Pool     // *[pageSize]node
	slotPools [64]sync.Pool // *[]uint32, by log2 of the length
	tokBufs   sync.Pool     // *[]uint32
	occBufs   sync.Pool     // *[]uint64
)

// newPage returns a page of nodes, with any content: nodes are written
// whole before they are read.
func newPage() *[pageSize]node {
	if p, _ := nodePages.Get().(*[pageSize]node); p != nil {
		return p
	}
	return new([pageSize]node)
}

// newSlots returns n slots, n a power of two, with any content.
func newSlots(n int) []uint32 {
	if p, _ := slotPools[log2(n)].Get().(*[]uint32); p != nil && len(*p) == n {
		return *p
	}
	return make([]uint32, n)
}

// recycle puts t's pages and slots back in the pools. Nothing may read t
// afterwards.
func (t *table) recycle() {
	for _, p := range t.pages {
		nodePages.Put(p)
	}
	if n := len(t.slots); n > 0 && n&(n-1) == 0 {
		s := t.slots
		slotPools[log2(n)].Put(&s)
	}
	t.pages, t.slots, t.len = nil, nil, 0
}

// bufOf returns a slice of n elements, with any content, from pool if it
// has one large enough.
func bufOf[E any](pool *sync.Pool, n int) []E {
	if p, _ := pool.Get().(*[]E); p != nil {
		if cap(*p) >= n {
			return (*p)[:n]
		}
		pool.Put(p)
	}
	return make([]E, n)
}

// putBuf puts b back in pool.
func putBuf[E any](pool *sync.Pool, b []E) {
	if cap(b) > 0 {
		pool.Put(&b)
	}
}

// retire takes t, dropped from a cache under cacheMu, out of use: its
// memory is recycled at the next reclaim. At most maxRetired wait for it:
// when predictions keep the write lock from being free, the oldest are
// left to the collector rather than kept from it. It runs under cacheMu.
func (m *Model) retire(t *table) {
	if t == nil {
		return
	}
	if len(m.retired) == maxRetired {
		m.retired[0] = nil
		m.retired = m.retired[1:]
	}
	m.retired = append(m.retired, t)
}

// maxRetired bounds the levels waiting to be recycled: as many as the
// caches drop while a few documents are opened.
const maxRetired = 16

// reclaim recycles the memory of the retired levels if no prediction can
// be reading them: when the write lock is free at once. It never waits: a
// prediction in flight leaves them for the next reclaim.
func (m *Model) reclaim() {
	if !m.mu.TryLock() {
		return
	}
	m.cacheMu.Lock()
	old := m.retired
	m.retired = nil
	m.cacheMu.Unlock()
	m.mu.Unlock()
	// No reader holds them: they left the caches before the write lock
	// was taken, and readers find levels only in the caches.
	for _, t := range old {
		t.recycle()
	}
}
