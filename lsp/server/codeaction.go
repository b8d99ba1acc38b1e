package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/lsp/lode"
)

// Patcher suggests patches; completion/patch's *Suggester is one.
type Patcher interface {
	Suggest(ctx context.Context, req *patch.Request) (*patch.Result, error)
}

const (
	// commandFix computes a fix and applies it with workspace/applyEdit, for
	// clients that cannot resolve a code action's edit; its argument is an
	// actionData.
	commandFix = "lode.fix"
	// commandRewrite rewrites a range following an instruction and applies
	// it with workspace/applyEdit; its argument is an actionData whose
	// instruction the client fills in (it asks the user).
	commandRewrite = "lode.rewrite"
)

// maxFixActions bounds the "Fix with lode" actions offered for the
// diagnostics of one request (plus one for all of them).
const maxFixActions = 3

// actionData travels in a code action's data (and as the fix and rewrite
// commands' argument): what to patch, at which document version.
type actionData struct {
	TextDocument protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                           `json:"range"`
	Diagnostics  []protocol.Diagnostic                    `json:"diagnostics,omitzero"`
	Instruction  string                                   `json:"instruction,omitzero"`
}

// codeActionFeature is the feature of code actions that explain or fix, when an Explainer or a Patcher is given.
func codeActionFeature() *feature {
	return &feature{
		name:      "codeaction",
		available: func(s *Server) bool { return s.opts.Explainer != nil || s.opts.Patcher != nil },
		requests: map[string]requestFunc{
			protocol.MethodTextDocumentCodeAction: request((*Server).codeAction),
			protocol.MethodCodeActionResolve:      request((*Server).resolveCodeAction),
		},
		commands: map[string]commandFunc{
			commandFix:     (*Server).fixCommand,
			commandRewrite: (*Server).fixCommand,
		},
		capabilities: func(s *Server, c *protocol.ServerCapabilities) {
			c.CodeActionProvider = &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, protocol.CodeActionKindRefactorRewrite},
				ResolveProvider: ptr(true),
			}
		},
	}
}

// codeAction lists lode's actions for a range. It never calls a model:
// fixes are computed when the client resolves them (or runs lode.fix).
func (s *Server) codeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	var actions []protocol.CodeAction
	if s.opts.Explainer != nil && len(p.Context.Only) == 0 {
		if a, ok := s.explainAction(p); ok {
			actions = append(actions, a)
		}
	}
	if s.opts.Patcher == nil {
		return actions, nil
	}
	data := actionData{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: p.TextDocument, Version: doc.Version},
		Range:        p.Range,
	}
	if wanted(p.Context.Only, protocol.CodeActionKindQuickFix) {
		diags := p.Context.Diagnostics
		for i, d := range diags {
			if i == maxFixActions {
				break
			}
			one := data
			one.Range, one.Diagnostics = d.Range, []protocol.Diagnostic{d}
			actions = append(actions, s.fixAction("Fix with lode: "+firstLine(message(d)), one))
		}
		if len(diags) > 1 {
			all := data
			all.Diagnostics = diags
			all.Range = diags[0].Range
			for _, d := range diags[1:] {
				if d.Range.Start.Line < all.Range.Start.Line {
					all.Range.Start = d.Range.Start
				}
				if d.Range.End.Line > all.Range.End.Line {
					all.Range.End = d.Range.End
				}
			}
			actions = append(actions, s.fixAction(fmt.Sprintf("Fix all %d problems with lode", len(diags)), all))
		}
	}
	if p.Range.Start != p.Range.End && wanted(p.Context.Only, protocol.CodeActionKindRefactorRewrite) {
		arg, err := protocol.Marshal(data)
		if err != nil {
			return nil, err
		}
		actions = append(actions, protocol.CodeAction{
			Title:   "Rewrite selection with lode…",
			Kind:    ptr(protocol.CodeActionKindRefactorRewrite),
			Command: protocol.Command{Title: "Rewrite selection with lode", Command: commandRewrite, Arguments: []protocol.LSPAny{arg}},
		})
	}
	return actions, nil
}

