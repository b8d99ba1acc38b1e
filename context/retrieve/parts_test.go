package retrieve

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lode-ls/lode/context/syntax"
)

func TestGoLocalTypes(t *testing.T) {
	fn := `func (p *printer) print(w io.Writer, n int) {
	var buf bytes.Buffer
	cfg := &Config{Mode: 1}
	tw := tabwriter.NewWriter(w, 0, 8, 1, ' ', 0)
	s := new(state)
	x := compute(n)
	var items []Item
	q, err := u.Query().Get("a")
	for _, v := range m {
	for _, it := range items {
	if r, ok := v.(*http.Request); ok {
	z := 1 + compute(n)
}`
	// A local that a call or another expression gives has that
	// expression (localValue, the index among the names, ":", the
	// expression) for the declarations to tell its type.
	want := map[string]string{"p": "printer", "w": "io.Writer", "n": "int", "buf": "bytes.Buffer", "cfg": "Config",
		"tw": "tabwriter.Writer", "s": "state", "items": "Item", "x": "=0:compute(n)",
		"q": "=0:u.Query().Get(\"a\")", "err": "=1:u.Query().Get(\"a\")", "v": "=r:m", "ok": "=1:v.(*http.Request)", "it": "=r:items", "r": "=0:v.(*http.Request)"}
	if diff := cmp.Diff(want, goLocalTypes(fn)); diff != "" {
		t.Errorf("goLocalTypes (-want +got):\n%s", diff)
	}
}

func TestQualifier(t *testing.T) {
	tests := []struct {
		src  string
		off  int
		want string
	}{
		{"fmt.Println", 4, "fmt"},
		{"a.b.c", 4, "b"},
		{"std::mem::swap", 10, "mem"},
		{"Println", 0, ""},
		{"x + y", 4, ""},
	}
	for _, tc := range tests {
		if got := qualifier(tc.src, tc.off); got != tc.want {
			t.Errorf("qualifier(%q, %d) = %q, want %q", tc.src, tc.off, got, tc.want)
		}
	}
}

func TestImportNames(t *testing.T) {
	imports := []syntax.Import{
		{Path: "net/http"},
		{Path: "math/rand/v2"},
		{Path: "gopkg.in/yaml.v3"},
		{Path: "github.com/x/go-isatty"},
		{Path: "example.com/lib", Name: "l"},
		{Path: "embed", Name: "_"},
	}
	want := map[string]string{"http": "net/http", "rand": "math/rand/v2", "yaml": "gopkg.in/yaml.v3",
		"isatty": "github.com/x/go-isatty", "l": "example.com/lib", "embed": "embed"}
	if diff := cmp.Diff(want, importNames(imports, "go")); diff != "" {
		t.Errorf("importNames (-want +got):\n%s", diff)
	}
	py := importNames([]syntax.Import{{Path: "os.path", Names: []string{"join"}}}, "python")
	if py["path"] != "os.path" || py["join"] != "os.path" {
		t.Errorf("python importNames = %v", py)
	}
}

func TestImportMatch(t *testing.T) {
	tests := []struct {
		file, imp string
		want      int
	}{
		{"/go/src/net/http/server.go", "net/http", 2},
		{"/go/src/net/http/server.go", "http", 1},
		{"/go/src/net/url/url.go", "net/http", 0},
		{"/app/src/utils/strings.ts", "./utils/strings", 2},
		{"/app/pkg/linalg.py", "numpy.linalg", 1},
		{"/src/caddy/caddy.go", "github.com/caddyserver/caddy/v2", 1}, // a major version's module root
		{"/src/yaml/v3/yaml.go", "gopkg.in/yaml/v3", 2},               // its directory
		{"/src/caddy/modules/x.go", "github.com/caddyserver/caddy/v2", 0},
	}
	for _, tc := range tests {
		if got := importMatch(tc.file, tc.imp); got != tc.want {
			t.Errorf("importMatch(%s, %s) = %d, want %d", tc.file, tc.imp, got, tc.want)
		}
	}
}

func TestFuse(t *testing.T) {
	a := candidate{path: "a", first: 1, last: 2}
	b := candidate{path: "b", first: 1, last: 2}
	c := candidate{path: "c", first: 1, last: 2}
	// b is second in both lists; a and c first in one each: b wins.
	got := fuse([][]candidate{{a, b}, {c, b}}, []float64{1, 1})
	var order []string
	for _, x := range got {
		order = append(order, x.path)
	}
	if diff := cmp.Diff([]string{"b", "a", "c"}, order); diff != "" {
		t.Errorf("fuse order (-want +got):\n%s", diff)
	}
	// A heavier list decides between single finds.
	got = fuse([][]candidate{{a}, {c}}, []float64{0.5, 1})
	if got[0].path != "c" {
		t.Errorf("fuse with weights put %s first, want c", got[0].path)
	}
}

