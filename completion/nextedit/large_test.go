package nextedit

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	lodetext "github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/testtree"
)

// TestEngineLargeDocument: on a document over the size limit, the
// offline predictor reads a window around the hunk and the model one
// around the cursor, as inline completions do; their edits are in the
// document's offsets.
func TestEngineLargeDocument(t *testing.T) {
	root := testtree.New(t, map[string]string{"big.go": ""})
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	ws.SetOptions(workspace.Options{MaxFileSize: 16 << 10})
	e := New(ws, Options{MaxEdits: 1000})
	// A literal repeated all over a document of 400 KB.
	const old, cur = `"https://example.com/v1"`, `"https://example.com/v2"`
	var b strings.Builder
	b.WriteString("package a\n\n")
	for i := 0; b.Len() < 400<<10; i++ {
		fmt.Fprintf(&b, "// f%d returns the address.%s\nfunc f%d() string {\n\treturn %s\n}\n\n", i, strings.Repeat(" It is the address.", 20), i, old)
	}
	v1 := b.String()
	at := strings.Index(v1[len(v1)/2:], old) + len(v1)/2
	v2 := v1[:at] + cur + v1[at+len(old):]
	path := filepath.Join(root, "big.go")
	ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: 1, Text: lodetext.New(v1)})
	defer ws.Close(path)
	ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: 2, Text: lodetext.New(v2)})
	doc, _ := ws.Document(path)
	if !ws.Large(doc) {
		t.Fatal("the document is not large")
	}
	cursor := at + len(cur)
	m := &modelFunc{f: func(in ModelInput) []Edit {
		return []Edit{{Path: in.Path, Start: in.Cursor, End: in.Cursor, NewText: " + x", Kind: KindModel}}
	}}
	e.SetModel(m)
	edits, err := e.NextEdits(context.Background(), Request{Path: path, Version: 2, Cursor: cursor})
	if err != nil {
		t.Fatal(err)
	}
	w, base := workspace.Window(v2, at)
	var repeats int
	for _, ed := range edits {
		switch ed.Kind {
		case KindModel:
			if ed.Start != cursor || ed.End != cursor {
				t.Errorf("the model's edit at %d-%d, want at the cursor, %d", ed.Start, ed.End, cursor)
			}
		default:
			repeats++
			if v2[ed.Start:ed.End] != old || ed.NewText != cur {
				t.Errorf("edit %q at %d-%d: the text there is %q", ed.NewText, ed.Start, ed.End, v2[ed.Start:ed.End])
			}
			if ed.Start < base || ed.End > base+len(w) {
				t.Errorf("edit at %d-%d, outside the window %d-%d", ed.Start, ed.End, base, base+len(w))
			}
		}
	}
	if want := strings.Count(w, old); repeats != want {
		t.Errorf("%d edits of the literal, want the window's %d", repeats, want)
	}
	if len(m.inputs) != 1 {
		t.Fatalf("the model was asked %d times", len(m.inputs))
	}
	in := m.inputs[0]
	if len(in.Text) >= len(v2)/4 || !strings.HasPrefix(v2[cursor-in.Cursor:], in.Text) {
		t.Errorf("the model's text: %d bytes of %d, cursor %d: not a window of the document around the cursor", len(in.Text), len(v2), in.Cursor)
	}
}
