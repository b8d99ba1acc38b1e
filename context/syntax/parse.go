package syntax

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/lode-ls/lode/context/text"
)

// ErrNoLanguage is returned by Parse for a nil Language: the caller should
// treat the document as plain text.
var ErrNoLanguage = errors.New("syntax: no language")

// openTrees counts Trees returned and not yet closed.
var openTrees atomic.Int64

// OpenTrees returns how many Trees are alive (returned and not yet closed).
// Tests use it to prove that every tree is closed; a server may log it.
func OpenTrees() int64 { return openTrees.Load() }

// parsedBytes counts the bytes of the sources given to parse, whole or
// incrementally.
var parsedBytes atomic.Int64

// ParsedBytes returns how many bytes of source were parsed (whole or
// incrementally) since the process started: tests use it to prove that a
// document is never parsed whole.
func ParsedBytes() int64 { return parsedBytes.Load() }

// Tree is a parsed document. It holds C memory: call Close exactly once when
// done (later calls do nothing). A Tree is immutable and safe for concurrent
// reads; Reparse leaves the receiver untouched.
type Tree struct {
	lang   *Language
	src    []byte
	ts     *tree_sitter.Tree
	closed atomic.Bool
	// For a tree from Reparse: the edited copy of the tree it came from and
	// the span of the edits, from which Changed computes its answer once.
	changedMu                sync.Mutex
	prev                     *tree_sitter.Tree
	changedStart, changedEnd int
	changedOK                bool
}

// Language returns the language the tree was parsed with.
func (t *Tree) Language() *Language { return t.lang }

// Source returns the bytes the tree was parsed from. The slice is shared:
// do not modify it.
func (t *Tree) Source() []byte { return t.src }

// Root returns the root node. Nodes are valid only until the Tree is closed.
func (t *Tree) Root() *tree_sitter.Node { return t.ts.RootNode() }

// Close releases the tree's C memory. Only the first call has an effect.
func (t *Tree) Close() {
	if t == nil || !t.closed.CompareAndSwap(false, true) {
		return
	}
	t.ts.Close()
	t.changedMu.Lock()
	if t.prev != nil {
		t.prev.Close()
		t.prev = nil
	}
	t.changedMu.Unlock()
	openTrees.Add(-1)
}

// Clone returns a tree of the same source that the caller closes on its
// own, as tree-sitter copies a tree: in constant time, sharing the nodes.
// It is how a tree parsed for one reader is handed to another, which may
// reparse it or close it when it likes.
func (t *Tree) Clone() *Tree {
	openTrees.Add(1)
	return &Tree{lang: t.lang, src: t.src, ts: t.ts.Clone()}
}

// Text returns the source of n.
func (t *Tree) Text(n *tree_sitter.Node) string {
	return string(t.src[n.StartByte():n.EndByte()])
}

// pauseKey is the context key of WithPause.
type pauseKey struct{}

// WithPause returns a context whose parses (Parse, Reparse) give way:
// every few hundred steps of the parser, pause is called with the context
// and returns when the parse may go on, or with an error that stops the
// parse as a cancellation does. Background work (indexing) passes the
// wait of its gate (background.Gate's Wait), so that the parse of a long
// file does not keep a core from a request that has just come in.
//
// The binding keeps a few bytes per parse with a callback (it never
// releases the callback's registration): pausable parses are for
// background work, not for every keystroke.
func WithPause(ctx context.Context, pause func(context.Context) error) context.Context {
	return context.WithValue(ctx, pauseKey{}, pause)
}

func pauseOf(ctx context.Context) func(context.Context) error {
	p, _ := ctx.Value(pauseKey{}).(func(context.Context) error)
	return p
}

// Parse parses src as lang. The Tree keeps src (without copying it): the
// caller must not modify src afterwards. Parsing stops with ctx's error when
// ctx is cancelled.
func Parse(ctx context.Context, lang *Language, src []byte) (*Tree, error) {
	if lang == nil {
		return nil, ErrNoLanguage
	}
	return lang.pool.parse(ctx, src, nil)
}

