// Package server is lode's language server: one Server per editor session,
// speaking LSP 3.18 over a jsonrpc2 connection. It owns the session state
// (lifecycle, position encoding, open documents, settings, workspace
// folders) and turns protocol types into the engine's own small types at
// the edge.
//
// Package server depends on lsp/lode, go.lsp.dev/*, context/workspace,
// context/text, context/retrieve (types only), internal/config and the
// interfaces of completion/...; never on a concrete model provider.
//
// # Adding a method family
//
// Each method family lives in its own file, as a function returning its
// feature, listed by one line in featureTable (feature.go):
//
//	func completionFeature() *feature {
//		return &feature{
//			name:      "completion",
//			available: func(s *Server) bool { return s.opts.Completer != nil },
//			requests: map[string]requestFunc{
//				protocol.MethodTextDocumentInlineCompletion: request((*Server).inlineCompletion),
//			},
//			commands:     map[string]commandFunc{"lode.x": (*Server).commandX},
//			capabilities: func(s *Server, c *protocol.ServerCapabilities) { ... },
//		}
//	}
//
// The contract:
//
//   - A feature's engine is a typed field of Options (Completer,
//     Explainer, Patcher, Context, Folders), declared by the interface of
//     the file that consumes it; nil means the feature is not offered.
//     internal/session fills them for lode serve.
//   - When available returns false the feature's methods answer
//     MethodNotFound, its commands are not offered and capabilities is not
//     called: initialize advertises only what works.
//   - capabilities fills the feature's fields of the initialize result; it
//     runs once, during initialize, after the client's capabilities are
//     known (s.ClientCapabilities()).
//   - request and notification adapt typed handlers; params are decoded
//     with protocol.DecodeParams (absent params decode as {}; a decoding
//     failure answers InvalidParams). A handler returning a
//     *jsonrpc2.Error sends it as is; other errors are InternalError.
//   - Notifications run on the reading goroutine in arrival order and must
//     not block. Requests run concurrently; s.Document(ctx, uri) returns the
//     document as it was when the request arrived, so a request never sees
//     an edit sent after it. $/cancelRequest cancels ctx and the request is
//     answered RequestCancelled whatever the handler returns.
//   - Requests may call the client (s.Client(), s.Progress, s.ShowMessage,
//     workspace/applyEdit through s.Client().ApplyEdit); notifications may
//     only notify it.
//   - configured, when set, runs after every change of settings with the new
//     configuration, never concurrently with itself (on the reading
//     goroutine, or on the goroutine of a workspace/configuration pull).
//   - The ctx a handler gets is lode's own, not jsonrpc2's pooled request
//     context: handlers never call jsonrpc2.Async, and work that outlives
//     the handler uses a context of its own.
package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
)

// ContextSource finds the context bundle for a cursor (lode/context).
type ContextSource interface {
	Context(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error)
}

// FolderWatcher follows the workspace folders the editor opens and closes.
// Both methods are called on the reading goroutine and must not block for
// long: start slow work (indexing) in the background.
type FolderWatcher interface {
	AddFolder(ctx context.Context, path string)
	RemoveFolder(path string)
}

// Options configures a Server.
type Options struct {
	Name    string // server name in the initialize result; "lode" if empty
	Version string

	// Workspace receives the open documents. New creates one if nil.
	Workspace *workspace.Workspace
	// Config names the configuration layers below the editor's settings;
	// the server fills WorkspaceRoot (the first folder) and Editor.
	Config config.Inputs
	// Logger receives the server's log; records at or above the configured
	// log.level are also sent to the client as window/logMessage.
	Logger *slog.Logger

	// The engines of the features; a nil one is not offered.
	Completer Completer     // inline completion and completion items
	Explainer Explainer     // lode/explain, hovers, code lenses, Explain actions
	Patcher   Patcher       // Suggest fix and rewrite actions
	Context   ContextSource // lode/context
	Folders   FolderWatcher // nil: folders are only recorded (see also ClientWatching)
	// ModelStatus, when set, reports the completion model's health for
	// lode/status; nil derives it from completion results.
	ModelStatus ModelStatus
	// NextEdits answers lode/nextEdits; nil: not offered.
	NextEdits NextEditor

	// OnConfig, when set, is called with every new configuration (after
	// initialize and after each settings change), never concurrently.
	OnConfig func(cfg *config.Config)

	// Foreground, when set, is told of every request while it runs:
	// background work gives way to it.
	Foreground Foreground
	// EditHold is how long Foreground is also told of a document opened
	// or changed: the editor asks for a completion right after, and the
	// request's message should not wait for a CPU that background work
	// holds. 0 means DefaultEditHold; negative, not at all.
	EditHold time.Duration

	// MaxMessageSize bounds an incoming message; 0 means the default.
	MaxMessageSize int
}

