package ngram

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
)

// Complete implements llm.Model: it completes the rest of the line at the
// end of req.Prompt (the prefix, in ModeFIM and ModeRaw alike), greedily,
// one token at a time, stopping at the end of the line, before a token the
// suffix already has, or at the first token less probable than the
// cut-off. When not even the first token clears the cut-off the response
// has no choices: nothing is better than noise. req.N > 1 asks for
// alternatives that start with the next most likely tokens, each judged
// against the cut-off as if the ones before it were ruled out.
func (m *Model) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if req.Mode == llm.ModeChat {
		return nil, fmt.Errorf("ngram: chat requests: %w", llm.ErrUnavailable)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp := &llm.Response{Model: Name}
	n := max(req.N, 1)
	limit := m.opts.MaxTokens
	if req.MaxTokens > 0 {
		limit = min(limit, req.MaxTokens)
	}
	err := m.withQuery(ctx, req, func(q *query) {
		for _, text := range m.generate(q, suffixLine(req.Suffix), n, limit) {
			resp.Choices = append(resp.Choices, llm.Choice{Text: text, FinishReason: "stop"})
		}
	})
	if errors.Is(err, errNoLanguage) {
		return resp, nil
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// suffixLine returns the rest of the cursor's line in the suffix, without
// surrounding space.
func suffixLine(suffix string) string {
	if i := strings.IndexByte(suffix, '\n'); i >= 0 {
		suffix = suffix[:i]
	}
	return strings.TrimSpace(suffix)
}

// generate returns up to n completions of the line, each starting with a
// different first token, each at most limit tokens long. stop is the rest
// of the line after the cursor: generation ends before repeating it.
func (m *Model) generate(q *query, stop string, n, limit int) []string {
	var keep func(uint32) bool
	if q.partial != "" {
		keep = func(tok uint32) bool { return strings.HasPrefix(q.ov.text(tok), q.partial) }
	}
	first := q.s.candidates(max(n, 8), perNode, 0, keep)
	if q.partial != "" {
		// The typed part rules out every other token: rank among those
		// that extend it.
		total := 0.0
		for _, c := range first {
			total += c.p
		}
		for i := range first {
			first[i].p /= total
		}
	}
	var out []string
	// The engine offers an alternative only when the completions before
	// it are not (the syntax check dropped them): it clears the cut-off
	// when it is likely enough given that their first tokens are ruled
	// out, as the typed part rules out tokens above. The first completion
	// is judged alone.
	ruled := 0.0
	for _, c := range first {
		if len(out) == n || c.p < m.opts.MinProb*(1-ruled) {
			break
		}
		text := q.ov.text(c.tok)
		if q.ov.class(c.tok) == classNewline || (q.partial == "" && stop != "" && strings.HasPrefix(stop, text)) {
			continue
		}
		var b strings.Builder
		if q.partial == "" && !q.spaced && !q.lineStart && m.space(q, q.last, c.tok) {
			b.WriteByte(' ')
		}
		b.WriteString(text[len(q.partial):])
		m.extend(q, q.s.advance(c.tok), c.tok, &b, stop, limit-1)
		if s := b.String(); strings.TrimSpace(s) != "" {
			out = append(out, s)
			ruled += c.p
		}
	}
	return out
}

// extend appends the most likely continuation of the line after prev to b.
func (m *Model) extend(q *query, s scorer, prev uint32, b *strings.Builder, stop string, limit int) {
	rest := stop
	for range limit {
		cands := s.candidates(1, 3, 2, nil)
		if len(cands) == 0 {
			return
		}
		c := cands[0]
		text := q.ov.text(c.tok)
		if c.p < m.opts.MinProb || q.ov.class(c.tok) == classNewline {
			return
		}
		if rest != "" && strings.HasPrefix(rest, text) {
			return
		}
		if m.space(q, prev, c.tok) {
			b.WriteByte(' ')
		}
		b.WriteString(text)
		s = s.advance(c.tok)
		prev = c.tok
	}
}

func (m *Model) space(q *query, a, b uint32) bool {
	return m.spacing.space(a, q.ov.class(a), b, q.ov.class(b), q.gaps)
}
