package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/llm/openai"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/completion/nextedit/rewrite"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/wire"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// The document of the model predictor's tests: a field added to a
// struct (v2), then to Add's literal (v3, the cursor at its end); the
// model is to add it to Sub's.
const (
	pointV1 = "package calc\n\n// Point is a point in the plane.\ntype Point struct {\n\tX, Y int\n}\n\nfunc Add(a, b Point) Point {\n\treturn Point{X: a.X + b.X, Y: a.Y + b.Y}\n}\n\nfunc Sub(a, b Point) Point {\n\treturn Point{X: a.X - b.X, Y: a.Y - b.Y}\n}\n"
	subOld  = "return Point{X: a.X - b.X, Y: a.Y - b.Y}"
	subNew  = "return Point{X: a.X - b.X, Y: a.Y - b.Y, Z: a.Z - b.Z}"
)

var (
	pointV2 = strings.Replace(pointV1, "X, Y int", "X, Y, Z int", 1)
	pointV3 = strings.Replace(pointV2, "Y: a.Y + b.Y}", "Y: a.Y + b.Y, Z: a.Z + b.Z}", 1)
	// pointCursor is the end of Add's return line in v3.
	pointCursor = protocol.Position{Line: 8, Character: 56}
	// zetaAnswer is the model's rewrite of the editable region of v3.
	zetaAnswer = "```calc/calc.go\n<|editable_region_start|>\n" +
		strings.Replace(pointV3[strings.Index(pointV3, "}\n\nfunc Add"):], subOld, subNew, 1) + "<|editable_region_end|>\n```"
)

// modelEditor starts a server whose next-edit engine has a model
// predictor over an OpenAI-compatible client of the fake server, with a
// workspace folder holding calc/calc.go (opened and edited to v3) and
// an ignored gen/ folder. It returns the editor, the document and its
// version.
func modelEditor(t *testing.T, fake *llmtest.Server) (*lsptest.Editor, string, int32) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "w")
	path := filepath.Join(root, "calc", "calc.go")
	for name, content := range map[string]string{path: pointV1, filepath.Join(root, ".gitignore"): "gen/\n"} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	client, err := openai.New(openai.Options{BaseURL: fake.URL + "/v1", APIKey: "sk-test", Model: "zeta",
		// Waits longer than a test: only a cancellation aborts a call.
		FIM: openai.FIMNone, Timeouts: wire.Timeouts{FirstByte: time.Hour, Request: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	eng := nextedit.New(ws, nextedit.Options{})
	pred := rewrite.New(rewrite.Options{Model: client, ModelName: "zeta", SyntaxCheck: true, Timeout: -1,
		Rel: func(p string) string { r, _ := filepath.Rel(root, p); return filepath.ToSlash(r) }})
	t.Cleanup(pred.Close)
	eng.SetModel(pred)
	// Inline completions from a model that never has anything to say.
	cfg := config.Default().Completion
	cfg.SkipMidLine, cfg.SkipMidWord = false, false
	completer := completion.New(completion.Options{Config: cfg, Model: &llmtest.Model{Name: "quiet"}})
	t.Cleanup(func() { completer.Close() })
	opts := testOptions(t)
	opts.Workspace = ws
	opts.NextEdits = eng
	opts.Completer = completer
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{root}, Capabilities: inlineCaps()})
	e.Open(path, "go", pointV1)
	e.Replace(path, pointV2)
	return e, path, e.Replace(path, pointV3)
}

// nextEditsAt asks for the next edits of path at version, the cursor at
// pos.
func nextEditsAt(ctx context.Context, e *lsptest.Editor, path string, version int32, pos protocol.Position) ([]lode.NextEdit, error) {
	var res lode.NextEditsResult
	err := e.CallContext(ctx, lode.MethodNextEdits, &lode.NextEditsParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)}, Version: version},
		Position:     pos,
	}, &res)
	return res.Edits, err
}

