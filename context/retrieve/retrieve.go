package retrieve

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/memo"
)

// Counter counts tokens the way the model will (completion/llm's
// TokenCounter and context/tokens.Counter satisfy it).
type Counter interface {
	CountTokens(s string) int
}

// Options tune retrieval. Zero values mean the defaults.
type Options struct {
	// Budget is the token budget of a Request that names none (1024).
	Budget int
	// NearLines is how many lines around the cursor name the identifiers
	// whose definitions are looked up first (8).
	NearLines int
	// QueryLines is how many lines before the cursor make the query for
	// similar code (20, the window Cody and Copilot compare).
	QueryLines int
	// MaxDefinitionLines is the longest type or value definition shown
	// whole; longer ones are cut (40).
	MaxDefinitionLines int
	// RecentEdits is how many recently edited ranges are remembered (16).
	RecentEdits int
	// ParseBudget is how long a request waits for the reparse of an
	// edited document (3ms). Reparsing is usually well under a
	// millisecond, but tree-sitter's error recovery can take tens of
	// milliseconds on the broken line being typed ("f(g(x" in a long
	// file). Past the budget, after a small edit, the request reads the
	// document's previous tree, one edit behind, while the reparse
	// finishes in the background for the next request. Negative: always
	// wait for the reparse.
	ParseBudget time.Duration
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Budget, 1024)
	def(&o.NearLines, 8)
	def(&o.QueryLines, 20)
	def(&o.MaxDefinitionLines, 40)
	def(&o.RecentEdits, 16)
	if o.ParseBudget == 0 {
		o.ParseBudget = 3 * time.Millisecond
	}
	return o
}

// Retriever builds context bundles from a workspace and its index. It is
// safe for concurrent use.
type Retriever struct {
	ws      *workspace.Workspace
	ix      *index.Index
	counter Counter
	opts    Options

	trees    docTrees
	contents *contents
	redacted *memo.Strings[string] // redacted texts
	edits    *edits
	windows  *windowSets
	symbols  symbolCache
	deps     atomic.Pointer[depsHolder] // see SetDependencies
	depFiles sync.Map                   // path -> bool: depAllowed's answers outside the folders

	// work counts the goroutines the Retriever starts (first parses of
	// opened documents, sources still running past a request's
	// deadline), for Close to wait.
	work sync.WaitGroup
}

// New returns a Retriever over ws and ix, counting tokens with counter.
// It follows ws's events to remember recent edits and to drop stale file
// contents.
func New(ws *workspace.Workspace, ix *index.Index, counter Counter, opts Options) *Retriever {
	opts = opts.withDefaults()
	r := &Retriever{
		ws: ws, ix: ix, counter: counter, opts: opts,
		contents: newContents(ws),
		redacted: memo.New[string](maxRedacted),
		edits:    newEdits(opts.RecentEdits),
		windows:  newWindowSets(),
	}
	r.trees.budget = opts.ParseBudget
	ws.Subscribe(r.observe)
	return r
}

// Close releases the syntax trees the Retriever keeps, once the work it
// started in the background has ended. Requests after Close get no
// syntax: lexical context only.
func (r *Retriever) Close() {
	r.trees.close()
	r.work.Wait()
}

// Tree returns a tree of the document at path parsed as lang from
// content: the tree the Retriever keeps for its requests, joining the
// parse in progress (started when the document opened, or by a request)
// and reparsing an edited one as its requests do. nil when it keeps
// nothing of the document (the caller parses it, as cheaply as the
// Retriever would), when ctx ends first, or when the reparse of a small
// edit runs past the parse budget (the Retriever's requests then read the
// previous version). The caller closes it; it is a clone, made in
// constant time.
func (r *Retriever) Tree(ctx context.Context, path string, lang *syntax.Language, content string) *syntax.Tree {
	if !r.trees.keeps(path) {
		return nil
	}
	var t *syntax.Tree
	r.trees.with(ctx, path, lang, content, func(e *docTree) {
		if e.text == content {
			t = e.tree.Clone()
		}
	})
	return t
}

