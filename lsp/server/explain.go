package server

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/lsp/lode"
)

// Explainer explains code; completion/explain's *Explainer is one.
type Explainer interface {
	// Explain asks the model; its error wraps llm's sentinels.
	Explain(ctx context.Context, t explain.Target, progress explain.Progress) (*explain.Explanation, error)
	// Fallback explains from the syntax tree and the index alone.
	Fallback(ctx context.Context, t explain.Target, note string) (*explain.Explanation, error)
}

const (
	// methodExplain is the custom request lode/explain: explainParams in,
	// explainResult out.
	methodExplain = "lode/explain"
	// commandExplain explains and shows the result (a markdown document, or
	// a message); its one argument is an explainParams object.
	commandExplain = "lode.explain"
)

// explainParams are the params of lode/explain and the argument of the
// lode.explain command.
type explainParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	// Range is the code to explain; an empty or absent range explains the
	// function or type around its start, or around Position.
	Range    *protocol.Range    `json:"range,omitzero"`
	Position *protocol.Position `json:"position,omitzero"`
	// WorkDoneToken, when set, receives the progress.
	WorkDoneToken protocol.ProgressToken `json:"workDoneToken,omitzero"`
}

// explainResult is the result of lode/explain.
type explainResult struct {
	Markdown   string             `json:"markdown"`
	Title      string             `json:"title"`
	Range      protocol.Range     `json:"range"`
	Structural bool               `json:"structural"`
	Model      string             `json:"model,omitzero"`
	Cached     bool               `json:"cached"`
	Sources    []retrieve.Snippet `json:"sources"`
}

// explainFeature is the feature of explanations, hovers and code lenses, when an Explainer is given.
func explainFeature() *feature {
	return &feature{
		name:      "explain",
		available: func(s *Server) bool { return s.opts.Explainer != nil },
		requests: map[string]requestFunc{
			methodExplain:                       request((*Server).explain),
			protocol.MethodTextDocumentHover:    request((*Server).hover),
			protocol.MethodTextDocumentCodeLens: request((*Server).codeLens),
		},
		commands:     map[string]commandFunc{commandExplain: (*Server).explainCommand},
		capabilities: explainCapabilities, // only what explain.hover and explain.code_lens turn on
		configured:   explainConfigured,
	}
}

// explain answers lode/explain.
func (s *Server) explain(ctx context.Context, p *explainParams) (*explainResult, error) {
	doc, ex, err := s.explainDocument(ctx, p, p.WorkDoneToken, true)
	if err != nil {
		return nil, err
	}
	return s.explainResult(doc, ex), nil
}

// explainCommand runs lode.explain: it explains, shows the markdown to the
// user, and returns the explainResult.
func (s *Server) explainCommand(ctx context.Context, args []protocol.LSPAny) (any, error) {
	var p explainParams
	if len(args) != 1 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: want one argument, got %d", commandExplain, len(args))
	}
	if err := lode.DecodeParams(commandExplain, args[0], &p); err != nil {
		return nil, err
	}
	doc, ex, err := s.explainDocument(ctx, &p, nil, true)
	if err != nil {
		if ctx.Err() == nil {
			s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: "+err.Error())
		}
		return nil, err
	}
	s.showMarkdown(ctx, doc, ex)
	return s.explainResult(doc, ex), nil
}

// explainDocument explains the code p points at within the configured
// timeout, reporting progress when asked to. A model that fails gives a
// structural explanation saying why.
func (s *Server) explainDocument(ctx context.Context, p *explainParams, token protocol.ProgressToken, progress bool) (*workspace.Document, *explain.Explanation, error) {
	e := s.opts.Explainer
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, nil, err
	}
	if why := s.refusedDocument(doc); why != "" {
		return nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is %s: lode does not explain it", filepath.Base(doc.Path), why)
	}
	t, err := s.explainTarget(doc, p)
	if err != nil {
		return nil, nil, err
	}
	mctx := ctx // the model's time is bounded; the fallback's is not
	if d := s.Config().Explain.Timeout; d > 0 {
		var cancel context.CancelFunc
		mctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	var prog *Progress
	if progress {
		prog = s.Progress(ctx, token, "Explaining "+filepath.Base(doc.Path))
	}
	defer prog.End(ctx, "")
	ex, err := e.Explain(mctx, t, func(msg string, pct int) { prog.Report(ctx, msg, pct) })
	switch {
	case errors.Is(err, explain.ErrNothing):
		return nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%v", err)
	case err != nil && ctx.Err() == nil:
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s (explain.timeout)", s.Config().Explain.Timeout)
		}
		s.logger.Warn("explain: the model failed, explaining structurally", "err", err)
		ex, err = e.Fallback(ctx, t, fmt.Sprintf("The model failed (%v)", err))
	}
	if err != nil {
		return nil, nil, err
	}
	return doc, ex, nil
}

