package completion

import (
	"context"
	"strings"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

// EditCheck is the syntax self-check of edits that replace a range of a
// document (a predicted next edit), where a completion's check judges an
// insertion at the cursor: the document is parsed once, and each edit is
// judged by an incremental reparse, the way errors are counted for a
// completion (score). An EditCheck is not safe for concurrent use.
type EditCheck struct {
	doc  string
	tree *syntax.Tree
}

// NewEditCheck parses doc, the text of the document at path in the
// language languageID. It returns nil when the language is unknown or the
// parse fails: such a document's edits are not checked.
func NewEditCheck(ctx context.Context, languageID, path, doc string) *EditCheck {
	t, err := syntax.ParseDocument(ctx, languageID, path, []byte(doc))
	if err != nil {
		return nil
	}
	return &EditCheck{doc: doc, tree: t}
}

// EditCheckOf returns the check of doc over t, a tree of doc exactly
// (one another reader parsed, as Trees hands out): no parse at all. The
// check takes t over; Close closes it.
func EditCheckOf(doc string, t *syntax.Tree) *EditCheck {
	return &EditCheck{doc: doc, tree: t}
}

// Next returns the check of doc, a later text of the same document,
// reparsed incrementally from c's tree; nil when c is nil or the reparse
// fails. c stays open: the caller closes both.
func (c *EditCheck) Next(ctx context.Context, doc string) *EditCheck {
	if c == nil {
		return nil
	}
	t, err := c.tree.Reparse(ctx, []byte(doc), []text.Change{text.Diff(c.doc, doc)})
	if err != nil {
		return nil
	}
	return &EditCheck{doc: doc, tree: t}
}

// AddsErrors reports whether replacing doc[start:end] with repl adds
// syntax errors: more errors in the whole document, or an error inside
// the replacement where the replaced text had none. A nil EditCheck, or
// one that cannot reparse, adds none.
func (c *EditCheck) AddsErrors(ctx context.Context, start, end int, repl string) bool {
	if c == nil || start < 0 || start > end || end > len(c.doc) {
		return false
	}
	src, change := replaced(c.doc, start, end, repl)
	nt, err := c.tree.Reparse(ctx, src, []text.Change{change})
	if err != nil {
		return false
	}
	defer nt.Close()
	before, after := score(c.tree, start, end), score(nt, start, start+len(repl))
	return after.Errors > before.Errors || before.Bytes == 0 && after.Bytes > 0
}

// replaced returns the bytes of doc with doc[start:end] replaced by repl,
// and the change that makes them, the span where the two differ: one
// copy of the document, where building it as a string first, to diff it,
// took two.
func replaced(doc string, start, end int, repl string) ([]byte, text.Change) {
	src := make([]byte, 0, len(doc)-(end-start)+len(repl))
	src = append(append(append(src, doc[:start]...), repl...), doc[end:]...)
	c := text.Diff(doc[start:end], repl) // from start, at line 0 column 0
	row := strings.Count(doc[:start], "\n")
	col := start - (strings.LastIndexByte(doc[:start], '\n') + 1)
	at := func(p text.Point) text.Point {
		if p.Row == 0 {
			p.Column += col
		}
		p.Row += row
		return p
	}
	c.StartByte, c.OldEndByte, c.NewEndByte = c.StartByte+start, c.OldEndByte+start, c.NewEndByte+start
	c.StartPoint, c.OldEndPoint, c.NewEndPoint = at(c.StartPoint), at(c.OldEndPoint), at(c.NewEndPoint)
	return src, c
}

// Close releases the parsed tree.
func (c *EditCheck) Close() {
	if c != nil {
		c.tree.Close()
	}
}
