package ngram

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/lode-ls/lode/context/syntax"
)

// Metrics are next-token prediction figures over a set of positions. Ranks
// beyond the tenth count as misses, as in the published evaluations.
type Metrics struct {
	Tokens     int
	Bits       float64 // total information content (model only)
	Unseen     int     // tokens no level had seen: charged the unknown-token mass
	RR         float64 // sum of reciprocal ranks
	Top1, Top5 int
}

func (s *Metrics) rank(r int) {
	s.Tokens++
	if r <= 0 || r > 10 {
		return
	}
	s.RR += 1 / float64(r)
	if r == 1 {
		s.Top1++
	}
	if r <= 5 {
		s.Top5++
	}
}

// MRR returns the mean reciprocal rank.
func (s Metrics) MRR() float64 { return ratio(s.RR, s.Tokens) }

// Entropy returns the mean bits per token.
func (s Metrics) Entropy() float64 { return ratio(s.Bits, s.Tokens) }

// Acc1 and Acc5 return the top-1 and top-5 accuracies.
func (s Metrics) Acc1() float64 { return ratio(float64(s.Top1), s.Tokens) }
func (s Metrics) Acc5() float64 { return ratio(float64(s.Top5), s.Tokens) }

func ratio(a float64, b int) float64 {
	if b == 0 {
		return 0
	}
	return a / float64(b)
}

// EvalResult is the outcome of Evaluate. The baselines rank what an editor
// without a model offers: the workspace's tokens by frequency (identifiers
// by frequency at identifier positions), and the words of the open buffer
// by recency.
type EvalResult struct {
	Files int
	// All tokens, newline tokens included; Lexical leaves newlines out.
	Model, Lexical, Frequency, Recency Metrics
	// At identifier positions, each method ranks identifiers only (the
	// completion-item setting).
	Ident, IdentFrequency, IdentRecency Metrics
	// Whole-line completion at one seeded-random cut of each line: how
	// many lines were tried, how many got a proposal, how many proposals
	// were exactly the rest of the line (text, spacing included).
	Lines, Proposed, Exact int
	// ByClass splits Model by the class of the token to predict:
	// punctuation, keywords, identifiers, literals, newlines.
	ByClass [5]Metrics
	// UnseenBits is the part of Model.Bits spent on unseen tokens.
	UnseenBits float64
	// Spacing reconstruction: token gaps on a line predicted right.
	Gaps, GapsRight int
}

// EvalFile is one held-out file.
type EvalFile struct {
	Path string
	Lang *syntax.Language
	Src  []byte
}

// Evaluate measures the model on held-out files in the dynamic setting:
// each file is predicted token by token, the model seeing the file up to
// the token (the cache level) and the files of the same directory it read
// before; after a file is read the model learns it. Files are read in the
// given order; seed fixes the line cuts.
func (m *Model) Evaluate(ctx context.Context, files []EvalFile, seed uint64) (*EvalResult, error) {
	m.Flush()
	r := &EvalResult{}
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		tree, err := syntax.Parse(ctx, f.Lang, f.Src)
		if err != nil {
			return r, err
		}
		lexemes := lex(tree, true)
		tree.Close()
		m.evalFile(f.Path, f.Lang.Name, f.Src, lexemes, r, rng)
		m.learn(f.Path, f.Lang.Name, f.Src, lexemes)
		r.Files++
	}
	return r, nil
}

