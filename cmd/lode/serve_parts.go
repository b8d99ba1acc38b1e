package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/background"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/server"
)

// indexProgressDelay is how long indexing runs before progress is shown:
// a small workspace is indexed without any.
const indexProgressDelay = 500 * time.Millisecond

// workspacePart follows the workspace folders: it indexes them in the
// background, answers lode/context, grounds explanations and trains the
// embedded model. Until the first folder's saved index is loaded, an empty
// index serves: open documents still get context at once.
type workspacePart struct {
	s     *session
	model *ngram.Model // the embedded model, shared by every engine

	// mem is the index and its retriever; it is replaced once, when the
	// saved index of the first folder has been loaded.
	mem atomic.Pointer[memory]

	indexed  indexProgress
	prepared sync.Map // paths whose document levels the model has built
	// gate holds indexing and learning back while a request is in
	// flight (the server finds it as a server.Foreground: see Begin).
	gate *background.Gate

	mu          sync.Mutex
	indexer     *retrieve.Indexer
	modelCache  string // where the embedded model is saved; "" for nowhere
	clientWatch bool   // the editor reports file changes; no watcher of our own
}

// memory is an index with the retriever over it.
type memory struct {
	ix   *index.Index
	retr *retrieve.Retriever
}

var (
	_ server.FolderWatcher  = (*workspacePart)(nil)
	_ server.ClientWatching = (*workspacePart)(nil)
	_ server.ContextSource  = (*workspacePart)(nil)
	_ completion.Retriever  = (*workspacePart)(nil)
	_ explain.Lookup        = (*workspacePart)(nil)
)

func newWorkspacePart(s *session) (any, error) {
	w := &workspacePart{s: s, model: ngram.New(ngram.Options{}), gate: background.New(background.Options{Nice: 10})}
	w.mem.Store(w.newMemory(index.New()))
	s.workspace.Subscribe(w.prepare)
	s.parts.workspace = w
	w.Configure(s.cfg)
	return w, nil
}

func (w *workspacePart) newMemory(ix *index.Index) *memory {
	teach(ix, w.model, w.s.logger)
	return &memory{ix: ix, retr: retrieve.New(w.s.workspace, ix, tokens.New(), retrieve.Options{})}
}

// prepare has the embedded model build its directory and file levels for
// a document when it is first opened, in the background, so that the first
// completion in it has them.
func (w *workspacePart) prepare(e workspace.Event) {
	if !e.Open {
		return
	}
	if _, seen := w.prepared.LoadOrStore(e.Path, true); seen {
		return
	}
	lang := ""
	if d, ok := w.s.workspace.Document(e.Path); ok {
		lang = d.LanguageID
	}
	go w.model.Prepare(lang, e.Path)
}

// Configure applies the workspace settings.
func (w *workspacePart) Configure(cfg *config.Config) {
	w.s.workspace.SetOptions(workspace.Options{
		MaxFileSize: int64(cfg.Context.MaxFileSize),
		Vendored:    cfg.Context.Vendored,
	})
}

// AddFolder adds a folder to the workspace; the first one starts the
// background indexing, which then follows every folder's changes.
func (w *workspacePart) AddFolder(ctx context.Context, path string) {
	if err := w.s.workspace.AddFolder(path); err != nil {
		w.s.logger.Warn("adding workspace folder", "path", path, "err", err)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.indexer != nil {
		w.indexer.Rescan() // index the new folder too
		return
	}
	ix, indexCache := retrieve.OpenIndex(path)
	old := w.mem.Swap(w.newMemory(ix))
	old.ix.OnParsed(nil)
	old.retr.Close()
	w.modelCache = loadEmbedded(w.model, path, w.s.logger)
	w.indexer = retrieve.StartIndexing(w.s.ctx, w.s.workspace, ix, retrieve.IndexOptions{
		CachePath: indexCache,
		Watch:     !w.clientWatch,
		Warn:      w.warn,
		Progress:  w.indexed.note,
		Yield:     w.gate.Wait,
	})
	go learnWorkspace(w.s.ctx, w.s.workspace, w.indexer, w.model, w.modelCache, w.gate.Wait, w.s.logger)
	go w.reportIndexing(w.indexer)
}

// indexProgress is the progress of the cold build, as the indexer reports it.
type indexProgress struct {
	done, total atomic.Int64
}

func (p *indexProgress) note(done, total int) {
	p.done.Store(int64(done))
	p.total.Store(int64(total))
}

// reportIndexing shows the cold build as $/progress once the client is
// ready, unless the build is over by then.
func (w *workspacePart) reportIndexing(ir *retrieve.Indexer) {
	srv := w.s.server
	if srv == nil {
		return
	}
	ctx := w.s.ctx
	select {
	case <-srv.Ready():
	case <-ctx.Done():
		return
	}
	built := make(chan struct{})
	go func() { ir.Wait(ctx); close(built) }()
	select {
	case <-built:
		return
	case <-time.After(indexProgressDelay):
	}
	prog := srv.Progress(ctx, nil, "lode: indexing")
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			done, total := w.indexed.done.Load(), w.indexed.total.Load()
			if total > 0 {
				prog.Report(ctx, fmt.Sprintf("%d/%d files", done, total), int(done*100/total))
			}
		case <-built:
			prog.End(ctx, fmt.Sprintf("%d files", w.indexed.total.Load()))
			return
		}
	}
}