// ParseDocument parses src, the text of the document at path in the
// language languageID, as Detect names the language; ErrNoLanguage when
// it names none lode parses.
func ParseDocument(ctx context.Context, languageID, path string, src []byte) (*Tree, error) {
	return Parse(ctx, Detect(languageID, path), src)
}

// Reparse returns the tree of src, the new content of the document after
// changes (in the order they were applied, as text.Text.Apply returns them),
// reusing the unchanged parts of t. The receiver is not modified and stays
// open: the caller closes it when it no longer needs it. With no changes and
// the same length, Reparse still parses (the content may differ) but reuses
// everything it can.
func (t *Tree) Reparse(ctx context.Context, src []byte, changes []text.Change) (*Tree, error) {
	if t.closed.Load() {
		return nil, errors.New("syntax: reparse of a closed tree")
	}
	if !editsFit(len(t.src), len(src), changes) {
		// Edits that contradict the lengths of the sources would make
		// tree-sitter reuse nodes at the wrong places: parse afresh.
		return t.lang.pool.parse(ctx, src, nil)
	}
	old := t.ts.Clone()
	for _, c := range changes {
		old.Edit(&tree_sitter.InputEdit{
			StartByte:      uint(c.StartByte),
			OldEndByte:     uint(c.OldEndByte),
			NewEndByte:     uint(c.NewEndByte),
			StartPosition:  point(c.StartPoint),
			OldEndPosition: point(c.OldEndPoint),
			NewEndPosition: point(c.NewEndPoint),
		})
	}
	next, err := t.lang.pool.parse(ctx, src, old)
	if err != nil {
		old.Close()
		return nil, err
	}
	start, end := len(src), 0
	for _, c := range changes {
		start, end = min(start, c.StartByte), max(end, c.NewEndByte)
	}
	next.prev, next.changedStart, next.changedEnd = old, start, end
	return next, nil
}

// Changed returns the byte span of the tree, from Reparse, that holds
// every change and every node whose structure differs from the tree it was
// reparsed from: outside it, the two trees have the same nodes (shifted by
// the edits). ok is false for a tree from Parse, or from a Reparse whose
// changes did not fit its source (which parses afresh). The first call
// does the work (tree-sitter's changed ranges), which Reparse leaves
// undone for callers that never ask.
func (t *Tree) Changed() (start, end int, ok bool) {
	t.changedMu.Lock()
	defer t.changedMu.Unlock()
	if t.prev != nil && !t.closed.Load() {
		for _, r := range t.prev.ChangedRanges(t.ts) {
			t.changedStart, t.changedEnd = min(t.changedStart, int(r.StartByte)), max(t.changedEnd, int(r.EndByte))
		}
		if t.changedStart > t.changedEnd {
			t.changedStart, t.changedEnd = 0, 0
		}
		t.prev.Close()
		t.prev = nil
		t.changedOK = true
	}
	return t.changedStart, t.changedEnd, t.changedOK
}

// editsFit reports whether changes, applied in order to a source of oldLen
// bytes, are in range and give a source of newLen bytes.
func editsFit(oldLen, newLen int, changes []text.Change) bool {
	n := oldLen
	for _, c := range changes {
		if c.StartByte < 0 || c.StartByte > c.OldEndByte || c.OldEndByte > n || c.StartByte > c.NewEndByte {
			return false
		}
		n += c.NewEndByte - c.OldEndByte
	}
	return n == newLen
}

func point(p text.Point) tree_sitter.Point {
	return tree_sitter.Point{Row: uint(p.Row), Column: uint(p.Column)}
}

// parserPool keeps idle parsers of one language. Parsers are not safe for
// concurrent use, so each parse takes one out and puts it back. The pool is a
// bounded free list rather than a sync.Pool because a parser dropped by the
// garbage collector would leak its C memory.
type parserPool struct {
	lang *Language
	mu   sync.Mutex
	idle []*parser
}

