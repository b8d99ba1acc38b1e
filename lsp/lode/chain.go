package lode

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"go.lsp.dev/jsonrpc2"
	lsp "go.lsp.dev/protocol"
)

// CodeRequestCancelled is the LSP error code of a cancelled request.
const CodeRequestCancelled = lsp.CodeRequestCancelled

// ChainOptions configures Chain.
type ChainOptions struct {
	// Inline reports whether a call runs on the reading goroutine, in order
	// with notifications (initialize and shutdown do). Nil: no call does.
	Inline func(method string) bool

	// Capture runs on the reading goroutine for every call before it is
	// released to run concurrently; the context it returns is the one the
	// handler sees. Use it to pin the state the request works on (the
	// document versions as of its arrival). Nil: the context is unchanged.
	Capture func(ctx context.Context, method string) context.Context

	// Logger receives recovered panics and notification errors.
	Logger *slog.Logger
}

// Chain returns the handler lode serves with, wrapping h:
//
//   - Notifications run on the reading goroutine, one at a time, strictly
//     in arrival order. An error or panic is logged; it never ends the
//     connection.
//   - Calls are released to run concurrently (after Capture), unless Inline
//     says otherwise. A panic is recovered and answered InternalError.
//   - "$/cancelRequest" cancels the context of the named in-flight call,
//     which is then answered RequestCancelled (-32800) whatever its
//     handler returns.
func Chain(h jsonrpc2.Handler, opts ChainOptions) jsonrpc2.Handler {
	c := &chain{handler: h, opts: opts, inflight: make(map[jsonrpc2.ID]*inflight)}
	if c.opts.Logger == nil {
		c.opts.Logger = slog.New(slog.DiscardHandler)
	}
	return c.handle
}

type inflight struct {
	cancel    context.CancelFunc
	cancelled atomic.Bool
}

type chain struct {
	handler jsonrpc2.Handler
	opts    ChainOptions

	inflightMu sync.Mutex
	inflight   map[jsonrpc2.ID]*inflight
}

func (c *chain) handle(reqCtx context.Context, req *jsonrpc2.Request) (any, error) {
	// The request context of jsonrpc2 is pooled and recycled when the
	// handler returns; a context derived from it with WithCancel starts a
	// goroutine that may touch it after that. Handlers get a context of
	// their own, derived from the connection's.
	ctx := jsonrpc2.DetachContext(reqCtx)
	if !req.IsCall() {
		c.notify(ctx, req)
		return nil, nil
	}
	id := req.ID()
	ctx, cancel := context.WithCancel(ctx)
	f := &inflight{cancel: cancel}
	c.inflightMu.Lock()
	c.inflight[id] = f
	c.inflightMu.Unlock()
	defer func() {
		c.inflightMu.Lock()
		if c.inflight[id] == f {
			delete(c.inflight, id)
		}
		c.inflightMu.Unlock()
		cancel()
	}()

	method := req.Method()
	if c.opts.Capture != nil {
		ctx = c.opts.Capture(ctx, method)
	}
	if c.opts.Inline == nil || !c.opts.Inline(method) {
		jsonrpc2.Async(reqCtx)
		// Async hands the reading over to a new goroutine, which waits
		// for this one's processor unless another is idle: on a busy
		// machine the messages after the call (the edits that make it
		// stale) would wait for the call's work. Let the reading go first.
		runtime.Gosched()
	}
	result, err := c.call(ctx, req)
	if f.cancelled.Load() {
		return nil, lsp.ErrRequestCancelled
	}
	return result, err
}

func (c *chain) call(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.opts.Logger.Error("lsp: request handler panicked", "method", req.Method(), "panic", r, "stack", string(debug.Stack()))
			result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: internal error: %v", req.Method(), r)
		}
	}()
	return c.handler(ctx, req)
}

func (c *chain) notify(ctx context.Context, req *jsonrpc2.Request) {
	defer func() {
		if r := recover(); r != nil {
			c.opts.Logger.Error("lsp: notification handler panicked", "method", req.Method(), "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if req.Method() == lsp.MethodCancelRequest {
		c.cancel(req.Params())
		return
	}
	if _, err := c.handler(ctx, req); err != nil {
		c.opts.Logger.Warn("lsp: notification failed", "method", req.Method(), "err", err)
	}
}

// cancel cancels the in-flight call named by params; an unknown id (an
// answered request) is ignored.
func (c *chain) cancel(params []byte) {
	var p lsp.CancelParams
	if err := DecodeParams(lsp.MethodCancelRequest, params, &p); err != nil {
		c.opts.Logger.Warn("lsp: bad $/cancelRequest", "err", err)
		return
	}
	var id jsonrpc2.ID
	switch v := p.ID.(type) {
	case lsp.Integer:
		id = jsonrpc2.NewNumberID(int64(v))
	case lsp.String:
		id = jsonrpc2.NewStringID(string(v))
	default:
		c.opts.Logger.Warn("lsp: bad $/cancelRequest", "id", fmt.Sprint(p.ID))
		return
	}
	c.inflightMu.Lock()
	f := c.inflight[id]
	c.inflightMu.Unlock()
	if f != nil {
		f.cancelled.Store(true)
		f.cancel()
	}
}
