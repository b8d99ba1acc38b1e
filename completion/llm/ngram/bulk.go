package ngram

import (
	"runtime"
	"slices"
)

// buildTable returns a table of the given order (2..maxOrder) that counts
// every n-gram (orders 1..order) of each stream exactly as calling
// t.addAll(s, 1) on a new table for each stream would.
//
// Rather than looking every n-gram up in the hash (several dependent cache
// misses per token), it builds the trie depth first: the occurrences of an
// n-gram are sorted by the token that follows them, so that each run of
// equal tokens is one child, created with its final count, whose own
// occurrences are the run. An n-gram that occurs once needs no sorting: its
// longer n-grams occur once too, and are created as a chain. The hash of
// children is filled last, in the order of the slots. The table differs
// from the incremental one only in node ids and in the order of siblings
// (here by token, each parent's children in a row), which readers do not
// depend on.
//
// It uses up to GOMAXPROCS goroutines (see buildParallel) when the streams
// hold at least parallelMin tokens. Besides the table, it needs about 13
// bytes per token while it works (15 with two goroutines). Tokens and
// stream ends together must number fewer than 1<<32.
//
// p says how the build shares the machine with requests.
func buildTable(order int, streams [][]uint32, p pace) *table {
	n := 0
	for _, s := range streams {
		n += len(s)
	}
	workers := 1
	if n >= parallelMin {
		workers = runtime.GOMAXPROCS(0)
		if p.aside {
			workers = max(1, workers-1)
		}
	}
	t := buildTableP(order, streams, crew{workers: workers, pause: p.pause})
	// Every prediction starts at the root: its ranking is made with the
	// table, beside the requests, rather than by the first request.
	t.ranked(0)
	return t
}

// A pace says how a table build shares the machine with requests. The
// zero pace is a build a request waits for: every core, no pause.
type pace struct {
	// aside: the build runs beside requests (a level a document will
	// want, the project level) and leaves them a core. The Go scheduler
	// has no priorities: a request's goroutines that find every core taken
	// by a build wait for its time slices to end.
	aside bool
	// pause, unless nil, is called between two pieces of the work (a
	// group of n-grams, a part of the streams): background work gives way
	// there to the requests in flight (Options.Pause).
	pause func()
}

// buildTableP is buildTable with the given crew, whatever the size of the
// streams; with one worker, it uses no goroutine besides the caller's.
func buildTableP(order int, streams [][]uint32, c crew) *table {
	t := &table{order: order}
	t.newNode(node{parent: none, tok: none, first: none, next: none})
	b := newBuilder(t, streams, c)
	defer b.release()
	b.tally = c.workers <= 1
	b.pause = c.pause
	first, most := b.root(c)
	if c.workers > 1 {
		b.buildParallel(first, c)
		return t
	}
	if most >= radixMin {
		// The largest group sorted is that of the most frequent token.
		b.sort.tmp = make([]uint64, most)
	}
	b.descend(first, 1, b.occ)
	buf := b.buf()
	for c, s := range b.spans { // count made one per chunk, in id order

		s.lo = 1 + uint32(c*len(buf))
		s.hi = min(t.len, s.lo+uint32(len(buf)))
	}
	t.fillSlots(buf, b.spans, c)
	return t
}

// A builder holds the temporary state of buildTable.
type builder struct {
	t *table

	// toks holds the streams one after the other, each followed by end,
	// so that an n-gram never runs into the next stream.
	toks []uint32
	end  uint32 // above every token, so that it sorts last
	// names are the tokens that toks holds the ranks of, when the ids
	// were too sparse to be counted in a histogram; nil when toks holds
	// the tokens.
	names []uint32

	// occ holds the positions in toks of every token, each (low 32 bits)
	// under a sort key (high 32 bits): the token after the n-gram that
	// starts there. The occurrences of an n-gram are contiguous.
	occ  []uint64
	sort scratch // for grow's sorts

	// When tally is set, spans count the nodes by their bucket in
	// fillSlots, per chunk of len(buf()) ids, as they are made; cur is the
	// last chunk's, which has room for left more.
	tally bool
	spans []*span
	cur   *span
	left  int

	pause func() // nil: none; called in descend every pauseEvery occurrences of the first tokens
}

// release puts the builder's streams and occurrences back in their pools
// (see recycle.go); the builder is not used afterwards.
func (b *builder) release() {
	putBuf(&tokBufs, b.toks)
	putBuf(&occBufs, b.occ)
	b.toks, b.occ = nil, nil
}

