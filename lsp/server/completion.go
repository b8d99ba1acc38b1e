package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/context/workspace"
)

// Completer answers completion requests; completion's *Engine is one.
// Complete must be safe for concurrent use; it applies latest-wins per
// document and surface itself, so requests are not registered with
// Supersede (an edit must not abort a model call that the next request
// can reuse).
type Completer interface {
	Complete(ctx context.Context, req completion.Request) (completion.Result, error)
	// Accept records that the user accepted the item with id.
	Accept(id string) bool
	// Forget drops what the completer keeps of a document that closed.
	Forget(path string)
}

// editFollower is a Completer told of every edit the server applies, so
// that its requests on the document's older versions stop at once: the
// server would drop their answers (see complete), and their work would
// take the CPU from the edits and requests that follow. completion's
// *Engine is one.
type editFollower interface {
	Edited(path string, version int32)
}

// completionEdited tells the Completer of doc's edit, when it follows
// them.
func (s *Server) completionEdited(doc *workspace.Document) {
	if f, ok := s.opts.Completer.(editFollower); ok {
		f.Edited(doc.Path, doc.Version)
	}
}

// commandAccept is sent back by the client when the user accepts an item;
// its one argument is the item's ID. It feeds the local feedback log.
const commandAccept = "lode.acceptCompletion"

// Surfaces, for completion.Request.Surface.
const (
	surfaceInline = "inline"
	surfaceItems  = "items"
)

// completionFeature is the feature of inline completion and completion items, when a Completer is given.
func completionFeature() *feature {
	return &feature{
		name:      "completion",
		available: func(s *Server) bool { return s.opts.Completer != nil },
		requests: map[string]requestFunc{
			protocol.MethodTextDocumentInlineCompletion: request((*Server).inlineCompletion),
			protocol.MethodTextDocumentCompletion:       request((*Server).completion),
		},
		commands: map[string]commandFunc{commandAccept: (*Server).acceptCompletion},
		capabilities: func(s *Server, c *protocol.ServerCapabilities) {
			c.InlineCompletionProvider = protocol.Boolean(true)
			// Completion items are for editors without inline completion:
			// an editor with both would show every suggestion twice.
			if td := s.ClientCapabilities().TextDocument; td == nil || td.InlineCompletion == nil {
				c.CompletionProvider = &protocol.CompletionOptions{}
			}
			// capabilities runs once per session: the place to start
			// following closed documents.
			completer := s.opts.Completer
			s.ws.Subscribe(func(ev workspace.Event) {
				if _, open := s.ws.Document(ev.Path); !open {
					completer.Forget(ev.Path)
				}
			})
		},
	}
}

// complete runs the engine for req (its trigger, surface and options; the
// document and cursor are filled in from p). It returns the
// document the items refer to, or a nil document when there is nothing to
// show: completion off, an engine failure (logged), or a document edited
// since the request (its items would be stale).
//
// sel, when not nil, is the item selected in the editor's completion
// widget: the engine completes after it, as if it were inserted.
func (s *Server) complete(ctx context.Context, p protocol.TextDocumentPositionParams, req completion.Request, sel *selected) (*workspace.Document, []completion.Item, error) {
	c := s.opts.Completer
	if !s.Config().Completion.Enabled {
		return nil, nil, nil
	}
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, nil, err
	}
	if why := s.refusedDocument(doc); why != "" {
		s.logger.Debug("completion: document refused", "path", doc.Path, "why", why)
		return nil, nil, nil
	}
	if languageDisabled(s.Config(), doc.LanguageID) {
		return nil, nil, nil
	}
	off, err := s.Offset(doc, p.Position)
	if err != nil {
		return nil, nil, err
	}
	req.Path, req.LanguageID, req.Text, req.Offset, req.Version = doc.Path, doc.LanguageID, doc.Text, off, doc.Version
	if sel != nil && !sel.apply(s, doc, &req) {
		return nil, nil, nil
	}
	base := 0
	if sel == nil {
		// A large document is read in a window around the cursor.
		req.Text, base = s.window(doc, off)
		req.Offset = off - base
	}
	defer s.completing(ctx)()
	res, err := c.Complete(ctx, req)
	s.noteCompletion(res)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		s.logger.Debug("completion failed", "path", doc.Path, "err", err)
		return nil, nil, nil
	}
	if res.Skipped != "" {
		s.logger.Debug("completion skipped", "path", doc.Path, "why", res.Skipped)
	}
	s.tracePrompt(ctx, res.Prompt)
	s.traceGrounding(ctx, doc.Path, res.Grounding)
	if cur := s.docs.Load().docs[doc.Path]; cur == nil || cur.Version != doc.Version {
		return nil, nil, nil // edited meanwhile: never show a stale completion
	}
	for i := range res.Items {
		res.Items[i].Start += base
		res.Items[i].End += base
	}
	return doc, res.Items, nil
}

