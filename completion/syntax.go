package completion

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

// checker parses one request's document once, in the background, and
// answers the syntax questions of the request from that tree: whether the
// cursor is in a comment or a string, and how many errors a completion
// adds (by incremental reparse).
type checker struct {
	trees *trees
	lang  *syntax.Language
	path  string
	doc   string
	off   int

	once   sync.Once
	done   chan struct{} // closed when the parse is over
	idle   chan struct{} // closed when the background work (parse, closed document) is over
	shared *sharedTree   // nil when parsing failed; valid once done is closed
	tree   *syntax.Tree  // shared.tree

	closeOnce sync.Once
	closedMu  sync.Mutex
	closed    *closedDoc // nil until closeOnce ran, or when parsing failed
	closing   bool       // close ran: a closed document made later is dropped
	// dropped is closing, read without the lock by the closed document's
	// making, which stops (a request superseded in a burst of edits no
	// longer costs a walk of the whole document).
	dropped atomic.Bool
}

// closedDoc is the checker's document with the brackets still open at its
// end closed there (see closers.go), and what the check of a completion
// needs to close the document with the completion inserted.
type closedDoc struct {
	tree   *syntax.Tree // the closed document's; the checker's own tree when nothing was open
	owned  bool         // tree is not the shared tree: close closes it
	src    string
	before []byte // brackets open before the cursor
	after  []byte // brackets after the cursor
	open   int    // brackets open at the end of the document
	rest   string // the document after the cursor
}

// closers returns what follows a completion ins, whose brackets are br,
// in the closed document: the rest of the document and the closers of
// what is left open. The rest of the document closes the brackets ins
// opens when it has closers to spare (a line written before its block's
// body and end); otherwise they are closed right after ins, when ins ends
// where a line breaks inside them (right after an opener), and left open,
// for the parser to report, when it does not (a call cut short).
func (cd *closedDoc) closers(br []byte, ins string) string {
	if len(br) == 0 {
		return cd.rest + closing(push(append([]byte(nil), cd.before...), cd.after))
	}
	whole := push(push(append([]byte(nil), cd.before...), br), cd.after)
	if len(whole) <= cd.open {
		return cd.rest + closing(whole)
	}
	own, open := ownClosers(cd.before, br)
	if !breaksInside(ins) {
		own = ""
	}
	return own + cd.rest + closing(push(open, cd.after))
}

// breaksInside reports whether s ends where a line breaks inside the
// brackets it leaves open: right after an opener. A comma would do in
// some places, but the syntax check cuts completions after commas, and a
// call cut there is more often a model stopping short than a list going
// on.
func breaksInside(s string) bool {
	s = strings.TrimRight(s, " \t\r\n")
	return s != "" && isOpener(s[len(s)-1])
}

// newChecker returns a checker for doc in lang, or nil when lang is
// unknown. Its tree comes from ts, reparsed from the document's previous
// one.
func newChecker(ts *trees, lang *syntax.Language, path, doc string, off int) *checker {
	if lang == nil {
		return nil
	}
	return &checker{trees: ts, lang: lang, path: path, doc: doc, off: off, done: make(chan struct{}), idle: make(chan struct{})}
}

// start begins parsing, once.
func (c *checker) start(ctx context.Context) {
	if c == nil {
		return
	}
	c.once.Do(func() {
		c.trees.work.Go(func() {
			defer close(c.idle)
			// The parse outlives a cancelled request only as long as close
			// waits for it; a cancelled parse just yields no tree.
			ctx := context.WithoutCancel(ctx)
			func() {
				defer close(c.done)
				st, err := c.trees.get(ctx, c.lang, c.path, c.doc)
				if err == nil {
					c.shared, c.tree = st, st.tree
				}
			}()
			// The document closed at its end, which every check of a
			// completion starts from, is ready before the model answers.
			c.closedDoc(ctx)
		})
	})
}

// wait returns the document's tree, parsing it if needed; nil on failure.
func (c *checker) wait(ctx context.Context) *syntax.Tree {
	if c == nil {
		return nil
	}
	c.start(ctx)
	select {
	case <-c.done:
		return c.tree
	case <-ctx.Done():
		return nil
	}
}

// close releases the tree once the parse is over, without waiting for it.
func (c *checker) close() {
	if c == nil {
		return
	}
	c.once.Do(func() { close(c.done); close(c.idle) }) // never started
	// A closed document being made in the background is dropped when it
	// is done (a request answered from the cache does not wait for it).
	c.closedMu.Lock()
	c.closing = true
	c.dropped.Store(true)
	if c.closed != nil && c.closed.owned {
		c.closed.tree.Close()
	}
	c.closed = nil
	c.closedMu.Unlock()
	c.trees.work.Go(func() {
		<-c.idle // the background work reads the shared tree until then
		if c.shared != nil {
			c.trees.put(c.shared)
		}
	})
}

