package retrieve

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

// maxTrees is how many documents keep their last syntax tree.
const maxTrees = 8

// docTrees keeps the last syntax tree of the documents asked about most
// recently, so that the next request on an edited document reparses
// incrementally instead of from scratch. Trees are C memory: an evicted
// tree is closed at once (or, while a reparse reads it, when that reparse
// ends), and trees never leave the lock.
type docTrees struct {
	// budget is how long a request waits for the reparse of an edited
	// document (and its outline); negative waits for the reparse (see
	// Options.ParseBudget).
	budget time.Duration
	// reparses counts the background reparses, for close to wait.
	reparses sync.WaitGroup

	mu      sync.Mutex
	entries []*docTree // least recently used first
	// opening has, for each document whose first parse is running, a
	// channel closed when it ends.
	opening map[string]chan struct{}
	closed  bool
}

type docTree struct {
	path string
	lang *syntax.Language
	// text is the version tree was parsed from: compared and diffed as
	// the request's string, without a copy.
	text    string
	tree    *syntax.Tree
	outline *syntax.Outline // of tree, once asked for
	// types caches goLocalTypes by the start of the function it read.
	types map[int]map[string]string
	// parsing is closed when the reparse in progress ends; nil when none
	// is. dropped is set when the entry was evicted during that reparse,
	// which then closes the trees.
	parsing chan struct{}
	dropped bool
}

// localTypes returns goLocalTypes of the function at [start, end) of the
// current version, computed once.
func (e *docTree) localTypes(start, end int) map[string]string {
	if t, ok := e.types[start]; ok {
		return t
	}
	if e.types == nil {
		e.types = make(map[int]map[string]string)
	}
	t := goLocalTypes(e.text[start:end])
	e.types[start] = t
	return t
}

// Outline returns the tree's outline, computed once per version.
func (e *docTree) Outline() syntax.Outline {
	if e.outline == nil {
		o := e.tree.Outline()
		e.outline = &o
	}
	return *e.outline
}

// with calls fn with the tree of content, parsed as lang, or with the
// document's previous tree when reparsing content takes longer than
// d.budget (fn then sees a docTree whose text is not content). The tree
// is valid only during fn; fn must not keep it or any node of it. No
// parse runs under the lock: requests on other documents never wait for
// one.
func (d *docTrees) with(ctx context.Context, path string, lang *syntax.Language, content string, fn func(*docTree)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errClosed
	}
	e := d.find(path, lang)
	for e == nil {
		if opening, ok := d.opening[path]; ok {
			// Another caller (the parse started at didOpen) is parsing
			// the document: a second parse beside it would only slow
			// both down.
			d.mu.Unlock()
			select {
			case <-opening:
			case <-ctx.Done():
			}
			d.mu.Lock()
			switch {
			case d.closed:
				return errClosed
			case ctx.Err() != nil:
				return ctx.Err()
			}
			e = d.find(path, lang)
			continue
		}
		opening := make(chan struct{})
		if d.opening == nil {
			d.opening = make(map[string]chan struct{})
		}
		d.opening[path] = opening
		d.mu.Unlock()
		t, err := syntax.Parse(ctx, lang, []byte(content))
		d.mu.Lock()
		delete(d.opening, path)
		close(opening)
		switch {
		case err != nil:
			return err
		case d.closed:
			t.Close()
			return errClosed
		}
		if e = d.find(path, lang); e != nil {
			t.Close() // another request parsed the document meanwhile
		} else {
			e = &docTree{path: path, lang: lang, text: content, tree: t}
			d.entries = append(d.entries, e)
			if len(d.entries) > maxTrees {
				d.drop(d.entries[0])
				d.entries = d.entries[1:]
			}
		}
	}
	if e.text != content {
		if err := d.update(ctx, e, content); err != nil {
			return err
		}
	}
	fn(e)
	return nil
}

var errClosed = errors.New("retrieve: retriever closed")

// find returns the entry of path in lang, made the most recently used, or
// nil. d.mu is held.
func (d *docTrees) find(path string, lang *syntax.Language) *docTree {
	for i, x := range d.entries {
		if x.path == path && x.lang == lang {
			d.entries = append(append(d.entries[:i:i], d.entries[i+1:]...), x)
			return x
		}
	}
	return nil
}

// maxStaleLines is the largest edit, in lines, after which a request may
// read the previous tree: typing changes a line or two; a larger change
// (another part of the file, a paste) waits for its reparse.
const maxStaleLines = 8

