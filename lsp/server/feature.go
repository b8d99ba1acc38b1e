package server

import (
	"context"
	"fmt"

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

// feature is one method family, built by a function of its file and
// listed in featureTable. See the package documentation for the contract.
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

// featureTable returns every method family of the server, one line each.
func featureTable() []*feature {
	return []*feature{
		lifecycleFeature(),
		textSyncFeature(),
		settingsFeature(),
		foldersFeature(),
		watchedFeature(),
		commandsFeature(),
		contextFeature(),
		completionFeature(),
		explainFeature(),
		codeActionFeature(),
		statusFeature(),
		nextEditsFeature(),
	}
}

// checkFeatures returns an error naming a method or command that two
// features both claim: a programming error, found by any test.
func checkFeatures(fs []*feature) error {
	requests, notifications, commands := map[string]string{}, map[string]string{}, map[string]string{}
	claim := func(kind string, seen map[string]string, name, by string) error {
		if other, dup := seen[name]; dup {
			return fmt.Errorf("server: %s %s claimed by %s and %s", kind, name, other, by)
		}
		seen[name] = by
		return nil
	}
	for _, f := range fs {
		for m := range f.requests {
			if err := claim("request", requests, m, f.name); err != nil {
				return err
			}
		}
		for m := range f.notifications {
			if err := claim("notification", notifications, m, f.name); err != nil {
				return err
			}
		}
		for c := range f.commands {
			if err := claim("command", commands, c, f.name); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) lookupRequest(method string) (requestFunc, *feature) {
	for _, f := range s.features {
		if r, ok := f.requests[method]; ok {
			return r, f
		}
	}
	return nil, nil
}

func (s *Server) lookupNotification(method string) (notificationFunc, *feature) {
	for _, f := range s.features {
		if n, ok := f.notifications[method]; ok {
			return n, f
		}
	}
	return nil, nil
}

func (s *Server) lookupCommand(name string) (commandFunc, *feature) {
	for _, f := range s.features {
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
