package server

import (
	"context"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/lsp/lode"
)

// contextFeature is the feature of lode/context, when a ContextSource is given.
func contextFeature() *feature {
	return &feature{
		name:      "context",
		available: func(s *Server) bool { return s.opts.Context != nil },
		requests: map[string]requestFunc{
			lode.MethodContext: request((*Server).context),
		},
	}
}

// context answers lode/context: the bundle of workspace snippets lode would
// send a model for the cursor, with where each came from and why.
func (s *Server) context(ctx context.Context, p *lode.ContextParams) (*retrieve.Bundle, error) {
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	off, err := s.Offset(doc, p.Position)
	if err != nil {
		return nil, err
	}
	if p.Budget < 0 || p.TimeBudgetMS < 0 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "lode/context: negative budget %d or time budget %d", p.Budget, p.TimeBudgetMS)
	}
	if p.TimeBudgetMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(p.TimeBudgetMS)*time.Millisecond)
		defer cancel()
	}
	budget := p.Budget
	if budget == 0 {
		budget = s.Config().Context.Budget
	}
	view, base := s.window(doc, off)
	b, err := s.opts.Context.Context(ctx, retrieve.Request{
		Path:        doc.Path,
		Language:    doc.LanguageID,
		Content:     view.String(),
		Offset:      off - base,
		Budget:      budget,
		PrefixStart: off - base,
		SuffixEnd:   off - base,
	})
	if err != nil {
		return nil, err
	}
	if base > 0 {
		// Snippets of the document itself count lines in the window.
		lines := doc.Text.LineOf(base)
		for i := range b.Snippets {
			if b.Snippets[i].Path == doc.Path {
				b.Snippets[i].StartLine += lines
				b.Snippets[i].EndLine += lines
			}
		}
	}
	return &b, nil
}
