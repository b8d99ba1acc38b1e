package server

import (
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/lsp/lsptest"
)

const fixBlock = "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"

// resolvingCaps declares lazy code action edits and versioned document
// changes.
func resolvingCaps() *protocol.ClientCapabilities {
	c := lsptest.DefaultCapabilities()
	t := true
	c.TextDocument = &protocol.TextDocumentClientCapabilities{CodeAction: &protocol.CodeActionClientCapabilities{
		DataSupport:    &t,
		ResolveSupport: protocol.ClientCodeActionResolveOptions{Properties: []string{"edit"}},
	}}
	c.Workspace.WorkspaceEdit = &protocol.WorkspaceEditClientCapabilities{DocumentChanges: &t}
	return &c
}

func subtraction() protocol.Diagnostic {
	return protocol.Diagnostic{
		Range:   protocol.Range{Start: pos(4, 8), End: pos(4, 13)},
		Message: protocol.String("Add subtracts"),
		Source:  protocol.NewOptional("vet"),
	}
}

func codeActions(t *testing.T, e *lsptest.Editor, r protocol.Range, diags ...protocol.Diagnostic) []protocol.CodeAction {
	t.Helper()
	var actions []protocol.CodeAction
	p := protocol.CodeActionParams{TextDocument: doc(), Range: r, Context: protocol.CodeActionContext{Diagnostics: diags}}
	if diags == nil {
		p.Context.Diagnostics = []protocol.Diagnostic{}
	}
	if err := e.Call(protocol.MethodTextDocumentCodeAction, p, &actions); err != nil {
		t.Fatal(err)
	}
	return actions
}

func titles(actions []protocol.CodeAction) []string {
	var out []string
	for _, a := range actions {
		out = append(out, a.Title)
	}
	return out
}

// edited applies a document edit's text edits to calcDoc (edits from one
// patch never overlap and come in order).
func edited(t *testing.T, edits []protocol.TextEdit) string {
	t.Helper()
	lines := strings.SplitAfter(calcDoc, "\n")
	offset := func(p protocol.Position) int {
		off := 0
		for _, l := range lines[:p.Line] {
			off += len(l)
		}
		return off + int(p.Character)
	}
	out, last := "", 0
	for _, e := range edits {
		out += calcDoc[last:offset(e.Range.Start)] + e.NewText
		last = offset(e.Range.End)
	}
	return out + calcDoc[last:]
}

func TestFixResolvedLazily(t *testing.T) {
	m := &llmtest.Model{Text: fixBlock}
	e, res := explainEditor(t, m, resolvingCaps(), nil)
	if o, ok := res.Capabilities.CodeActionProvider.(*protocol.CodeActionOptions); !ok || o.ResolveProvider == nil || !*o.ResolveProvider {
		t.Fatalf("codeActionProvider = %#v", res.Capabilities.CodeActionProvider)
	}
	actions := codeActions(t, e, protocol.Range{Start: pos(4, 9), End: pos(4, 9)}, subtraction())
	if got := titles(actions); len(got) != 2 || got[0] != "Explain with lode" || got[1] != "Fix with lode: Add subtracts" {
		t.Fatalf("actions: %q", got)
	}
	if len(m.Calls()) != 0 {
		t.Fatalf("listing actions called the model")
	}
	fix := actions[1]
	if fix.Edit != nil || len(fix.Data) == 0 || fix.Command.Command != "" {
		t.Fatalf("the fix is not lazy: %+v", fix)
	}
	var resolved protocol.CodeAction
	if err := e.Call(protocol.MethodCodeActionResolve, fix, &resolved); err != nil {
		t.Fatal(err)
	}
	if resolved.Edit == nil || len(resolved.Edit.DocumentChanges) != 1 {
		t.Fatalf("resolved: %+v", resolved)
	}
	tde, ok := resolved.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if !ok || tde.TextDocument.Version == nil || *tde.TextDocument.Version != 1 {
		t.Fatalf("document change: %#v", resolved.Edit.DocumentChanges[0])
	}
	var edits []protocol.TextEdit
	for _, el := range tde.Edits {
		edits = append(edits, *el.(*protocol.TextEdit))
	}
	if got := edited(t, edits); got != strings.Replace(calcDoc, "a - b", "a + b", 1) {
		t.Errorf("after the edit:\n%s", got)
	}
	prompt := m.Calls()[0].Messages[1].Content
	if !strings.Contains(prompt, "calc/calc.go:5:9: vet: Add subtracts") {
		t.Errorf("the prompt lacks the diagnostic:\n%s", prompt)
	}
}

