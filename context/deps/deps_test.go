package deps

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lode-ls/lode/internal/store"
	"github.com/lode-ls/lode/internal/testtree"
	"golang.org/x/tools/txtar"
)

// TestSurface reads the exported declarations of a standard package and
// of a module dependency from a fake GOROOT and module cache.
func TestSurface(t *testing.T) {
	dir := t.TempDir()
	goroot, modcache, ws := filepath.Join(dir, "goroot"), filepath.Join(dir, "mod"), filepath.Join(dir, "ws")
	testtree.Write(t, dir, map[string]string{
		"goroot/src/strings/strings.go": `package strings

// HasPrefix reports whether s begins with prefix.
func HasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}

func unexported() {}
`,
		"goroot/src/strings/strings_test.go": "package strings\n\nfunc TestOnly() {}\n",
		"mod/go.uber.org/zap@v1.27.0/field.go": `package zap

// Field is a key and a value.
type Field struct {
	// Key names the field.
	Key string
	value any
}

// String makes a Field of a string.
func String(key, val string) Field { return Field{Key: key, value: val} }

// Logger logs.
type Logger struct{}

// Info logs at info level.
func (l *Logger) Info(msg string, fields ...Field) {}
`,
		"mod/github.com/!burnt!sushi/toml@v1.6.0/decode.go": "package toml\n\n// Decode decodes.\nfunc Decode(data string, v any) error { return nil }\n",
		"ws/go.mod": "module example.com/ws\n\ngo 1.24\n\nrequire (\n\tgo.uber.org/zap v1.27.0 // indirect\n\tgithub.com/BurntSushi/toml v1.6.0\n)\n",
	})
	s := New(ws, Options{GOROOT: goroot, GOMODCACHE: modcache})
	defer s.Close()
	ctx := context.Background()

	if d, mod := s.Dir("go.uber.org/zap"); mod != "go.uber.org/zap" || !strings.HasSuffix(d, "zap@v1.27.0") {
		t.Errorf("Dir(zap) = %q, %q", d, mod)
	}
	if d, _ := s.Dir("github.com/BurntSushi/toml"); !strings.HasSuffix(d, filepath.FromSlash("!burnt!sushi/toml@v1.6.0")) {
		t.Errorf("Dir(toml) = %q, want the case-encoded module directory", d)
	}
	if d, mod := s.Dir("example.com/unknown"); d != "" || mod != "" {
		t.Errorf("Dir(unknown) = %q, %q, want nothing", d, mod)
	}

	s.Wait(ctx, "strings")
	syms, ok := s.Lookup("strings", "HasPrefix")
	if !ok || len(syms) != 1 || syms[0].Signature != "func HasPrefix(s, prefix string) bool" ||
		!strings.Contains(syms[0].Doc, "reports whether") || syms[0].StartLine != 3 {
		t.Errorf("Lookup(strings.HasPrefix) = %+v, %v", syms, ok)
	}
	for _, name := range []string{"unexported", "TestOnly"} {
		if syms, _ := s.Lookup("strings", name); len(syms) > 0 {
			t.Errorf("Lookup(strings.%s) = %+v, want nothing", name, syms)
		}
	}

	s.Wait(ctx, "go.uber.org/zap")
	if syms, ok := s.Lookup("go.uber.org/zap", "Info"); !ok || len(syms) != 1 || syms[0].Container != "Logger" || strings.Contains(syms[0].Signature, "{") {
		t.Errorf("Lookup(zap Info) = %+v, %v: want the method of Logger, without its body", syms, ok)
	}
	if syms, _ := s.Lookup("go.uber.org/zap", "Key"); len(syms) != 1 || syms[0].Container != "Field" {
		t.Errorf("Lookup(zap Key) = %+v, want the field of Field", syms)
	}
	if syms, _ := s.Lookup("go.uber.org/zap", "value"); len(syms) != 0 {
		t.Errorf("an unexported field is in the surface: %+v", syms)
	}
}

