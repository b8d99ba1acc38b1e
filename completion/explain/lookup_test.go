package explain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/index"
)

func TestIndexLookup(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"calc/calc.go": calcGo,
		"main.go":      "package main\n\nfunc main() {\n\tv, err := calc.Parse(os.Args[1])\n\t_ = v\n}\n\n// Parse is a different thing.\nfunc (c *cli) Parse() {}\n",
	}
	var offered []index.File
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		offered = append(offered, index.File{Path: p, Read: func() ([]byte, error) { return os.ReadFile(p) }})
	}
	x := index.New()
	if _, err := x.Build(context.Background(), offered, 1, nil); err != nil {
		t.Fatal(err)
	}
	l := IndexLookup{Index: x, Read: os.ReadFile}
	defs := l.Definitions(context.Background(), "add")
	if len(defs) != 1 || defs[0].Text != "func add(a, b int) int { return a + b }" || defs[0].StartLine != 17 {
		t.Errorf("Definitions(add) = %+v", defs)
	}
	defs = l.Definitions(context.Background(), "Parse")
	if len(defs) != 2 {
		t.Fatalf("Definitions(Parse) = %+v", defs)
	}
	for _, d := range defs {
		if strings.HasSuffix(d.Path, "calc.go") && !strings.HasPrefix(d.Text, "// Parse reads a sum") {
			t.Errorf("Parse's definition lacks its doc comment: %q", d.Text)
		}
	}
	callers := l.Callers(context.Background(), "Parse")
	if len(callers) != 1 || !strings.Contains(callers[0].Text, "calc.Parse(os.Args[1])") || callers[0].StartLine != 2 {
		t.Errorf("Callers(Parse) = %+v", callers)
	}
	denied := IndexLookup{Index: x, Read: func(string) ([]byte, error) { return nil, os.ErrPermission }}
	if d, c := denied.Definitions(context.Background(), "add"), denied.Callers(context.Background(), "Parse"); len(d)+len(c) != 0 {
		t.Errorf("a file the workspace refuses reached the result: %v %v", d, c)
	}
}