// inlineCompletion answers textDocument/inlineCompletion.
func (s *Server) inlineCompletion(ctx context.Context, p *protocol.InlineCompletionParams) (*protocol.InlineCompletionList, error) {
	trigger := completion.Automatic
	if p.Context.TriggerKind == protocol.InlineCompletionTriggerKindInvoked {
		trigger = completion.Invoked
	}
	list := &protocol.InlineCompletionList{Items: []protocol.InlineCompletionItem{}}
	if sel := p.Context.SelectedCompletionInfo; sel != (protocol.SelectedCompletionInfo{}) {
		return s.inlineAfterSelected(ctx, p, trigger, sel)
	}
	doc, items, err := s.complete(ctx, p.TextDocumentPositionParams, completion.Request{Trigger: trigger, Surface: surfaceInline}, nil)
	if err != nil || doc == nil {
		return list, err
	}
	for _, it := range items {
		r := s.Range(doc, it.Start, it.End)
		filter := it.FilterText
		list.Items = append(list.Items, protocol.InlineCompletionItem{
			InsertText: protocol.String(it.Text),
			FilterText: &filter,
			Range:      &r,
			Command:    s.acceptCommand(it.ID),
		})
	}
	if len(list.Items) == 0 {
		// The next edit on the cursor's line, when lode/nextEdits found one.
		if off, err := s.Offset(doc, p.Position); err == nil {
			list.Items = append(list.Items, s.nextEditInline(doc, off)...)
		}
	}
	return list, nil
}

// completion answers textDocument/completion with one item per line
// candidate, then one per ranked next token, each with an edit that
// replaces the identifier before the cursor, sorted in that order. The
// list is incomplete so that the editor asks again as the user types (the
// engine answers typing-through from its cache, and ranks the next tokens
// again).
func (s *Server) completion(ctx context.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	list := &protocol.CompletionList{IsIncomplete: true, Items: []protocol.CompletionItem{}}
	doc, items, err := s.complete(ctx, p.TextDocumentPositionParams,
		completion.Request{Trigger: completion.Automatic, Surface: surfaceItems, Predict: true}, nil)
	if err != nil || doc == nil {
		return list, err
	}
	for i, it := range items {
		label := it.FilterText
		if strings.Contains(it.Text, "\n") {
			label += " …"
		}
		detail := "lode · " + it.Model
		if it.Kind != completion.KindLine {
			detail += fmt.Sprintf(" · %.0f%%", 100*it.Score)
		}
		item := protocol.CompletionItem{
			Label:            label,
			Kind:             itemKinds[it.Kind],
			Detail:           protocol.NewOptional(detail),
			FilterText:       protocol.NewOptional(it.FilterText),
			SortText:         protocol.NewOptional(fmt.Sprintf("%04d", i)),
			InsertTextFormat: protocol.InsertTextFormatPlainText,
			TextEdit:         &protocol.TextEdit{Range: s.Range(doc, it.Start, it.End), NewText: it.Text},
		}
		if it.ID != "" {
			item.Command = s.acceptCommand(it.ID)
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

// itemKinds shows what an item completes. A ranked name is only known to
// be a name: Text says no more than that.
var itemKinds = map[completion.Kind]protocol.CompletionItemKind{
	completion.KindLine:       protocol.CompletionItemKindSnippet,
	completion.KindIdentifier: protocol.CompletionItemKindText,
	completion.KindMember:     protocol.CompletionItemKindField,
	completion.KindKeyword:    protocol.CompletionItemKindKeyword,
	completion.KindValue:      protocol.CompletionItemKindValue,
}

// acceptCommand returns the command that reports an accepted item, when
// the feedback log is on (else none: it would cost a round trip for
// nothing).
func (s *Server) acceptCommand(id string) protocol.Command {
	if s.Config().Completion.FeedbackLog == "" {
		return protocol.Command{}
	}
	return protocol.Command{
		Title:     "Accept completion",
		Command:   commandAccept,
		Arguments: []protocol.LSPAny{protocol.LSPAny(strconv.Quote(id))},
	}
}

// acceptCompletion runs lode.acceptCompletion.
func (s *Server) acceptCompletion(ctx context.Context, args []protocol.LSPAny) (any, error) {
	if len(args) != 1 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s takes one argument, the item ID", commandAccept)
	}
	id, err := strconv.Unquote(string(args[0]))
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: the item ID must be a string", commandAccept)
	}
	c := s.opts.Completer
	return c.Accept(id), nil
}
