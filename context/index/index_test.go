package index

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/syntax"
)

var testFiles = map[string]string{
	"/ws/geo/shape.go": `package geo

import "math"

// Shape has an area.
type Shape interface {
	Area() float64
}

// Circle is round.
type Circle struct {
	Radius float64
}

// Area computes the area of the circle.
func (c Circle) Area() float64 {
	return math.Pi * c.Radius * c.Radius
}
`,
	"/ws/geo/square.go": `package geo

// Square has four sides.
type Square struct{ Side float64 }

func (s Square) Area() float64 { return s.Side * s.Side }

func NewSquare(side float64) Square { return Square{Side: side} }
`,
	"/ws/main.go": `package main

import (
	"fmt"

	"example.com/ws/geo"
)

func main() {
	fmt.Println(geo.NewSquare(2).Area())
}
`,
	"/ws/tool.py": `import os

def area_of(shape):
    """Area of anything."""
    return shape.area()
`,
	"/ws/README.txt": "Shapes and their area, computed by geo.\n",
}

func memFiles(m map[string]string) []File {
	var files []File
	for p, s := range m {
		files = append(files, File{Path: p, Size: int64(len(s)), ModTime: time.Unix(1000, 0), Read: func() ([]byte, error) { return []byte(s), nil }})
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files
}

func build(t testing.TB, m map[string]string) *Index {
	t.Helper()
	x := New()
	t.Cleanup(x.Close)
	res, err := x.Build(context.Background(), memFiles(m), 2, nil)
	if err != nil || res.Failed != 0 {
		t.Fatalf("Build: %+v %v", res, err)
	}
	return x
}

func names(syms []Symbol) []string {
	var out []string
	for _, s := range syms {
		out = append(out, s.Container+"."+s.Name+"@"+s.Path[strings.LastIndex(s.Path, "/")+1:])
	}
	slices.Sort(out)
	return out
}

func TestLookup(t *testing.T) {
	x := build(t, testFiles)
	if got := names(x.Lookup("Area")); !slices.Equal(got, []string{"Circle.Area@shape.go", "Shape.Area@shape.go", "Square.Area@square.go"}) {
		t.Errorf("Lookup(Area) = %v", got)
	}
	if got := x.Lookup("area"); len(got) != 0 {
		t.Errorf("Lookup is case-sensitive, got %v", names(got))
	}
	if got := names(x.LookupFold("AREA")); len(got) != 3 {
		t.Errorf("LookupFold(AREA) = %v", got)
	}
	if got := names(x.LookupPrefix("area", true, 0)); !slices.Contains(got, ".area_of@tool.py") || len(got) != 4 {
		t.Errorf("LookupPrefix(area, fold) = %v", got)
	}
	if got := names(x.LookupPrefix("Ar", false, 0)); len(got) != 3 {
		t.Errorf("LookupPrefix(Ar) = %v", got)
	}
	if got := x.LookupPrefix("", true, 2); len(got) != 2 {
		t.Errorf("LookupPrefix limit: %d", len(got))
	}
	sq := x.Lookup("NewSquare")
	if len(sq) != 1 || sq[0].Kind != syntax.KindFunction || sq[0].Signature != "func NewSquare(side float64) Square" || sq[0].StartLine != 7 {
		t.Errorf("NewSquare = %+v", sq)
	}
	c := x.Lookup("Circle")
	if len(c) != 1 || c[0].Doc != "// Circle is round." || c[0].Kind != syntax.KindStruct || c[0].Language != "go" {
		t.Errorf("Circle = %+v", c)
	}
}

func TestFilesAndImports(t *testing.T) {
	x := build(t, testFiles)
	if got := len(x.Files()); got != 5 {
		t.Errorf("Files = %d", got)
	}
	info, ok := x.File("/ws/main.go")
	if !ok || info.Package != "main" || len(info.Imports) != 2 || info.Imports[1].Path != "example.com/ws/geo" || info.Lines != 11 {
		t.Errorf("File(main.go) = %+v", info)
	}
	if got := x.Importers("math"); !slices.Equal(got, []string{"/ws/geo/shape.go"}) {
		t.Errorf("Importers(math) = %v", got)
	}
	if got := names(x.FileSymbols("/ws/geo/square.go")); len(got) != 4 {
		t.Errorf("FileSymbols(square.go) = %v", got)
	}
	if info, ok := x.File("/ws/README.txt"); !ok || info.Language != "" || info.Symbols != 0 {
		t.Errorf("plain text file = %+v", info)
	}
	if st := x.Stats(); st.Files != 5 || st.Symbols != 11 || st.Chunks == 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestBM25AndSimilar(t *testing.T) {
	x := build(t, testFiles)
	hits := x.BM25("c.Radius * math.Pi", 3, nil)
	if len(hits) == 0 || hits[0].Path != "/ws/geo/shape.go" {
		t.Fatalf("BM25 = %+v", hits)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Errorf("BM25 not sorted: %+v", hits)
		}
	}
	skipShape := func(path string, _, _ int) bool { return path == "/ws/geo/shape.go" }
	for _, h := range x.BM25("c.Radius * math.Pi", 3, skipShape) {
		if h.Path == "/ws/geo/shape.go" {
			t.Errorf("skipped file returned: %+v", h)
		}
	}
	if hits := x.BM25("nothingmatches", 3, nil); len(hits) != 0 {
		t.Errorf("BM25(unknown) = %+v", hits)
	}
	sim := x.Similar("func (s Square) Area() float64 { return s.Side * s.Side }", 20, 2, nil)
	if len(sim) == 0 || sim[0].Path != "/ws/geo/square.go" || sim[0].Score <= 0 || sim[0].Score > 1 {
		t.Errorf("Similar = %+v", sim)
	}
	occ := x.Occurrences("NewSquare", 0)
	var paths []string
	for _, h := range occ {
		paths = append(paths, h.Path)
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"/ws/geo/square.go", "/ws/main.go"}) {
		t.Errorf("Occurrences(NewSquare) = %v", paths)
	}
	if toks := Tokens("if x1 := fooBar(12, b_c); return"); !slices.Equal(toks, []string{"x1", "fooBar", "b_c"}) {
		t.Errorf("Tokens = %q", toks)
	}
}