// session states.
const (
	stateNew int32 = iota
	stateInitialized
	stateShutdown
)

// Server is one LSP session. Create it with New and run it with Serve.
type Server struct {
	opts   Options
	ws     *workspace.Workspace
	logger *slog.Logger
	level  *slog.LevelVar // least level sent to the client

	conn   jsonrpc2.Conn
	client protocol.Client
	ctx    context.Context // the session's; for work that outlives a message

	state    atomic.Int32
	encoding text.Encoding // set by initialize, read-only after
	caps     protocol.ClientCapabilities
	docs     atomic.Pointer[docSet]
	cfg      atomic.Pointer[config.Config]
	trace    atomic.Value // protocol.TraceValue

	features []*feature // the method families; read-only after New

	mu       sync.Mutex
	folders  []string         // workspace folder paths, first is the root
	settings []byte           // last editor settings (JSON object)
	work     map[string]*work // by Supersede key

	// settingsMu serializes applySettings, which runs on the reading
	// goroutine or, after a pull, on its own.
	settingsMu sync.Mutex
	problems   map[string]bool // configuration problems already shown

	// replied holds the foreground marks (Options.Foreground) of the
	// requests whose handlers have returned: they end once a message has
	// been written after that, so that background work, woken when they
	// end, does not take the CPU from the encoding and writing of the
	// answer.
	repliedMu sync.Mutex
	replied   []func()

	explainFiles explainFiles // shown explanations, removed at the end
	explainRegs  explainRegs  // hover and code lens registrations (explaincaps.go)
	status       status       // what lode/status reports (status.go)
	lastNext     lastNext     // the last lode/nextEdits answer, for inline completion (nextinline.go)

	readyOnce sync.Once
	ready     chan struct{} // closed by initialized
	exitOnce  sync.Once
	exited    chan struct{}
}

// New returns a Server for one session.
func New(opts Options) *Server {
	if opts.Name == "" {
		opts.Name = "lode"
	}
	if opts.Workspace == nil {
		opts.Workspace = workspace.New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	base := opts.Logger
	s := &Server{
		opts:     opts,
		ws:       opts.Workspace,
		level:    new(slog.LevelVar),
		ready:    make(chan struct{}),
		status:   status{kick: make(chan struct{}, 1)},
		exited:   make(chan struct{}),
		problems: make(map[string]bool),
		work:     make(map[string]*work),
	}
	s.features = featureTable()
	if err := checkFeatures(s.features); err != nil {
		panic(err)
	}
	s.logger = slog.New(redact.Handler(&clientHandler{base: base.Handler(), s: s})) // logs leave too
	s.docs.Store(&docSet{})
	s.trace.Store(protocol.TraceValueOff)
	cfg, _ := config.Load(opts.Config)
	s.cfg.Store(cfg)
	s.level.Set(levelOf(cfg.Log.Level))
	return s
}

// Serve runs the session over rwc until the client sends exit, the
// connection ends or ctx is done. It returns the process exit code: 0 when
// exit followed shutdown, 1 otherwise.
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctx = ctx
	stream := lode.NewStream(rwc, s.opts.MaxMessageSize, s.opts.Logger)
	stream.AfterWrite(s.endReplied)
	defer s.endReplied() // the marks of answers never written
	s.conn = jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(lode.Codec{}))
	s.client = protocol.ClientDispatcher(s.conn)
	var sender sync.WaitGroup
	sender.Go(func() { s.statusLoop(ctx) })
	defer sender.Wait()
	s.conn.Go(ctx, lode.Chain(s.dispatch, lode.ChainOptions{
		Inline:  inline,
		Capture: s.capture,
		Logger:  s.opts.Logger,
	}))
	select {
	case <-s.exited:
	case <-s.conn.Done():
	case <-ctx.Done():
	}
	cancel() // in-flight handlers stop before Close waits for them
	closed := make(chan struct{})
	go func() { s.conn.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		s.opts.Logger.Warn("lsp: connection did not close in 5s")
	}
	s.cancelAllWork()
	s.explainFiles.removeAll()
	if s.state.Load() == stateShutdown {
		select {
		case <-s.exited:
			return 0
		default:
		}
	}
	return 1
}

// Ready is closed when the client has sent initialized: from then on the
// server may send it requests (progress, registrations) from any goroutine.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Workspace returns the workspace the session feeds.
func (s *Server) Workspace() *workspace.Workspace { return s.ws }