// explainAction offers to explain the selection, or the function or type
// around the cursor. It does not parse the document (a parse of a large
// file costs tens of milliseconds, too much for every cursor move): the
// command finds the code to explain when it runs.
func (s *Server) explainAction(p *protocol.CodeActionParams) (protocol.CodeAction, bool) {
	r := p.Range
	arg, err := protocol.Marshal(explainParams{TextDocument: p.TextDocument, Range: &r})
	if err != nil {
		return protocol.CodeAction{}, false
	}
	title := "Explain with lode"
	if r.Start != r.End {
		title = "Explain selection with lode"
	}
	return protocol.CodeAction{
		Title:   title,
		Command: protocol.Command{Title: title, Command: commandExplain, Arguments: []protocol.LSPAny{arg}},
	}, true
}

// fixAction is a quick fix whose edit is resolved lazily, or, for clients
// that cannot resolve edits, computed by the lode.fix command.
func (s *Server) fixAction(title string, data actionData) protocol.CodeAction {
	raw, _ := protocol.Marshal(data) // plain structs always marshal
	a := protocol.CodeAction{Title: title, Kind: ptr(protocol.CodeActionKindQuickFix), Diagnostics: data.Diagnostics, Data: raw}
	if !s.canResolveEdit() {
		a.Data = nil
		a.Command = protocol.Command{Title: title, Command: commandFix, Arguments: []protocol.LSPAny{raw}}
	}
	return a
}

func (s *Server) canResolveEdit() bool {
	td := s.caps.TextDocument
	if td == nil || td.CodeAction == nil || td.CodeAction.DataSupport == nil || !*td.CodeAction.DataSupport {
		return false
	}
	return slices.Contains(td.CodeAction.ResolveSupport.Properties, "edit")
}

// wanted reports whether kind passes the request's "only" filter.
func wanted(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

// resolveCodeAction computes a fix's edit. A failure is shown to the user
// and the action comes back without an edit.
func (s *Server) resolveCodeAction(ctx context.Context, a *protocol.CodeAction) (*protocol.CodeAction, error) {
	var d actionData
	if len(a.Data) == 0 {
		return a, nil // not one of lode's lazy actions
	}
	if err := lode.DecodeParams(protocol.MethodCodeActionResolve, a.Data, &d); err != nil {
		return nil, err
	}
	edit, err := s.patchEdit(ctx, &d)
	if err != nil {
		if ctx.Err() == nil {
			s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: "+err.Error())
		}
		return a, nil
	}
	a.Edit = edit
	return a, nil
}

// fixCommand runs lode.fix and lode.rewrite: it computes the patch and
// asks the client to apply it.
func (s *Server) fixCommand(ctx context.Context, args []protocol.LSPAny) (any, error) {
	var d actionData
	if len(args) != 1 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "want one argument, got %d", len(args))
	}
	if err := lode.DecodeParams(commandFix, args[0], &d); err != nil {
		return nil, err
	}
	if len(d.Diagnostics) == 0 && strings.TrimSpace(d.Instruction) == "" {
		s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: rewriting needs an instruction (the command's instruction argument)")
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: no instruction and no diagnostics", commandRewrite)
	}
	edit, err := s.patchEdit(ctx, &d)
	if err != nil {
		if ctx.Err() == nil {
			s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: "+err.Error())
		}
		return nil, err
	}
	res, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: ptr("lode"), Edit: *edit})
	if err != nil {
		return nil, fmt.Errorf("workspace/applyEdit: %w", err)
	}
	if !res.Applied {
		reason := "the editor refused the edit"
		if res.FailureReason != nil {
			reason = *res.FailureReason
		}
		s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: "+reason)
	}
	return res, nil
}

