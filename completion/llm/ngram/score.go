package ngram

import (
	"math"
	"slices"
)

// maxOrder bounds Options.Order: windows are fixed-size arrays.
const maxOrder = 12

// level is one of the nested models at one position: the project's model
// of the language, the directory's, the file's, or the cache of the tokens
// just read.
type level struct {
	t *table
	w window
	// open is set for a stream still being read (the cache): the contexts
	// in w are the n-grams just counted, whose last occurrence has no
	// follower yet and must not count as one.
	open bool
	// boost multiplies the level's weight in the mixture (see docBoost).
	boost float64
	// file marks the levels that hold the document as learned (its
	// directory's and its own), which may be the very buffer of the
	// request: selfOn then says that the learned document has self right
	// at the cursor, an occurrence that estimate leaves out (see
	// scorer.leaveOut).
	file   bool
	selfOn bool
	self   uint32
	// novel is set for the project level, which counts the unknown token
	// where files use new names: it reads a token it has not seen as the
	// unknown token, and its estimate of that token is the mixture's
	// probability that the next token is new (see scorer.novelty).
	novel bool
}

// next returns the level's contexts after tok, without counting it.
func (l *level) next(tok uint32) window {
	if l.novel && !l.t.seen(tok) {
		tok = unk
	}
	return l.t.advance(l.w, tok)
}

// read moves the level past tok, counting it in an open level.
func (l *level) read(tok uint32) {
	if l.open {
		l.w = l.t.add(l.w, tok, 1)
		return
	}
	l.w = l.next(tok)
}

// docBoost is the extra weight of the document's own levels (the file as
// learned and the cache), which know its names and habits best. Tuned on
// packages that the evaluation holds out for tuning only (4 to 8 were
// best; the directory level gained nothing from a boost).
const docBoost = 6

// scorer mixes the nested models' predictions for the next token. It is a
// value that is cheap to copy: advancing a copy leaves the original as it
// was, which is how generation explores without learning its own output.
type scorer struct {
	levels []level
	base   float64 // the uniform distribution under every level: 1/(V+1)

	// pNovel caches novelty() at the current position when novelSet.
	pNovel   float64
	novelSet bool
}

// read moves every level past tok, the document's next token (counted by
// the cache).
func (s *scorer) read(tok uint32) {
	for i := range s.levels {
		s.levels[i].read(tok)
	}
	s.novelSet = false
}

// novelty returns the probability that the next token is one no level has
// seen: the levels' mixture for the unknown token, which the project level
// counts where the files it learned used a name first. The document's own
// levels never count it, so where they know what follows (a line seen
// before), the chance of a new name is small. It is 0 when no level knows
// the unknown token (a model that learned nothing yet).
func (s *scorer) novelty() float64 {
	if !s.novelSet {
		s.novelSet, s.pNovel = true, 0
		known := false
		sum, wsum := 0.0, 0.0
		for i := range s.levels {
			l := &s.levels[i]
			lp, w := l.estimate(unk, s.base)
			sum += w * lp
			wsum += w
			known = known || l.novel && l.t.seen(unk)
		}
		if known && wsum > 0 {
			s.pNovel = sum / wsum
		}
	}
	return s.pNovel
}

// setBase sets the distribution under every level: uniform over the
// language's live vocabulary, extra tokens only the request has seen, and
// one unknown token.
func (s *scorer) setBase(global *table, extra int) {
	v := extra + 1
	if global != nil {
		v += int(global.at(0).kids)
	}
	s.base = 1 / float64(v)
	s.novelSet = false
}

// estimate is one level's Witten-Bell interpolated probability of tok and
// the level's confidence in its longest context.
func (l *level) estimate(tok uint32, base float64) (p, weight float64) {
	t := l.t
	p = base
	depth := 0
	lambda := 0.0
	for k := 0; k < t.order; k++ {
		h := l.w[k]
		if h == none || t.at(h).count == 0 {
			break
		}
		ch, n1 := float64(t.at(h).count), float64(t.at(h).kids)
		if l.open && k > 0 {
			ch--
		}
		if n1 == 0 || ch <= 0 {
			break
		}
		cw := 0.0
		if id := t.child(h, tok); id != none {
			cw = float64(t.at(id).count)
		}
		if l.selfOn {
			if id := t.child(h, l.self); id != none && t.at(id).count > 0 {
				ch--
				if t.at(id).count == 1 {
					n1--
				}
				if tok == l.self {
					cw--
				}
			}
		}
		if n1 <= 0 || ch <= 0 {
			break
		}
		p = (cw + n1*p) / (ch + n1)
		lambda = ch / (ch + n1)
		depth = k + 1
	}
	return p, l.boost * mixWeight(lambda, depth)
}