// pauseEvery is how many occurrences of the first tokens a build on one
// goroutine works through between two calls of its pause.
const pauseEvery = 1 << 12

// buf returns the memory that fillSlots works in, once the trie is built.
func (b *builder) buf() []uint64 {
	if cap(b.occ) < minBuf {
		return make([]uint64, minBuf)
	}
	return b.occ[:cap(b.occ)]
}

// minBuf is the least memory fillSlots works in.
const minBuf = 1 << 12

// count counts a new node of parent and tok for fillSlots, if b.tally.
func (b *builder) count(parent, tok uint32) {
	if !b.tally {
		return
	}
	if b.left == 0 {
		b.cur = new(span)
		b.spans = append(b.spans, b.cur)
		b.left = max(cap(b.occ), minBuf)
	}
	b.left--
	b.cur.at[hashKey(parent, tok)>>56]++
}

// newBuilder concatenates the streams, with up to c.workers goroutines,
// each copying a part of them.
func newBuilder(t *table, streams [][]uint32, c crew) *builder {
	at := make([]int, len(streams)+1) // where each stream starts in toks
	for i, s := range streams {
		at[i+1] = at[i] + len(s) + 1
	}
	n := at[len(streams)] - len(streams)
	b := &builder{t: t, toks: bufOf[uint32](&tokBufs, at[len(streams)]), occ: bufOf[uint64](&occBufs, n)}
	parts := max(1, min(c.workers, len(streams)))
	most := make([]uint32, parts) // the largest token of each part
	c.spread(parts, func(_, i int) {
		m := uint32(0)
		for j := i * len(streams) / parts; j < (i+1)*len(streams)/parts; j++ {
			copy(b.toks[at[j]:], streams[j])
			for _, tok := range streams[j] {
				m = max(m, tok)
			}
		}
		most[i] = m
	})
	maxTok := slices.Max(most)
	b.end = maxTok + 1
	for _, end := range at[1:] {
		b.toks[end-1] = b.end
	}
	if int(maxTok) > 4*n {
		b.renumber()
	}
	return b
}

// renumber replaces the tokens in toks (ends of streams aside) by their
// ranks, keeping the tokens in names, and end by the number of tokens.
func (b *builder) renumber() {
	for _, tok := range b.toks {
		if tok != b.end {
			b.names = append(b.names, tok)
		}
	}
	slices.Sort(b.names)
	b.names = slices.Compact(b.names)
	for i, tok := range b.toks {
		if tok == b.end {
			b.toks[i] = uint32(len(b.names))
		} else {
			r, _ := slices.BinarySearch(b.names, tok)
			b.toks[i] = uint32(r)
		}
	}
	b.end = uint32(len(b.names))
}

// name returns the token of a key.
func (b *builder) name(key uint32) uint32 {
	if b.names == nil {
		return key
	}
	return b.names[key]
}

// root creates the root's children, one per token, and lists the
// occurrences of each in occ, by a counting sort by token, with up to
// workers goroutines, each counting and then placing a part of toks. It
// returns the first child and the largest count.
func (b *builder) root(c crew) (first, most uint32) {
	t := b.t
	// Each part counts in a uint32 per token id: few enough parts that
	// their counts take at most about 2 bytes per token of toks.
	parts := max(1, min(c.workers, len(b.toks)/(2*int(b.end)+1)))
	ats := make([][]uint32, parts)
	c.spread(parts, func(_, i int) {
		at := make([]uint32, b.end)
		for _, tok := range b.toks[i*len(b.toks)/parts : (i+1)*len(b.toks)/parts] {
			if tok != b.end {
				at[tok]++
			}
		}
		ats[i] = at
	})
	first = t.len
	sum := uint32(0)
	for tok := range b.end {
		c := uint32(0)
		for _, at := range ats {
			at[tok], c = sum+c, c+at[tok]
		}
		sum += c
		most = max(most, c)
		if c > 0 {
			t.newNode(node{parent: 0, tok: b.name(tok), count: c, first: none, next: t.len + 1})
			b.count(0, b.name(tok))
		}
	}
	t.at(0).count = sum
	t.adopt(0, first)
	c.spread(parts, func(_, i int) {
		at, lo := ats[i], i*len(b.toks)/parts
		for p, tok := range b.toks[lo : (i+1)*len(b.toks)/parts] {
			if tok != b.end {
				b.occ[at[tok]] = uint64(b.toks[lo+p+1])<<32 | uint64(lo+p)
				at[tok]++
			}
		}
	})
	return first, most
}

