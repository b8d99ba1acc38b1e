package server

import (
	"context"
	"slices"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/text"
)

// lifecycleFeature is the feature of initialize, shutdown, exit and tracing.
func lifecycleFeature() *feature {
	return &feature{
		name: "lifecycle",
		requests: map[string]requestFunc{
			protocol.MethodInitialize: request((*Server).initialize),
			protocol.MethodShutdown:   (*Server).shutdown,
		},
		notifications: map[string]notificationFunc{
			protocol.MethodInitialized: notification((*Server).initialized),
			protocol.MethodExit:        (*Server).exit,
			protocol.MethodSetTrace:    notification((*Server).setTrace),
		},
	}
}

func (s *Server) initialize(ctx context.Context, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	if s.state.Load() != stateNew {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice")
	}
	s.caps = p.Capabilities
	s.encoding = negotiateEncoding(p.Capabilities)
	if p.Trace != "" {
		s.trace.Store(p.Trace)
	}
	s.setupWatching()
	s.initFolders(ctx, p)
	// The settings come first: some capabilities follow them.
	s.applySettings(ctx, []byte(p.InitializationOptions))

	caps := protocol.ServerCapabilities{PositionEncoding: encodingKind(s.encoding)}
	for _, f := range s.features {
		if f.capabilities != nil && f.on(s) {
			f.capabilities(s, &caps)
		}
	}
	var commands []string
	for _, f := range s.features {
		if f.on(s) {
			for c := range f.commands {
				commands = append(commands, c)
			}
		}
	}
	if len(commands) > 0 {
		slices.Sort(commands)
		caps.ExecuteCommandProvider = protocol.ExecuteCommandOptions{Commands: commands}
	}

	s.state.Store(stateInitialized)
	result := &protocol.InitializeResult{
		Capabilities: caps,
		ServerInfo:   protocol.ServerInfo{Name: s.opts.Name},
	}
	if s.opts.Version != "" {
		result.ServerInfo.Version = protocol.NewOptional(s.opts.Version)
	}
	return result, nil
}

// negotiateEncoding picks UTF-8 when the client offers it (no conversion
// needed: text is stored as UTF-8), else the mandatory UTF-16.
func negotiateEncoding(caps protocol.ClientCapabilities) text.Encoding {
	if caps.General != nil && slices.Contains(caps.General.PositionEncodings, protocol.PositionEncodingKindUTF8) {
		return text.UTF8
	}
	return text.UTF16
}

func encodingKind(e text.Encoding) protocol.PositionEncodingKind {
	if e == text.UTF8 {
		return protocol.PositionEncodingKindUTF8
	}
	return protocol.PositionEncodingKindUTF16
}

// initialized pulls the settings when the client supports
// workspace/configuration, and registers file watchers when it can watch
// files. Both are calls to the client, so they run on their own goroutines:
// the reading goroutine must stay free to read the answers.
func (s *Server) initialized(ctx context.Context, p *protocol.InitializedParams) error {
	s.readyOnce.Do(func() { close(s.ready) })
	s.publishStatus(ctx)
	if w := s.caps.Workspace; w != nil && w.Configuration != nil && *w.Configuration {
		go s.pullSettings(s.ctx)
	}
	if clientWatches(s.caps) {
		go s.registerWatchers(s.ctx)
	}
	return nil
}

func (s *Server) shutdown(ctx context.Context, params []byte) (any, error) {
	s.state.Store(stateShutdown)
	s.cancelAllWork()
	return nil, nil
}

func (s *Server) exit(ctx context.Context, params []byte) error {
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}

func (s *Server) setTrace(ctx context.Context, p *protocol.SetTraceParams) error {
	switch p.Value {
	case protocol.TraceValueOff, protocol.TraceValueMessages, protocol.TraceValueVerbose:
		s.trace.Store(p.Value)
		return nil
	}
	return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "$/setTrace: unknown value %q", p.Value)
}
