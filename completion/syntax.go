package completion

import (
	"context"
	"strings"
	"sync"

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
	done   chan struct{}
	shared *sharedTree  // nil when parsing failed; valid once done is closed
	tree   *syntax.Tree // shared.tree
}

// newChecker returns a checker for doc in lang, or nil when lang is
// unknown. Its tree comes from ts, reparsed from the document's previous
// one.
func newChecker(ts *trees, lang *syntax.Language, path, doc string, off int) *checker {
	if lang == nil {
		return nil
	}
	return &checker{trees: ts, lang: lang, path: path, doc: doc, off: off, done: make(chan struct{})}
}

// start begins parsing, once.
func (c *checker) start(ctx context.Context) {
	if c == nil {
		return
	}
	c.once.Do(func() {
		c.trees.work.Go(func() {
			defer close(c.done)
			// The parse outlives a cancelled request only as long as close
			// waits for it; a cancelled parse just yields no tree.
			st, err := c.trees.get(context.WithoutCancel(ctx), c.lang, c.path, c.doc)
			if err == nil {
				c.shared, c.tree = st, st.tree
			}
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
	c.once.Do(func() { close(c.done) }) // never started
	c.trees.work.Go(func() {
		<-c.done
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

// base returns the syntax errors of the document, or nil.
func (c *checker) base(ctx context.Context) *postprocess.Score {
	t := c.wait(ctx)
	if t == nil {
		return nil
	}
	s := score(t, c.off, c.off)
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
// with text inserted at the cursor: it reparses incrementally.
func (c *checker) check(ctx context.Context) postprocess.Checker {
	if c == nil {
		return nil
	}
	start := text.New(c.doc[:c.off]).Point(c.off)
	unknown := postprocess.Score{Errors: -1}
	return func(src string) postprocess.Score {
		t := c.wait(ctx)
		n := len(src) - len(c.doc)
		// Only a pure insertion at the cursor fits the edit below.
		if t == nil || n < 0 || src[:c.off] != c.doc[:c.off] || src[c.off+n:] != c.doc[c.off:] {
			return unknown
		}
		ins := src[c.off : c.off+n]
		end := start
		if i := strings.LastIndexByte(ins, '\n'); i >= 0 {
			end = text.Point{Row: start.Row + strings.Count(ins, "\n"), Column: len(ins) - i - 1}
		} else {
			end.Column += n
		}
		ch := text.Change{
			StartByte: c.off, OldEndByte: c.off, NewEndByte: c.off + n,
			StartPoint: start, OldEndPoint: start, NewEndPoint: end,
		}
		nt, err := t.Reparse(ctx, []byte(src), []text.Change{ch})
		if err != nil {
			return unknown
		}
		defer nt.Close()
		return score(nt, c.off, c.off+n)
	}
}
