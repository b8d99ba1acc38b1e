package nextedit

import (
	"slices"
	"sort"
	"sync"
	"unicode/utf8"
)

// relex returns lex(src, c), reusing prevToks, the tokens of prev (an
// earlier text of the same document, lexed with the same comments): only
// the part around what changed is lexed again, so that a request after a
// keystroke in a large document costs about a copy of its tokens, not a
// scan of all of it.
//
// lex reads forward only, and no further than a few bytes past the token
// or the comment it scans (a character: utf8.UTFMax bytes). So up to a
// token of prev that starts UTFMax bytes before the first byte that
// changed, src scans as prev did; and from a token start after the
// change where prev had a token start too (shifted by the change), the
// rest of src scans as the rest of prev did.
func relex(prev string, prevToks []token, src string, c comments) []token {
	start, prevEnd, srcEnd := diffBounds(prev, src)
	// The first token of prev that may scan otherwise in src: the scans
	// before it read nothing at or past start.
	k := sort.Search(len(prevToks), func(i int) bool { return prevToks[i].start+utf8.UTFMax > start })
	from := 0
	if k > 0 {
		k--
		from = prevToks[k].start
	}
	// As many tokens as prev, and one a byte added at most (unless a
	// quote or a comment opener came or went: append grows then).
	toks := make([]token, 0, len(prevToks)+max(0, len(src)-len(prev))+64)
	toks = append(toks, prevToks[:k]...)
	sync := &resync{prev: prevToks, next: k, from: srcEnd, delta: srcEnd - prevEnd}
	return lexFrom(src, c, from, toks, sync)
}

// resync finds where a relexed text's tokens meet its earlier text's
// again, after the change.
type resync struct {
	prev  []token // the earlier text's tokens
	next  int     // the first of prev that may start at or past a token start asked
	from  int     // the end of the change in the new text: no token start before is asked
	delta int     // what the change added to the length
}

// rest returns toks followed by the tokens of src from start on, a token
// start at or past s.from, when the earlier text had a token start there
// too; ok is false when it had none.
func (s *resync) rest(toks []token, src string, start int) (_ []token, ok bool) {
	at := start - s.delta
	for s.next < len(s.prev) && s.prev[s.next].start < at {
		s.next++
	}
	if s.next == len(s.prev) || s.prev[s.next].start != at {
		return toks, false
	}
	for _, t := range s.prev[s.next:] {
		t.start, t.end = t.start+s.delta, t.end+s.delta
		t.text = src[t.start:t.end]
		toks = append(toks, t)
	}
	return toks, true
}

// maxLexed bounds the documents whose tokens an Engine keeps: those of
// the documents edited last.
const maxLexed = 4

// lexCache keeps, for the documents asked about last, the texts lexed
// last (the text a hunk was made in and the text it made) with their
// tokens, so that the next request on the document lexes only around
// its new change. Tokens are never changed once made: they are shared.
// It is safe for concurrent use.
type lexCache struct {
	mu   sync.Mutex
	docs []lexedDoc // least recently used first
}

type lexedDoc struct {
	path  string
	texts []lexedText // the newest first
}

type lexedText struct {
	text string
	toks []token
}

// texts returns before, the text of the document at path before the hunk
// h made after (h undone in after), and the tokens of both; they are
// what the last request on the document lexed when it asked about the
// same texts, else they are lexed from them again around what changed.
func (l *lexCache) texts(path, after string, h Hunk) (before string, bt, at []token) {
	cm := commentsOf(path)
	l.mu.Lock()
	var known []lexedText
	for _, d := range l.docs {
		if d.path == path {
			known = d.texts
		}
	}
	l.mu.Unlock()
	for _, t := range known {
		if bt == nil && madeBy(t.text, after, h) {
			before, bt = t.text, t.toks
		}
		if at == nil && t.text == after {
			at = t.toks
		}
	}
	if bt == nil {
		before = after[:h.Start] + h.Old + after[h.Start+len(h.New):]
		switch {
		case at != nil:
			bt = relex(after, at, before, cm)
		case len(known) > 0:
			bt = relex(known[0].text, known[0].toks, before, cm)
		default:
			bt = lex(before, cm)
		}
	}
	if at == nil {
		at = relex(before, bt, after, cm)
	}
	l.keep(path, lexedText{after, at}, lexedText{before, bt})
	return before, bt, at
}

// madeBy reports whether the hunk h turned before into after, without
// building before.
func madeBy(before, after string, h Hunk) bool {
	end := h.Start + len(h.New)
	return h.Start >= 0 && end <= len(after) && len(before) == len(after)-len(h.New)+len(h.Old) &&
		before[:h.Start] == after[:h.Start] &&
		before[h.Start:h.Start+len(h.Old)] == h.Old &&
		before[h.Start+len(h.Old):] == after[end:]
}

// keep makes texts the document's known texts, its most recently used.
func (l *lexCache) keep(path string, texts ...lexedText) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drop(path)
	l.docs = append(l.docs, lexedDoc{path: path, texts: texts})
	if len(l.docs) > maxLexed {
		l.docs = slices.Delete(l.docs, 0, 1)
	}
}

// forget drops the texts of the document at path (closed).
func (l *lexCache) forget(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drop(path)
}

// drop removes path's entry; l.mu is held.
func (l *lexCache) drop(path string) {
	for i, d := range l.docs {
		if d.path == path {
			l.docs = slices.Delete(l.docs, i, i+1)
			return
		}
	}
}
