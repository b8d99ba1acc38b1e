package ngram

// spacing learns, from the gaps of the source it reads, whether two
// adjacent tokens on one line are separated by a space, so generated code
// reads like the project's own (in Go, like gofmt's output: `a, b`, `f(x)`,
// `x := y`, and `a*b + c` where the project writes it so).
//
// A pair is known by its tokens' spacing keys: punctuation and keywords by
// their own id, identifiers and literals by their class, so `x (` and
// `Foo (` share what was learned. A pair never seen falls back on what
// follows the first token and what precedes the second, whatever the other.
//
// Counting runs for every pair of tokens a file is learned with, so the
// model's counts keep the pairs of the first tokens it interned (where
// punctuation and keywords are) and the class keys in a dense array, and
// the rest in a map.
type spacing struct {
	cells map[uint64]*[2]int32 // [no space, space] counts by pair key
	dense [][2]int32           // nil, or denseKeys² cells (see denseIndex)
}

// denseKeys is the side of the dense array: token keys below denseToks,
// then the class keys (1<<31 | class, anyToken).
const (
	denseToks = 512
	denseKeys = denseToks + 256
)

// newSpacing returns empty counts; dense is for the model's own, which
// count every file (a request's counts are small).
func newSpacing(dense bool) *spacing {
	s := &spacing{cells: map[uint64]*[2]int32{}}
	if dense {
		s.dense = make([][2]int32, denseKeys*denseKeys)
	}
	return s
}

// pair is the spacing key of token keys a then b.
func pair(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// denseSlot returns the index of token key k in a side of the dense array.
func denseSlot(k uint32) (int, bool) {
	switch {
	case k < denseToks:
		return int(k), true
	case k>>8 == 1<<23:
		return denseToks + int(k&0xff), true
	}
	return 0, false
}

// cell returns the counts of pair key, creating them if create is set
// (else it may return nil).
func (s *spacing) cell(key uint64, create bool) *[2]int32 {
	if s.dense != nil {
		if a, ok := denseSlot(uint32(key >> 32)); ok {
			if b, ok := denseSlot(uint32(key)); ok {
				return &s.dense[a*denseKeys+b]
			}
		}
	}
	n := s.cells[key]
	if n == nil && create {
		n = new([2]int32)
		s.cells[key] = n
	}
	return n
}

// anyToken is the wildcard spacing key of the fallback counts.
const anyToken = 1<<31 | 0xff

// spaceKey is tok's key in the spacing table. A punctuation or keyword
// token only a request has seen (an overlay id) is keyed by its id too:
// the model's table has no such key, the request's own gaps may.
func spaceKey(tok uint32, c class) uint32 {
	if c == classIdent || c == classLiteral || tok == unk {
		return 1<<31 | uint32(c)
	}
	return tok
}

// spaceBits packs the lexemes' space flags.
func spaceBits(lexemes []lexeme) []uint64 {
	bits := make([]uint64, (len(lexemes)+63)/64)
	for i, l := range lexemes {
		if l.space {
			bits[i/64] |= 1 << (i % 64)
		}
	}
	return bits
}

// add counts (delta 1) or uncounts (-1) the gaps of one file.
func (s *spacing) add(v *vocab, toks []uint32, spaces []uint64, delta int32) {
	for i := 1; i < len(toks); i++ {
		a, b := toks[i-1], toks[i]
		if v.classes[a] == classNewline || v.classes[b] == classNewline {
			continue
		}
		s.count(spaceKey(a, v.classes[a]), spaceKey(b, v.classes[b]), spaces[i/64]&(1<<(i%64)) != 0, delta)
	}
}

// count adds delta to the pair (ka, kb) and to its two fallbacks.
func (s *spacing) count(ka, kb uint32, space bool, delta int32) {
	sp := 0
	if space {
		sp = 1
	}
	for _, key := range [...]uint64{pair(ka, kb), pair(ka, anyToken), pair(anyToken, kb)} {
		s.cell(key, true)[sp] += delta
	}
}

// localGaps counts the gaps of a request's own tokens (ids of the overlay
// ov), keyed like the model's spacing, so that the document's spacing is
// known even for pairs the model never learned, or when it has learned
// nothing yet.
func localGaps(ov *overlay, ids []uint32, lexemes []lexeme) *spacing {
	s := newSpacing(false)
	for i := 1; i < len(ids); i++ {
		a, b := ids[i-1], ids[i]
		ca, cb := ov.class(a), ov.class(b)
		if ca == classNewline || cb == classNewline {
			continue
		}
		s.count(spaceKey(a, ca), spaceKey(b, cb), lexemes[i].space, 1)
	}
	return s
}

// space reports whether a space goes between tokens a and b (of classes
// ca and cb) on one line: what the source did most often for the pair, or
// around either token, or, for tokens never seen, a space between two
// words only. local, which may be nil, holds the request's own gaps and
// counts beside the model's: it decides the pairs the model never saw.
func (s *spacing) space(a uint32, ca class, b uint32, cb class, local *spacing) bool {
	ka, kb := spaceKey(a, ca), spaceKey(b, cb)
	var sum [2]int32
	tally := func(key uint64) {
		for _, t := range [...]*spacing{s, local} {
			if t == nil {
				continue
			}
			if n := t.cell(key, false); n != nil {
				sum[0] += n[0]
				sum[1] += n[1]
			}
		}
	}
	if tally(pair(ka, kb)); sum[0]+sum[1] > 0 {
		return sum[1] > sum[0]
	}
	tally(pair(ka, anyToken))
	tally(pair(anyToken, kb))
	if sum[0]+sum[1] > 0 {
		return sum[1] > sum[0]
	}
	return ca != classPunct && cb != classPunct
}
