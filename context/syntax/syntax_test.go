package syntax

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/text"
)

func parseFile(t *testing.T, path string) *Tree {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l := Detect("", path)
	if l == nil {
		t.Fatalf("no language for %s", path)
	}
	tr, err := Parse(context.Background(), l, src)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	t.Cleanup(tr.Close)
	return tr
}

func TestDetect(t *testing.T) {
	tests := []struct {
		id, path, want string
	}{
		{"go", "x.txt", "go"},
		{"", "a/b.go", "go"},
		{"", "a/b.PY", "python"},
		{"typescriptreact", "x.ts", "tsx"},
		{"", "x.tsx", "tsx"},
		{"", "x.mjs", "javascript"},
		{"javascriptreact", "", "javascript"},
		{"", "x.h", "c"},
		{"", "x.hpp", "cpp"},
		{"cpp", "x.h", "cpp"},
		{"", "X.java", "java"},
		{"", "lib.rs", "rust"},
		{"unknown-lang", "x.rs", "rust"},
		{"", "README.md", ""},
		{"plaintext", "notes", ""},
	}
	for _, tc := range tests {
		got := ""
		if l := Detect(tc.id, tc.path); l != nil {
			got = l.Name
		}
		if got != tc.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", tc.id, tc.path, got, tc.want)
		}
	}
	if ByName("Go") != ByName("go") || ByName("typescriptreact") == nil || ByName("cobol") != nil {
		t.Error("ByName lookups wrong")
	}
	if len(Languages()) != 9 {
		t.Errorf("Languages() has %d, want 9", len(Languages()))
	}
}

func TestParseEveryLanguage(t *testing.T) {
	files, _ := filepath.Glob("testdata/[sS]ample.*")
	seen := map[string]bool{}
	for _, f := range files {
		tr := parseFile(t, f)
		seen[tr.Language().Name] = true
		if n := tr.ErrorCount(); n != 0 {
			t.Errorf("%s: %d syntax errors: %v", f, n, tr.Errors())
		}
		if tr.Root().EndByte() == 0 {
			t.Errorf("%s: empty tree", f)
		}
	}
	for _, l := range Languages() {
		if !seen[l.Name] {
			t.Errorf("no sample parsed for %s", l.Name)
		}
	}
}

