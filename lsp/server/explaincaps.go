package server

import (
	"context"
	"sync"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/internal/config"
)

// Hover and code lenses follow explain.hover and explain.code_lens: the
// initialize result advertises them only when they are on, and a client
// that registers capabilities dynamically has them registered when they
// are turned on later (client/registerCapability) and unregistered when
// turned off. A client that cannot gets them from the next session.

const (
	hoverRegistration    = "lode.explain.hover"
	codeLensRegistration = "lode.explain.codeLens"
)

// explainRegs is what of hover and code lenses the client was told.
type explainRegs struct {
	mu      sync.Mutex
	static  map[string]bool // advertised by initialize, by method
	dynamic map[string]bool // registered since, by method
	running bool            // a sync runs
	again   bool            // the settings changed while it ran
}

// explainWanted returns, by method, whether explain's settings turn it on.
func explainWanted(cfg *config.Config) map[string]bool {
	if cfg == nil {
		return map[string]bool{}
	}
	return map[string]bool{
		protocol.MethodTextDocumentHover:    cfg.Explain.Hover,
		protocol.MethodTextDocumentCodeLens: cfg.Explain.CodeLens,
	}
}

// explainCapabilities advertises hover and code lenses when their settings
// are on at initialize.
func explainCapabilities(s *Server, c *protocol.ServerCapabilities) {
	want := explainWanted(s.Config())
	r := &s.explainRegs
	r.mu.Lock()
	defer r.mu.Unlock()
	r.static = map[string]bool{}
	if want[protocol.MethodTextDocumentHover] {
		c.HoverProvider = protocol.Boolean(true)
		r.static[protocol.MethodTextDocumentHover] = true
	}
	if want[protocol.MethodTextDocumentCodeLens] {
		c.CodeLensProvider = &protocol.CodeLensOptions{}
		r.static[protocol.MethodTextDocumentCodeLens] = true
	}
}

// explainConfigured registers or unregisters hover and code lenses after
// a settings change. Before initialized, initialize's result says it.
func explainConfigured(s *Server, cfg *config.Config) {
	select {
	case <-s.ready:
	default:
		return
	}
	if s.client == nil || !dynamicExplain(s.caps) {
		return
	}
	r := &s.explainRegs
	r.mu.Lock()
	if r.running {
		r.again = true
		r.mu.Unlock()
		return
	}
	r.running = true
	r.mu.Unlock()
	// Calls to the client never run on the reading goroutine.
	go s.syncExplain(s.ctx)
}

// dynamicExplain reports whether the client registers hover and code
// lenses dynamically.
func dynamicExplain(caps protocol.ClientCapabilities) bool {
	td := caps.TextDocument
	return td != nil && td.Hover != nil && td.Hover.DynamicRegistration != nil && *td.Hover.DynamicRegistration &&
		td.CodeLens != nil && td.CodeLens.DynamicRegistration != nil && *td.CodeLens.DynamicRegistration
}

// syncExplain brings the client's registrations in line with the latest
// settings, again while they change. Only one runs at a time; no lock is
// held while the client answers.
func (s *Server) syncExplain(ctx context.Context) {
	r := &s.explainRegs
	r.mu.Lock()
	for {
		r.again = false
		if r.dynamic == nil {
			r.dynamic = map[string]bool{}
		}
		var reg []protocol.Registration
		var unreg []protocol.Unregistration
		for method, on := range explainWanted(s.Config()) {
			id := hoverRegistration
			if method == protocol.MethodTextDocumentCodeLens {
				id = codeLensRegistration
			}
			switch {
			case r.static[method]:
				// advertised at initialize: the handler answers empty when off
			case on && !r.dynamic[method]:
				reg = append(reg, protocol.Registration{ID: id, Method: method, RegisterOptions: protocol.LSPAny(`{"documentSelector":null}`)})
			case !on && r.dynamic[method]:
				unreg = append(unreg, protocol.Unregistration{ID: id, Method: method})
			}
		}
		r.mu.Unlock()
		var regErr, unregErr error
		if len(reg) > 0 {
			regErr = s.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: reg})
		}
		if len(unreg) > 0 {
			unregErr = s.client.UnregisterCapability(ctx, &protocol.UnregistrationParams{Unregisterations: unreg})
		}
		r.mu.Lock()
		if regErr != nil {
			s.logger.Warn("the client refused to register hover or code lenses", "err", regErr)
		} else {
			for _, g := range reg {
				r.dynamic[g.Method] = true
			}
		}
		if unregErr != nil {
			s.logger.Warn("the client refused to unregister hover or code lenses", "err", unregErr)
		} else {
			for _, u := range unreg {
				r.dynamic[u.Method] = false
			}
		}
		if !r.again || ctx.Err() != nil {
			r.running = false
			r.mu.Unlock()
			return
		}
	}
}
