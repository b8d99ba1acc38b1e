// Package session opens a workspace for lode serve and for every command:
// its root (Root), its configuration layers, the workspace and its index,
// the retriever over the index, the embedded model that learns the
// workspace, the model providers, and the completion, explanation and
// patch engines built from the configuration. The server and the
// commands differ only in what they ask of a Session, never in how it is
// built, so what the tests drive is what ships.
//
// A Session owns every goroutine it starts (indexing, learning, saving
// the embedded model, progress reports); Close stops them and waits.
//
// Package session may import every lode package but cmd/.
package session

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/deps"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/background"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/store"
	"github.com/lode-ls/lode/lsp/server"
)

// Options configures a Session.
type Options struct {
	// Config names the configuration layers. Open fills WorkspaceRoot
	// from Root when it is empty.
	Config config.Inputs
	// Root is the workspace folder to open first; "" opens none (lode
	// serve adds the editor's folders).
	Root string
	// Logger receives the session's log; nil discards it.
	Logger *slog.Logger
	// NoIndex leaves the workspace unindexed: requests get the windows
	// around the cursor only, and the embedded model learns the files
	// next to the document instead (lode complete --no-context).
	NoIndex bool
	// NoLearn leaves the embedded model out of indexing: commands that
	// complete nothing (context, explain, suggest) do not pay for it.
	NoLearn bool
	// Watch keeps the index following file changes after its first build
	// (lode serve); a command indexes once.
	Watch bool
	// NoCache neither loads nor saves the index cache.
	NoCache bool
	// Progress, when set, is told how the first build goes (files done, of
	// total), serially.
	Progress func(done, total int)
	// Getenv reads the API key variables; nil is os.Getenv.
	Getenv func(string) string
}

// Session is one opened workspace. It is safe for concurrent use.
type Session struct {
	opts   Options
	log    *slog.Logger
	ctx    context.Context // lives until Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the goroutines the session started

	ws    *workspace.Workspace
	model *ngram.Model // the embedded model, shared by every engine
	cfg   atomic.Pointer[config.Config]

	// mem is the index and its retriever; it is replaced once, when the
	// saved index of the first folder has been loaded.
	mem      atomic.Pointer[memory]
	indexed  indexProgress
	prepared sync.Map // paths whose document levels the model has built

	completion completionPart
	healthMu   sync.Mutex
	onHealth   func(ModelHealth)
	next       *nextedit.Engine // follows the open documents from Open on
	nextModel  nextEditPart     // the next-edit model, when not the completion model
	explain    atomic.Pointer[explainEngines]

	// gate holds indexing and learning back while a request is in
	// flight (the server tells it of each one: server.Options.Foreground).
	gate *background.Gate

	caches *store.Reporter               // cache problems, told once
	srv    atomic.Pointer[server.Server] // the editor's session, while Serve runs

	mu          sync.Mutex
	root        string            // the first folder
	indexer     *retrieve.Indexer // nil until the first folder
	learned     chan struct{}     // closed once the model has learned the first build
	modelCache  string            // where the embedded model is saved; "" for nowhere
	clientWatch bool              // the editor reports file changes; no watcher of our own
	closed      bool
}

// memory is an index with the retriever over it.
type memory struct {
	ix   *index.Index
	retr *retrieve.Retriever
	deps *deps.Surface // the dependencies' declarations; nil before the first folder
}

// close releases what the memory holds.
func (m *memory) close() {
	m.ix.OnParsed(nil)
	m.retr.Close()
	if m.deps != nil {
		m.deps.Close()
	}
}

// Open opens a session: it loads the configuration and, when opts.Root is
// set, adds that folder, whose indexing starts in the background (see
// Wait). The problems found in the configuration are returned beside the
// session: a bad setting keeps the value below it.
func Open(opts Options) (*Session, []config.Problem) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Config.WorkspaceRoot == "" {
		opts.Config.WorkspaceRoot = opts.Root
	}
	cfg, problems := config.Load(opts.Config)
	ctx, cancel := context.WithCancel(context.Background())
	gate := background.New(background.Options{}) // Nice: 10 starved the caches' save under load (see docs/performance.md)
	s := &Session{
		opts:   opts,
		log:    opts.Logger,
		ctx:    ctx,
		cancel: cancel,
		ws:     workspace.New(),
		// The model's table builds give way to requests, as indexing does.
		model: ngram.New(ngram.Options{
			Pause:    func() { _ = gate.Wait(ctx) },
			PauseFor: func(d time.Duration) { _ = gate.WaitFor(ctx, d) },
		}),
		learned: make(chan struct{}),
		gate:    gate,
	}
	s.caches = store.NewReporter(s.reportCache)
	s.mem.Store(s.newMemory(index.New()))
	s.ws.Subscribe(s.prepare)
	s.ws.Subscribe(s.forget)
	s.next = nextedit.New(s.ws, nextedit.Options{Candidates: s.candidates})
	s.Configure(cfg)
	if opts.Root != "" {
		s.AddFolder(opts.Root)
	}
	return s, problems
}

// Config returns the configuration in force.
func (s *Session) Config() *config.Config { return s.cfg.Load() }

// Workspace returns the session's workspace.
func (s *Session) Workspace() *workspace.Workspace { return s.ws }

// Root returns the first workspace folder, "" before any.
func (s *Session) Root() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.root
}

// Configure applies a new configuration (the editor's settings on top of
// the files): the workspace rules, the log level's consumers, and the
// engines, rebuilt when their model changed.
func (s *Session) Configure(cfg *config.Config) {
	s.cfg.Store(cfg)
	s.ws.SetOptions(workspace.Options{
		MaxFileSize: int64(cfg.Context.MaxFileSize),
		Vendored:    cfg.Context.Vendored,
	})
	s.configureCompletion(cfg)
	s.configureNextEdit(cfg)
	s.configureExplain(cfg)
	s.model.SetCeiling(cfg.Memory.EmbeddedMB<<20, func(msg string) { s.log.Warn(msg + " (memory.embedded_mb)") })
	s.indexCeiling(s.mem.Load().ix)
}

// indexCeiling applies memory.index_mb to ix.
func (s *Session) indexCeiling(ix *index.Index) {
	if cfg := s.Config(); cfg != nil {
		ix.SetCeiling(int64(cfg.Memory.IndexMB)<<20, func(msg string) { s.log.Warn(msg + " (memory.index_mb)") })
	}
}

func (s *Session) newMemory(ix *index.Index) *memory {
	if !s.opts.NoIndex && !s.opts.NoLearn {
		Teach(ix, s.model, s.log)
	}
	s.indexCeiling(ix)
	return &memory{ix: ix, retr: retrieve.New(s.ws, ix, tokens.New(), retrieve.Options{})}
}

// go runs f in a goroutine the session waits for on Close.
func (s *Session) goOwned(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// Close stops the session's work and waits for every goroutine it
// started; the engines are closed after that.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.ws.StopWatching()
	s.wg.Wait()
	s.mu.Lock()
	ir := s.indexer
	s.mu.Unlock()
	if ir != nil {
		<-ir.Stopped()
	}
	s.mem.Load().close()
	s.nextModel.setPredictor(s.next, nil)
	s.nextModel.close()
	err := s.completion.close()
	s.model.Close() // waits for its table builds and flushes
	return err
}