func TestOutline(t *testing.T) {
	tests := []struct {
		file    string
		pkg     string
		imports []string // path[=name][:names]
		defs    []string // kind name [container]
	}{
		{"sample.go", "shapes", []string{"fmt", "math=m"}, []string{
			"constant Pi", "variable count", "variable names", "interface Shape", "method Area Shape",
			"struct Circle", "field R Circle", "field Stringer Circle", "method Area Circle", "function helper"}},
		{"sample.py", "", []string{"os", "numpy=np", "a.b:c,d"}, []string{
			"constant MAX", "class Point", "field x Point", "method norm Point", "function top"}},
		{"sample.js", "", []string{"react=React:useState", "path=path"}, []string{
			"function add", "function mul", "variable counter", "class Widget", "field size Widget", "method render Widget"}},
		{"sample.ts", "", []string{"./foo:Foo"}, []string{
			"interface Shape", "method area Shape", "field name Shape", "type ID", "enum Color", "constant Red Color",
			"constant Green Color", "module NS", "function inner NS", "class Square", "field name Square",
			"method constructor Square", "method area Square", "function twice"}},
		{"sample.tsx", "", []string{"react=React"}, []string{"interface Props", "field title Props", "function Title", "function App"}},
		{"sample.rs", "", []string{"std::collections:HashMap,HashSet", "std::fmt"}, []string{
			"struct Point", "field x Point", "field y Point", "enum Dir", "constant Up Dir", "constant Down Dir",
			"interface Shape", "method area Shape", "method area Point", "constant LIMIT", "module inner",
			"function helper inner", "macro square", "function main"}},
		{"Sample.java", "com.example.shapes", []string{"java.util.List", "java.util.Map"}, []string{
			"interface Shape", "method area Shape", "class Circle", "field PI Circle", "field r Circle", "field d Circle",
			"method Circle Circle", "method area Circle", "enum Kind Circle", "constant SMALL Kind", "constant LARGE Kind"}},
		{"sample.c", "", []string{"stdio.h", "shapes.h"}, []string{
			"macro MAX", "macro SQ", "struct point", "field x point", "field y point", "type size_t2",
			"field w size_t2", "field h size_t2", "enum color", "constant RED color", "constant GREEN color",
			"function area", "variable counter", "function area", "function name"}},
		{"sample.cpp", "", []string{"vector", "widget.hpp"}, []string{
			"module gfx", "class Widget gfx", "method Widget Widget", "method size Widget", "method draw Widget",
			"field size_ Widget", "method draw Widget", "function max_of gfx", "type Id gfx"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			o := parseFile(t, filepath.Join("testdata", tc.file)).Outline()
			if o.Package != tc.pkg {
				t.Errorf("package %q, want %q", o.Package, tc.pkg)
			}
			var imps []string
			for _, i := range o.Imports {
				s := i.Path
				if i.Name != "" {
					s += "=" + i.Name
				}
				if len(i.Names) > 0 {
					s += ":" + strings.Join(i.Names, ",")
				}
				imps = append(imps, s)
			}
			if !slices.Equal(imps, tc.imports) {
				t.Errorf("imports\n got %q\nwant %q", imps, tc.imports)
			}
			var defs []string
			for _, d := range o.Definitions {
				defs = append(defs, strings.TrimSpace(string(d.Kind)+" "+d.Name+" "+d.Container))
			}
			if !slices.Equal(defs, tc.defs) {
				t.Errorf("definitions\n got %q\nwant %q", defs, tc.defs)
			}
		})
	}
}

func findDef(o Outline, name, container string) *Definition {
	for i := range o.Definitions {
		if d := &o.Definitions[i]; d.Name == name && d.Container == container {
			return d
		}
	}
	return nil
}

func TestDefinitionDetails(t *testing.T) {
	tr := parseFile(t, "testdata/sample.go")
	o := tr.Outline()
	area := findDef(o, "Area", "Circle")
	if area == nil {
		t.Fatal("no Circle.Area")
	}
	if area.Signature != "func (c *Circle) Area() float64" || area.Doc != "// Area of a circle." ||
		area.StartLine != 30 || area.EndLine != 32 || string(tr.Source()[area.NameStart:area.NameStart+4]) != "Area" {
		t.Errorf("Circle.Area = %+v", *area)
	}
	if d := findDef(o, "names", ""); d == nil || d.Doc != "// names of things" {
		t.Errorf("names = %+v", d)
	}
	if d := findDef(o, "R", "Circle"); d == nil || d.Doc != "" {
		t.Errorf("R has a doc though its comment is trailing: %+v", d)
	}
	py := parseFile(t, "testdata/sample.py").Outline()
	if d := findDef(py, "norm", "Point"); d == nil || d.Doc != `"""Return the norm."""` || d.Signature != "def norm(self, other):" {
		t.Errorf("norm = %+v", d)
	}
	if d := findDef(py, "top", ""); d == nil || d.StartLine != 15 || d.Signature != "def top(a, b):" {
		t.Errorf("decorated top = %+v", d)
	}
	rs := parseFile(t, "testdata/sample.rs").Outline()
	if d := findDef(rs, "Point", ""); d == nil || d.Doc != "/// A point." {
		t.Errorf("Point doc across an attribute = %+v", d)
	}
	c := parseFile(t, "testdata/sample.c").Outline()
	if d := findDef(c, "MAX", ""); d == nil || d.EndLine != d.StartLine {
		t.Errorf("#define spans lines %+v", d)
	}
}

