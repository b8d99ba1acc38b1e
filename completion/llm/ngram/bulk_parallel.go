package ngram

import (
	"slices"
	"sync"
	"sync/atomic"
)

// parallelMin is the number of tokens from which buildTable spreads its
// work over goroutines: below it, starting them saves less than it costs.
const parallelMin = 200_000

// groupsPer is how many groups of the root's children buildParallel makes
// per goroutine: several, so that a goroutine done early takes another
// group rather than wait for one with a larger share of the work.
const groupsPer = 8

// A group is a run of the root's children whose subtrees one goroutine
// builds, into pages of its own, with ids from base (the first page
// boundary after the root's children), as if no other group existed. The
// group's nodes are then moved to ids from off, after those of the groups
// before it.
type group struct {
	kid, kids uint32   // its first child of the root, and how many
	seg       []uint64 // the occurrences of its children, in occ
	most      uint32   // the largest count of its children

	pages []*[pageSize]node // its nodes, once built
	len   uint32            // how many
	off   uint32            // the id of its first node in the table
	spans []*span           // its ids, cut where chunks of fillSlots end
}

// A span is a run of node ids in one chunk of fillSlots, with the count of
// its nodes per bucket (the top 8 bits of their hash), then where in the
// chunk's buffer the next of each bucket goes.
type span struct {
	lo, hi uint32
	at     [256]uint32
}

// buildParallel does, with workers goroutines, what buildTableP does after
// root: the first tokens are split into groups of about equal numbers of
// occurrences, whose subtrees are independent; the groups are built
// concurrently, then placed one after the other in the table, and the
// hash is filled by ranges of slots. Placing a group rotates its nodes
// within its own pages, which the table then takes: no node is copied to
// new memory, and each goroutine adds little besides its sorts' scratch.
func (b *builder) buildParallel(first uint32, c crew) {
	t := b.t
	groups := b.split(first, c.workers*groupsPer)
	base := (t.len + pageSize - 1) &^ (pageSize - 1)
	builders := make([]*builder, c.workers)
	for w := range builders {
		builders[w] = &builder{toks: b.toks, end: b.end, names: b.names}
	}
	c.spread(len(groups), func(w, i int) { groups[i].build(builders[w], t, base) })

	buf := b.buf()
	spans := cut(1, t.len, uint32(len(buf)))
	for _, s := range spans {
		for id := s.lo; id < s.hi; id++ {
			s.at[hashKey(0, t.at(id).tok)>>56]++
		}
	}
	off := t.len
	for _, g := range groups {
		g.off = off
		off += g.len
		g.spans = cut(g.off, off, uint32(len(buf)))
		spans = append(spans, g.spans...)
	}
	c.spread(len(groups), func(_, i int) { groups[i].place(t, base) })
	t.join(groups)
	t.fillSlots(buf, spans, c)
}

// split cuts the root's children, from first on, into about n groups of
// consecutive children with about equal numbers of occurrences.
func (b *builder) split(first uint32, n int) []*group {
	t := b.t
	target := max(1, len(b.occ)/n)
	var groups []*group
	g, pos, size := &group{kid: first}, 0, 0
	for id := first; id < t.len; id++ {
		c := t.at(id).count
		size += int(c)
		g.most = max(g.most, c)
		if size >= target || id == t.len-1 {
			g.kids = id + 1 - g.kid
			g.seg = b.occ[pos : pos+size]
			groups = append(groups, g)
			g, pos, size = &group{kid: id + 1}, pos+size, 0
		}
	}
	return groups
}

// build creates the subtrees of g's children with b, whose table it
// replaces by one that shares the pages of t up to base and adds its own.
func (g *group) build(b *builder, t *table, base uint32) {
	shared := int(base >> pageBits)
	b.t = &table{order: t.order, pages: t.pages[:shared:shared], len: base}
	if g.most >= radixMin && int(g.most) > len(b.sort.tmp) {
		b.sort.tmp = make([]uint64, g.most)
	}
	b.descend(g.kid, 1, g.seg)
	g.pages, g.len = b.t.pages[shared:], b.t.len-base
}

// place moves g's nodes from ids from base to ids from g.off: it shifts
// the ids that they and g's children of the root hold, counts the nodes in
// g's spans, and rotates g's pages to where the new ids fall.
func (g *group) place(t *table, base uint32) {
	delta := g.off - base // modulo 1<<32
	for id := g.kid; id < g.kid+g.kids; id++ {
		if n := t.at(id); n.first != none {
			n.first += delta
		}
	}
	for _, s := range g.spans {
		for id := s.lo; id < s.hi; id++ {
			l := id - g.off
			n := &g.pages[l>>pageBits][l&(pageSize-1)]
			if n.parent >= base {
				n.parent += delta
			}
			if n.first != none {
				n.first += delta
			}
			if n.next != none {
				n.next += delta
			}
			s.at[hashKey(n.parent, n.tok)>>56]++
		}
	}
	g.rotate(g.off % pageSize)
}

// rotate moves g's nodes r places on across its pages, adding one when
// they overflow the last, so that they fall where they would in pages of
// ids from a multiple of pageSize, r before g's first. The first r places
// of the first page are left for the nodes before g.
func (g *group) rotate(r uint32) {
	if r == 0 || g.len == 0 {
		return
	}
	if (r+g.len-1)>>pageBits == uint32(len(g.pages)) {
		g.pages = append(g.pages, newPage())
	}
	for k := len(g.pages) - 1; k >= 0; k-- {
		p := g.pages[k]
		copy(p[r:], p[:pageSize-r])
		if k > 0 {
			copy(p[:r], g.pages[k-1][pageSize-r:])
		}
	}
}