func TestUpdateAndRemove(t *testing.T) {
	x := build(t, testFiles)
	ctx := context.Background()
	golang := syntax.ByName("go")
	src := []byte(strings.Replace(testFiles["/ws/geo/square.go"], "NewSquare", "MakeSquare", 1))
	if err := x.Update(ctx, "/ws/geo/square.go", golang, src); err != nil {
		t.Fatal(err)
	}
	if len(x.Lookup("NewSquare")) != 0 || len(x.Lookup("MakeSquare")) != 1 {
		t.Errorf("after rename: New=%v Make=%v", x.Lookup("NewSquare"), x.Lookup("MakeSquare"))
	}
	if got := names(x.LookupPrefix("make", true, 0)); len(got) != 1 {
		t.Errorf("prefix after update = %v", got)
	}
	if got := names(x.LookupPrefix("newsq", true, 0)); len(got) != 0 {
		t.Errorf("stale prefix entry = %v", got)
	}
	// The second update of the same file reparses incrementally.
	src2 := []byte(strings.Replace(string(src), "return Square{Side: side}", "return Square{Side: 2 * side}", 1))
	if err := x.Update(ctx, "/ws/geo/square.go", golang, src2); err != nil {
		t.Fatal(err)
	}
	if hits := x.Occurrences("MakeSquare", 0); len(hits) != 1 {
		t.Errorf("Occurrences(MakeSquare) = %+v", hits)
	}
	x.Remove("/ws/geo/shape.go")
	if got := names(x.Lookup("Area")); !slices.Equal(got, []string{"Square.Area@square.go"}) {
		t.Errorf("after Remove: %v", got)
	}
	if hits := x.BM25("Radius", 5, nil); len(hits) != 0 {
		t.Errorf("removed file still found by BM25: %+v", hits)
	}
	if _, ok := x.File("/ws/geo/shape.go"); ok {
		t.Error("removed file still known")
	}
}