// explainTarget converts the params' range or position to byte offsets.
func (s *Server) explainTarget(doc *workspace.Document, p *explainParams) (explain.Target, error) {
	t := explain.Target{Path: doc.Path, Language: doc.LanguageID, Content: doc.Text.String()}
	var start, end protocol.Position
	switch {
	case p.Range != nil:
		start, end = p.Range.Start, p.Range.End
	case p.Position != nil:
		start, end = *p.Position, *p.Position
	default:
		return t, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: neither range nor position", methodExplain)
	}
	var err error
	if t.Start, err = s.Offset(doc, start); err != nil {
		return t, err
	}
	if t.End, err = s.Offset(doc, end); err != nil {
		return t, err
	}
	if s.ws.Large(doc) {
		t = t.Narrow() // only a window around the target is read, parsed and sent
	}
	return t, nil
}

func (s *Server) explainResult(doc *workspace.Document, ex *explain.Explanation) *explainResult {
	sources := ex.Sources
	if sources == nil {
		sources = []retrieve.Snippet{}
	}
	return &explainResult{
		Markdown: ex.Markdown, Title: ex.Subject.Title(),
		Range:      s.Range(doc, ex.Subject.Start, ex.Subject.End),
		Structural: ex.Structural, Model: ex.Model, Cached: ex.Cached, Sources: sources,
	}
}

// showMarkdown shows an explanation: as a markdown file opened beside the
// code when the client can show documents, else as a message.
func (s *Server) showMarkdown(ctx context.Context, doc *workspace.Document, ex *explain.Explanation) {
	if w := s.caps.Window; w != nil && w.ShowDocument != nil && w.ShowDocument.Support {
		name := fmt.Sprintf("%s-%d.md", strings.TrimSuffix(filepath.Base(doc.Path), filepath.Ext(doc.Path)), ex.Subject.StartLine+1)
		path, err := s.explainFiles.write(name, []byte(ex.Markdown))
		if err != nil {
			s.logger.Warn("explanation not shown as a document", "err", err)
		} else {
			res, err := s.client.ShowDocument(ctx, &protocol.ShowDocumentParams{URI: uri.File(path), TakeFocus: ptr(false)})
			if err == nil && res != nil && res.Success {
				return
			}
			s.logger.Debug("window/showDocument failed", "err", err)
		}
	}
	s.ShowMessage(ctx, protocol.MessageTypeInfo, ex.Markdown)
}

// hover answers textDocument/hover with an explanation of the function or
// type under the cursor, when explain.hover is on. Only a cached or quick
// explanation is useful on hover: a newer hover in the document cancels
// an older one.
func (s *Server) hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	if !s.Config().Explain.Hover {
		return nil, nil
	}
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	ctx, release := s.Supersede(ctx, "hover:"+doc.Path)
	defer release()
	pos := p.Position
	_, ex, err := s.explainDocument(ctx, &explainParams{TextDocument: p.TextDocument, Position: &pos}, nil, false)
	if err != nil {
		if errors.Is(err, context.Canceled) || lode.IsCode(err, jsonrpc2.InvalidParams) {
			return nil, nil // no function here, or a newer hover won
		}
		return nil, err
	}
	r := s.Range(doc, ex.Subject.Start, ex.Subject.End)
	return &protocol.Hover{Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: ex.Markdown}, Range: &r}, nil
}

// codeLens answers textDocument/codeLens with an "Explain" lens above each
// function and type, when explain.code_lens is on.
func (s *Server) codeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	if !s.Config().Explain.CodeLens {
		return []protocol.CodeLens{}, nil
	}
	doc, err := s.Document(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	lenses := []protocol.CodeLens{}
	if s.refusedDocument(doc) != "" || s.ws.Large(doc) {
		return lenses, nil // a lens per function would parse it whole
	}
	for _, sp := range explain.Spans(ctx, doc.Path, doc.LanguageID, doc.Text.String()) {
		start := s.Position(doc, sp.Start)
		arg, err := protocol.Marshal(explainParams{TextDocument: p.TextDocument, Position: &start})
		if err != nil {
			return nil, err
		}
		lenses = append(lenses, protocol.CodeLens{
			Range:   protocol.Range{Start: start, End: start},
			Command: protocol.Command{Title: "Explain", Command: commandExplain, Arguments: []protocol.LSPAny{arg}},
		})
	}
	return lenses, nil
}
