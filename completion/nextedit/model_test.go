package nextedit

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	lodetext "github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/testtree"
)

// modelFunc adapts a function to Model, recording its inputs.
type modelFunc struct {
	mu     sync.Mutex
	inputs []ModelInput
	f      func(in ModelInput) []Edit
}

func (m *modelFunc) Predict(ctx context.Context, in ModelInput) ([]Edit, error) {
	m.mu.Lock()
	m.inputs = append(m.inputs, in)
	m.mu.Unlock()
	return m.f(in), nil
}

// TestEngineMergesModel: the model's edits follow the offline ones, less
// those that overlap them; the model sees the cursor and the recent
// hunks of readable files only, and is not asked for a stale version.
func TestEngineMergesModel(t *testing.T) {
	root := testtree.New(t, map[string]string{"a.go": "", ".gitignore": "gen/\n", "gen/g.go": ""})
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	e := New(ws, Options{})
	const v1 = "package a\n\nfunc f(n int) int {\n\tx := n + 1\n\treturn n * x\n}\n"
	v2 := strings.Replace(v1, "f(n int)", "f(count int)", 1)
	a, g := filepath.Join(root, "a.go"), filepath.Join(root, "gen", "g.go")
	ws.Open(&workspace.Document{Path: g, LanguageID: "go", Version: 1, Text: lodetext.New("package a\n")})
	ws.Update(&workspace.Document{Path: g, LanguageID: "go", Version: 2, Text: lodetext.New("package a // ignored\n")})
	ws.Open(&workspace.Document{Path: a, LanguageID: "go", Version: 1, Text: lodetext.New(v1)})
	ws.Update(&workspace.Document{Path: a, LanguageID: "go", Version: 2, Text: lodetext.New(v2)})
	// Offline: the two other uses of n become count. The model: one of
	// them again (a duplicate), and a new line after the body.
	use := strings.Index(v2, "n + 1")
	end := strings.LastIndex(v2, "}")
	m := &modelFunc{f: func(in ModelInput) []Edit {
		return []Edit{
			{Path: in.Path, Start: use, End: use + 1, NewText: "count", Kind: KindModel},
			{Path: in.Path, Start: end + 1, End: end + 1, NewText: "\nfunc g() {}\n", Kind: KindModel},
		}
	}}
	e.SetModel(m)
	edits, err := e.NextEdits(context.Background(), Request{Path: a, Version: 2, Cursor: 20})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ed := range edits {
		kinds = append(kinds, ed.Kind)
	}
	if strings.Join(kinds, ",") != "rename,rename,model" || edits[2].NewText != "\nfunc g() {}\n" || edits[2].Version != 2 {
		t.Errorf("edits %+v, want the 2 renames then the model's new function", edits)
	}
	if len(m.inputs) != 1 || m.inputs[0].Cursor != 20 || m.inputs[0].Text != v2 || len(m.inputs[0].Recent) != 1 || m.inputs[0].Recent[0].Path != a {
		t.Errorf("the model's inputs %+v: want the cursor, the text and a.go's hunk alone", m.inputs)
	}
	if edits, _ := e.NextEdits(context.Background(), Request{Path: a, Version: 1, Cursor: 20}); len(edits) != 0 || len(m.inputs) != 1 {
		t.Errorf("a stale version: %d edits, %d model calls", len(edits), len(m.inputs))
	}
	e.SetModel(nil)
	if edits, _ := e.NextEdits(context.Background(), Request{Path: a, Version: 2, Cursor: 20}); len(edits) != 2 || len(m.inputs) != 1 {
		t.Errorf("without a model: %d edits, %d model calls", len(edits), len(m.inputs))
	}
}
