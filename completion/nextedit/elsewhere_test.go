package nextedit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	doctext "github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// TestEngineElsewhere drives an Engine over a folder: a rename begun at a
// use waits for another file to declare the name, and a repeated change
// with no word to search by reaches the files beside the edited one.
func TestEngineElsewhere(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"decl.go":  "package a\n\nfunc load(n int) int { return n }\n\ntype R struct {\n\tConn int\n}\n",
		"other.go": "package a\n\nvar y = load(2)\nvar z interface{}\n",
		"a.py":     "z = 1\n",
		"conn.go":  "package a\n\nvar c = r.Conn\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, before, after string
		index               map[string][]string // the files the index names for a word
		want                map[string]int      // edits per file
	}{
		{
			name:   "rename at a use of a name another file declares",
			before: "package a\n\nvar x = load(1)\nvar w = load(3)\n",
			after:  "package a\n\nvar x = read(1)\nvar w = load(3)\n",
			index:  map[string][]string{"load": {"decl.go", "other.go"}},
			want:   map[string]int{"use.go": 1, "decl.go": 1, "other.go": 1},
		},
		{
			name:   "no file declares the name: a use switched to another",
			before: "package a\n\nvar x = load(1)\nvar w = load(3)\n",
			after:  "package a\n\nvar x = read(1)\nvar w = load(3)\n",
			index:  map[string][]string{"load": {"other.go"}},
			want:   map[string]int{},
		},
		{
			name:   "another file names the new name",
			before: "package a\n\nvar x = load(1)\nvar w = load(3)\n",
			after:  "package a\n\nvar x = read(1)\nvar w = load(3)\n",
			index:  map[string][]string{"load": {"decl.go", "other.go"}, "read": {"other.go"}},
			want:   map[string]int{},
		},
		{
			name:   "a field no file declares switched: its uses in the file and in the others",
			before: "package a\n\nvar x = req.Conn\nvar w = req.Conn\n",
			after:  "package a\n\nvar x = req.Socket\nvar w = req.Conn\n",
			index:  map[string][]string{"Conn": {"conn.go"}},
			want:   map[string]int{"use.go": 1, "conn.go": 1},
		},
		{
			name:   "a field a file declares switched: a rename, confirmed",
			before: "package a\n\nvar x = req.Conn\n",
			after:  "package a\n\nvar x = req.Socket\n",
			index:  map[string][]string{"Conn": {"conn.go", "decl.go"}},
			want:   map[string]int{"conn.go": 1, "decl.go": 1},
		},
		{
			name:   "a change with no word reaches the files beside",
			before: "package a\n\nvar v interface{}\n",
			after:  "package a\n\nvar v any\n",
			want:   map[string]int{"other.go": 1},
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(ws, Options{Candidates: func(name string) []string {
				var out []string
				for _, f := range tc.index[name] {
					out = append(out, filepath.Join(root, f))
				}
				return out
			}})
			path := filepath.Join(root, "use.go")
			v := int32(2 * i)
			ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: v + 1, Text: doctext.New(tc.before)})
			defer ws.Close(path)
			ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: v + 2, Text: doctext.New(tc.after)})
			edits, err := e.NextEdits(context.Background(), Request{Path: path, Version: v + 2})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, ed := range edits {
				got[filepath.Base(ed.Path)]++
			}
			if len(got) != len(tc.want) {
				t.Fatalf("edits per file %v, want %v", got, tc.want)
			}
			for f, n := range tc.want {
				if got[f] != n {
					t.Errorf("edits per file %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestEngineManyFilesBeside: a change of the language's spelling reaches
// a directory of a few dozen files, not only the first 20 by name.
func TestEngineManyFilesBeside(t *testing.T) {
	root := t.TempDir()
	const n = 30
	for i := range n {
		src := fmt.Sprintf("package a\n\nvar v%d interface{}\n", i)
		if err := os.WriteFile(filepath.Join(root, fmt.Sprintf("f%02d.go", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	e := New(ws, Options{})
	path := filepath.Join(root, "use.go")
	ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: 1, Text: doctext.New("package a\n\nvar v interface{}\n")})
	defer ws.Close(path)
	ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: 2, Text: doctext.New("package a\n\nvar v any\n")})
	edits, err := e.NextEdits(context.Background(), Request{Path: path, Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, ed := range edits {
		files[ed.Path] = true
	}
	if len(files) != n {
		t.Errorf("edits in %d files beside, want %d", len(files), n)
	}
}
