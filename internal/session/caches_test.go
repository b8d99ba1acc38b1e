package session

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// TestOutsideDocumentForgotten: the embedded model learns an open document
// outside the workspace (from the index) and forgets it when it is closed,
// so that it is neither used nor saved afterwards.
func TestOutsideDocumentForgotten(t *testing.T) {
	s, _ := Open(Options{Config: noFiles(), NoIndex: true})
	defer s.Close()
	if err := s.ws.AddFolder(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "notes.go")
	const src = "package notes\n\nfunc Private() {}\n"
	s.ws.Open(&workspace.Document{Path: p, LanguageID: "go", Version: 1, Text: text.New(src)})
	if err := s.model.Learn(p, syntax.ByName("go"), []byte(src), nil); err != nil {
		t.Fatal(err)
	}
	s.ws.Close(p)
	if paths := s.model.Paths(); slices.Contains(paths, p) {
		t.Errorf("the model still holds the closed outside document: %q", paths)
	}
}