// TestSurfaceBounded checks that at most MaxPackages packages stay.
func TestSurfaceBounded(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for _, p := range []string{"a", "b", "c", "d"} {
		files["goroot/src/"+p+"/x.go"] = "package " + p + "\n\nfunc F() {}\n"
	}
	testtree.Write(t, dir, files)
	s := New(dir, Options{GOROOT: filepath.Join(dir, "goroot"), GOMODCACHE: filepath.Join(dir, "mod"), MaxPackages: 2})
	defer s.Close()
	for _, p := range []string{"a", "b", "c", "d"} {
		s.Wait(context.Background(), p)
	}
	if got := s.Packages(); len(got) > 2 {
		t.Errorf("packages in memory: %v, want at most 2", got)
	}
}

// TestSurfaceTypes checks what following types through declarations
// needs: each file's imports, and the types a type embeds (exported or
// not), as written.
func TestSurfaceTypes(t *testing.T) {
	dir := t.TempDir()
	testtree.Write(t, dir, map[string]string{
		"goroot/src/net/http/response.go": `package http

import (
	"io"
	tls "crypto/tls"
)

// Response is a response.
type Response struct {
	Body io.ReadCloser
	TLS  *tls.ConnectionState
	header
}

type header struct{ *Values }

// ReadCloser reads and closes.
type ReadCloser interface {
	io.Reader
	Close() error
}
`,
	})
	s := New(dir, Options{GOROOT: filepath.Join(dir, "goroot"), GOMODCACHE: filepath.Join(dir, "mod")})
	defer s.Close()
	// Preloading a package reads those its declarations name too.
	s.PreloadPaths(context.Background(), []string{"net/http"})
	if got := s.Packages(); !slices.Equal(got, []string{"crypto/tls", "io", "net/http"}) {
		t.Errorf("preloaded %q, want net/http and the packages its declarations name", got)
	}
	file := filepath.Join(dir, "goroot", "src", "net", "http", "response.go")
	imps := s.Imports("net/http", file)
	if len(imps) != 2 || imps[0].Path != "io" || imps[1].Path != "crypto/tls" || imps[1].Name != "tls" {
		t.Errorf("Imports = %+v, want io and crypto/tls named tls", imps)
	}
	// Fields and an interface's methods as declared, without their docs.
	for name, want := range map[string]string{"Body": "Body io.ReadCloser", "TLS": "TLS *tls.ConnectionState", "Close": "Close() error"} {
		if syms, _ := s.Lookup("net/http", name); len(syms) != 1 || syms[0].Signature != want {
			t.Errorf("Lookup(%s) = %+v, want the signature %q", name, syms, want)
		}
	}
	for typ, want := range map[string]string{"Response": "header", "header": "*Values", "ReadCloser": "io.Reader"} {
		types, files := s.Embedded("net/http", typ)
		if len(types) != 1 || types[0] != want || files[0] != file {
			t.Errorf("Embedded(%s) = %q in %q, want %q in %s", typ, types, files, want, file)
		}
	}
}