func TestScopes(t *testing.T) {
	tr := parseFile(t, "testdata/sample.py")
	off := strings.Index(string(tr.Source()), "os.path.join")
	got := tr.Scopes(off)
	if len(got) != 2 || got[0].Name != "norm" || got[0].Kind != KindFunction || got[1].Name != "Point" || got[1].Kind != KindClass {
		t.Fatalf("Scopes = %+v", got)
	}
	if got[0].Signature != "def norm(self, other):" || got[0].StartLine != 11 {
		t.Errorf("norm scope = %+v", got[0])
	}
	g := parseFile(t, "testdata/sample.go")
	off = strings.Index(string(g.Source()), "Pi * c.R")
	got = g.Scopes(off)
	if len(got) != 1 || got[0].Name != "Area" || got[0].Kind != KindMethod || got[0].Signature != "func (c *Circle) Area() float64" {
		t.Errorf("Go scopes = %+v", got)
	}
	if s := g.Scopes(0); len(s) != 0 {
		t.Errorf("scopes at top of file = %+v", s)
	}
	cc := parseFile(t, "testdata/sample.cpp")
	off = strings.Index(string(cc.Source()), "std::vector")
	got = cc.Scopes(off)
	if len(got) != 2 || got[0].Name != "draw" || got[1].Name != "gfx" || got[1].Kind != KindModule {
		t.Errorf("C++ scopes = %+v", got)
	}
}

func TestLeavesAndIdentifiers(t *testing.T) {
	tr := parseFile(t, "testdata/sample.go")
	src := string(tr.Source())
	var toks []string
	var classes []Class
	start := strings.Index(src, "func helper")
	tr.Leaves(start, len(src), func(l Leaf) bool {
		toks = append(toks, src[l.Start:l.End])
		classes = append(classes, l.Class)
		return true
	})
	want := []string{"func", "helper", "[", "T", "any", "]", "(", "x", "T", ")", "T", "{", "return", "x", "}"}
	if !slices.Equal(toks, want) {
		t.Fatalf("leaves %q, want %q", toks, want)
	}
	if classes[0] != ClassKeyword || classes[1] != ClassIdentifier || classes[2] != ClassPunct {
		t.Errorf("classes %v", classes)
	}
	// Strings and comments are single leaves; stopping early works.
	var first []Leaf
	tr.Leaves(0, len(src), func(l Leaf) bool { first = append(first, l); return len(first) < 3 })
	if len(first) != 3 || first[0].Class != ClassComment || src[first[0].Start:first[0].End] != "// Package shapes draws." {
		t.Errorf("first leaves %+v", first)
	}
	var strs []string
	tr.Leaves(0, len(src), func(l Leaf) bool {
		if l.Class == ClassString {
			strs = append(strs, src[l.Start:l.End])
		}
		return true
	})
	if !slices.Equal(strs, []string{`"fmt"`, `"math"`}) {
		t.Errorf("strings %q", strs)
	}

	body := strings.Index(src, "return Pi")
	ids := tr.Identifiers(body, body+len("return Pi * c.R * c.R"))
	var names []string
	for _, id := range ids {
		names = append(names, id.Name)
	}
	if !slices.Equal(names, []string{"Pi", "c", "R", "c", "R"}) {
		t.Errorf("Identifiers = %q", names)
	}
	near := tr.IdentifiersNear(body, 0)
	names = names[:0]
	for _, id := range near {
		names = append(names, id.Name)
	}
	if !slices.Equal(names, []string{"Pi", "c", "R"}) {
		t.Errorf("IdentifiersNear(line only) = %q", names)
	}
	if near := tr.IdentifiersNear(body, 2); len(near) <= 3 || near[0].Name != "Pi" {
		t.Errorf("IdentifiersNear(2 lines) = %+v", near)
	}
}