func TestUpdateTreeAndOnParsed(t *testing.T) {
	x := New()
	defer x.Close()
	var mu sync.Mutex
	seen := map[string]int{}
	x.OnParsed(func(path string, lang *syntax.Language, src []byte, tree *syntax.Tree) {
		mu.Lock()
		seen[path] = int(tree.Root().EndByte())
		mu.Unlock()
	})
	if _, err := x.Build(context.Background(), memFiles(testFiles), 2, nil); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen["/ws/tool.py"] == 0 {
		t.Errorf("OnParsed saw %v, want the 4 source files", seen)
	}
	tree, err := syntax.Parse(context.Background(), syntax.ByName("python"), []byte("def fresh():\n    pass\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	if err := x.UpdateTree("/ws/tool.py", tree); err != nil {
		t.Fatal(err)
	}
	if len(x.Lookup("fresh")) != 1 || len(x.Lookup("area_of")) != 0 {
		t.Error("UpdateTree did not replace the file's symbols")
	}
	if tree.Root() == nil || tree.ErrorCount() != 0 {
		t.Error("the caller's tree was harmed")
	}
}

func TestBuildIncremental(t *testing.T) {
	x := build(t, testFiles)
	files := memFiles(testFiles)
	res, err := x.Build(context.Background(), files, 2, nil)
	if err != nil || res.Unchanged != 5 || res.Indexed != 0 {
		t.Errorf("rebuild of unchanged files: %+v %v", res, err)
	}
	// New time, same content: read but not re-indexed. Changed content: re-indexed.
	// A file not offered is removed.
	var next []File
	for _, f := range files {
		switch f.Path {
		case "/ws/README.txt":
			continue
		case "/ws/main.go":
			f.ModTime = time.Unix(2000, 0)
		case "/ws/tool.py":
			f.ModTime = time.Unix(2000, 0)
			f.Read = func() ([]byte, error) { return []byte("def other():\n    pass\n"), nil }
			f.Size = 22
		}
		next = append(next, f)
	}
	var calls, lastDone int
	res, err = x.Build(context.Background(), next, 2, func(done, total int) {
		calls++
		lastDone = done
		if total != 4 {
			t.Errorf("progress total %d", total)
		}
	})
	if err != nil || res.Indexed != 1 || res.Unchanged != 3 || res.Removed != 1 {
		t.Errorf("Build = %+v %v", res, err)
	}
	if calls != 2 || lastDone != 4 {
		t.Errorf("progress: %d calls, last done %d", calls, lastDone)
	}
	if len(x.Lookup("other")) != 1 || len(x.Lookup("area_of")) != 0 {
		t.Error("changed file not re-indexed")
	}
	bad := []File{{Path: "/ws/x.go", Read: func() ([]byte, error) { return nil, fmt.Errorf("denied") }}}
	res, _ = x.Build(context.Background(), bad, 1, nil)
	if res.Failed != 1 || len(res.Errors) != 1 {
		t.Errorf("failed read: %+v", res)
	}
}

func TestConcurrentReadersAndWriters(t *testing.T) {
	x := build(t, testFiles)
	ctx := context.Background()
	golang := syntax.ByName("go")
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range 50 {
				src := fmt.Sprintf("package geo\n\nfunc Gen%d_%d() int { return %d }\n", w, i, i)
				if err := x.Update(ctx, fmt.Sprintf("/ws/gen%d.go", w), golang, []byte(src)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 200 {
				x.Lookup("Area")
				x.LookupPrefix("Gen", false, 5)
				x.BM25("Gen return", 3, nil)
				x.Similar("func Gen", 20, 3, nil)
			}
		})
	}
	wg.Wait()
	for w := range 2 {
		if got := x.Lookup(fmt.Sprintf("Gen%d_49", w)); len(got) != 1 {
			t.Errorf("last update of writer %d lost: %v", w, got)
		}
		if got := x.LookupPrefix(fmt.Sprintf("Gen%d_", w), false, 0); len(got) != 1 {
			t.Errorf("writer %d: %d symbols, want 1", w, len(got))
		}
	}
}

func TestCompactKeepsResults(t *testing.T) {
	x := build(t, testFiles)
	before := x.BM25("Radius Pi math", 5, nil)
	x.mu.Lock()
	x.compact()
	x.mu.Unlock()
	after := x.BM25("Radius Pi math", 5, nil)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("compact changed results:\n%v\n%v", before, after)
	}
}