// descend creates the subtrees of the nodes of depth k from first on,
// whose occurrences are the successive runs of seg, keyed by the token
// after the node.
func (b *builder) descend(first uint32, k int, seg []uint64) {
	if k == b.t.order {
		return
	}
	id, next := first, pauseEvery
	for i := 0; i < len(seg); id++ {
		if k == 1 && b.pause != nil && i >= next {
			b.pause()
			next = i + pauseEvery
		}
		j := i + int(b.t.at(id).count)
		if j-i == 1 {
			b.chain(id, uint32(seg[i]), k)
		} else {
			b.grow(id, k, seg[i:j])
		}
		i = j
	}
}

// grow creates the children of node par, of depth k, and their subtrees,
// from the occurrences seg of par, keyed by the token after par. It
// leaves seg in any order.
func (b *builder) grow(par uint32, k int, seg []uint64) {
	t := b.t
	sortByKey(seg, &b.sort)
	// The children come first, one after the other, so that the chain of
	// siblings that readers walk is contiguous; a child's count is the
	// length of its run.
	first := t.len
	for i := 0; i < len(seg); {
		key := uint32(seg[i] >> 32)
		if key == b.end {
			seg = seg[:i] // the stream ends
			break
		}
		j := i + 1
		for j < len(seg) && uint32(seg[j]>>32) == key {
			j++
		}
		t.newNode(node{parent: par, tok: b.name(key), count: uint32(j - i), first: none, next: t.len + 1})
		b.count(par, b.name(key))
		i = j
	}
	t.adopt(par, first)
	if k+1 == t.order {
		return
	}
	for i, o := range seg {
		p := uint32(o)
		seg[i] = uint64(b.toks[p+uint32(k+1)])<<32 | uint64(p)
	}
	b.descend(first, k+1, seg)
}

// adopt makes the nodes from first on, created in a row with each the
// next as its sibling, the children of par.
func (t *table) adopt(par, first uint32) {
	if t.len == first {
		return
	}
	t.at(t.len - 1).next = none
	n := t.at(par)
	n.first, n.kids = first, t.len-first
}

// chain creates the n-grams that extend the only occurrence, at position
// p, of node id of depth d: each occurs once and has one child.
func (b *builder) chain(id, p uint32, d int) {
	for ; d < b.t.order; d++ {
		tok := b.toks[p+uint32(d)]
		if tok == b.end {
			return
		}
		c := b.t.newNode(node{parent: id, tok: b.name(tok), count: 1, first: none, next: none})
		b.count(id, b.name(tok))
		n := b.t.at(id)
		n.first, n.kids = c, 1
		id = c
	}
}

// Radix sorting pays from radixMin elements, up to digitBits of the key
// at a time.
const (
	radixMin  = 192
	digitBits = 11
)

// A scratch holds the memory of sortByKey's radix sort.
type scratch struct {
	tmp []uint64 // as long as the longest slice sorted by radix
	at  [1 << digitBits]uint32
}

// sortByKey sorts seg by key, the high 32 bits of each element, using s
// when it sorts by radix. Only the bits in which the keys differ are
// sorted on.
func sortByKey(seg []uint64, s *scratch) {
	if len(seg) < 2 {
		return
	}
	first, prev := seg[0]>>32, seg[0]>>32
	diff, sorted := uint64(0), true
	for _, o := range seg[1:] {
		k := o >> 32
		diff |= k ^ first
		sorted = sorted && k >= prev
		prev = k
	}
	switch {
	case sorted:
		return // often: a long n-gram is followed by one token
	case len(seg) <= 16:
		for i := 1; i < len(seg); i++ {
			for j := i; j > 0 && seg[j] < seg[j-1]; j-- {
				seg[j], seg[j-1] = seg[j-1], seg[j]
			}
		}
		return
	case len(seg) < radixMin:
		slices.Sort(seg)
		return
	}
	width := log2(int(diff) + 1)
	passes := (width + digitBits - 1) / digitBits
	digit := (width + passes - 1) / passes
	mask := uint64(1)<<digit - 1
	at := &s.at
	src, dst := seg, s.tmp[:len(seg)]
	for shift := 32; shift < 32+width; shift += digit {
		if diff>>(shift-32)&mask == 0 {
			continue // one digit for all
		}
		clear(at[:mask+1])
		for _, o := range src {
			at[o>>shift&mask]++
		}
		sum := uint32(0)
		for d, c := range at[:mask+1] {
			at[d] = sum
			sum += c
		}
		for _, o := range src {
			d := o >> shift & mask
			dst[at[d]] = o
			at[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &seg[0] {
		copy(seg, src)
	}
}