// mixWeight is how much a level counts in the mixture: the Witten-Bell
// confidence of its longest known context, growing with that context's
// length, so the level that has seen the longest matching context leads.
// Levels that know nothing of the context get no say.
func mixWeight(lambda float64, depth int) float64 {
	if depth == 0 {
		return 0
	}
	return lambda * float64(depth*depth)
}

// prob returns the probability of tok and whether no level has ever seen
// it (an out-of-vocabulary token). A seen token gets the mixture of the
// levels' estimates; every unseen token is the unknown token, whose
// probability is the novelty. A model that knows no novelty (nothing
// learned) gives unseen tokens the mass the smoothing reserves for them.
func (s *scorer) prob(tok uint32) (p float64, unseen bool) {
	sum, wsum := 0.0, 0.0
	unseen = true
	for i := range s.levels {
		l := &s.levels[i]
		lp, w := l.estimate(tok, s.base)
		if w == 0 {
			continue
		}
		sum += w * lp
		wsum += w
		if unseen && l.t.seen(tok) {
			unseen = false
		}
	}
	if unseen {
		if pn := s.novelty(); pn > 0 {
			return pn, true
		}
	}
	if wsum == 0 {
		return s.base, unseen
	}
	return sum / wsum, unseen
}

// leaveOut makes the document's levels leave out the occurrence of self at the
// cursor when the document as learned is the request's own buffer: the
// half-typed line followed by a line break, learned while the user paused,
// would otherwise predict that the line ends where the cursor is. The
// buffer is taken to be the learned version when a level has seen
// the whole context before the cursor, as long as the level counts, and
// self after it.
func (s *scorer) leaveOut(self uint32) {
	for i := range s.levels {
		l := &s.levels[i]
		if !l.file {
			continue
		}
		h := l.w[l.t.order-1]
		if h == none {
			continue
		}
		if id := l.t.child(h, self); id != none && l.t.at(id).count > 0 {
			l.self, l.selfOn = self, true
		}
	}
	s.novelSet = false
}

// advance moves every level past tok.
func (s scorer) advance(tok uint32) scorer {
	levels := make([]level, len(s.levels))
	for i, l := range s.levels {
		// Generated tokens are not counted: the cache stays as it was and
		// its contexts are no longer the stream's last.
		levels[i] = level{t: l.t, w: l.next(tok), boost: l.boost, novel: l.novel}
	}
	s.levels = levels
	s.novelSet = false
	return s
}

// scored is a candidate next token with its mixed probability.
type scored struct {
	tok uint32
	p   float64
}

// Candidate enumeration bounds: per context node, how many followers are
// kept and how many are looked at.
const (
	perNode  = 8
	scanNode = 512
)

// candidates returns up to n next tokens, most probable first. Candidates
// are the per most frequent followers of each level's contexts (twice as
// many for the empty context), from the longest down; deep, when positive,
// limits how many contexts of each level are looked at, which is enough to
// find the most likely token. keep, when not nil, filters the candidates
// (the word being typed).
func (s *scorer) candidates(n, per, deep int, keep func(uint32) bool) []scored {
	seen := map[uint32]bool{unk: true}
	var out []scored
	for i := range s.levels {
		l := &s.levels[i]
		looked := 0
		for k := l.t.order - 1; k >= 0; k-- {
			if deep > 0 && looked == deep {
				break
			}
			if l.w[k] == none || l.t.at(l.w[k]).kids == 0 {
				continue
			}
			looked++
			max := per
			if k == 0 {
				max = 2 * per
			}
			l.t.followers(l.w[k], max, scanNode, keep, func(tok uint32) {
				if !seen[tok] {
					seen[tok] = true
					p, _ := s.prob(tok)
					out = append(out, scored{tok, p})
				}
			})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if a.p != b.p {
			if a.p > b.p {
				return -1
			}
			return 1
		}
		return int(a.tok) - int(b.tok)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// bits is the information content of p in bits.
func bits(p float64) float64 { return -math.Log2(p) }
