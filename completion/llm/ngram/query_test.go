package ngram

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/eventually"
)

// docSave is a document whose second function repeats the first: the
// cursor is put at places of its last line, which the prefix has shown
// once, spaced the gofmt way.
const docSave = `package store

func saveA(path string) error {
	buf := encode()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("a: %w", err)
	}
	return write(path, buf)
}

func saveB(path string) error {
	buf := encode()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
`

// TestCompleteAfterSpaceSpacedLikeDocument asks for the rest of a line at
// cursors after a trailing space, after the indentation at a line start
// and mid-line, of a model that has learned nothing of the language (as a
// model still learning the workspace, or one given no workspace): the
// completion comes from the document alone, and must be spaced like the
// document, not glued together.
func TestCompleteAfterSpaceSpacedLikeDocument(t *testing.T) {
	line := "\tif err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"
	head := strings.TrimSuffix(docSave, line+"\n")
	if head == docSave {
		t.Fatal("docSave does not end with the line")
	}
	tests := []struct{ name, typed, want string }{
		{"line start after indentation", "\t", "if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
		{"after a trailing space", "\tif ", "err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
		{"mid-line after a space", "\tif err := ", "os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
		{"mid-line after a comma and space", "\tif err := os.MkdirAll(filepath.Dir(path), ", "0o755); err != nil {"},
		{"mid-line after a token", "\tif err := os.MkdirAll(", "filepath.Dir(path), 0o755); err != nil {"},
		{"mid-line, no space typed yet", "\tif err", " := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.HasPrefix(line, tc.typed) || tc.typed+tc.want != line && tc.typed+tc.want[1:] != line {
				t.Fatalf("bad case: %q + %q is not the line", tc.typed, tc.want)
			}
			m := newModel(t, Options{})
			resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: head + tc.typed,
				Suffix: "\n}\n", Path: "/w/store.go", Language: "go"})
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Text(); got != tc.want {
				t.Errorf("after %q:\n got %q\nwant %q", tc.typed, got, tc.want)
			}
		})
	}
}

// TestCompleteAfterSpaceTrained is the same with the model trained on the
// document's directory: the project's spacing and the document's agree.
func TestCompleteAfterSpaceTrained(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB, "/w/store.go": docSave + "\t}\n\treturn nil\n}\n"})
	head := strings.TrimSuffix(docSave, "\tif err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {\n")
	for _, tc := range []struct{ typed, want string }{
		{"\t", "if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
		{"\tif ", "err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
		{"\tif err := ", "os.MkdirAll(filepath.Dir(path), 0o755); err != nil {"},
	} {
		req := &llm.Request{Mode: llm.ModeFIM, Prompt: head + tc.typed, Suffix: "\n}\n", Path: "/w/store.go", Language: "go"}
		resp, err := m.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Text(); got != tc.want {
			t.Errorf("after %q:\n got %q\nwant %q", tc.typed, got, tc.want)
		}
	}
}

// TestFileLevelKeptWhenRelearned checks that re-learning a document (the
// index does at every edit) updates its cached file level in place rather
// than dropping it, so the request after an edit still has the document's
// own level; and that Forget drops it.
func TestFileLevelKeptWhenRelearned(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	fileLevel := func() *table {
		m.cacheMu.Lock()
		defer m.cacheMu.Unlock()
		return m.fileTabs.get("/w/b.go")
	}
	req := &llm.Request{Mode: llm.ModeFIM, Prompt: fileB[:120], Path: "/w/b.go", Language: "go"}
	if _, err := m.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	dirLevel := func() *table {
		m.cacheMu.Lock()
		defer m.cacheMu.Unlock()
		return m.dirTables.get(dirKey{"go", "/w"}.String())
	}
	// Both levels are built in the background after the first request.
	eventually.True(t, func() bool { return fileLevel() != nil && dirLevel() != nil }, "the file and directory levels were never built")
	edited := fileB + "\nfunc extra() int { return 42 }\n"
	if err := m.Learn("/w/b.go", goLang(), []byte(edited), nil); err != nil {
		t.Fatal(err)
	}
	lv := fileLevel()
	if lv == nil {
		t.Fatal("re-learning the document dropped its file level")
	}
	m.mu.RLock()
	want := len(m.files["/w/b.go"].toks)
	m.mu.RUnlock()
	if got := int(lv.at(0).count); got != want {
		t.Errorf("file level counts %d tokens after the edit, want %d", got, want)
	}
	m.mu.RLock()
	s := m.scorer("go", "/w/b.go", nil, false)
	m.mu.RUnlock()
	if len(s.levels) != 4 {
		t.Errorf("the request after an edit has %d levels, want 4 (project, directory, file, cache)", len(s.levels))
	}

	// Edits that keep bringing new n-grams leave dead nodes behind; past a
	// bound the table is dropped (and rebuilt when next needed).
	for i := range 400 {
		src := fmt.Sprintf("package shop\n\nfunc f%d(x%d int) int { return x%d + %d }\n", i, i, i, i)
		if err := m.Learn("/w/b.go", goLang(), []byte(src), nil); err != nil {
			t.Fatal(err)
		}
	}
	if lv := fileLevel(); lv != nil && lv.nodes() > 4*m.opts.Order*int(lv.at(0).count)+4*pageSize {
		t.Errorf("file level holds %d nodes for %d tokens", lv.nodes(), lv.at(0).count)
	}

	m.Forget("/w/b.go")
	if fileLevel() != nil {
		t.Error("Forget left the file level cached")
	}
}

func TestPrepareBuildsLevels(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	m.Prepare("", "/w/notes.txt") // no language: nothing to do
	m.Prepare("go", "/w/b.go")
	m.cacheMu.Lock()
	dir, file := m.dirTables.get(dirKey{"go", "/w"}.String()), m.fileTabs.get("/w/b.go")
	m.cacheMu.Unlock()
	if dir == nil || file == nil {
		t.Fatalf("after Prepare: directory level %v, file level %v; want both built", dir != nil, file != nil)
	}
	m.mu.RLock()
	s := m.scorer("go", "/w/b.go", nil, false)
	m.mu.RUnlock()
	if len(s.levels) != 4 {
		t.Errorf("the first request after Prepare has %d levels, want 4", len(s.levels))
	}
}

// TestHalfTypedLineLearned checks the case of an editor whose document the
// model learned while the user paused in the middle of a line: the file
// level then holds the half line followed by a line break, at the very
// place of the cursor, and must not take it as evidence that the line ends
// there.
func TestHalfTypedLineLearned(t *testing.T) {
	files := map[string]string{}
	for i := range 8 {
		files[fmt.Sprintf("/w/p%d/t.go", i)] = fmt.Sprintf("package p%d\n\nimport \"errors\"\n\nfunc check%d(x int) error {\n\tif x < 0 {\n\t\treturn errors.New(\"negative\")\n\t}\n\treturn nil\n}\n", i, i)
	}
	prefix := "package main\n\nimport \"errors\"\n\nfunc (c *Client) check(x int) error {\n\tif x < 0 {\n\t\treturn errors."
	suffix := "\n\t}\n\treturn nil\n}\n"
	files["/w/main/client.go"] = prefix + suffix // learned as the buffer is now
	m := trained(t, files)
	m.Prepare("go", "/w/main/client.go")
	resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: prefix, Suffix: suffix,
		Path: "/w/main/client.go", Language: "go"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.Text(), `New("negative")`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
