package server

import (
	"context"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
)

// requestFunc answers one request; params is the raw JSON (may be nil).
type requestFunc func(s *Server, ctx context.Context, params []byte) (any, error)

// notificationFunc applies one notification; params is the raw JSON (may be
// nil). An error is logged.
type notificationFunc func(s *Server, ctx context.Context, params []byte) error

// commandFunc runs one workspace/executeCommand command.
type commandFunc func(s *Server, ctx context.Context, args []protocol.LSPAny) (any, error)

// feature is one method family, registered by its file's init function. See
// the package documentation for the contract.
type feature struct {
	name          string
	available     func(s *Server) bool // nil: always
	requests      map[string]requestFunc
	notifications map[string]notificationFunc
	commands      map[string]commandFunc
	capabilities  func(s *Server, caps *protocol.ServerCapabilities)
	configured    func(s *Server, cfg *config.Config)
}

// on reports whether f serves this session.
func (f *feature) on(s *Server) bool {
	return f == nil || f.available == nil || f.available(s)
}

// features is filled by init functions, before any Server exists; it is
// read-only afterwards.
var features []*feature

// register adds a feature. It panics on a method or command registered
// twice: that is a programming error found by any test.
func register(f feature) {
	for _, g := range features {
		for m := range f.requests {
			if _, dup := g.requests[m]; dup {
				panic("server: request " + m + " registered by " + g.name + " and " + f.name)
			}
		}
		for m := range f.notifications {
			if _, dup := g.notifications[m]; dup {
				panic("server: notification " + m + " registered by " + g.name + " and " + f.name)
			}
		}
		for c := range f.commands {
			if _, dup := g.commands[c]; dup {
				panic("server: command " + c + " registered by " + g.name + " and " + f.name)
			}
		}
	}
	features = append(features, &f)
}

func lookupRequest(method string) (requestFunc, *feature) {
	for _, f := range features {
		if r, ok := f.requests[method]; ok {
			return r, f
		}
	}
	return nil, nil
}

func lookupNotification(method string) (notificationFunc, *feature) {
	for _, f := range features {
		if n, ok := f.notifications[method]; ok {
			return n, f
		}
	}
	return nil, nil
}

func lookupCommand(name string) (commandFunc, *feature) {
	for _, f := range features {
		if c, ok := f.commands[name]; ok {
			return c, f
		}
	}
	return nil, nil
}

// request adapts a typed request handler: params are decoded into a new P
// (absent params as {}), a decoding failure answers InvalidParams.
func request[P, R any](h func(s *Server, ctx context.Context, p *P) (R, error)) requestFunc {
	return func(s *Server, ctx context.Context, params []byte) (any, error) {
		var p P
		if err := lode.DecodeParams(methodOf(ctx), params, &p); err != nil {
			return nil, err
		}
		return h(s, ctx, &p)
	}
}

// notification adapts a typed notification handler.
func notification[P any](h func(s *Server, ctx context.Context, p *P) error) notificationFunc {
	return func(s *Server, ctx context.Context, params []byte) error {
		var p P
		if err := lode.DecodeParams(methodOf(ctx), params, &p); err != nil {
			return err
		}
		return h(s, ctx, &p)
	}
}

// service returns the first of Options.Services that implements T.
func service[T any](s *Server) (T, bool) {
	for _, v := range s.opts.Services {
		if t, ok := v.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}
