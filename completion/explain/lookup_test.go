package explain

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/testtree"
)

func TestIndexLookup(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"calc/calc.go": calcGo,
		"main.go":      "package main\n\nfunc main() {\n\tv, err := calc.Parse(os.Args[1])\n\t_ = v\n}\n\n// Parse is a different thing.\nfunc (c *cli) Parse() {}\n",
	}
	var offered []index.File
	for name, src := range files {
		p := testtree.File(t, dir, name, src)
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

func TestBestDefinition(t *testing.T) {
	s := &Subject{Path: "/ws/http/server.go", StartLine: 10, EndLine: 20,
		Imports: map[string]string{"zap": "go.uber.org/zap", "calc": "example.com/ws/calc"}}
	defs := []retrieve.Snippet{
		{Path: "/ws/other/a.go", StartLine: 1},
		{Path: "/ws/http/client.go", StartLine: 2},
		{Path: "/ws/http/server.go", StartLine: 30, EndLine: 32},
		{Path: "/ws/http/server.go", StartLine: 12, EndLine: 14}, // inside the subject
		{Path: "/ws/calc/calc.go", StartLine: 3},
	}
	tests := []struct {
		call Call
		defs []retrieve.Snippet
		want string // path:line, "" for none
	}{
		{Call{Name: "f", Qualified: "f"}, defs, "/ws/http/server.go:30"},
		{Call{Name: "f", Qualified: "f"}, defs[:2], "/ws/http/client.go:2"},
		{Call{Name: "f", Qualified: "f"}, defs[:1], "/ws/other/a.go:1"},
		{Call{Name: "Add", Qualified: "calc.Add"}, []retrieve.Snippet{defs[0], defs[4]}, "/ws/calc/calc.go:3"},
		{Call{Name: "Close", Qualified: "rwc.Close"}, []retrieve.Snippet{defs[0], defs[4]}, ""},
		{Call{Name: "Close", Qualified: "rwc.Close"}, defs[:2], "/ws/http/client.go:2"},
		{Call{Name: "g", Qualified: "g"}, defs[3:4], ""},
		// An imported package's name, with a same-named method next door:
		// the import is not in the workspace, so nothing.
		{Call{Name: "f", Qualified: "zap.f"}, defs[:3], ""},
		{Call{Name: "Add", Qualified: "calc.Add"}, []retrieve.Snippet{defs[1], defs[4]}, "/ws/calc/calc.go:3"},
		{Call{Name: "h", Qualified: "c.h"}, []retrieve.Snippet{{Path: "/ws/http/fake_test.go", StartLine: 5}, {Path: "/ws/http/conn.go", StartLine: 6}}, "/ws/http/conn.go:6"},
		{Call{Name: "h", Qualified: "c.h"}, []retrieve.Snippet{{Path: "/ws/http/fake_test.go", StartLine: 5}}, "/ws/http/fake_test.go:5"},
	}
	for _, tc := range tests {
		got := ""
		if d, ok := s.bestDefinition(tc.call, tc.defs); ok {
			got = fmt.Sprintf("%s:%d", d.Path, d.StartLine)
		}
		if got != tc.want {
			t.Errorf("bestDefinition(%s) = %q, want %q", tc.call.Qualified, got, tc.want)
		}
	}
}
