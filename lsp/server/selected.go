package server

import (
	"context"
	"strings"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// selected is the item selected in the editor's completion widget
// (InlineCompletionContext.selectedCompletionInfo). LSP 3.18: inline
// completions shown while the widget is open must extend the selected
// item's text and replace the same range, or the editor hides them. So
// lode completes after the item as if it were inserted, and answers the
// item's text followed by the model's.
type selected struct {
	info protocol.SelectedCompletionInfo
	// start and end are the item's bytes in the document with the item
	// inserted (end is the cursor there); set by apply.
	start, end int
	virtual    string
}

// apply points req at the document with the selected item inserted. It
// reports false when the item's range is not in the document.
func (sel *selected) apply(s *Server, doc *workspace.Document, req *completion.Request) bool {
	r := sel.info.Range
	t, _, err := doc.Text.Apply([]text.Edit{{Range: &text.Range{
		Start: text.Position{Line: int(r.Start.Line), Character: int(r.Start.Character)},
		End:   text.Position{Line: int(r.End.Line), Character: int(r.End.Character)},
	}, Text: sel.info.Text}}, s.Encoding())
	if err != nil {
		return false
	}
	start, err := doc.Text.Offset(text.Position{Line: int(r.Start.Line), Character: int(r.Start.Character)}, s.Encoding())
	if err != nil {
		return false
	}
	sel.start, sel.end, sel.virtual = start, start+len(sel.info.Text), t.String()
	req.Text, req.Offset = t, sel.end
	return true
}

// insertText returns what replaces the item's range for a completion of
// the document with the item inserted: the item's text and what the model
// added. ok is false when the completion does not extend the item, or
// adds nothing to it.
func (sel *selected) insertText(it completion.Item) (string, bool) {
	if it.End != sel.end || it.Start > it.End {
		return "", false
	}
	var full string
	if it.Start >= sel.start {
		full = sel.virtual[sel.start:it.Start] + it.Text
	} else {
		// The item replaces from before the widget's range (the whole
		// identifier): it must agree with the text it replaces there.
		before := sel.virtual[it.Start:sel.start]
		rest, ok := strings.CutPrefix(it.Text, before)
		if !ok {
			return "", false
		}
		full = rest
	}
	if !strings.HasPrefix(full, sel.info.Text) || len(full) == len(sel.info.Text) {
		return "", false
	}
	return full, true
}

// inlineAfterSelected answers an inline completion request made while the
// completion widget shows a selected item.
func (s *Server) inlineAfterSelected(ctx context.Context, p *protocol.InlineCompletionParams, trigger completion.Trigger, info protocol.SelectedCompletionInfo) (*protocol.InlineCompletionList, error) {
	list := &protocol.InlineCompletionList{Items: []protocol.InlineCompletionItem{}}
	sel := &selected{info: info}
	doc, items, err := s.complete(ctx, p.TextDocumentPositionParams, completion.Request{Trigger: trigger, Surface: surfaceInline}, sel)
	if err != nil || doc == nil {
		return list, err
	}
	for _, it := range items {
		full, ok := sel.insertText(it)
		if !ok {
			continue
		}
		r := info.Range
		filter := sel.info.Text
		list.Items = append(list.Items, protocol.InlineCompletionItem{
			InsertText: protocol.String(full),
			FilterText: &filter,
			Range:      &r,
			Command:    s.acceptCommand(it.ID),
		})
	}
	return list, nil
}
