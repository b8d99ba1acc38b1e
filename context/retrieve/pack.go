package retrieve

import (
	"sort"
	"strings"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/tokens"
)

// candidate is a snippet before packing. Its text is produced only if it
// gets that far: most candidates are ranked and never shown.
type candidate struct {
	path        string
	first, last int                // lines, zero-based inclusive; unset for definitions
	def         *syntax.Definition // set for definitions: the text is built from it
	text        string             // set when the text is not the file's lines (a signature)
	reason      Reason
	symbol      string
	score       float64
}

// key identifies a candidate across sources, for fusion.
type key struct {
	path        string
	first, last int
}

func (c candidate) key() key {
	if c.def != nil {
		return key{c.path, c.def.StartLine, c.def.EndLine}
	}
	return key{c.path, c.first, c.last}
}

func sortCandidates(cs []candidate) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].score != cs[j].score {
			return cs[i].score > cs[j].score
		}
		ki, kj := cs[i].key(), cs[j].key()
		if ki.path != kj.path {
			return ki.path < kj.path
		}
		return ki.first < kj.first
	})
}

// rrfK is the rank offset of reciprocal-rank fusion. The usual 60 flattens
// the head of short lists; retrieval lists here are a few dozen long.
const rrfK = 10

// fuse merges ranked lists by weighted reciprocal-rank fusion: a
// candidate's score is the sum over lists of weight / (rrfK + rank). A
// candidate found by several sources keeps the reason of the first.
func fuse(lists [][]candidate, weights []float64) []candidate {
	byKey := make(map[key]int)
	var out []candidate
	for li, list := range lists {
		for rank, c := range list {
			s := weights[li] / float64(rrfK+rank+1)
			k := c.key()
			if i, ok := byKey[k]; ok {
				out[i].score += s
				continue
			}
			byKey[k] = len(out)
			c.score = s
			out = append(out, c)
		}
	}
	sortCandidates(out)
	return out
}

// minUseful is the smallest remaining budget worth filling.
const minUseful = 8

// pack chooses snippets best first under req.Budget: the enclosing scopes'
// signatures, then the fused candidates. Snippets inside the prompt's own
// window, or mostly covered by one already chosen, are dropped; every text
// is redacted before it is counted.
func (r *Retriever) pack(req Request, a *analysis, fused []candidate) Bundle {
	b := Bundle{Budget: req.Budget, Snippets: []Snippet{}}
	var chosen []Snippet
	try := func(c candidate) {
		text, first, last := r.text(req, c)
		if strings.TrimSpace(text) == "" || longLine(text) {
			return
		}
		if c.path == req.Path && (a.ownHidden || first <= a.windowLast && last >= a.windowFirst) {
			return // the prompt holds it already
		}
		if covered(chosen, c.path, first, last) {
			return
		}
		text = r.redacted.Get(text, redact.String)
		// A snippet far over what is left is not counted whole.
		n := tokens.UpTo(text, req.Budget-b.Tokens, false, r.counter.CountTokens)
		if b.Tokens+n > req.Budget {
			return
		}
		s := Snippet{Path: c.path, StartLine: first, EndLine: last, Text: text, Reason: c.reason,
			Symbol: c.symbol, Score: c.score, Tokens: n}
		chosen = append(chosen, s)
		b.Tokens += n
	}
	for _, sc := range a.enclosing {
		if sc.Signature == "" {
			continue
		}
		try(candidate{path: req.Path, first: sc.StartLine, last: sc.StartLine + strings.Count(sc.Signature, "\n"),
			text: sc.Signature, reason: ReasonEnclosing, symbol: sc.Name, score: 1})
	}
	for _, c := range fused {
		if req.Budget-b.Tokens < minUseful {
			break
		}
		try(c)
	}
	b.Snippets = append(b.Snippets, chosen...)
	return b
}

// maxContextLine is the longest line a snippet may hold, in bytes. A
// longer one is data (a generated table, an embedded archive: the
// standard library has lines of 0.5 and 1.4 MB), not code a model learns
// from, and redacting and counting it would cost the request about 0.2 µs
// a byte.
const maxContextLine = 2000

// longLine reports whether text has a line longer than maxContextLine.
func longLine(text string) bool {
	for len(text) > maxContextLine {
		i := strings.IndexByte(text, '\n')
		if i < 0 || i > maxContextLine {
			return true
		}
		text = text[i+1:]
	}
	return false
}

// covered reports whether at least half the lines [first, last] of path
// are in snippets already chosen.
func covered(chosen []Snippet, path string, first, last int) bool {
	n := 0
	for _, s := range chosen {
		if s.Path == path {
			n += max(0, min(last, s.EndLine)-max(first, s.StartLine)+1)
		}
	}
	return 2*n >= last-first+1
}

// text returns a candidate's text and line range.
func (r *Retriever) text(req Request, c candidate) (string, int, int) {
	// Lines are redacted as a window of their file: a key whose BEGIN
	// line is above them is still a key.
	lines := func(first, last int) string {
		if c.path == req.Path {
			part := linesOf(req.Content, first, last)
			start := lineStart(req.Content, first)
			return redact.Window(req.Content, start, start+len(part))
		}
		t, ok := r.contents.get(c.path)
		if !ok || first >= t.LineCount() {
			return ""
		}
		return redact.Window(t.String(), t.LineStart(first), t.LineStart(last+1))
	}
	switch {
	case c.text != "":
		return c.text, c.first, c.last
	case c.def != nil:
		return definitionText(c.def, r.opts.MaxDefinitionLines, lines)
	}
	return lines(c.first, c.last), c.first, c.last
}

// lineStart returns the offset of line first of s (len(s) past its end).
func lineStart(s string, first int) int {
	start := 0
	for i := 0; i < first; i++ {
		j := strings.IndexByte(s[start:], '\n')
		if j < 0 {
			return len(s)
		}
		start += j + 1
	}
	return start
}

// linesOf returns lines [first, last] of s, with their line breaks.
func linesOf(s string, first, last int) string {
	start := 0
	for i := 0; i < first; i++ {
		j := strings.IndexByte(s[start:], '\n')
		if j < 0 {
			return ""
		}
		start += j + 1
	}
	end := start
	for i := first; i <= last; i++ {
		j := strings.IndexByte(s[end:], '\n')
		if j < 0 {
			end = len(s)
			break
		}
		end += j + 1
	}
	return s[start:end]
}

// maxRedacted bounds the memo of redacted snippets (Retriever.redacted):
// the same snippets come back for every keystroke, and redaction reads
// every byte.
const maxRedacted = 4096
