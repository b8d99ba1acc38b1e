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
type spacing map[[2]uint32]*[2]int32

// anyToken is the wildcard spacing key of the fallback counts.
const anyToken = 1<<31 | 0xff

// spaceKey is tok's key in the spacing table.
func spaceKey(v *vocab, tok uint32, c class) uint32 {
	if c == classIdent || c == classLiteral || tok == unk || int(tok) >= len(v.classes) {
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
func (s spacing) add(v *vocab, toks []uint32, spaces []uint64, delta int32) {
	for i := 1; i < len(toks); i++ {
		a, b := toks[i-1], toks[i]
		if v.classes[a] == classNewline || v.classes[b] == classNewline {
			continue
		}
		ka, kb := spaceKey(v, a, v.classes[a]), spaceKey(v, b, v.classes[b])
		sp := 0
		if spaces[i/64]&(1<<(i%64)) != 0 {
			sp = 1
		}
		for _, key := range [...][2]uint32{{ka, kb}, {ka, anyToken}, {anyToken, kb}} {
			n := s[key]
			if n == nil {
				n = new([2]int32)
				s[key] = n
			}
			n[sp] += delta
		}
	}
}

// space reports whether a space goes between tokens a and b (of classes
// ca and cb) on one line: what the source did most often for the pair, or
// around either token, or, for tokens never seen, a space between two
// words only.
func (s spacing) space(v *vocab, a uint32, ca class, b uint32, cb class) bool {
	ka, kb := spaceKey(v, a, ca), spaceKey(v, b, cb)
	if n := s[[2]uint32{ka, kb}]; n != nil && n[0]+n[1] > 0 {
		return n[1] > n[0]
	}
	var sum [2]int32
	for _, key := range [...][2]uint32{{ka, anyToken}, {anyToken, kb}} {
		if n := s[key]; n != nil {
			sum[0] += n[0]
			sum[1] += n[1]
		}
	}
	if sum[0]+sum[1] > 0 {
		return sum[1] > sum[0]
	}
	return ca != classPunct && cb != classPunct
}