// TestSurfaceCache checks that a module version's surface is saved once
// read and read back by the next Surface, that a corrupt file is told
// once and written again, and that what changes (a local replacement)
// is never saved.
func TestSurfaceCache(t *testing.T) {
	dir := t.TempDir()
	testtree.Write(t, dir, map[string]string{
		"goroot/VERSION":                    "go1.99.1\ntime 2026-01-01\n",
		"goroot/src/errors/errors.go":       "package errors\n\n// New makes an error.\nfunc New(text string) error { return nil }\n",
		"mod/example.com/lib@v1.2.0/lib.go": "package lib\n\n// Do does.\nfunc Do() {}\n\ntype T struct{ io.Reader }\n",
		"local/lib2/lib2.go":                "package lib2\n\nfunc Local() {}\n",
		"ws/go.mod":                         "module example.com/ws\n\nrequire example.com/lib v1.2.0\nrequire example.com/lib2 v0.1.0\n\nreplace example.com/lib2 => ../local/lib2\n",
	})
	cache := filepath.Join(dir, "cache")
	var told []string
	open := func() *Surface {
		return New(filepath.Join(dir, "ws"), Options{GOROOT: filepath.Join(dir, "goroot"), GOMODCACHE: filepath.Join(dir, "mod"),
			CacheDir: cache, Report: store.NewReporter(func(msg string) { told = append(told, msg) })})
	}
	read := func(s *Surface) {
		t.Helper()
		s.PreloadPaths(context.Background(), []string{"errors", "example.com/lib", "example.com/lib2"})
		for _, c := range []struct{ imp, name string }{{"errors", "New"}, {"example.com/lib", "Do"}, {"example.com/lib2", "Local"}} {
			if syms, ok := s.Lookup(c.imp, c.name); !ok || len(syms) != 1 {
				t.Errorf("Lookup(%s.%s) = %+v, %v", c.imp, c.name, syms, ok)
			}
		}
		if types, _ := s.Embedded("example.com/lib", "T"); len(types) != 1 || types[0] != "io.Reader" {
			t.Errorf("Embedded(lib.T) = %q", types)
		}
	}

	s := open()
	read(s)
	s.Close()
	if loaded, parsed := s.Stats(); loaded != 0 || parsed != 3 {
		t.Errorf("first run: %d loaded, %d parsed; want 0, 3", loaded, parsed)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*.gob"))
	if len(files) != 2 {
		t.Fatalf("saved %q, want the standard package and the module's (not the local replacement)", files)
	}

	s = open()
	read(s)
	s.Close()
	if loaded, parsed := s.Stats(); loaded != 2 || parsed != 1 {
		t.Errorf("second run: %d loaded, %d parsed; want 2, 1", loaded, parsed)
	}

	for _, f := range files {
		if err := os.WriteFile(f, []byte("not a saved package"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s = open()
	read(s)
	s.Close()
	if loaded, parsed := s.Stats(); loaded != 0 || parsed != 3 || len(told) != 2 {
		t.Errorf("corrupt files: %d loaded, %d parsed, told %q; want 0, 3 and each file told", loaded, parsed, told)
	}
	s = open()
	read(s)
	s.Close()
	if loaded, _ := s.Stats(); loaded != 2 || len(told) != 2 {
		t.Errorf("after rewriting: %d loaded, told %q; want 2 and nothing more", loaded, told)
	}
}

// TestSurfaceYields checks that a package is read only once the
// background gate lets it, and that a refusal leaves it to be asked again.
func TestSurfaceYields(t *testing.T) {
	dir := t.TempDir()
	testtree.Write(t, dir, map[string]string{"goroot/src/errors/errors.go": "package errors\n\nfunc New(text string) error { return nil }\n"})
	release := make(chan struct{})
	refuse := atomic.Bool{}
	refuse.Store(true)
	yield := func(ctx context.Context) error {
		if refuse.Load() {
			return context.Canceled
		}
		<-release
		return nil
	}
	s := New(dir, Options{GOROOT: filepath.Join(dir, "goroot"), GOMODCACHE: filepath.Join(dir, "mod"), Yield: yield})
	defer s.Close()
	s.Wait(context.Background(), "errors")
	if got := s.Packages(); len(got) != 0 {
		t.Fatalf("packages %q kept although the gate refused their read", got)
	}
	refuse.Store(false)
	s.Lookup("errors", "New") // asked again: the read waits for the gate
	if _, ok := s.Lookup("errors", "New"); ok {
		t.Fatal("read before the gate let it")
	}
	close(release)
	s.Wait(context.Background(), "errors")
	if syms, ok := s.Lookup("errors", "New"); !ok || len(syms) != 1 {
		t.Errorf("after the gate: Lookup = %+v, %v", syms, ok)
	}
}

// TestSurfaceForeign reads Python, node and Rust dependencies' public
// declarations from the fixture tree: stubs and declaration files first,
// re-exports followed, private names left out, the locked crate version.
func TestSurfaceForeign(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/foreign.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = string(f.Data)
	}
	testtree.Write(t, dir, files)
	t.Setenv("VIRTUAL_ENV", "")
	s := New(filepath.Join(dir, "ws"), Options{GOROOT: filepath.Join(dir, "goroot"), GOMODCACHE: filepath.Join(dir, "mod"),
		CargoHome: filepath.Join(dir, "cargo"), Python: "no-such-python"})
	defer s.Close()
	for _, tc := range []struct {
		lang, imp, name string
		want            string // in the signature; "" for nothing
		file            string // the file it is declared in
	}{
		{"python", "requests", "get", "def get(url, params=None, **kwargs):", "requests/api.py"},
		{"python", "requests.api", "Session", "class Session:", "requests/api.py"},
		{"python", "requests.api", "mount", "def mount(self, prefix, adapter):", "requests/api.py"},
		{"python", "requests.api", "_request", "", ""},
		{"python", "typed", "load", "def load(stream: str) -> object:", "typed-stubs/__init__.pyi"},
		{"typescript", "lodash", "chunk", "function chunk<T>(array: T[], size?: number): T[][];", "lodash/chunk.d.ts"},
		{"javascript", "lodash", "VERSION", "const VERSION: string;", "lodash/index.d.ts"},
		{"javascript", "left-pad", "leftPad", "function leftPad(str, len, ch)", "left-pad/index.js"},
		{"rust", "serde", "to_string", "pub fn to_string(v: &str) -> String", "serde-1.0.200/src/lib.rs"},
		{"rust", "serde::Serialize", "serialize", "fn serialize(&self) -> u8;", "serde-1.0.200/src/lib.rs"},
		{"rust", "serde::de::Deserialize", "Deserialize", "pub trait Deserialize", "serde-1.0.200/src/de.rs"},
		{"rust", "serde", "hidden", "", ""},
		{"rust", "serde", "old_api", "", ""},
	} {
		s.LookupIn(tc.lang, tc.imp, tc.name) // starts the read
		s.Settle(context.Background())
		syms, ok := s.LookupIn(tc.lang, tc.imp, tc.name)
		if !ok {
			t.Errorf("%s %s: not read", tc.lang, tc.imp)
			continue
		}
		if tc.want == "" {
			if len(syms) > 0 {
				t.Errorf("%s %s.%s = %+v, want nothing (not public)", tc.lang, tc.imp, tc.name, syms)
			}
			continue
		}
		if len(syms) != 1 || !strings.Contains(syms[0].Signature, tc.want) || !strings.HasSuffix(filepath.ToSlash(syms[0].Path), tc.file) {
			t.Errorf("%s %s.%s = %+v, want %q in %s", tc.lang, tc.imp, tc.name, syms, tc.want, tc.file)
		}
	}
	if syms, ok := s.LookupIn("python", "requests", "get"); ok && len(syms) == 1 && !strings.Contains(syms[0].Doc, "Sends a GET request") {
		t.Errorf("requests.get without its docstring: %+v", syms[0])
	}
	if _, ok := s.LookupIn("python", "./local", "x"); ok {
		t.Error("a relative import is the workspace's, not a dependency")
	}
}

// TestSurfaceBytes checks that the bytes the declarations hold are
// counted and bounded: the least recently used packages go first.
func TestSurfaceBytes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for _, p := range []string{"a", "b", "c", "d"} {
		files["goroot/src/"+p+"/x.go"] = "package " + p + "\n\n// F does " + strings.Repeat("a lot of things ", 40) + "\nfunc F() {}\n"
	}
	testtree.Write(t, dir, files)
	opts := Options{GOROOT: filepath.Join(dir, "goroot"), GOMODCACHE: filepath.Join(dir, "mod")}
	s := New(dir, opts)
	s.PreloadPaths(context.Background(), []string{"a"})
	one := s.Bytes()
	s.Close()
	if one < 640 {
		t.Fatalf("one package counted %d bytes, want at least its doc's 640", one)
	}
	opts.MaxBytes = 2*one + one/2
	s = New(dir, opts)
	defer s.Close()
	for _, p := range []string{"a", "b", "c", "d"} {
		s.PreloadPaths(context.Background(), []string{p})
	}
	if got := s.Packages(); !slices.Equal(got, []string{"c", "d"}) || s.Bytes() > opts.MaxBytes {
		t.Errorf("kept %q (%d bytes, bound %d), want the two most recent", got, s.Bytes(), opts.MaxBytes)
	}
}