func TestCovered(t *testing.T) {
	chosen := []Snippet{{Path: "f", StartLine: 10, EndLine: 19}}
	tests := []struct {
		path        string
		first, last int
		want        bool
	}{
		{"f", 12, 15, true},
		{"f", 15, 24, true}, // 5 of 10 lines
		{"f", 17, 26, false},
		{"g", 12, 15, false},
	}
	for _, tc := range tests {
		if got := covered(chosen, tc.path, tc.first, tc.last); got != tc.want {
			t.Errorf("covered(%s %d-%d) = %v, want %v", tc.path, tc.first, tc.last, got, tc.want)
		}
	}
}

func TestEdits(t *testing.T) {
	e := newEdits(2)
	e.observe("a", "l0\nl1\nl2\nl3\nl4\n")
	if len(e.list()) != 0 {
		t.Fatal("opening a document made an edit")
	}
	e.observe("a", "l0\nl1\nl2 changed\nl3\nl4\n")
	e.observe("a", "l0\nl1\nl2 changed\nl3 too\nl4\n") // next to the last: merged
	if diff := cmp.Diff([]edit{{"a", 2, 3}}, e.list(), cmp.AllowUnexported(edit{})); diff != "" {
		t.Errorf("after two edits (-want +got):\n%s", diff)
	}
	e.observe("b", "x\n")
	e.observe("b", "y\n")
	e.observe("a", "new first line\nl0\nl1\nl2 changed\nl3 too\nl4\n") // shifts a's range
	want := []edit{{"a", 0, 0}, {"b", 0, 0}}
	if diff := cmp.Diff(want, e.list(), cmp.AllowUnexported(edit{})); diff != "" {
		t.Errorf("edits, newest first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "a"}, e.files()); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	e.forget("a")
	if len(e.list()) != 1 {
		t.Errorf("forget left %v", e.list())
	}
}

// TestEditsBurst: a burst of keystrokes is compared once, when the
// ranges are asked for.
func TestEditsBurst(t *testing.T) {
	e := newEdits(4)
	doc := strings.Repeat("line\n", 1000)
	e.observe("a", doc)
	typed := ""
	for _, c := range "return x + y" {
		typed += string(c)
		e.observe("a", doc[:500]+typed+doc[500:])
	}
	if e.diffs != 0 {
		t.Fatalf("%d comparisons while typing, want none before the ranges are asked for", e.diffs)
	}
	if diff := cmp.Diff([]edit{{"a", 100, 100}}, e.list(), cmp.AllowUnexported(edit{})); diff != "" {
		t.Errorf("edits after a burst (-want +got):\n%s", diff)
	}
	if e.diffs != 1 {
		t.Fatalf("%d comparisons for a burst, want 1", e.diffs)
	}
}

func TestDeclaredType(t *testing.T) {
	tests := []struct{ sig, name, want string }{
		{"rd  io.Reader", "rd", "io.Reader"},
		{"var systemRootsMu sync.RWMutex", "systemRootsMu", "sync.RWMutex"},
		{"b *bytes.Buffer", "b", "bytes.Buffer"},
		{"items []Item", "items", "Item"},
		{"a = 1", "a", ""},
		{"xrd io.Reader", "rd", ""},
	}
	for _, tc := range tests {
		if got := declaredType(tc.sig, tc.name); got != tc.want {
			t.Errorf("declaredType(%q, %q) = %q, want %q", tc.sig, tc.name, got, tc.want)
		}
	}
}

func TestGoLocalTypesAcrossLines(t *testing.T) {
	fn := `func serve(
	ctx context.Context,
	l net.Listener, a, b *ast.Node) error {
	var (
		mu sync.Mutex
	)
	srv := &http.Server{}
	srv := http.NewServer()
}`
	want := map[string]string{"ctx": "context.Context", "l": "net.Listener", "mu": "sync.Mutex", "srv": "http.Server",
		"a": "ast.Node", "b": "ast.Node"}
	if diff := cmp.Diff(want, goLocalTypes(fn)); diff != "" {
		t.Errorf("goLocalTypes (-want +got):\n%s", diff)
	}
}