// leafAt returns the class of the token that holds the cursor.
func (c *checker) leafAt(ctx context.Context) (syntax.Leaf, bool) {
	t := c.wait(ctx)
	if t == nil || c.off == 0 {
		return syntax.Leaf{}, false
	}
	var found syntax.Leaf
	ok := false
	t.Leaves(c.off-1, c.off, func(l syntax.Leaf) bool {
		found, ok = l, true
		return false
	})
	return found, ok
}

// inComment reports whether the cursor is inside a comment, a line
// comment's end included.
func (c *checker) inComment(ctx context.Context) bool {
	l, ok := c.leafAt(ctx)
	if !ok || l.Class != syntax.ClassComment || l.Start >= c.off {
		return false
	}
	if l.End > c.off {
		return true
	}
	body := c.doc[l.Start:l.End]
	return !strings.HasSuffix(body, "*/") && !strings.HasSuffix(body, "-->")
}

// inString reports whether the cursor is strictly inside a string
// literal.
func (c *checker) inString(ctx context.Context) bool {
	l, ok := c.leafAt(ctx)
	return ok && l.Class == syntax.ClassString && l.Start < c.off && c.off < l.End
}

// closedDoc returns the document closed at its end, parsing it on first
// use; nil when the document could not be parsed.
func (c *checker) closedDoc(ctx context.Context) *closedDoc {
	t := c.wait(ctx)
	if t == nil {
		return nil
	}
	c.closeOnce.Do(func() {
		c.closedMu.Lock()
		dropped := c.closing
		c.closedMu.Unlock()
		if dropped {
			return
		}
		beforeAll, ok := treeBrackets(t, 0, c.off, c.dropped.Load)
		if !ok {
			return
		}
		after, ok := treeBrackets(t, c.off, len(c.doc), c.dropped.Load)
		if !ok {
			return
		}
		before := push(nil, beforeAll)
		open := push(append([]byte(nil), before...), after)
		end := closing(open)
		cd := &closedDoc{tree: t, src: c.doc, before: before, after: after, open: len(open), rest: c.doc[c.off:]}
		if end != "" {
			cd.src = c.doc + end
			nt, err := t.Reparse(ctx, []byte(cd.src), []text.Change{text.Diff(c.doc, cd.src)})
			if err != nil {
				return
			}
			cd.tree, cd.owned = nt, true
		}
		c.closedMu.Lock()
		if c.closing {
			if cd.owned {
				cd.tree.Close()
			}
		} else {
			c.closed = cd
		}
		c.closedMu.Unlock()
	})
	c.closedMu.Lock()
	defer c.closedMu.Unlock()
	return c.closed
}

// base returns the syntax errors of the document, closed at its end, or
// nil.
func (c *checker) base(ctx context.Context) *postprocess.Score {
	cd := c.closedDoc(ctx)
	if cd == nil {
		return nil
	}
	s := score(cd.tree, c.off, c.off)
	return &s
}

// score counts the errors of t, and the bytes of [lo, hi) (the inserted
// text) they cover: an error inside a completion is one it added, even
// when it took the place of an error that was there before.
func score(t *syntax.Tree, lo, hi int) postprocess.Score {
	var s postprocess.Score
	for _, e := range t.Errors() {
		s.Errors++
		s.Bytes += max(0, min(e.End, hi)-max(e.Start, lo))
	}
	return s
}

// check returns a postprocess.Checker for documents that are this one
// with text inserted at the cursor. Each is judged closed, as base is:
// the brackets the insertion opens are closed right after it, those still
// open at the end of the document there, and the closed text is reparsed
// incrementally from the closed document's tree.
func (c *checker) check(ctx context.Context) postprocess.Checker {
	if c == nil {
		return nil
	}
	unknown := postprocess.Score{Errors: -1}
	return func(src string) postprocess.Score {
		cd := c.closedDoc(ctx)
		n := len(src) - len(c.doc)
		// Only a pure insertion at the cursor fits the edit below.
		if cd == nil || n < 0 || src[:c.off] != c.doc[:c.off] || src[c.off+n:] != c.doc[c.off:] {
			return unknown
		}
		ins := src[c.off : c.off+n]
		full := c.doc[:c.off] + ins + cd.closers(textBrackets(c.lang.Name, ins), ins)
		nt, err := cd.tree.Reparse(ctx, []byte(full), []text.Change{text.Diff(cd.src, full)})
		if err != nil {
			return unknown
		}
		defer nt.Close()
		return score(nt, c.off, c.off+n)
	}
}
