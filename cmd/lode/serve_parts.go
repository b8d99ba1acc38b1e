package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/config"
	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/lsp/server"
)

// indexProgressDelay is how long indexing runs before progress is shown:
// a small workspace is indexed without any.
const indexProgressDelay = 500 * time.Millisecond

// maxLearnFiles bounds how many workspace files the embedded model learns
// at start, so a huge workspace does not keep a CPU busy for minutes.
const maxLearnFiles = 5000

// workspacePart follows the workspace folders: it indexes them in the
// background, answers lode/context and feeds the embedded model.
type workspacePart struct {
	s     *session
	ix    *index.Index
	retr  *retrieve.Retriever
	model *ngram.Model // the embedded model, shared by every engine

	indexed indexProgress

	mu          sync.Mutex
	indexer     *retrieve.Indexer
	clientWatch bool // the editor reports file changes; no watcher of our own
}

var (
	_ server.FolderWatcher  = (*workspacePart)(nil)
	_ server.ClientWatching = (*workspacePart)(nil)
	_ server.ContextSource  = (*workspacePart)(nil)
)

func newWorkspacePart(s *session) (any, error) {
	ix := index.New()
	w := &workspacePart{
		s:     s,
		ix:    ix,
		retr:  retrieve.New(s.workspace, ix, tokens.New(), retrieve.Options{}),
		model: ngram.New(ngram.Options{}),
	}
	s.parts.workspace = w
	w.Configure(s.cfg)
	return w, nil
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
	w.indexer = retrieve.StartIndexing(w.s.ctx, w.s.workspace, w.ix, retrieve.IndexOptions{
		Watch:    !w.clientWatch,
		Warn:     w.warn,
		Progress: w.indexed.note,
	})
	go w.learn(w.indexer)
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
	return w.retr.Context(ctx, req)
}

// learn teaches the embedded model the workspace files once the index is
// built.
func (w *workspacePart) learn(ir *retrieve.Indexer) {
	ctx := w.s.ctx
	if _, err := ir.Wait(ctx); err != nil {
		return
	}
	files, err := w.s.workspace.Scan(ctx)
	if err != nil {
		w.s.logger.Warn("embedded model: scanning the workspace", "err", err)
		return
	}
	n := 0
	for _, f := range files {
		if ctx.Err() != nil || n >= maxLearnFiles {
			break
		}
		lang := syntax.Detect("", f.Path)
		if lang == nil {
			continue
		}
		src, err := w.s.workspace.ReadFile(f.Path)
		if err != nil {
			continue
		}
		tree, err := syntax.Parse(ctx, lang, src)
		if err != nil {
			tree = nil
		}
		if err := w.model.Learn(f.Path, lang, src, tree); err == nil {
			n++
		}
		if tree != nil {
			tree.Close()
		}
	}
	w.s.logger.Info("embedded model learned the workspace", "files", n)
}

// Close stops the watcher and releases the retriever's trees.
func (w *workspacePart) Close() error {
	w.s.workspace.StopWatching()
	w.retr.Close()
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
		opts.Retriever = c.ws.retr
	}
	m, setup, err := featureModel(cfg, config.FeatureCompletion)
	key := "embedded"
	switch {
	case err != nil:
		c.logger.Warn("completion model unavailable; using the embedded model", "err", err)
	case setup.Provider != "embedded":
		key = fmt.Sprintf("%+v", setup.ResolvedModel)
		opts.Model, opts.ModelName, opts.Format = m, setup.ModelID, newFormat(setup, m)
		if cfg.Completion.Fallback && c.ws != nil {
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
		lookup = explain.IndexLookup{Index: w.ix, Read: s.workspace.ReadFile}
	}
	return newExplainService(s.cfg, lookup, s.logger), nil
}

// sessionParts lets later parts reach earlier ones.
type sessionParts struct {
	workspace *workspacePart
}