func TestResolve(t *testing.T) {
	files := map[string]string{
		"/ws/geo/shape.go":        "package geo\n",
		"/ws/geo/square.go":       "package geo\n",
		"/ws/other/geo/x.go":      "package geo\n",
		"/ws/main.go":             "package main\n\nimport \"example.com/ws/geo\"\n",
		"/ws/pkg/mod.py":          "x = 1\n",
		"/ws/pkg/sub/__init__.py": "y = 2\n",
		"/ws/app.py":              "from pkg.sub import y\nimport pkg.mod\n",
		"/ws/web/util.ts":         "export const a = 1;\n",
		"/ws/web/app.ts":          "import { a } from './util';\n",
		"/ws/inc/shapes.h":        "int area(void);\n",
		"/ws/src/main.c":          "#include \"shapes.h\"\n",
	}
	x := build(t, files)
	tests := []struct {
		from string
		imp  string
		want []string
	}{
		{"/ws/main.go", "example.com/ws/geo", []string{"/ws/geo/shape.go", "/ws/geo/square.go"}},
		{"/ws/main.go", "fmt", nil},
		{"/ws/app.py", "pkg.sub", []string{"/ws/pkg/sub/__init__.py"}},
		{"/ws/app.py", "pkg.mod", []string{"/ws/pkg/mod.py"}},
		{"/ws/pkg/mod.py", ".sub", []string{"/ws/pkg/sub/__init__.py"}},
		{"/ws/web/app.ts", "./util", []string{"/ws/web/util.ts"}},
		{"/ws/web/app.ts", "react", nil},
		{"/ws/src/main.c", "shapes.h", []string{"/ws/inc/shapes.h"}},
	}
	for _, tc := range tests {
		got := x.Resolve(tc.from, syntax.Import{Path: tc.imp})
		if !slices.Equal(got, tc.want) {
			t.Errorf("Resolve(%s, %s) = %v, want %v", tc.from, tc.imp, got, tc.want)
		}
	}
	if got := x.Siblings("/ws/geo/shape.go"); !slices.Equal(got, []string{"/ws/geo/square.go"}) {
		t.Errorf("Siblings = %v", got)
	}
}

// TestDirs: the directories of the indexed files follow updates, removals
// and a save and load.
func TestDirs(t *testing.T) {
	x := build(t, testFiles)
	sorted := func(x *Index) []string {
		d := x.Dirs()
		slices.Sort(d)
		return d
	}
	if got, want := sorted(x), []string{"/ws", "/ws/geo"}; !slices.Equal(got, want) {
		t.Fatalf("Dirs = %v, want %v", got, want)
	}
	if err := x.Update(context.Background(), "/ws/geo/shape.go", syntax.Detect("", "x.go"), []byte("package geo\n")); err != nil {
		t.Fatal(err)
	}
	if got := x.Siblings("/ws/geo/shape.go"); !slices.Equal(got, []string{"/ws/geo/square.go"}) {
		t.Fatalf("Siblings(shape.go) = %v", got)
	}
	x.Remove("/ws/geo/square.go")
	if got, want := sorted(x), []string{"/ws", "/ws/geo"}; !slices.Equal(got, want) {
		t.Fatalf("after an update and one removal, Dirs = %v, want %v", got, want)
	}
	if got := x.Siblings("/ws/geo/shape.go"); len(got) != 0 {
		t.Fatalf("Siblings(shape.go) after square.go's removal = %v", got)
	}
	x.Remove("/ws/geo/shape.go")
	if got, want := sorted(x), []string{"/ws"}; !slices.Equal(got, want) {
		t.Fatalf("after the directory's last file was removed, Dirs = %v, want %v", got, want)
	}
	if x.HasDir("geo") || !x.HasDir("ws") {
		t.Fatalf("HasDir(geo) = %v, HasDir(ws) = %v after geo's last file was removed", x.HasDir("geo"), x.HasDir("ws"))
	}
	y := reloaded(t, x, filepath.Join(t.TempDir(), "ix"))
	if got, want := sorted(y), []string{"/ws"}; !slices.Equal(got, want) {
		t.Fatalf("loaded, Dirs = %v, want %v", got, want)
	}
}