// join appends the pages of the placed groups to t's. A page that two
// groups (or the root's children and a group) share is the later one's,
// completed with the earlier nodes.
func (t *table) join(groups []*group) {
	for _, g := range groups {
		if g.len == 0 {
			continue
		}
		if r := g.off % pageSize; r != 0 {
			last := t.pages[len(t.pages)-1]
			copy(g.pages[0][:r], last[:r])
			t.pages = t.pages[:len(t.pages)-1]
		}
		t.pages = append(t.pages, g.pages...)
		t.len = g.off + g.len
	}
}

// cut returns spans of ids lo to hi-1, cut where the chunks of size ids,
// from id 1 on, end.
func cut(lo, hi, size uint32) []*span {
	var spans []*span
	for lo < hi {
		end := min(hi, 1+((lo-1)/size+1)*size)
		spans = append(spans, &span{lo: lo, hi: end})
		lo = end
	}
	return spans
}

// A crew is what a table build runs on: how many goroutines, and what
// each calls before a piece of the work.
type crew struct {
	workers int
	pause   func() // nil: nothing; see buildTable
}

// spread calls f(w, i) for each i in [0, n) from up to c.workers
// goroutines (the caller's alone when there is one worker), w numbering
// the goroutine; each takes the next i when done with one, after c.pause.
func (c crew) spread(n int, f func(w, i int)) {
	step := f
	if c.pause != nil {
		step = func(w, i int) {
			c.pause()
			f(w, i)
		}
	}
	if c.workers <= 1 {
		for i := range n {
			step(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(c.workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				step(w, i)
			}
		})
	}
	wg.Wait()
}

// fillSlots makes the hash of children hold every node, with as many
// slots as childOrNew would have grown it to, using c's goroutines.
// Inserting the nodes in the order of their home slots, rather than of
// their ids, turns random accesses into a sweep: the nodes are taken in
// chunks of len(buf) ids, bucketed in buf by the top 8 bits of their hash,
// and each bucket is sorted by slot and inserted into its own range of
// slots. spans list the ids in order, cut where the chunks end, with the
// counts of their buckets.
func (t *table) fillSlots(buf []uint64, spans []*span, c crew) {
	size := 1 << 10
	for 4*int(t.len) > 3*size {
		size *= 2
	}
	t.slots = newSlots(size)
	t.shift = uint(64 - log2(size))
	late := make([][]uint64, c.workers)
	sorts := make([]scratch, c.workers)
	fresh := true // the slots are not yet set to none
	for len(spans) > 0 {
		end := 1 + ((spans[0].lo-1)/uint32(len(buf))+1)*uint32(len(buf))
		n := 0
		for n < len(spans) && spans[n].lo < end {
			n++
		}
		chunk := spans[:n]
		spans = spans[n:]
		var ends [256]uint32
		sum := uint32(0)
		for k := range ends {
			for _, s := range chunk {
				s.at[k], sum = sum, sum+s.at[k]
			}
			ends[k] = sum
		}
		c.spread(len(chunk), func(_, i int) { t.scatter(chunk[i], buf) })
		c.spread(len(ends), func(w, k int) {
			start := uint32(0)
			if k > 0 {
				start = ends[k-1]
			}
			late[w] = t.insertBucket(buf[start:ends[k]], k, fresh, &sorts[w], late[w])
		})
		fresh = false
	}
	if fresh {
		for i := range t.slots {
			t.slots[i] = none
		}
	}
	rest := slices.Concat(late...)
	slices.Sort(rest)
	t.insertSlots(rest)
}

// scatter puts each node of s into buf, as its home slot (high 32 bits)
// and id, at the place s.at holds for its bucket.
func (t *table) scatter(s *span, buf []uint64) {
	for id := s.lo; id < s.hi; id++ {
		n := t.at(id)
		h := hashKey(n.parent, n.tok)
		s.at[h>>56]++
		buf[s.at[h>>56]-1] = h>>t.shift<<32 | uint64(id)
	}
}

// insertBucket sorts ids, the nodes of bucket k, by home slot with s, and
// inserts them into the bucket's range of slots, first set to none if
// fresh. It returns late with those whose search for a free slot would run
// past the range appended: the goroutine of the next range may be filling
// it.
func (t *table) insertBucket(ids []uint64, k int, fresh bool, s *scratch, late []uint64) []uint64 {
	lo, hi := uint64(k)*uint64(len(t.slots))/256, uint64(k+1)*uint64(len(t.slots))/256
	if fresh {
		for i := lo; i < hi; i++ {
			t.slots[i] = none
		}
	}
	if len(ids) >= radixMin && len(ids) > len(s.tmp) {
		s.tmp = make([]uint64, 2*len(ids))
	}
	sortByKey(ids, s)
	next := lo
	for _, o := range ids {
		i := max(o>>32, next)
		for i < hi && t.slots[i] != none {
			i++
		}
		if i == hi {
			late = append(late, o)
			next = hi
			continue
		}
		t.slots[i] = uint32(o)
		next = i + 1
	}
	return late
}

// insertSlots inserts the nodes of ids, sorted by home slot (high 32
// bits), into slots. An id goes to the first free slot from its home; when
// its home is before the slot where the previous id went, the slots in
// between are full, and the search starts after it.
func (t *table) insertSlots(ids []uint64) {
	mask := uint64(len(t.slots) - 1)
	next := uint64(0)
	for _, o := range ids {
		i := max(o>>32, next)
		for t.slots[i&mask] != none {
			i++
		}
		t.slots[i&mask] = uint32(o)
		next = i + 1
	}
}