// update brings e to content, reparsing in the background: it waits up to
// d.budget for a small edit, else until the reparse ends. It returns
// with d.mu held and e at content, or at an earlier version when the
// reparse of a small edit ran past the budget (or when ctx is done). A
// reparse started by an earlier request is not waited for when the edit
// is small: it has run past its own budget already. With a negative
// budget every request waits for its own version.
func (d *docTrees) update(ctx context.Context, e *docTree, content string) error {
	for e.text != content {
		c := text.Diff(e.text, content)
		small := c.OldEndPoint.Row-c.StartPoint.Row <= maxStaleLines && c.NewEndPoint.Row-c.StartPoint.Row <= maxStaleLines
		stale := small && d.budget >= 0 // the previous tree may do
		mine := e.parsing == nil
		if mine {
			e.parsing = make(chan struct{})
			d.reparses.Go(func() { d.reparse(context.WithoutCancel(ctx), e, content) })
		} else if stale {
			return nil
		}
		done := e.parsing
		d.mu.Unlock()
		var budget <-chan time.Time
		if stale {
			timer := time.NewTimer(d.budget)
			defer timer.Stop()
			budget = timer.C
		}
		select {
		case <-done:
		case <-budget:
		case <-ctx.Done():
		}
		d.mu.Lock()
		if d.closed || e.dropped {
			return errors.New("retrieve: document tree dropped")
		}
		if stale || mine || ctx.Err() != nil {
			return nil
		}
	}
	return nil
}

// reparse reparses e's tree to content and outlines it, then makes it
// e's current version. It runs on its own goroutine, without the lock:
// e's tree stays open meanwhile, since drop leaves it to reparse to
// close.
func (d *docTrees) reparse(ctx context.Context, e *docTree, content string) {
	d.mu.Lock()
	base, old, prev := e.tree, e.text, e.outline
	d.mu.Unlock()
	c := text.Diff(old, content)
	t, err := base.Reparse(ctx, []byte(content), []text.Change{c})
	var o syntax.Outline
	if err == nil {
		o = outlineAfter(t, prev, c)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case e.dropped:
		base.Close()
		if err == nil {
			t.Close()
		}
	case err == nil:
		base.Close()
		e.tree, e.text, e.outline, e.types = t, content, &o, nil
	}
	close(e.parsing)
	e.parsing = nil
}

// outlineAfter returns the outline of t, reparsed after change c from a
// tree whose outline was prev (nil if never computed): only the
// declarations around the edit are outlined again, the others are
// prev's, moved by the edit.
func outlineAfter(t *syntax.Tree, prev *syntax.Outline, c text.Change) syntax.Outline {
	start, end, ok := t.Changed()
	if prev == nil || !ok {
		return t.Outline()
	}
	o, rs, re := t.OutlineRange(min(start, c.StartByte), max(end, c.NewEndByte))
	delta, ldelta := c.NewEndByte-c.OldEndByte, c.NewEndPoint.Row-c.OldEndPoint.Row
	out := syntax.Outline{Package: o.Package}
	out.Definitions = splice(prev.Definitions, o.Definitions, rs, re-delta,
		func(d syntax.Definition) int { return d.Start },
		func(d syntax.Definition) syntax.Definition {
			d.Start, d.End, d.NameStart = d.Start+delta, d.End+delta, d.NameStart+delta
			d.StartLine, d.EndLine = d.StartLine+ldelta, d.EndLine+ldelta
			return d
		})
	out.Imports = splice(prev.Imports, o.Imports, rs, re-delta,
		func(im syntax.Import) int { return im.Start },
		func(im syntax.Import) syntax.Import {
			im.Start, im.End = im.Start+delta, im.End+delta
			return im
		})
	return out
}

// splice returns the items of prev that start before rs, then fresh (those
// of the range outlined again), then the items of prev that start at or
// after from, moved by the edit.
func splice[T any](prev, fresh []T, rs, from int, start func(T) int, move func(T) T) []T {
	out := make([]T, 0, len(prev)+len(fresh)) // once: a large file has thousands
	for _, x := range prev {
		if start(x) < rs {
			out = append(out, x)
		}
	}
	out = append(out, fresh...)
	for _, x := range prev {
		if start(x) >= from {
			out = append(out, move(x))
		}
	}
	return out
}

// drop closes e's tree, or leaves it to the reparse in progress.
func (d *docTrees) drop(e *docTree) {
	if e.parsing != nil {
		e.dropped = true
		return
	}
	e.tree.Close()
}

// keeps reports whether a tree of path is kept or being parsed.
func (d *docTrees) keeps(path string) bool {
	d.mu.Lock()
	_, opening := d.opening[path]
	d.mu.Unlock()
	return opening || d.has(path)
}

// has reports whether a tree of path is kept.
func (d *docTrees) has(path string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, x := range d.entries {
		if x.path == path {
			return true
		}
	}
	return false
}

// forget closes and drops the tree of path, if any.
func (d *docTrees) forget(path string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, x := range d.entries {
		if x.path == path {
			d.drop(x)
			d.entries = append(d.entries[:i], d.entries[i+1:]...)
			return
		}
	}
}

// close closes every tree, once the reparses in progress have ended.
func (d *docTrees) close() {
	d.mu.Lock()
	for _, x := range d.entries {
		d.drop(x)
	}
	d.entries, d.closed = nil, true
	d.mu.Unlock()
	d.reparses.Wait()
}

// lineRange returns the zero-based lines that hold bytes [start, end) of s.
func lineRange(s string, start, end int) (first, last int) {
	start = max(0, min(start, len(s)))
	end = max(start, min(end, len(s)))
	first = strings.Count(s[:start], "\n")
	last = first + strings.Count(s[start:end], "\n")
	if end > start && s[end-1] == '\n' {
		last--
	}
	return first, max(first, last)
}
