package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync/atomic"

	protocol "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/lsp/lode"
)

// NextEditor predicts the edits that follow from the user's last edit of
// a document; completion/nextedit's *Engine is one. It answers nothing
// for a version of the document that is not the open one.
type NextEditor interface {
	NextEdits(ctx context.Context, req nextedit.Request) ([]nextedit.Edit, error)
}

// nextEditsFeature is the feature of lode/nextEdits, when a NextEditor is
// given.
func nextEditsFeature() *feature {
	return &feature{
		name:      "nextedit",
		available: func(s *Server) bool { return s.opts.NextEdits != nil },
		requests: map[string]requestFunc{
			lode.MethodNextEdits: request((*Server).nextEdits),
		},
	}
}

// nextEditIDs numbers the edits of every session.
var nextEditIDs atomic.Uint64

// nextEdits answers lode/nextEdits. A newer request for the document
// supersedes an older one, which gets no edits; so does an edit of the
// document while the prediction runs.
func (s *Server) nextEdits(ctx context.Context, p *lode.NextEditsParams) (*lode.NextEditsResult, error) {
	res := &lode.NextEditsResult{Edits: []lode.NextEdit{}}
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if doc.Version != p.TextDocument.Version {
		return res, nil // the editor shows another version
	}
	cursor, err := s.Offset(doc, p.Position)
	if err != nil {
		return nil, err
	}
	// An edit of the document cancels it too (didChange), model call and
	// all: its edits would be stale.
	ctx, release := s.Supersede(ctx, nextEditsKey(doc.Path))
	defer release()
	edits, err := s.opts.NextEdits.NextEdits(ctx, nextedit.Request{Path: doc.Path, Version: doc.Version, Cursor: cursor})
	if err != nil || ctx.Err() != nil {
		if ctx.Err() == nil {
			s.logger.Warn("lode/nextEdits failed", "path", doc.Path, "err", err)
		}
		return res, nil
	}
	if cur := s.docs.Load().docs[doc.Path]; cur == nil || cur.Version != doc.Version {
		return res, nil // edited meanwhile: the edits are stale
	}
	s.lastNext.remember(doc.Path, doc.Version, edits)
	// In the order a Tab after Tab walks them: on down the document from
	// the cursor, then the other files, then back at the document's top
	// (a doc comment above an edited declaration comes last).
	place := func(e nextedit.Edit) int {
		switch {
		case e.Path == doc.Path && e.Start >= cursor:
			return 0
		case e.Path != doc.Path:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(edits, func(a, b nextedit.Edit) int {
		return cmp.Or(cmp.Compare(place(a), place(b)), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Start, b.Start))
	})
	texts := map[string]*text.Text{doc.Path: doc.Text}
	for _, e := range edits {
		t, ok := texts[e.Path]
		if !ok {
			t = s.nextEditText(e)
			texts[e.Path] = t
		}
		if t == nil || e.End > t.Len() || e.Start > e.End {
			continue
		}
		r := protocol.Range{Start: toPosition(t.Position(e.Start, s.encoding)), End: toPosition(t.Position(e.End, s.encoding))}
		ne := lode.NextEdit{
			ID:      fmt.Sprintf("ne-%d", nextEditIDs.Add(1)),
			URI:     uri.File(e.Path),
			Range:   r,
			NewText: e.NewText,
			Kind:    e.Kind,
		}
		if e.Version != 0 {
			ne.Version = ptr(e.Version)
		}
		if e.Selection != nil {
			nt := text.New(e.NewText)
			ne.Placeholder = &lode.Placeholder{
				Start: uint32(nt.Position(e.Selection.Start, s.encoding).Character),
				End:   uint32(nt.Position(e.Selection.End, s.encoding).Character),
			}
		}
		res.Edits = append(res.Edits, ne)
	}
	return res, nil
}

// nextEditText returns the text an edit of another file is in: the open
// document at the edit's version, or the file as the workspace reads it.
// nil when that text is gone.
func (s *Server) nextEditText(e nextedit.Edit) *text.Text {
	if e.Version != 0 {
		if d := s.docs.Load().docs[e.Path]; d != nil && d.Version == e.Version {
			return d.Text
		}
		return nil
	}
	src, err := s.ws.ReadFile(e.Path)
	if err != nil {
		return nil
	}
	return text.New(string(src))
}

// nextEditsKey is the Supersede key of a document's lode/nextEdits.
func nextEditsKey(path string) string { return "nextEdits:" + path }

func abs(n int) int { return max(n, -n) }

func toPosition(p text.Position) protocol.Position {
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}
