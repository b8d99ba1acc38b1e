package retrieve

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"time"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
)

// IndexOptions configure an Indexer.
type IndexOptions struct {
	// Workers parse files in parallel during the cold build (0: one per CPU).
	Workers int
	// Progress, if set, is called as the cold build goes (files done, of
	// total), serially: what the server turns into $/progress.
	Progress func(done, total int)
	// CachePath, if set, is where the index is saved after the cold build
	// (see index.CachePath and OpenIndex).
	CachePath string
	// CacheError, if set, is told when the index cannot be saved at
	// CachePath (the build itself succeeded).
	CacheError func(err error)
	// Watch starts the workspace's own file watcher after the scan (see
	// workspace.Watch), with Warn told when it falls back to polling. A
	// server whose client reports file changes leaves it off.
	Watch bool
	Warn  func(msg string)
	// Yield, if set, is called before each unit of background work (one
	// file read and indexed), and every few hundred steps of its parse,
	// and returns when the work may go on, so that it gives way to
	// requests (background.Gate's Wait); its error stops the work, as
	// ctx's does.
	Yield func(ctx context.Context) error
	// Settle is how long an open document must go unedited before it is
	// indexed again: a burst of edits costs one reparse, not one per
	// keystroke. Zero means DefaultSettle; negative, at once.
	Settle time.Duration
}

// DefaultSettle is IndexOptions.Settle when zero: a pause in typing.
const DefaultSettle = 200 * time.Millisecond

// pausable returns ctx with the yield as the pause of its parses, so that
// a request that comes in during the parse of a long file does not wait
// for its end (syntax.WithPause).
func (ir *Indexer) pausable(ctx context.Context) context.Context {
	if ir.opts.Yield == nil {
		return ctx
	}
	return syntax.WithPause(ctx, ir.opts.Yield)
}

func (o IndexOptions) yield(ctx context.Context) error {
	if o.Yield == nil {
		return ctx.Err()
	}
	return o.Yield(ctx)
}

// Indexer fills an index from a workspace in the background and keeps it
// current with the workspace's events. Completions never wait for it: the
// Retriever answers from whatever the index holds, and the open documents
// give context from the start.
type Indexer struct {
	ws   *workspace.Workspace
	ix   *index.Index
	opts IndexOptions

	mu       sync.Mutex
	pending  map[string]workspace.EventKind // paths changed, not yet re-indexed
	lastEdit time.Time                      // of the latest change of an open document
	rescan   bool                           // a new scan and build was asked for
	wake     chan struct{}
	updates  int // files re-indexed after the cold build

	done    chan struct{} // closed when the cold build ends
	stopped chan struct{} // closed when the indexer has stopped
	result  index.BuildResult
	err     error
}

// StartIndexing scans ws, builds ix from the files found (in the
// background), then re-indexes each file the workspace reports changed,
// until ctx is done. Changes that arrive during the cold build are applied
// after it. It returns at once.
func StartIndexing(ctx context.Context, ws *workspace.Workspace, ix *index.Index, opts IndexOptions) *Indexer {
	if opts.Settle == 0 {
		opts.Settle = DefaultSettle
	}
	ir := &Indexer{ws: ws, ix: ix, opts: opts, pending: make(map[string]workspace.EventKind),
		wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{})}
	ws.Subscribe(ir.observe)
	go func() {
		defer close(ir.stopped)
		ir.run(ctx)
	}()
	return ir
}

// Stopped returns a channel closed once the indexer has stopped, after
// its context is done: its owner waits for it before releasing the index.
func (ir *Indexer) Stopped() <-chan struct{} { return ir.stopped }

// Wait blocks until the cold build ends (or ctx is done) and returns its
// result.
func (ir *Indexer) Wait(ctx context.Context) (index.BuildResult, error) {
	select {
	case <-ir.done:
		return ir.result, ir.err
	case <-ctx.Done():
		return index.BuildResult{}, ctx.Err()
	}
}

// Ready reports whether the cold build has finished.
func (ir *Indexer) Ready() bool {
	select {
	case <-ir.done:
		return true
	default:
		return false
	}
}

// observe queues a change; it never blocks the workspace.
func (ir *Indexer) observe(e workspace.Event) {
	ir.mu.Lock()
	ir.pending[e.Path] = e.Kind
	if e.Open {
		ir.lastEdit = time.Now()
	}
	ir.mu.Unlock()
	select {
	case ir.wake <- struct{}{}:
	default:
	}
}