// Logger returns the session's logger (also forwarded to the client).
func (s *Server) Logger() *slog.Logger { return s.logger }

// Config returns the current configuration. It is immutable: a change of
// settings stores a new one.
func (s *Server) Config() *config.Config { return s.cfg.Load() }

// Encoding returns the negotiated position encoding.
func (s *Server) Encoding() text.Encoding { return s.encoding }

// ClientCapabilities returns what the client declared in initialize.
func (s *Server) ClientCapabilities() protocol.ClientCapabilities { return s.caps }

// Client returns the client side of the connection, for server-to-client
// requests and notifications. Only request handlers may make calls.
func (s *Server) Client() protocol.Client { return s.client }

// Folders returns the paths of the workspace folders, the root first.
func (s *Server) Folders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.folders...)
}

// Supersede registers new work under key (usually a document path) and
// cancels the work registered before under the same key: latest wins. An
// edit or close of the document also cancels it (see textsync.go). The
// returned release must be called when the work ends.
func (s *Server) Supersede(ctx context.Context, key string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	w := &work{cancel: cancel}
	s.mu.Lock()
	if prev := s.work[key]; prev != nil {
		prev.cancel()
	}
	s.work[key] = w
	s.mu.Unlock()
	release := func() {
		s.mu.Lock()
		if s.work[key] == w { // a newer request may own the key now
			delete(s.work, key)
		}
		s.mu.Unlock()
		cancel()
	}
	return ctx, release
}

// work is one cancellable unit registered with Supersede.
type work struct{ cancel context.CancelFunc }

// cancelWork cancels the work registered under key.
func (s *Server) cancelWork(key string) {
	s.mu.Lock()
	if w := s.work[key]; w != nil {
		w.cancel()
		delete(s.work, key)
	}
	s.mu.Unlock()
}

func (s *Server) cancelAllWork() {
	s.mu.Lock()
	for k, w := range s.work {
		w.cancel()
		delete(s.work, k)
	}
	s.mu.Unlock()
}

// errNotInitialized answers requests before initialize.
var errNotInitialized = jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized")

// errShutdown answers requests after shutdown.
var errShutdown = jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shut down")

// dispatch routes one message through the method tables.
func (s *Server) dispatch(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	method := req.Method()
	ctx = context.WithValue(ctx, methodKey{}, method)
	state := s.state.Load()
	if !req.IsCall() {
		n, f := s.lookupNotification(method)
		if n == nil || (state == stateNew && method != protocol.MethodExit) || !f.on(s) {
			return nil, nil // unknown or untimely notifications are ignored
		}
		s.holdForEdit(method)
		return nil, n(s, ctx, req.Params())
	}
	r, f := s.lookupRequest(method)
	switch {
	case r == nil || !f.on(s):
		return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method)
	case state == stateNew && method != protocol.MethodInitialize:
		return nil, errNotInitialized
	case state == stateShutdown:
		return nil, errShutdown
	}
	if f := s.opts.Foreground; f != nil {
		end := f.Begin() // background work gives way meanwhile, until the answer is out
		defer func() {
			s.repliedMu.Lock()
			s.replied = append(s.replied, end)
			s.repliedMu.Unlock()
		}()
	}
	start := time.Now()
	result, err := r(s, ctx, req.Params())
	s.traceCall(ctx, method, start, err)
	if err != nil {
		var we *jsonrpc2.Error
		if !errors.As(err, &we) {
			err = jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: %v", method, err)
		}
	}
	return result, err
}

// DefaultEditHold is Options.EditHold when it is 0: longer than an
// editor's pause between a keystroke and its completion request, short
// enough that background work goes on between keystrokes.
const DefaultEditHold = 50 * time.Millisecond

// holdForEdit tells Foreground of a document opened or changed, for
// Options.EditHold.
func (s *Server) holdForEdit(method string) {
	f, hold := s.opts.Foreground, s.opts.EditHold
	if f == nil || hold < 0 || (method != protocol.MethodTextDocumentDidOpen && method != protocol.MethodTextDocumentDidChange) {
		return
	}
	if hold == 0 {
		hold = DefaultEditHold
	}
	time.AfterFunc(hold, f.Begin())
}

// endReplied ends the foreground marks of the requests answered so far.
func (s *Server) endReplied() {
	s.repliedMu.Lock()
	ends := s.replied
	s.replied = nil
	s.repliedMu.Unlock()
	for _, end := range ends {
		end()
	}
}

// inline names the calls that run on the reading goroutine: they change
// the session state that later messages depend on.
func inline(method string) bool {
	return method == protocol.MethodInitialize || method == protocol.MethodShutdown
}
