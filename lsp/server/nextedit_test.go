package server

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

const nextDoc = `package a

func Total(xs []int) int { return 0 }

func f() int { return Total(nil) + Total(nil) }
`

// nextEditor starts a session with a next-edit engine over a workspace
// folder holding a.go (opened), b.go, an ignored gen/c.go and, outside
// the folder, other/d.go: each uses Total, and the engine is told so.
func nextEditor(t *testing.T) (*lsptest.Editor, string, string) {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "w")
	files := map[string]string{
		"w/a.go":       nextDoc,
		"w/b.go":       "package a\n\nvar x = Total(nil)\n",
		"w/gen/c.go":   "package a\n\nvar y = Total(nil)\n",
		"w/.gitignore": "gen/\n",
		"other/d.go":   "package a\n\nvar z = Total(nil)\n",
	}
	var all []string
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(p) == ".go" {
			all = append(all, p)
		}
	}
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Workspace = ws
	opts.NextEdits = nextedit.New(ws, nextedit.Options{Candidates: func(string) []string { return all }})
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{root}})
	a := filepath.Join(root, "a.go")
	e.Open(a, "go", nextDoc)
	return e, a, filepath.Join(root, "b.go")
}

// askNextEdits asks for the next edits with the cursor at the end of the
// document's line 5, and checks their order: after the cursor, then the
// other files, then before the cursor, each in document order.
func askNextEdits(t *testing.T, e *lsptest.Editor, path string, version int32) []lode.NextEdit {
	t.Helper()
	var res lode.NextEditsResult
	err := e.Call(lode.MethodNextEdits, &lode.NextEditsParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)}, Version: version},
		Position:     protocol.Position{Line: 4, Character: 40},
	}, &res)
	if err != nil {
		t.Fatal(err)
	}
	cursor := protocol.Position{Line: 4, Character: 40}
	place := func(e lode.NextEdit) int { // the order a Tab after Tab walks
		switch {
		case e.URI != lsptest.URI(path):
			return 1
		case e.Range.Start.Line > cursor.Line || e.Range.Start.Line == cursor.Line && e.Range.Start.Character >= cursor.Character:
			return 0
		}
		return 2
	}
	for i := 1; i < len(res.Edits); i++ {
		a, b := res.Edits[i-1], res.Edits[i]
		if place(a) > place(b) {
			t.Errorf("edit %s %v before %s %v: not after the cursor, then other files, then before the cursor", a.URI, a.Range.Start, b.URI, b.Range.Start)
		}
		if place(a) == place(b) && a.URI == b.URI && (a.Range.Start.Line > b.Range.Start.Line ||
			a.Range.Start.Line == b.Range.Start.Line && a.Range.Start.Character > b.Range.Start.Character) {
			t.Errorf("edit at %v before edit at %v: not in document order", a.Range.Start, b.Range.Start)
		}
	}
	sort.Slice(res.Edits, func(i, j int) bool {
		a, b := res.Edits[i], res.Edits[j]
		if a.URI != b.URI {
			return a.URI < b.URI
		}
		return a.Range.Start.Character < b.Range.Start.Character
	})
	return res.Edits
}

func TestNextEditsRename(t *testing.T) {
	e, a, b := nextEditor(t)
	v := e.Edit(a, protocol.Range{Start: protocol.Position{Line: 2, Character: 5}, End: protocol.Position{Line: 2, Character: 10}}, "Sum")
	edits := askNextEdits(t, e, a, v)
	type want struct {
		path    string
		line    uint32
		char    uint32
		version int32
	}
	wants := []want{{a, 4, 22, v}, {a, 4, 35, v}, {b, 2, 8, 0}}
	if len(edits) != len(wants) {
		t.Fatalf("got %d edits, want %d: %+v", len(edits), len(wants), edits)
	}
	ids := map[string]bool{}
	for i, w := range wants {
		ed := edits[i]
		var version int32
		if ed.Version != nil {
			version = *ed.Version
		}
		if ed.URI != lsptest.URI(w.path) || ed.Range.Start != (protocol.Position{Line: w.line, Character: w.char}) ||
			ed.Range.End.Character != w.char+5 || ed.NewText != "Sum" || ed.Kind != nextedit.KindRename || version != w.version {
			t.Errorf("edit %d = %+v, want Total→Sum at %s:%d:%d version %d", i, ed, w.path, w.line, w.char, w.version)
		}
		if ed.ID == "" || ids[ed.ID] {
			t.Errorf("edit %d: id %q empty or repeated", i, ed.ID)
		}
		ids[ed.ID] = true
	}

	if got := askNextEdits(t, e, a, v-1); len(got) != 0 {
		t.Errorf("a version the editor no longer shows got %d edits", len(got))
	}
	e.Close(a)
	e.Open(a, "go", nextDoc)
	if got := askNextEdits(t, e, a, 1); len(got) != 0 {
		t.Errorf("after close and reopen: %d edits, want none (the history is reset)", len(got))
	}
}

func TestNextEditsParameterPlaceholder(t *testing.T) {
	e, a, _ := nextEditor(t)
	// func Total(xs []int) → func Total(xs []int, limit int)
	v := e.Edit(a, protocol.Range{Start: protocol.Position{Line: 2, Character: 19}, End: protocol.Position{Line: 2, Character: 19}}, ", limit int")
	edits := askNextEdits(t, e, a, v)
	var inA int
	for _, ed := range edits {
		if ed.URI != lsptest.URI(a) {
			continue
		}
		inA++
		if ed.NewText != ", limit" || ed.Kind != nextedit.KindParameter || ed.Placeholder == nil || *ed.Placeholder != (lode.Placeholder{Start: 2, End: 7}) {
			t.Errorf("edit %+v (placeholder %v), want \", limit\" with the placeholder on limit", ed, ed.Placeholder)
		}
	}
	if inA != 2 {
		t.Errorf("%d edits in a.go, want the 2 calls: %+v", inA, edits)
	}
}

func TestNextEditsOutsideTheWorkspace(t *testing.T) {
	e, a, _ := nextEditor(t)
	for _, path := range []string{filepath.Join(t.TempDir(), "x.go"), filepath.Join(filepath.Dir(a), "gen", "x.go")} {
		e.Open(path, "go", nextDoc)
		v := e.Edit(path, protocol.Range{Start: protocol.Position{Line: 2, Character: 5}, End: protocol.Position{Line: 2, Character: 10}}, "Sum")
		if got := askNextEdits(t, e, path, v); len(got) != 0 {
			t.Errorf("%s, outside the workspace or ignored, got %d edits", path, len(got))
		}
	}
}