// patchEdit asks the Patcher for a patch of d's document and converts it to
// a WorkspaceEdit for the version d names.
func (s *Server) patchEdit(ctx context.Context, d *actionData) (*protocol.WorkspaceEdit, error) {
	p := s.opts.Patcher
	doc, err := s.Document(ctx, d.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if why := s.refusedDocument(doc); why != "" || s.ws.Large(doc) {
		// A patch covers whole lines of the whole document: never sent
		// for a document read only in windows.
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is %s: lode does not patch it", filepath.Base(doc.Path), cmp.Or(why, "too large (context.max_file_size) or minified"))
	}
	if d.TextDocument.Version != 0 && doc.Version != d.TextDocument.Version {
		return nil, jsonrpc2.Errorf(protocol.CodeContentModified, "the document changed since the action was offered; try again")
	}
	req, err := s.patchRequest(ctx, doc, d)
	if err != nil {
		return nil, err
	}
	cfg := s.Config().Explain
	if cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	prog := s.Progress(ctx, nil, "lode: "+strings.TrimSuffix(firstLine(req.Instruction), ".")+" ("+filepath.Base(doc.Path)+")")
	res, err := p.Suggest(ctx, req)
	prog.End(ctx, "")
	if err != nil {
		return nil, err
	}
	if res.Patch == nil {
		return nil, noPatch(res)
	}
	return s.workspaceEdit(doc, d, res.Patch), nil
}

// patchRequest builds the patch request: the document (with the range's
// lines as the region), its diagnostics, and the context bundle at the
// range when a ContextSource is configured.
func (s *Server) patchRequest(ctx context.Context, doc *workspace.Document, d *actionData) (*patch.Request, error) {
	rel := doc.Path
	if root := s.root(); root != "" {
		if r, err := filepath.Rel(root, doc.Path); err == nil && !strings.HasPrefix(r, "..") {
			rel = r
		}
	}
	rel = filepath.ToSlash(rel)
	req := &patch.Request{
		Instruction: d.Instruction,
		Targets: []patch.Target{{
			Path: rel, Language: doc.LanguageID, Content: doc.Text.String(),
			StartLine: int(d.Range.Start.Line) + 1, EndLine: int(d.Range.End.Line) + 1,
		}},
	}
	for _, g := range d.Diagnostics {
		src, _ := g.Source.Get()
		req.Diagnostics = append(req.Diagnostics, patch.Diagnostic{
			Path: rel, Line: int(g.Range.Start.Line) + 1, Column: int(g.Range.Start.Character) + 1,
			Message: message(g), Source: src,
		})
	}
	if req.Instruction == "" {
		req.Instruction = "Fix the problems listed above."
	}
	if s.opts.Context != nil {
		off, err := s.Offset(doc, d.Range.Start)
		if err != nil {
			return nil, err
		}
		b, err := s.opts.Context.Context(ctx, retrieve.Request{
			Path: doc.Path, Language: doc.LanguageID, Content: doc.Text.String(), Offset: off,
			Budget: s.Config().Explain.ContextBudget, PrefixStart: 0, SuffixEnd: doc.Text.Len(),
		})
		if err == nil {
			req.Context = b.Snippets
		}
	}
	return req, nil
}

// workspaceEdit converts a patch of one document to edits at the version
// the action was computed for.
func (s *Server) workspaceEdit(doc *workspace.Document, d *actionData, p *patch.Patch) *protocol.WorkspaceEdit {
	var edits []protocol.TextEdit
	for _, c := range p.Changes {
		for _, e := range c.Edits() {
			edits = append(edits, protocol.TextEdit{Range: s.Range(doc, e.Start, e.End), NewText: e.New})
		}
	}
	if w := s.caps.Workspace; w != nil && w.WorkspaceEdit != nil && w.WorkspaceEdit.DocumentChanges != nil && *w.WorkspaceEdit.DocumentChanges {
		elems := make([]protocol.TextDocumentEditElement, len(edits))
		for i := range edits {
			elems[i] = &edits[i]
		}
		version := doc.Version
		return &protocol.WorkspaceEdit{DocumentChanges: []protocol.DocumentChange{&protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: d.TextDocument.TextDocumentIdentifier, Version: &version},
			Edits:        elems,
		}}}
	}
	return &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{d.TextDocument.URI: edits}}
}

// noPatch explains why no attempt gave a valid patch.
func noPatch(res *patch.Result) error {
	if len(res.Attempts) == 0 {
		return errors.New("the model gave no patch")
	}
	last := res.Attempts[len(res.Attempts)-1]
	return fmt.Errorf("no valid patch after %d attempts: %v", len(res.Attempts), last.Err)
}

// message returns a diagnostic's message as text.
func message(d protocol.Diagnostic) string {
	switch m := d.Message.(type) {
	case protocol.String:
		return string(m)
	case *protocol.MarkupContent:
		return m.Value
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 80 {
		s = s[:77] + "…"
	}
	return s
}