func TestErrors(t *testing.T) {
	l := ByName("go")
	good, err := Parse(context.Background(), l, []byte("package p\nfunc f() { g(1, 2) }\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	bad, err := Parse(context.Background(), l, []byte("package p\nfunc f() { g(1, 2 }\nvar = \n"))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if good.ErrorCount() != 0 || good.Errors() != nil {
		t.Errorf("clean code has errors: %v", good.Errors())
	}
	if n := bad.ErrorCount(); n < 2 {
		t.Errorf("broken code: %d errors (%v), want >= 2", n, bad.Errors())
	}
	missing, err := Parse(context.Background(), ByName("python"), []byte("def f(:\n  return (1\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	if missing.ErrorCount() == 0 {
		t.Error("python error not found")
	}
}

func TestReparseMatchesFreshParse(t *testing.T) {
	files, _ := filepath.Glob("testdata/[sS]ample.*")
	for _, f := range files {
		tr := parseFile(t, f)
		doc := text.New(string(tr.Source()))
		// Insert a line, delete a word and rewrite the middle.
		mid := doc.LineCount() / 2
		edits := []text.Edit{
			{Range: &text.Range{Start: text.Position{Line: 1}, End: text.Position{Line: 1}}, Text: "\n"},
			{Range: &text.Range{Start: text.Position{Line: mid, Character: 0}, End: text.Position{Line: mid, Character: 3}}, Text: "zz"},
			{Range: &text.Range{Start: text.Position{Line: mid + 1}, End: text.Position{Line: mid + 1}}, Text: "  x;\n"},
		}
		next, changes, err := doc.Apply(edits, text.UTF16)
		if err != nil {
			t.Fatal(err)
		}
		src := []byte(next.String())
		inc, err := tr.Reparse(context.Background(), src, changes)
		if err != nil {
			t.Fatalf("%s: reparse: %v", f, err)
		}
		fresh, err := Parse(context.Background(), tr.Language(), src)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := inc.Root().ToSexp(), fresh.Root().ToSexp(); a != b {
			t.Errorf("%s: incremental tree differs from fresh parse\n inc %s\nfresh %s", f, a, b)
		}
		if tr.Root().ToSexp() == inc.Root().ToSexp() && tr.ErrorCount() == inc.ErrorCount() && string(tr.Source()) == string(src) {
			t.Errorf("%s: edit had no effect", f)
		}
		inc.Close()
		fresh.Close()
	}
}

func TestCloseCounts(t *testing.T) {
	before := OpenTrees()
	l := ByName("rust")
	tr, err := Parse(context.Background(), l, []byte("fn main() {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if OpenTrees() != before+1 {
		t.Errorf("OpenTrees = %d, want %d", OpenTrees(), before+1)
	}
	next, err := tr.Reparse(context.Background(), []byte("fn main() {}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if OpenTrees() != before+2 {
		t.Errorf("after reparse OpenTrees = %d, want %d", OpenTrees(), before+2)
	}
	tr.Close()
	tr.Close()
	next.Close()
	if OpenTrees() != before {
		t.Errorf("after close OpenTrees = %d, want %d", OpenTrees(), before)
	}
	if _, err := tr.Reparse(context.Background(), nil, nil); err == nil {
		t.Error("reparse of a closed tree succeeded")
	}
}

func TestClone(t *testing.T) {
	before := OpenTrees()
	src := []byte("package p\n\nfunc f() int { return 1 }\n")
	tr, err := Parse(context.Background(), ByName("go"), src)
	if err != nil {
		t.Fatal(err)
	}
	c := tr.Clone()
	if OpenTrees() != before+2 {
		t.Errorf("OpenTrees = %d, want %d", OpenTrees(), before+2)
	}
	tr.Close() // the clone lives on
	if got := c.Outline().Definitions; len(got) != 1 || got[0].Name != "f" {
		t.Errorf("the clone's definitions = %+v, want f", got)
	}
	next, err := c.Reparse(context.Background(), []byte("package p\n\nfunc g() int { return 1 }\n"),
		[]text.Change{text.Diff(string(src), "package p\n\nfunc g() int { return 1 }\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := next.Outline().Definitions; len(got) != 1 || got[0].Name != "g" {
		t.Errorf("the clone's reparse's definitions = %+v, want g", got)
	}
	c.Close()
	next.Close()
	if OpenTrees() != before {
		t.Errorf("after close OpenTrees = %d, want %d", OpenTrees(), before)
	}
}

func TestParseDocument(t *testing.T) {
	tr, err := ParseDocument(context.Background(), "", "/w/a.py", []byte("def f():\n    return 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if tr.Language().Name != "python" || len(tr.Outline().Definitions) != 1 {
		t.Errorf("a.py parsed as %s with %v", tr.Language().Name, tr.Outline().Definitions)
	}
	if _, err := ParseDocument(context.Background(), "plaintext", "/w/notes.txt", []byte("words")); !errors.Is(err, ErrNoLanguage) {
		t.Errorf("plain text: %v, want ErrNoLanguage", err)
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, ByName("go"), []byte("package p")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := Parse(context.Background(), nil, nil); !errors.Is(err, ErrNoLanguage) {
		t.Errorf("nil language: err = %v", err)
	}
	// The parser used by a cancelled parse must work again.
	tr, err := Parse(context.Background(), ByName("go"), []byte("package p"))
	if err != nil {
		t.Fatal(err)
	}
	tr.Close()
}

// TestBrokenCode runs every query over files with syntax errors: ERROR
// nodes have a kind id outside the language's table.
func TestBrokenCode(t *testing.T) {
	files, _ := filepath.Glob("testdata/[sS]ample.*")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		errs := 0
		for _, cut := range []int{len(src) / 3, len(src) / 2, 2 * len(src) / 3} {
			broken := append(append(append([]byte(nil), src[:cut]...), " ) ] } @@ ( { "...), src[cut:]...)
			tr, err := Parse(context.Background(), Detect("", f), broken)
			if err != nil {
				t.Fatal(err)
			}
			errs += tr.ErrorCount()
			n := 0
			tr.Leaves(0, len(broken), func(Leaf) bool { n++; return true })
			_ = tr.Outline()
			_, _, _ = tr.OutlineRange(cut, cut+14)
			_ = tr.Scopes(cut)
			_ = tr.IdentifiersNear(cut, 3)
			if n == 0 {
				t.Errorf("%s: no leaves", f)
			}
			tr.Close()
		}
		if errs == 0 {
			t.Errorf("%s: no error found in broken code", f)
		}
	}
}

func TestChanged(t *testing.T) {
	src := "package p\n\nfunc a() {}\n\nfunc b() {}\n\nfunc c() {}\n"
	tr, err := Parse(context.Background(), ByName("go"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if _, _, ok := tr.Changed(); ok {
		t.Error("a fresh tree reports changes")
	}
	doc := text.New(src)
	// Opening a brace in b changes the structure up to the end of the file.
	next, changes, _ := doc.Apply([]text.Edit{{Range: &text.Range{
		Start: text.Position{Line: 4, Character: 9}, End: text.Position{Line: 4, Character: 10}}, Text: "{ {"}}, text.UTF8)
	nt, err := tr.Reparse(context.Background(), []byte(next.String()), changes)
	if err != nil {
		t.Fatal(err)
	}
	defer nt.Close()
	start, end, ok := nt.Changed()
	if !ok || start > changes[0].StartByte || end < changes[0].NewEndByte {
		t.Errorf("Changed = %d, %d, %v; the edit is %d-%d", start, end, ok, changes[0].StartByte, changes[0].NewEndByte)
	}
	if s2, e2, _ := nt.Changed(); s2 != start || e2 != end {
		t.Error("a second call answers differently")
	}
}