func TestFixFailuresShown(t *testing.T) {
	tests := []struct {
		name  string
		model *llmtest.Model
		edit  func(e *lsptest.Editor)
		want  string
	}{
		{name: "garbage", model: &llmtest.Model{Text: "no idea"}, want: "no valid patch after 2 attempts"},
		{name: "unreachable", model: &llmtest.Model{Err: llm.ErrUnavailable}, want: "model unavailable"},
		{name: "document changed", model: &llmtest.Model{Text: fixBlock}, edit: func(e *lsptest.Editor) {
			e.Edit(calcPath, protocol.Range{Start: pos(0, 0), End: pos(0, 0)}, "// edited\n")
		}, want: "document changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := explainEditor(t, tc.model, resolvingCaps(), nil)
			actions := codeActions(t, e, protocol.Range{Start: pos(4, 9), End: pos(4, 9)}, subtraction())
			if tc.edit != nil {
				tc.edit(e)
			}
			var resolved protocol.CodeAction
			if err := e.Call(protocol.MethodCodeActionResolve, actions[1], &resolved); err != nil {
				t.Fatal(err)
			}
			if resolved.Edit != nil {
				t.Errorf("an edit came back: %+v", resolved.Edit)
			}
			e.WaitFor("a message", func() bool { return len(e.ShownMessages()) > 0 })
			if msg := e.ShownMessages()[0].Message; !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
		})
	}
}

func TestFixCommandWithoutResolve(t *testing.T) {
	m := &llmtest.Model{Text: fixBlock}
	e, _ := explainEditor(t, m, nil, nil)
	d1, d2 := subtraction(), subtraction()
	d2.Message = protocol.String("second problem")
	actions := codeActions(t, e, protocol.Range{Start: pos(4, 9), End: pos(4, 9)}, d1, d2)
	if got := titles(actions); len(got) != 4 || got[3] != "Fix all 2 problems with lode" {
		t.Fatalf("actions: %q", got)
	}
	fix := actions[1]
	if fix.Command.Command != commandFix || len(fix.Data) != 0 {
		t.Fatalf("without resolve support the fix should be a command: %+v", fix)
	}
	if err := e.Call(protocol.MethodWorkspaceExecuteCommand, protocol.ExecuteCommandParams{Command: fix.Command.Command, Arguments: fix.Command.Arguments}, nil); err != nil {
		t.Fatal(err)
	}
	applied := e.AppliedEdits()
	if len(applied) != 1 || len(applied[0].Edit.Changes[lsptest.URI(calcPath)]) == 0 {
		t.Fatalf("applied: %+v", applied)
	}
	if got := edited(t, applied[0].Edit.Changes[lsptest.URI(calcPath)]); !strings.Contains(got, "return a + b") {
		t.Errorf("after the edit:\n%s", got)
	}
}

func TestRewriteSelection(t *testing.T) {
	m := &llmtest.Model{Text: "```go\nfunc Twice(x int) int {\n\treturn 2 * x\n}\n```\n"}
	e, _ := explainEditor(t, m, resolvingCaps(), nil)
	sel := protocol.Range{Start: pos(7, 0), End: pos(9, 1)}
	actions := codeActions(t, e, sel)
	if got := titles(actions); len(got) != 2 || got[0] != "Explain selection with lode" || got[1] != "Rewrite selection with lode…" {
		t.Fatalf("actions: %q", got)
	}
	rewrite := actions[1].Command
	wantCode(t, e.Call(protocol.MethodWorkspaceExecuteCommand, protocol.ExecuteCommandParams{Command: rewrite.Command, Arguments: rewrite.Arguments}, nil), jsonrpc2.InvalidParams)

	arg := actionData{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc(), Version: 1},
		Range:        sel, Instruction: "use a multiplication",
	}
	if err := e.Call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandRewrite, "arguments": []any{arg}}, nil); err != nil {
		t.Fatal(err)
	}
	applied := e.AppliedEdits()
	if len(applied) != 1 || len(applied[0].Edit.DocumentChanges) != 1 {
		t.Fatalf("applied: %+v", applied)
	}
	tde := applied[0].Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	var edits []protocol.TextEdit
	for _, el := range tde.Edits {
		edits = append(edits, *el.(*protocol.TextEdit))
	}
	if got := edited(t, edits); !strings.Contains(got, "\treturn 2 * x\n}\n") || !strings.Contains(got, "return a - b") {
		t.Errorf("after the rewrite:\n%s", got)
	}
	if p := m.Calls()[0].Messages[1].Content; !strings.Contains(p, "use a multiplication") || !strings.Contains(p, "change lines 8-10") {
		t.Errorf("prompt:\n%s", p)
	}
}

func TestCodeActionOnlyFilter(t *testing.T) {
	e, _ := explainEditor(t, &llmtest.Model{}, resolvingCaps(), nil)
	var actions []protocol.CodeAction
	p := protocol.CodeActionParams{TextDocument: doc(), Range: protocol.Range{Start: pos(7, 0), End: pos(9, 1)},
		Context: protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{subtraction()}, Only: []protocol.CodeActionKind{protocol.CodeActionKindRefactor}}}
	if err := e.Call(protocol.MethodTextDocumentCodeAction, p, &actions); err != nil {
		t.Fatal(err)
	}
	if got := titles(actions); len(got) != 1 || got[0] != "Rewrite selection with lode…" {
		t.Errorf("only=refactor: %q", got)
	}
}