// Rescan asks for a new scan of the workspace and a build over it, in the
// background: after a folder was added, or when the caller knows that
// changes went unreported. Files unchanged since they were indexed are not
// read again.
func (ir *Indexer) Rescan() {
	ir.mu.Lock()
	ir.rescan = true
	ir.mu.Unlock()
	select {
	case ir.wake <- struct{}{}:
	default:
	}
}

func (ir *Indexer) run(ctx context.Context) {
	ir.result, ir.err = ir.build(ctx)
	close(ir.done)
	for {
		ir.mu.Lock()
		rescan := ir.rescan
		ir.rescan = false
		ir.mu.Unlock()
		if rescan {
			ir.build(ctx) // a failure leaves the index as it was
		}
		if !ir.settle(ctx) {
			return
		}
		ir.apply(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ir.wake:
		}
	}
}

// settle waits until no open document was edited for opts.Settle, so that
// the edits of a burst are indexed together. It returns false when ctx is
// done.
func (ir *Indexer) settle(ctx context.Context) bool {
	for {
		ir.mu.Lock()
		left := time.Until(ir.lastEdit.Add(ir.opts.Settle))
		ir.mu.Unlock()
		if left <= 0 || ir.opts.Settle < 0 {
			return ctx.Err() == nil
		}
		t := time.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
}

// Updates returns how many files were re-indexed after the cold build,
// one per burst of changes of a file.
func (ir *Indexer) Updates() int {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	return ir.updates
}

// build scans the workspace and runs the index's cold build over it.
func (ir *Indexer) build(ctx context.Context) (index.BuildResult, error) {
	found, err := ir.ws.Scan(ctx)
	if err != nil {
		return index.BuildResult{}, err
	}
	if ir.opts.Watch {
		ir.ws.Watch(ctx, ir.opts.Warn)
	}
	files := make([]index.File, 0, len(found))
	for _, f := range found {
		files = append(files, index.File{Path: f.Path, Size: f.Size, ModTime: f.ModTime,
			Read: func() ([]byte, error) {
				if err := ir.opts.yield(ctx); err != nil {
					return nil, err
				}
				return ir.ws.ReadFile(f.Path)
			}})
	}
	res, err := ir.ix.Build(ir.pausable(ctx), files, ir.opts.Workers, ir.opts.Progress)
	if err == nil && ir.opts.CachePath != "" {
		if serr := ir.ix.Save(ir.opts.CachePath); serr != nil && ir.opts.CacheError != nil {
			ir.opts.CacheError(serr)
		}
	}
	return res, err
}

// apply re-indexes the files changed since the last call.
func (ir *Indexer) apply(ctx context.Context) {
	ir.mu.Lock()
	pending := ir.pending
	ir.pending = make(map[string]workspace.EventKind)
	ir.mu.Unlock()
	for path, kind := range pending {
		if err := ir.opts.yield(ctx); err != nil {
			ir.mu.Lock()
			for p, k := range pending { // not done: for the next call
				if _, newer := ir.pending[p]; !newer {
					ir.pending[p] = k
				}
			}
			ir.mu.Unlock()
			return
		}
		delete(pending, path)
		ir.mu.Lock()
		ir.updates++
		ir.mu.Unlock()
		data, err := ir.ws.ReadFile(path)
		if kind == workspace.Deleted || err != nil {
			if _, open := ir.ws.Document(path); !open || err != nil {
				ir.ix.Remove(path) // deleted, or now ignored, secret or too large
			}
			continue
		}
		lang := syntax.Detect(languageOf(ir.ws, path), path)
		ir.ix.Update(ir.pausable(ctx), path, lang, data) // a failed parse leaves the old entry
	}
}

// languageOf returns the language id the editor gave an open document.
func languageOf(ws *workspace.Workspace, path string) string {
	if d, ok := ws.Document(path); ok {
		return d.LanguageID
	}
	return ""
}

// OpenIndex returns the index saved for the workspace folder root in the
// user's cache directory, the path to save it to, and why a saved index
// could not be used (nil when it was loaded or there was none). A missing,
// corrupt or unreadable cache gives a new, empty index (the cold build then
// fills it); a cache that loads is brought up to date by the build, which
// re-reads only files whose size or time changed.
func OpenIndex(root string) (*index.Index, string, error) {
	path, err := index.CachePath(root)
	if err != nil {
		return index.New(), "", err
	}
	ix, err := index.Load(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		return index.New(), path, err
	}
	return ix, path, nil
}
