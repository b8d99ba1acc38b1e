package completion

import (
	"context"
	"sync"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

// maxTrees bounds the documents whose last tree is kept.
const maxTrees = 16

// sharedTree is a tree shared by the cache and the requests that read it;
// the last reference closes it.
type sharedTree struct {
	tree *syntax.Tree
	lang *syntax.Language
	text string
	refs int // guarded by trees.mu
	used uint64
}

// Trees is the syntax trees another reader of the documents keeps: the
// engine finds it on its Retriever, as an optional capability. The
// retriever parses the request's document for its context before the
// syntax check needs it; the check takes that tree instead of parsing the
// document a second time (a whole parse, on the first request in a
// document just opened).
type Trees interface {
	// Tree returns a tree of the document at path parsed as lang from
	// doc exactly, or nil. It may wait for a parse of the document in
	// progress. The caller closes it.
	Tree(ctx context.Context, path string, lang *syntax.Language, doc string) *syntax.Tree
}

// trees keeps the last tree of each recent document, so that a request
// parses only what changed since the previous one (typing costs an
// incremental reparse, not a parse of the whole file).
type trees struct {
	// from, if set, has trees parsed by another reader; one of doc
	// itself is taken instead of a parse.
	from Trees

	// work counts the parses of the requests' checkers and the waits
	// that release their trees, for close to wait.
	work sync.WaitGroup

	mu     sync.Mutex
	tick   uint64
	byPath map[string]*sharedTree
}

// get returns the tree of doc at path, with a reference the caller must
// drop with put.
func (ts *trees) get(ctx context.Context, lang *syntax.Language, path, doc string) (*sharedTree, error) {
	ts.mu.Lock()
	if ts.byPath == nil {
		ts.byPath = make(map[string]*sharedTree)
	}
	ts.tick++
	old := ts.byPath[path]
	if old != nil && old.lang == lang {
		old.refs++
		old.used = ts.tick
		if old.text == doc {
			ts.mu.Unlock()
			return old, nil
		}
	} else {
		old = nil
	}
	ts.mu.Unlock()

	var t *syntax.Tree
	var err error
	if ts.from != nil {
		t = ts.from.Tree(ctx, path, lang, doc)
	}
	switch {
	case t != nil:
		if old != nil {
			ts.put(old)
		}
	case old != nil:
		t, err = old.tree.Reparse(ctx, []byte(doc), []text.Change{text.Diff(old.text, doc)})
		ts.put(old)
	default:
		t, err = syntax.Parse(ctx, lang, []byte(doc))
	}
	if err != nil {
		return nil, err
	}
	st := &sharedTree{tree: t, lang: lang, text: doc, refs: 2} // the cache's and the caller's
	ts.mu.Lock()
	st.used = ts.tick
	if cur := ts.byPath[path]; cur != nil {
		ts.dropLocked(cur)
	}
	ts.byPath[path] = st
	if len(ts.byPath) > maxTrees {
		ts.evictLocked()
	}
	ts.mu.Unlock()
	return st, nil
}

// put drops a reference taken by get.
func (ts *trees) put(st *sharedTree) {
	ts.mu.Lock()
	ts.dropLocked(st)
	ts.mu.Unlock()
}

func (ts *trees) dropLocked(st *sharedTree) {
	st.refs--
	if st.refs == 0 {
		st.tree.Close()
	}
}

// evictLocked forgets the least recently used document.
func (ts *trees) evictLocked() {
	var oldest string
	var min uint64
	for p, st := range ts.byPath {
		if oldest == "" || st.used < min {
			oldest, min = p, st.used
		}
	}
	ts.dropLocked(ts.byPath[oldest])
	delete(ts.byPath, oldest)
}

// forget drops the tree of path.
func (ts *trees) forget(path string) {
	ts.mu.Lock()
	if st := ts.byPath[path]; st != nil {
		ts.dropLocked(st)
		delete(ts.byPath, path)
	}
	ts.mu.Unlock()
}

// close waits for the requests' parses and drops every cached tree.
func (ts *trees) close() {
	ts.work.Wait()
	ts.mu.Lock()
	for p, st := range ts.byPath {
		ts.dropLocked(st)
		delete(ts.byPath, p)
	}
	ts.mu.Unlock()
}
