package retrieve

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
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
	redacted *redactCache
	edits    *edits
	windows  *windowSets
	symbols  symbolCache
}

// New returns a Retriever over ws and ix, counting tokens with counter.
// It follows ws's events to remember recent edits and to drop stale file
// contents.
func New(ws *workspace.Workspace, ix *index.Index, counter Counter, opts Options) *Retriever {
	opts = opts.withDefaults()
	r := &Retriever{
		ws: ws, ix: ix, counter: counter, opts: opts,
		contents: newContents(ws),
		redacted: newRedactCache(),
		edits:    newEdits(opts.RecentEdits),
		windows:  newWindowSets(),
	}
	ws.Subscribe(r.observe)
	return r
}

// Close releases the syntax trees the Retriever keeps.
func (r *Retriever) Close() { r.trees.close() }

// observe follows workspace changes. It must not block: it only records.
func (r *Retriever) observe(e workspace.Event) {
	if e.Open {
		r.symbols.edited(e.Path)
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
			go r.trees.with(context.Background(), doc.Path, lang, doc.Text.String(), func(*docTree) {})
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
	a, err := r.analyze(ctx, req)
	if err != nil {
		return Bundle{}, err
	}
	// An ignored document's own text goes no further than the prompt's
	// window: none of it becomes a snippet.
	a.ownHidden = !r.ws.Allowed(req.Path)
	if err := ctx.Err(); err != nil {
		return Bundle{}, err
	}
	lists := [][]candidate{
		r.definitions(req, a),
		r.similar(req, a),
		r.recentEdits(),
	}
	return r.pack(req, a, fuse(lists, sourceWeights)), nil
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
		if string(t.src) != a.content {
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