// evalFile predicts every token of one file.
func (m *Model) evalFile(path, lang string, src []byte, lexemes []lexeme, r *EvalResult, rng *rand.Rand) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	q := query{ov: overlay{v: m.vocab}}
	q.s = m.scorer(lang, path, nil, true)
	freq := m.projectTable(lang)
	var recent []uint32 // the buffer's tokens, most recent last, unique
	cut := -1           // the token of the current line where a completion is asked
	for i, lx := range lexemes {
		if i == 0 || lexemes[i-1].class == classNewline {
			cut = i + lineCut(lexemes[i:], rng)
		}
		tok := q.ov.id(lx.text(src), lx.class)
		q.s.setBase(freq, len(q.ov.texts))
		isIdent := lx.class == classIdent

		p, unseen := q.s.prob(tok)
		cands := q.s.candidates(10, perNode, 0, nil)
		rank := rankOf(cands, tok)
		r.Model.rank(rank)
		r.Model.Bits += bits(p)
		r.ByClass[lx.class].rank(rank)
		r.ByClass[lx.class].Bits += bits(p)
		if unseen {
			r.Model.Unseen++
			r.UnseenBits += bits(p)
		}
		if lx.class != classNewline {
			r.Lexical.rank(rank)
			r.Lexical.Bits += bits(p)
		}
		r.Frequency.rank(freqRank(freq, tok, nil))
		r.Recency.rank(recencyRank(recent, tok, nil))
		if isIdent {
			ident := func(t uint32) bool { return q.ov.class(t) == classIdent }
			r.Ident.rank(rankOf(q.s.candidates(10, perNode, 0, ident), tok))
			r.IdentFrequency.rank(freqRank(freq, tok, ident))
			r.IdentRecency.rank(recencyRank(recent, tok, ident))
		}
		if i > 0 && lx.class != classNewline && lexemes[i-1].class != classNewline {
			r.Gaps++
			if m.space(&q, q.last, tok) == lx.space {
				r.GapsRight++
			}
		}
		if i == cut {
			m.evalLine(&q, src, lexemes[i:], lx.space || i == 0 || lexemes[i-1].class == classNewline, r)
		}

		q.s.read(tok)
		q.last = tok
		recent = slices.DeleteFunc(recent, func(t uint32) bool { return t == tok })
		recent = append(recent, tok)
	}
}

// lineCut picks where in the line starting at ls a completion is asked:
// before one of its tokens, seeded-random.
func lineCut(ls []lexeme, rng *rand.Rand) int {
	n := 0
	for n < len(ls) && ls[n].class != classNewline {
		n++
	}
	if n == 0 {
		return -1
	}
	return rng.IntN(n)
}

// evalLine asks for the rest of the line at the start of rest and compares
// it with the source's tokens and gaps.
func (m *Model) evalLine(q *query, src []byte, rest []lexeme, spaced bool, r *EvalResult) {
	var want strings.Builder
	for i, l := range rest {
		if l.class == classNewline {
			break
		}
		if i > 0 && l.space {
			want.WriteByte(' ')
		}
		want.Write(l.text(src))
	}
	q.spaced, q.lineStart, q.partial = spaced, false, ""
	r.Lines++
	got := m.generate(q, "", 1, m.opts.MaxTokens)
	if len(got) == 0 {
		return
	}
	r.Proposed++
	if got[0] == want.String() {
		r.Exact++
	}
}

func rankOf(cands []scored, tok uint32) int {
	for i, c := range cands {
		if c.tok == tok {
			return i + 1
		}
	}
	return 0
}

// freqRank is tok's rank among the workspace's most frequent tokens.
func freqRank(t *table, tok uint32, keep func(uint32) bool) int {
	if t == nil {
		return 0
	}
	r := 0
	for _, id := range t.ranked(0) {
		if keep != nil && !keep(t.at(id).tok) {
			continue
		}
		if r++; r > 10 {
			return 0
		}
		if t.at(id).tok == tok {
			return r
		}
	}
	return 0
}

// recencyRank is tok's rank among the buffer's tokens, most recent first.
func recencyRank(recent []uint32, tok uint32, keep func(uint32) bool) int {
	r := 0
	for i := len(recent) - 1; i >= 0 && r < 10; i-- {
		if keep != nil && !keep(recent[i]) {
			continue
		}
		r++
		if recent[i] == tok {
			return r
		}
	}
	return 0
}
