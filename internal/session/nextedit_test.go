package session

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// TestNextEditsAcrossIndexedFiles renames an exported function in an open
// document: the session's engine finds its uses in another file through
// the index.
func TestNextEditsAcrossIndexedFiles(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"calc.go": calcSrc,
		"use.go":  "package calc\n\nfunc Twice(x int) int { return Add(x, x) }\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := Open(Options{Config: noFiles(), Root: root, NoLearn: true, NoCache: true, Getenv: func(string) string { return "" }})
	defer s.Close()
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "calc.go")
	ws := s.Workspace()
	ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: 1, Text: text.New(calcSrc)})
	renamed := "package calc\n\n// Add returns the sum of a and b.\nfunc Sum(a, b int) int {\n\treturn a - b\n}\n"
	ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: 2, Text: text.New(renamed)})
	edits, err := s.NextEdits().NextEdits(context.Background(), nextedit.Request{Path: path, Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The declaration's doc comment, in the edited document, then the use
	// in the other file.
	use := filepath.Join(root, "use.go")
	if len(edits) != 2 || edits[0].Path != path || renamed[edits[0].Start:edits[0].End] != "Add" ||
		edits[1].Path != use || edits[1].NewText != "Sum" || files["use.go"][edits[1].Start:edits[1].End] != "Add" {
		t.Fatalf("edits %+v, want Add→Sum in the doc comment and in use.go", edits)
	}
}