// observe follows workspace changes. It must not block: it only records.
func (r *Retriever) observe(e workspace.Event) {
	if e.Open {
		r.symbols.edit(e.Path)
	} else {
		r.symbols.changes.Add(1)
	}
	r.contents.forget(e.Path)
	r.windows.forget(e.Path)
	if e.Kind == workspace.Deleted {
		r.trees.forget(e.Path)
		r.edits.forget(e.Path)
		return
	}
	doc, open := r.ws.Document(e.Path)
	switch {
	case open && e.Open && r.ws.Large(doc):
		// A large document is never kept or parsed whole: its requests
		// read a window around the cursor (see workspace.Window).
		r.edits.closed(e.Path)
	case open && e.Open:
		r.edits.observe(e.Path, doc.Text.String())
		if lang := syntax.Detect(doc.LanguageID, doc.Path); lang != nil && !r.trees.has(doc.Path) {
			// Parse a newly opened document now, so that its first
			// completion does not wait for it.
			content := doc.Text.String()
			r.work.Go(func() { r.trees.with(context.Background(), doc.Path, lang, content, func(*docTree) {}) })
		}
	case !open:
		r.edits.closed(e.Path)
	}
}

// Retrieve returns the context bundle for req: the enclosing scopes'
// signatures, definitions of the identifiers around the cursor, similar
// code and recent edits, ranked by reciprocal-rank fusion, redacted, and
// packed under the token budget. It never waits for indexing: with an
// empty index it still returns what the document itself gives.
//
// A deadline on ctx is a time budget, not a cancellation: the sources run
// in priority order, and at the deadline the bundle is packed from those
// that finished; the others are listed in Bundle.Cut. A cancelled ctx
// returns its error and no bundle.
func (r *Retriever) Retrieve(ctx context.Context, req Request) (Bundle, error) {
	if req.Path == "" {
		return Bundle{}, errors.New("retrieve: request without a path")
	}
	req.Path = filepath.Clean(req.Path)
	if req.Content == "" {
		data, err := r.ws.ReadFile(req.Path)
		if err != nil {
			return Bundle{}, fmt.Errorf("retrieve: %w", err)
		}
		req.Content = string(data)
	}
	req.Offset = max(0, min(req.Offset, len(req.Content)))
	if req.SuffixEnd <= req.PrefixStart {
		req.PrefixStart, req.SuffixEnd = 0, len(req.Content)
	}
	if req.Budget <= 0 {
		req.Budget = r.opts.Budget
	}
	if workspace.IsSecretFile(req.Path) {
		return Bundle{Budget: req.Budget}, nil // nothing leaves a secret file
	}
	r.symbols.refresh(r.ix)
	f, err := r.gather(ctx, req)
	if err != nil {
		return Bundle{}, err
	}
	if f.a == nil {
		return Bundle{Budget: req.Budget, Snippets: []Snippet{}, Cut: f.cut}, nil
	}
	lists := make([][]candidate, len(f.lists))
	weights := make([]float64, len(f.lists))
	for i, l := range f.lists {
		lists[i], weights[i] = l, sources[i].weight
	}
	b := r.pack(req, f.a, fuse(lists, weights))
	b.Cut = f.cut
	return b, nil
}

// Context is Retrieve under the name the language server's ContextSource
// (lode/context) asks for.
func (r *Retriever) Context(ctx context.Context, req Request) (Bundle, error) {
	return r.Retrieve(ctx, req)
}

// analyze extracts what retrieval needs from the document's syntax tree,
// while the tree is alive.
func (r *Retriever) analyze(ctx context.Context, req Request) (*analysis, error) {
	a := &analysis{content: req.Content, offset: req.Offset}
	a.cursorLine, _ = lineRange(req.Content, req.Offset, req.Offset)
	a.windowFirst, a.windowLast = lineRange(req.Content, req.PrefixStart, req.SuffixEnd)
	lang := syntax.Detect(req.Language, req.Path)
	if lang == nil {
		return a, nil
	}
	a.lang = lang.Name
	err := r.trees.with(ctx, req.Path, lang, req.Content, func(t *docTree) {
		defer func() {
			// A fault in reading the tree must not take the server down
			// with it: the bundle falls back to lexical context.
			if p := recover(); p != nil {
				*a = analysis{content: a.content, offset: a.offset, cursorLine: a.cursorLine,
					windowFirst: a.windowFirst, windowLast: a.windowLast, lang: a.lang}
			}
		}()
		if t.text != a.content {
			a.readStale(t, r.opts.NearLines)
			return
		}
		a.read(t, r.opts.NearLines)
	})
	if err != nil && ctx.Err() != nil {
		return nil, err
	}
	// A parse failure leaves lexical context only.
	return a, nil
}