// SetClientWatching leaves file watching to the editor, or takes it back.
func (w *workspacePart) SetClientWatching(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	was := w.clientWatch
	w.clientWatch = on
	if was && !on && w.indexer != nil {
		w.s.workspace.Watch(w.s.ctx, w.warn)
	}
}

func (w *workspacePart) warn(msg string) { w.s.logger.Warn(msg) }

// RemoveFolder forgets a folder.
func (w *workspacePart) RemoveFolder(path string) { w.s.workspace.RemoveFolder(path) }

// Context implements server.ContextSource.
func (w *workspacePart) Context(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return w.mem.Load().retr.Context(ctx, req)
}

// Retrieve implements completion.Retriever.
func (w *workspacePart) Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return w.mem.Load().retr.Retrieve(ctx, req)
}

// Definitions implements explain.Lookup over the current index.
func (w *workspacePart) Definitions(ctx context.Context, name string) []retrieve.Snippet {
	return w.lookup().Definitions(ctx, name)
}

// Callers implements explain.Lookup over the current index.
func (w *workspacePart) Callers(ctx context.Context, name string) []retrieve.Snippet {
	return w.lookup().Callers(ctx, name)
}

func (w *workspacePart) lookup() explain.IndexLookup {
	return explain.IndexLookup{Index: w.mem.Load().ix, Read: w.s.workspace.ReadFile}
}

// Close stops the watcher and releases the retriever's trees.
func (w *workspacePart) Close() error {
	w.s.workspace.StopWatching()
	m := w.mem.Load()
	m.ix.OnParsed(nil)
	m.retr.Close()
	return nil
}

// completionPart is the completion engine of a session. The engine is
// rebuilt when the model configuration changes, and reconfigured otherwise.
type completionPart struct {
	ws     *workspacePart
	logger *slog.Logger

	mu     sync.Mutex // serializes Configure
	key    string     // the model configuration the engine was built for
	engine atomic.Pointer[completion.Engine]
}

var _ server.Completer = (*completionPart)(nil)

func newCompletionPart(s *session) (any, error) {
	c := &completionPart{ws: s.parts.workspace, logger: s.logger}
	c.Configure(s.cfg)
	return c, nil
}

// Configure builds an engine for cfg, or reconfigures the current one when
// the model is the same.
func (c *completionPart) Configure(cfg *config.Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	opts := completion.Options{
		Config: cfg.Completion,
		Tokens: tokens.New(),
		Logger: c.logger,
	}
	if c.ws != nil {
		opts.Retriever = c.ws
	}
	m, setup, err := featureModel(cfg, config.FeatureCompletion)
	key := "embedded"
	switch {
	case err != nil:
		c.logger.Warn("completion model unavailable; using the embedded model", "err", err)
	case setup.Provider != "embedded":
		key = fmt.Sprintf("%+v", setup.ResolvedModel)
		opts.Model, opts.ModelName, opts.Format = m, setup.ModelID, newFormat(setup, m)
		if c.ws != nil {
			// The engine consults it per setting: fallback_embedded,
			// companion, and ranked tokens for completion items.
			opts.Embedded = c.ws.model
		}
	}
	if opts.Model == nil {
		opts.ModelName = "embedded"
		if c.ws != nil {
			opts.Model = c.ws.model
		} else {
			opts.Model = ngram.New(ngram.Options{})
		}
		if setup != nil {
			opts.Format = newFormat(setup, opts.Model)
		}
	}
	if cur := c.engine.Load(); cur != nil && key == c.key {
		cur.SetConfig(cfg.Completion)
		return
	}
	c.key = key
	if old := c.engine.Swap(completion.New(opts)); old != nil {
		old.Close()
	}
}

func (c *completionPart) Complete(ctx context.Context, req completion.Request) (completion.Result, error) {
	return c.engine.Load().Complete(ctx, req)
}

func (c *completionPart) Accept(id string) bool { return c.engine.Load().Accept(id) }

// Forget drops the engine's state of a closed document.
func (c *completionPart) Forget(path string) { c.engine.Load().Forget(path) }

func (c *completionPart) Close() error { return c.engine.Load().Close() }

// newExplainPart serves explanations and patches over the session's index.
func newExplainPart(s *session) (any, error) {
	var lookup explain.Lookup
	if w := s.parts.workspace; w != nil {
		lookup = w
	}
	return newExplainService(s.cfg, lookup, s.logger), nil
}

// sessionParts lets later parts reach earlier ones.
type sessionParts struct {
	workspace *workspacePart
}
