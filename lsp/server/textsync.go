package server

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// textSyncFeature is the feature of the open documents.
func textSyncFeature() *feature {
	return &feature{
		name: "textsync",
		notifications: map[string]notificationFunc{
			protocol.MethodTextDocumentDidOpen:   notification((*Server).didOpen),
			protocol.MethodTextDocumentDidChange: notification((*Server).didChange),
			protocol.MethodTextDocumentDidClose:  notification((*Server).didClose),
			protocol.MethodTextDocumentDidSave:   notification((*Server).didSave),
		},
		capabilities: func(s *Server, c *protocol.ServerCapabilities) {
			change := protocol.TextDocumentSyncKindIncremental
			c.TextDocumentSync = &protocol.TextDocumentSyncOptions{
				OpenClose: ptr(true),
				Change:    &change,
				Save:      &protocol.SaveOptions{IncludeText: ptr(false)},
			}
		},
	}
}

// docSet is an immutable set of open documents by path. The reading
// goroutine replaces it on every change (copy on write); a request keeps the
// one that was current when it arrived.
type docSet struct {
	docs map[string]*workspace.Document
}

func (d *docSet) with(doc *workspace.Document) *docSet {
	m := maps.Clone(d.docs)
	if m == nil {
		m = make(map[string]*workspace.Document)
	}
	m[doc.Path] = doc
	return &docSet{docs: m}
}

func (d *docSet) without(path string) *docSet {
	m := maps.Clone(d.docs)
	delete(m, path)
	return &docSet{docs: m}
}

type (
	docsKey   struct{}
	methodKey struct{}
)

// capture pins the open documents as of a request's arrival.
func (s *Server) capture(ctx context.Context, method string) context.Context {
	return context.WithValue(ctx, docsKey{}, s.docs.Load())
}

func methodOf(ctx context.Context) string {
	m, _ := ctx.Value(methodKey{}).(string)
	return m
}

// Path converts a document URI to the cleaned file path documents are
// keyed by. Only file URIs are supported.
func Path(u uri.URI) (string, error) {
	if !u.IsFile() {
		return "", jsonrpc2.Errorf(jsonrpc2.InvalidParams, "not a file URI: %q", u.String())
	}
	// A copy: the decoded message's strings share its buffer, which a
	// path kept in a map would keep alive (a whole document's, for a
	// didOpen).
	return strings.Clone(filepath.Clean(u.FsPath())), nil
}

// Document returns the open document at u as it was when the request being
// handled arrived (or, outside a request, as it is now). A document that is
// not open is an InvalidParams error.
func (s *Server) Document(ctx context.Context, u uri.URI) (*workspace.Document, error) {
	path, err := Path(u)
	if err != nil {
		return nil, err
	}
	set, ok := ctx.Value(docsKey{}).(*docSet)
	if !ok {
		set = s.docs.Load()
	}
	doc := set.docs[path]
	if doc == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "document not open: %s", u.String())
	}
	return doc, nil
}

// Offset converts a protocol position in doc to a byte offset, in the
// negotiated encoding. A character past the end of its line means the end
// of the line; a line past the end of the document is InvalidParams.
func (s *Server) Offset(doc *workspace.Document, p protocol.Position) (int, error) {
	off, err := doc.Text.Offset(fromPosition(p), s.encoding)
	if err != nil {
		return 0, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %v", doc.Path, err)
	}
	return off, nil
}

// Position converts a byte offset in doc to a protocol position.
func (s *Server) Position(doc *workspace.Document, off int) protocol.Position {
	p := doc.Text.Position(off, s.encoding)
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}

// Range converts a byte range in doc to a protocol range.
func (s *Server) Range(doc *workspace.Document, start, end int) protocol.Range {
	return protocol.Range{Start: s.Position(doc, start), End: s.Position(doc, end)}
}

func fromPosition(p protocol.Position) text.Position {
	return text.Position{Line: int(p.Line), Character: int(p.Character)}
}

func (s *Server) didOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) error {
	path, err := Path(p.TextDocument.URI)
	if err != nil {
		return err
	}
	doc := &workspace.Document{
		Path:       path,
		LanguageID: strings.Clone(string(p.TextDocument.LanguageID)),
		Version:    p.TextDocument.Version,
		Text:       text.New(p.TextDocument.Text),
	}
	s.docs.Store(s.docs.Load().with(doc))
	s.ws.Open(doc)
	if workspace.IsSecretFile(path) {
		// Completions, explanations and suggestions answer nothing in it:
		// say why once, when it opens.
		s.ShowMessage(ctx, protocol.MessageTypeInfo, "lode: "+redact.SecretFileError(path).Error())
	}
	return nil
}

func (s *Server) didChange(ctx context.Context, p *protocol.DidChangeTextDocumentParams) error {
	path, err := Path(p.TextDocument.URI)
	if err != nil {
		return err
	}
	old := s.docs.Load().docs[path]
	if old == nil {
		return fmt.Errorf("didChange of a document not open: %s", path)
	}
	edits := make([]text.Edit, 0, len(p.ContentChanges))
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case *protocol.TextDocumentContentChangePartial:
			r := text.Range{Start: fromPosition(c.Range.Start), End: fromPosition(c.Range.End)}
			edits = append(edits, text.Edit{Range: &r, Text: c.Text})
		case *protocol.TextDocumentContentChangeWholeDocument:
			edits = append(edits, text.Edit{Text: c.Text})
		}
	}
	t, _, err := old.Text.Apply(edits, s.encoding)
	if err != nil {
		// The client and lode now disagree on the content; keep the old one
		// and say so: a later full sync or reopen repairs it.
		return fmt.Errorf("didChange %s version %d: %w", path, p.TextDocument.Version, err)
	}
	doc := &workspace.Document{Path: path, LanguageID: old.LanguageID, Version: p.TextDocument.Version, Text: t}
	s.docs.Store(s.docs.Load().with(doc))
	s.cancelDocumentWork(path)
	s.completionEdited(doc)
	s.ws.Update(doc)
	return nil
}

func (s *Server) didClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) error {
	path, err := Path(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.docs.Store(s.docs.Load().without(path))
	s.cancelDocumentWork(path)
	s.ws.Close(path)
	return nil
}

// cancelDocumentWork cancels the work on the document at path that a
// change or a close makes stale: its inline completion and its next-edit
// prediction.
func (s *Server) cancelDocumentWork(path string) {
	s.cancelWork(path)
	s.cancelWork(nextEditsKey(path))
}

// didSave needs nothing: the open document already holds the saved content,
// and the workspace watcher sees the file change on disk.
func (s *Server) didSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) error {
	return nil
}

func ptr[T any](v T) *T { return &v }
