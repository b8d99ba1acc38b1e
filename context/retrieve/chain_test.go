package retrieve

import (
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// surfaceDecl is one declaration of fakeSurface: "pkg file kind container name signature".
type surfaceDecl struct {
	imp, file       string
	kind            syntax.Kind
	container, name string
	sig             string
}

// fakeSurface is a dependencies' surface from a table, with the files'
// imports and the embedded types that following types needs.
type fakeSurface struct {
	decls   []surfaceDecl
	imports map[string][]syntax.Import // by file
	embeds  map[string][]string        // by "imp.Type": "file:expr"
}

func (f fakeSurface) Lookup(imp, name string) ([]index.Symbol, bool) {
	var out []index.Symbol
	for _, d := range f.decls {
		if d.imp == imp && d.name == name {
			out = append(out, index.Symbol{Path: d.file, Language: "go", Definition: syntax.Definition{
				Name: d.name, Kind: d.kind, Container: d.container, Signature: d.sig, StartLine: 10, EndLine: 10}})
		}
	}
	return out, true
}

func (f fakeSurface) Imports(imp, file string) []syntax.Import { return f.imports[file] }

func (f fakeSurface) Embedded(imp, typ string) (types, files []string) {
	for _, e := range f.embeds[imp+"."+typ] {
		file, expr, _ := strings.Cut(e, ":")
		types, files = append(types, expr), append(files, file)
	}
	return types, files
}

var chainSurface = fakeSurface{
	decls: []surfaceDecl{
		{"net/http", "/go/net/http/client.go", syntax.KindMethod, "Client", "Get", "func (c *Client) Get(url string) (resp *Response, err error)"},
		{"net/http", "/go/net/http/response.go", syntax.KindField, "Response", "Body", "Body io.ReadCloser"},
		{"net/http", "/go/net/http/response.go", syntax.KindMethod, "Response", "Cookies", "func (r *Response) Cookies() []*Cookie"},
		{"net/http", "/go/net/http/cookie.go", syntax.KindMethod, "Cookie", "String", "func (c *Cookie) String() string"},
		{"io", "/go/io/io.go", syntax.KindMethod, "Closer", "Close", "Close() error"},
		{"time", "/go/time/time.go", syntax.KindFunction, "", "Now", "func Now() Time"},
		{"time", "/go/time/time.go", syntax.KindMethod, "Time", "Unix", "func (t Time) Unix() int64"},
		{"net/url", "/go/net/url/url.go", syntax.KindMethod, "URL", "Query", "func (u *URL) Query() Values"},
		{"net/url", "/go/net/url/url.go", syntax.KindMethod, "Values", "Set", "func (v Values) Set(key, value string)"},
		// Decoys: members of the same names on other types.
		{"net/url", "/go/net/url/url.go", syntax.KindMethod, "URL", "String", "func (u *URL) String() string"},
		{"os", "/go/os/file.go", syntax.KindMethod, "File", "Close", "func (f *File) Close() error"},
		{"net", "/go/net/net.go", syntax.KindMethod, "Conn", "RemoteAddr", "RemoteAddr() Addr"},
		{"net/url", "/go/net/url/url.go", syntax.KindType, "", "Values", "type Values map[string][]string"},
		{"os", "/go/os/types.go", syntax.KindType, "", "FileInfo", "type FileInfo = fs.FileInfo"},
		{"io/fs", "/go/io/fs/fs.go", syntax.KindMethod, "FileInfo", "IsDir", "IsDir() bool"},
		{"example.com/buffer", "/mod/buffer/pool.go", syntax.KindFunction, "", "NewPool", "func NewPool() Pool"},
		{"example.com/buffer", "/mod/buffer/pool.go", syntax.KindMethod, "Pool", "Get", "func (p Pool) Get() *Buffer"},
	},
	imports: map[string][]syntax.Import{"/go/net/http/response.go": {{Path: "io"}}, "/go/os/types.go": {{Path: "io/fs"}}},
	embeds:  map[string][]string{"io.ReadCloser": {"/go/io/io.go:Reader", "/go/io/io.go:Closer"}},
}

// TestRetrieveDependencyChains checks that a member selected from what
// the dependencies' declarations say an expression is (a call's result, a
// field, a local a call gave, a range's element, a type an interface
// embeds) brings that member's declaration, and not a same-named one.
func TestRetrieveDependencyChains(t *testing.T) {
	r, _, _, root := setupTree(t, map[string]string{
		"go.mod": "module example.com/app\n",
		"app.go": `package app

import (
	"net/http"
	"net/url"
	"time"
)

type server struct {
	client *http.Client
}

func (s *server) run(u *url.URL) int64 {
	resp, err := s.client.Get("x")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	q := u.Query()
	q.Set("a", "b")
	for _, c := range resp.Cookies() {
		_ = c.String()
	}
	return time.Now().Unix()
}
`,
		"conn.go": `package app

import (
	"net"
	"net/http"
	"net/url"
	"os"

	"example.com/buffer"
)

var pool = buffer.NewPool()

var vals = url.Values{}

type cookies []*http.Cookie

func (cs cookies) first() string {
	vals.Set("a", "b")
	return cs[0].String()
}

type conn struct {
	net.Conn
}

func (s *server) other(c *conn, fi os.FileInfo) {
	c.RemoteAddr()
	fi.IsDir()
	pool.Get()
}
`,
	})
	r.SetDependencies(chainSurface)
	for _, tc := range []struct{ file, marker, symbol, want string }{
		{"app.go", `resp.Body.Close(`, "Body.Close", "Close() error"},
		{"app.go", `.Unix(`, "Unix", "func (t Time) Unix() int64"},
		{"app.go", `q.Set(`, "q.Set", "func (v Values) Set(key, value string)"},
		{"app.go", `c.String(`, "c.String", "func (c *Cookie) String() string"},
		{"app.go", `s.client.Get(`, "client.Get", "func (c *Client) Get(url string)"},
		{"conn.go", `c.RemoteAddr(`, "c.RemoteAddr", "RemoteAddr() Addr"},              // embedded in a workspace type
		{"conn.go", `fi.IsDir(`, "fi.IsDir", "IsDir() bool"},                           // through an alias
		{"conn.go", `pool.Get(`, "pool.Get", "func (p Pool) Get() *Buffer"},            // a variable's initializer
		{"conn.go", `vals.Set(`, "vals.Set", "func (v Values) Set(key, value string)"}, // a composite literal
		{"conn.go", `cs[0].String(`, "String", "func (c *Cookie) String() string"},     // an element of a named slice type
	} {
		b := retrieved(t, r, at(t, root, tc.file, tc.marker, 2048))
		var got []string
		for _, s := range b.Snippets {
			if s.Symbol == tc.symbol {
				got = append(got, s.Text)
			}
		}
		if len(got) != 1 || !strings.Contains(got[0], tc.want) {
			t.Errorf("at %s: declarations of %s: %q, want only %q", tc.marker, tc.symbol, got, tc.want)
		}
	}
}

func TestReceiverExpr(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"time.Now().Unix", "time.Now()"},
		{"resp.Body.Close", "resp.Body"},
		{"x.Close", ""}, // a plain qualifier is ident's
		{"s[i].Label[n].GetValue", "s[i].Label[n]"},
		{"ctx.Value(k).(*Replacer).Get", "ctx.Value(k).(*Replacer)"},
		{"caddy.Log().Named(\"x\").Warn", "caddy.Log().Named(\"x\")"},
		{"if (a + b).Unix", ""},
		{"Close", ""},
	} {
		off := strings.LastIndexByte(tc.src, '.') + 1
		if got := receiverExpr(tc.src, off); got != tc.want {
			t.Errorf("receiverExpr(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestResultType(t *testing.T) {
	for _, tc := range []struct {
		sig  string
		i    int
		want string
	}{
		{"func Now() Time", 0, "Time"},
		{"func (c *Client) Get(url string) (resp *Response, err error)", 0, "*Response"},
		{"func (c *Client) Get(url string) (resp *Response, err error)", 1, "error"},
		{"func Open(name string) (*File, error)", 0, "*File"},
		{"func Map[K comparable, V any](m map[K]V) []K", 0, "[]K"},
		{"Value(key any) any", 0, "any"},
		{"func (l *Logger) Info(msg string)", 0, ""},
		{"func Pair() (a, b int)", 1, "int"},
	} {
		if got := resultType(tc.sig, tc.i); got != tc.want {
			t.Errorf("resultType(%q, %d) = %q, want %q", tc.sig, tc.i, got, tc.want)
		}
	}
}

func TestFieldType(t *testing.T) {
	for _, tc := range []struct{ sig, name, want string }{
		{"Body io.ReadCloser", "Body", "io.ReadCloser"},
		{"A, B []*zap.Logger `json:\"a\"`", "B", "[]*zap.Logger"},
		{"io.Reader", "Reader", "io.Reader"},
		{"*Buffer", "Buffer", "*Buffer"},
		{"var X = 3", "X", ""},
		{"var Y zap.Field", "Y", "zap.Field"},
		{"m map[string]int", "m", "map[string]int"},
	} {
		if got := fieldType(tc.sig, tc.name); got != tc.want {
			t.Errorf("fieldType(%q, %q) = %q, want %q", tc.sig, tc.name, got, tc.want)
		}
	}
}

// langSurface answers LookupIn for a Python package, and nothing for Go.
type langSurface struct{ fakeSurface }

func (langSurface) LookupIn(lang, imp, name string) ([]index.Symbol, bool) {
	if lang != "python" || imp != "requests" {
		return nil, false
	}
	var out []index.Symbol
	for _, path := range []string{"/venv/lib/python3.12/site-packages/requests/api.py", "/home/u/.ssh/requests/api.py"} {
		if name == "get" {
			out = append(out, index.Symbol{Path: path, Language: "python", Definition: syntax.Definition{
				Name: "get", Kind: syntax.KindFunction, StartLine: 3, EndLine: 5,
				Signature: "def get(url, params=None, **kwargs):", Doc: `"""Sends a GET request."""`}})
		}
	}
	return out, true
}

// TestRetrieveForeignDependency checks that a Python call into a
// dependency brings its declaration with its reason, and never from a
// file the rules refuse.
func TestRetrieveForeignDependency(t *testing.T) {
	r, _, _, root := setupTree(t, map[string]string{
		"app.py": "import requests\n\n\ndef fetch(u):\n    return requests.get(u)\n",
	})
	r.SetDependencies(langSurface{})
	b := retrieved(t, r, at(t, root, "app.py", "requests.get(", 2048))
	var got []Snippet
	for _, s := range b.Snippets {
		if s.Symbol == "requests.get" {
			got = append(got, s)
		}
	}
	if len(got) != 1 || got[0].Reason != ReasonDependency+" requests" || !strings.Contains(got[0].Text, "def get(url") ||
		strings.Contains(got[0].Path, ".ssh") {
		t.Errorf("snippets of requests.get: %+v, want the one declaration from site-packages", got)
	}
}
