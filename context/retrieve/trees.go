package retrieve

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

// maxTrees is how many documents keep their last syntax tree.
const maxTrees = 8

// docTrees keeps the last syntax tree of the documents asked about most
// recently, so that the next request on an edited document reparses
// incrementally instead of from scratch. Trees are C memory: an evicted
// tree is closed at once, and trees never leave the lock.
type docTrees struct {
	mu      sync.Mutex
	entries []*docTree // least recently used first
	closed  bool
}

type docTree struct {
	path    string
	lang    *syntax.Language
	src     []byte
	tree    *syntax.Tree
	outline *syntax.Outline // of tree, once asked for
	// types caches goLocalTypes by the start of the function it read.
	types map[int]map[string]string
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
	t := goLocalTypes(string(e.src[start:end]))
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

// with calls fn with the tree of content, parsed as lang. The tree is
// valid only during fn; fn must not keep it or any node of it.
func (d *docTrees) with(ctx context.Context, path string, lang *syntax.Language, content string, fn func(*docTree)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errors.New("retrieve: retriever closed")
	}
	var e *docTree
	for i, x := range d.entries {
		if x.path == path && x.lang == lang {
			e = x
			d.entries = append(append(d.entries[:i:i], d.entries[i+1:]...), x)
			break
		}
	}
	switch {
	case e != nil && string(e.src) == content:
		// unchanged: reuse as is
	case e != nil:
		src := []byte(content)
		t, err := e.tree.Reparse(ctx, src, []text.Change{change(e.src, src)})
		if err != nil {
			return err
		}
		e.tree.Close()
		e.tree, e.src, e.outline, e.types = t, src, nil, nil
	default:
		src := []byte(content)
		t, err := syntax.Parse(ctx, lang, src)
		if err != nil {
			return err
		}
		e = &docTree{path: path, lang: lang, src: src, tree: t}
		d.entries = append(d.entries, e)
		if len(d.entries) > maxTrees {
			d.entries[0].tree.Close()
			d.entries = d.entries[1:]
		}
	}
	fn(e)
	return nil
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
			x.tree.Close()
			d.entries = append(d.entries[:i], d.entries[i+1:]...)
			return
		}
	}
}

// close closes every tree.
func (d *docTrees) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, x := range d.entries {
		x.tree.Close()
	}
	d.entries, d.closed = nil, true
}

// change describes the edit from old to new as one replaced span: the
// bytes between their common prefix and common suffix.
func change(old, new []byte) text.Change {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	return text.Change{
		StartByte: p, OldEndByte: len(old) - s, NewEndByte: len(new) - s,
		StartPoint: pointAt(old, p), OldEndPoint: pointAt(old, len(old)-s), NewEndPoint: pointAt(new, len(new)-s),
	}
}

func pointAt(src []byte, off int) text.Point {
	row := bytes.Count(src[:off], []byte{'\n'})
	col := off - (bytes.LastIndexByte(src[:off], '\n') + 1)
	return text.Point{Row: row, Column: col}
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