// parser is a tree-sitter parser with its cancellation flag, pinned so that
// the C side may keep a pointer to it.
type parser struct {
	p      *tree_sitter.Parser
	flag   *uintptr
	pinner runtime.Pinner
}

func newParserPool(l *Language) *parserPool { return &parserPool{lang: l} }

func (pp *parserPool) get() (*parser, error) {
	pp.mu.Lock()
	if n := len(pp.idle); n > 0 {
		p := pp.idle[n-1]
		pp.idle = pp.idle[:n-1]
		pp.mu.Unlock()
		return p, nil
	}
	pp.mu.Unlock()
	p := &parser{p: tree_sitter.NewParser(), flag: new(uintptr)}
	if err := p.p.SetLanguage(pp.lang.ts); err != nil {
		p.p.Close()
		return nil, fmt.Errorf("syntax: %s grammar: %w", pp.lang.Name, err)
	}
	p.pinner.Pin(p.flag)
	p.p.SetCancellationFlag(p.flag)
	return p, nil
}

// put returns p, whose last parse finished, to the pool.
func (pp *parserPool) put(p *parser) {
	p.p.Reset()
	atomic.StoreUintptr(p.flag, 0)
	pp.mu.Lock()
	if len(pp.idle) < 2*runtime.GOMAXPROCS(0) {
		pp.idle = append(pp.idle, p)
		p = nil
	}
	pp.mu.Unlock()
	if p != nil {
		p.close()
	}
}

// close releases the parser's C memory.
func (p *parser) close() {
	p.p.SetCancellationFlag(nil)
	p.p.Close()
	p.pinner.Unpin()
}

// readChunk is the most source a parse hands tree-sitter at once: a
// reparse reads the few pieces around its edit, a parse the whole file
// piece by piece (tree-sitter takes a character split between two pieces
// whole from the second).
const readChunk = 8 << 10

func (pp *parserPool) parse(ctx context.Context, src []byte, old *tree_sitter.Tree) (*Tree, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	parsedBytes.Add(int64(len(src)))
	p, err := pp.get()
	if err != nil {
		return nil, err
	}
	// A parser whose parse returned no tree is closed, never reused: a
	// parse cancelled while tree-sitter rebalances the finished tree leaves
	// the parser's canceled_balancing set, which Reset (ts_parser_reset of
	// v0.25) does not clear, so its next parse, of any input, would resume
	// the balancing of a tree Reset released and abort the process
	// (parser.c: Assertion 'self->finished_tree.ptr' failed).
	var ts *tree_sitter.Tree
	defer func() {
		if ts != nil {
			pp.put(p)
		} else {
			p.close()
		}
	}()
	if ctx.Done() != nil {
		flag, fired := p.flag, make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			atomic.StoreUintptr(flag, 1)
			close(fired)
		})
		// The flag must not be set after the parser is back in the pool.
		defer func() {
			if !stop() {
				<-fired
			}
		}()
	}
	// The binding copies each piece of source it hands tree-sitter, twice
	// (to a Go string, then to C memory kept until the parse ends): read
	// in pieces of readChunk bytes, not the rest of the source each time,
	// which on a reparse after a small edit copied most of the file.
	read := func(i int, _ tree_sitter.Point) []byte {
		if i < len(src) {
			return src[i:min(len(src), i+readChunk)]
		}
		return nil
	}
	var opts *tree_sitter.ParseOptions
	if pause := pauseOf(ctx); pause != nil {
		opts = &tree_sitter.ParseOptions{ProgressCallback: func(tree_sitter.ParseState) bool {
			return pause(ctx) != nil
		}}
	}
	ts = p.p.ParseWithOptions(read, old, opts)
	if ts == nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("syntax: %s parser returned no tree", pp.lang.Name)
	}
	openTrees.Add(1)
	return &Tree{lang: pp.lang, src: src, ts: ts}, nil
}