// TestModelNextEdits: the fake model's rewrite of the region becomes the
// one edit it makes, in the document's version; the prompt carries the
// recent edits as diffs and the region around the cursor.
func TestModelNextEdits(t *testing.T) {
	fake := llmtest.NewServer(t)
	fake.Reply(llmtest.Reply{Text: zetaAnswer})
	e, path, v := modelEditor(t, fake)
	edits, err := nextEditsAt(context.Background(), e, path, v, pointCursor)
	if err != nil {
		t.Fatal(err)
	}
	var model []lode.NextEdit
	for _, ed := range edits {
		if ed.Kind == nextedit.KindModel {
			model = append(model, ed)
		}
	}
	want := protocol.Range{Start: protocol.Position{Line: 12, Character: 40}, End: protocol.Position{Line: 12, Character: 40}}
	if len(model) != 1 || model[0].Range != want || model[0].NewText != ", Z: a.Z - b.Z" || model[0].URI != lsptest.URI(path) ||
		model[0].Version == nil || *model[0].Version != v || model[0].ID == "" {
		t.Fatalf("edits %+v, want one model edit inserting Z into Sub at %v, version %d", edits, want.Start, v)
	}
	prompt, _ := fake.Last(t).Field("prompt").(string)
	for _, part := range []string{"### User Edits:", "User edited \"calc/calc.go\"", "-\tX, Y int\n+\tX, Y, Z int", "<|editable_region_start|>\n}\n\nfunc Add", "b.Z}<|user_cursor_is_here|>"} {
		if !strings.Contains(prompt, part) {
			t.Errorf("the prompt lacks %q:\n%s", part, prompt)
		}
	}
}

// TestModelNextEditsMalformed: answers that are not a rewrite of the
// region, and failing calls, give no model edits and no error.
func TestModelNextEditsMalformed(t *testing.T) {
	for _, rep := range []llmtest.Reply{
		{Text: "I am not sure what you want me to do."},
		{Text: ""},
		{Text: "<|editable_region_start|>\n}\n<|editable_region_start|>"},
		{Text: zetaAnswer, FinishReason: "length"},
		{Body: `{"choices": [{"text": `},
		{Status: 500},
	} {
		fake := llmtest.NewServer(t)
		fake.Reply(rep)
		e, path, v := modelEditor(t, fake)
		edits, err := nextEditsAt(context.Background(), e, path, v, pointCursor)
		if err != nil {
			t.Fatalf("reply %+v: %v", rep, err)
		}
		for _, ed := range edits {
			if ed.Kind == nextedit.KindModel {
				t.Errorf("reply %+v: a model edit %+v", rep, ed)
			}
		}
		if fake.Count() == 0 {
			t.Errorf("reply %+v: the model was not asked", rep)
		}
	}
}

// TestModelNextEditsCancelled: $/cancelRequest, a newer request and an
// edit of the document each abort the model call in flight (the fake
// sees its connection closed); the older request is answered empty.
func TestModelNextEditsCancelled(t *testing.T) {
	for _, how := range []string{"cancel", "newer request", "edit"} {
		t.Run(how, func(t *testing.T) {
			fake := llmtest.NewServer(t)
			fake.Reply(llmtest.Reply{Hang: true})
			e, path, v := modelEditor(t, fake)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type answer struct {
				edits []lode.NextEdit
				err   error
			}
			done := make(chan answer, 1)
			go func() {
				edits, err := nextEditsAt(ctx, e, path, v, pointCursor)
				done <- answer{edits, err}
			}()
			e.WaitFor("the model call", func() bool { return fake.Count() > 0 })
			switch how {
			case "cancel":
				cancel()
			case "newer request":
				fake.Reply(llmtest.Reply{Text: zetaAnswer})
				if _, err := nextEditsAt(context.Background(), e, path, v, pointCursor); err != nil {
					t.Fatal(err)
				}
			case "edit":
				e.Replace(path, pointV3+"\n")
			}
			if _, ok := fake.WaitClosed(time.Minute); !ok {
				t.Fatal("the model call was not aborted")
			}
			a := <-done
			if how != "cancel" && (a.err != nil || len(a.edits) != 0) {
				t.Errorf("the superseded request got %+v, %v; want no edits", a.edits, a.err)
			}
		})
	}
}

// TestModelNextEditsNotAsked: a version the editor no longer shows, an
// ignored file and a secret file get nothing, and the model is not
// asked; the edits of the secret file are never sent.
func TestModelNextEditsNotAsked(t *testing.T) {
	fake := llmtest.NewServer(t)
	fake.Reply(llmtest.Reply{Text: zetaAnswer})
	e, path, v := modelEditor(t, fake)
	if edits, err := nextEditsAt(context.Background(), e, path, v-1, pointCursor); err != nil || len(edits) != 0 {
		t.Errorf("a stale version got %+v, %v", edits, err)
	}
	ignored := filepath.Join(filepath.Dir(filepath.Dir(path)), "gen", "calc.go")
	e.Open(ignored, "go", pointV1)
	e.Replace(ignored, pointV2)
	iv := e.Replace(ignored, pointV3)
	if edits, err := nextEditsAt(context.Background(), e, ignored, iv, pointCursor); err != nil || len(edits) != 0 {
		t.Errorf("an ignored file got %+v, %v", edits, err)
	}
	secret := filepath.Join(filepath.Dir(filepath.Dir(path)), ".env")
	e.Open(secret, "dotenv", "TOKEN=first-value-of-the-token\n")
	sv := e.Replace(secret, "TOKEN=second-value-of-the-token\n")
	if edits, err := nextEditsAt(context.Background(), e, secret, sv, protocol.Position{Line: 0, Character: 6}); err != nil || len(edits) != 0 {
		t.Errorf("a secret file got %+v, %v", edits, err)
	}
	if n := fake.Count(); n != 0 {
		t.Errorf("the model was asked %d times", n)
	}
	// Asked for the workspace file, the model sees its edits, not the
	// secret file's.
	e.Replace(path, pointV3+"\n")
	v = e.Replace(path, pointV3)
	if _, err := nextEditsAt(context.Background(), e, path, v, pointCursor); err != nil {
		t.Fatal(err)
	}
	prompt, _ := fake.Last(t).Field("prompt").(string)
	if !strings.Contains(prompt, "X, Y, Z int") || strings.Contains(prompt, "value-of-the-token") {
		t.Errorf("the prompt shows the secret file's edits, or not the document's:\n%s", prompt)
	}
}

// TestModelNextEditInline: once lode/nextEdits has found an edit, an
// inline completion on its line that the completion model leaves empty
// offers it, with a range from the cursor over the edit; not on another
// line, nor for another version.
func TestModelNextEditInline(t *testing.T) {
	fake := llmtest.NewServer(t)
	fake.Reply(llmtest.Reply{Text: zetaAnswer})
	e, path, v := modelEditor(t, fake)
	if _, err := nextEditsAt(context.Background(), e, path, v, pointCursor); err != nil {
		t.Fatal(err)
	}
	inline := func(line, char uint32) []protocol.InlineCompletionItem {
		t.Helper()
		var list protocol.InlineCompletionList
		err := e.Call(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: line, Character: char}, protocol.InlineCompletionTriggerKindInvoked), &list)
		if err != nil {
			t.Fatal(err)
		}
		return list.Items
	}
	// Sub's line: "\treturn Point{X: a.X - b.X, Y: a.Y - b.Y}"; the edit
	// inserts before the brace, at character 40.
	items := inline(12, 30)
	want := protocol.Range{Start: protocol.Position{Line: 12, Character: 30}, End: protocol.Position{Line: 12, Character: 40}}
	if len(items) != 1 || items[0].Range == nil || *items[0].Range != want || fmt.Sprint(items[0].InsertText) != " a.Y - b.Y, Z: a.Z - b.Z" {
		t.Fatalf("inline items %+v (range %v, text %q), want the next edit from the cursor", items, items[0].Range, fmt.Sprint(items[0].InsertText))
	}
	if items := inline(10, 0); len(items) != 0 {
		t.Errorf("another line: %+v", items)
	}
	e.Replace(path, pointV3+"\n")
	if items := inline(12, 30); len(items) != 0 {
		t.Errorf("another version: %+v", items)
	}
}
