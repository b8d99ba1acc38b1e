// Package deps is lode's memory of what a workspace imports from outside
// itself: the exported surface (declarations with their doc comments,
// never bodies) of the standard library and the module dependencies, read
// where the Go toolchain keeps them: GOROOT and the module cache, found
// through go.mod, with no network.
//
// The main type is Surface. A package is read on first use, in the
// background (the caller that asks first gets nothing yet and the next one
// gets the package); a bounded number of packages stays in memory.
//
// Package deps depends on context/syntax (for the definitions it returns)
// and context/index (for the symbols) and the standard library's Go
// parser; what may be sent to a model is the caller's decision.
package deps

import (
	"bufio"
	"bytes"
	"context"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/store"
)

// DefaultMaxPackages bounds the packages kept in memory.
const DefaultMaxPackages = 512

// DefaultMaxBytes bounds the bytes of the declarations kept in memory.
const DefaultMaxBytes = 64 << 20

// maxFileBytes skips generated tables and other huge files.
const maxFileBytes = 1 << 20

// Surface answers what the packages a Go workspace imports declare.
// It is safe for concurrent use. Close waits for the packages being read.
type Surface struct {
	goroot, modcache, root string
	modules                map[string]string // module path -> version, from go.mod
	replaced               map[string]string // module path -> local directory
	max                    int
	cacheDir               string
	goVersion              string // of GOROOT, for the saved standard library; "" saves none
	report                 *store.Reporter
	yield                  func(context.Context) error
	loaded, parsed         atomic.Int64 // packages read from the cache, and parsed
	maxBytes               int64

	python    string // the interpreter asked for sys.path
	pyOnce    sync.Once
	pyPaths   []string
	cargoHome string
	cargoOnce sync.Once
	crates    map[string]string // crate name (with '_') -> registry directory name, from Cargo.lock

	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	// reads makes packages be read one at a time: reading is background work,
	// and requests come first.
	reads chan struct{}

	mu    sync.Mutex
	pkgs  map[string]*pkg // by import path; another language's by language, langSep, import path
	tick  uint64
	bytes int64 // the size of the packages read, as size counts it
}

// pkg is one package's surface.
type pkg struct {
	ready chan struct{}
	dir   string
	decls map[string][]index.Symbol // by name; methods and fields by their own name
	// imports are each file's imports, by path: a type a declaration
	// names is resolved through its file's imports.
	imports map[string][]syntax.Import
	// embeds are the types embedded in a struct or interface type, by
	// the type's name, as written in the file of the type.
	embeds map[string][]embedded
	used   uint64
	size   int64 // the bytes its declarations hold, about
}

// embedded is a type embedded in another, as written, and where.
type embedded struct{ expr, file string }

// Options configures a Surface. Zero values are filled from the Go
// toolchain (go env GOROOT GOMODCACHE, without network).
type Options struct {
	GOROOT, GOMODCACHE string
	MaxPackages        int
	// MaxBytes bounds the bytes the declarations in memory hold (their
	// text, paths and names, counted); the least recently used packages
	// go first. Zero means DefaultMaxBytes.
	MaxBytes int64
	// Python is the interpreter asked for its sys.path when no virtual
	// environment is active or in the workspace ("" is python3);
	// CargoHome is Cargo's home ("" is $CARGO_HOME, else ~/.cargo).
	Python, CargoHome string
	// CacheDir is where the surface of a package that cannot change (a
	// module version in the module cache, a package of a released Go) is
	// saved once read, and read again by later runs; "" saves nothing.
	CacheDir string
	// Report tells of saved files that cannot be read or written, once
	// each; nil tells nothing.
	Report *store.Reporter
	// Yield, if set, is called before each package is read; reading
	// waits for it (the background gate: requests first). An error stops
	// the read: the package stays unknown until asked for again.
	Yield func(context.Context) error
}

// New returns the Surface of the Go workspace at root (its go.mod, if
// any, names the module dependencies).
func New(root string, opts Options) *Surface {
	if opts.GOROOT == "" || opts.GOMODCACHE == "" {
		gr, mc := goEnv()
		opts.GOROOT = cmpOr(opts.GOROOT, gr)
		opts.GOMODCACHE = cmpOr(opts.GOMODCACHE, mc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Surface{goroot: opts.GOROOT, modcache: opts.GOMODCACHE, root: root, max: opts.MaxPackages,
		modules: map[string]string{}, replaced: map[string]string{}, pkgs: map[string]*pkg{},
		ctx: ctx, cancel: cancel, reads: make(chan struct{}, 1),
		cacheDir: opts.CacheDir, report: opts.Report, yield: opts.Yield}
	if s.max <= 0 {
		s.max = DefaultMaxPackages
	}
	if s.cacheDir != "" {
		s.goVersion = releasedGo(s.goroot)
	}
	s.maxBytes = opts.MaxBytes
	if s.maxBytes <= 0 {
		s.maxBytes = DefaultMaxBytes
	}
	s.python = cmpOr(opts.Python, "python3")
	s.cargoHome = cmpOr(opts.CargoHome, os.Getenv("CARGO_HOME"))
	if s.cargoHome == "" {
		if home, err := os.UserHomeDir(); err == nil {
			s.cargoHome = filepath.Join(home, ".cargo")
		}
	}
	s.readGoMod(filepath.Join(root, "go.mod"))
	return s
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// goEnv asks the go command where GOROOT and the module cache are.
func goEnv() (goroot, modcache string) {
	cmd := exec.Command("go", "env", "GOROOT", "GOMODCACHE")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		return build.Default.GOROOT, filepath.Join(build.Default.GOPATH, "pkg", "mod")
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		return build.Default.GOROOT, filepath.Join(build.Default.GOPATH, "pkg", "mod")
	}
	return strings.TrimSpace(lines[0]), strings.TrimSpace(lines[1])
}

// readGoMod reads the require and replace directives of a go.mod.
func (s *Surface) readGoMod(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	block := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == ")":
			block = ""
			continue
		case strings.HasSuffix(line, "("):
			block = strings.TrimSpace(strings.TrimSuffix(line, "("))
			continue
		}
		verb := block
		if verb == "" {
			verb, line, _ = strings.Cut(line, " ")
			line = strings.TrimSpace(line)
		}
		f := strings.Fields(line)
		switch verb {
		case "require":
			if len(f) >= 2 {
				s.modules[f[0]] = f[1]
			}
		case "replace":
			// old [v] => new [v]; only local directories are followed.
			if i := indexOf(f, "=>"); i > 0 && i+1 < len(f) {
				to := f[i+1]
				if strings.HasPrefix(to, ".") || filepath.IsAbs(to) {
					if !filepath.IsAbs(to) {
						to = filepath.Join(filepath.Dir(path), to)
					}
					s.replaced[f[0]] = to
				} else if i+2 < len(f) {
					s.modules[f[0]] = f[i+2]
					if to != f[0] {
						s.replaced[f[0]] = filepath.Join(s.modcache, escape(to)+"@"+f[i+2])
					}
				}
			}
		}
	}
}

func indexOf(f []string, s string) int {
	for i, x := range f {
		if x == s {
			return i
		}
	}
	return -1
}

// escape is the module cache's case encoding: an upper-case letter is '!'
// and the letter in lower case.
func escape(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Dir returns the directory that holds the import path's package, and
// the module it belongs to ("std" for the standard library); "" when the
// package is in no place the toolchain keeps without network.
func (s *Surface) Dir(importPath string) (dir, module string) {
	if s.root != "" {
		if d := filepath.Join(s.root, "vendor", filepath.FromSlash(importPath)); isDir(d) {
			return d, "vendor"
		}
	}
	if first, _, _ := strings.Cut(importPath, "/"); !strings.Contains(first, ".") {
		for _, d := range []string{filepath.Join(s.goroot, "src", filepath.FromSlash(importPath)),
			filepath.Join(s.goroot, "src", "vendor", filepath.FromSlash(importPath))} {
			if isDir(d) {
				return d, "std"
			}
		}
		return "", ""
	}
	best := ""
	for m := range s.modules {
		if (importPath == m || strings.HasPrefix(importPath, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	for m := range s.replaced {
		if (importPath == m || strings.HasPrefix(importPath, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	if best == "" {
		return "", ""
	}
	base := s.replaced[best]
	if base == "" {
		base = filepath.Join(s.modcache, escape(best)+"@"+s.modules[best])
	}
	d := filepath.Join(base, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(importPath, best), "/")))
	if !isDir(d) {
		return "", ""
	}
	return d, best
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// Lookup returns the exported declarations named name in the package of
// importPath (methods and fields by their own name, with their type as
// Container). ok is false when the package is not read yet (reading
// starts in the background) or cannot be found: the caller knows
// nothing, which is not the same as knowing the name is not declared.
func (s *Surface) Lookup(importPath, name string) (syms []index.Symbol, ok bool) {
	if importPath == "C" {
		return nil, true // cgo's pseudo-package: C's names are not Go members
	}
	p := s.get(importPath)
	if p == nil {
		return nil, false
	}
	select {
	case <-p.ready:
	default:
		return nil, false
	}
	if p.decls == nil {
		return nil, false
	}
	return p.decls[name], true
}

// Wait blocks until the package of importPath is read (or found missing),
// or ctx ends. Tests and evaluations use it; requests do not wait.
func (s *Surface) Wait(ctx context.Context, importPath string) {
	p := s.get(importPath)
	if p == nil {
		return
	}
	select {
	case <-p.ready:
	case <-ctx.Done():
	}
}

// get returns the package entry of importPath, starting its read.
func (s *Surface) get(importPath string) *pkg {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return nil
	}
	s.tick++
	if p, ok := s.pkgs[importPath]; ok {
		p.used = s.tick
		return p
	}
	p := &pkg{ready: make(chan struct{}), used: s.tick}
	s.pkgs[importPath] = p
	if len(s.pkgs) > s.max {
		s.evictLocked()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(p.ready)
		if s.yield != nil && s.yield(s.ctx) != nil {
			s.forget(importPath, p)
			return
		}
		select {
		case s.reads <- struct{}{}:
			defer func() { <-s.reads }()
		case <-s.ctx.Done():
			return
		}
		defer s.account(p)
		if strings.Contains(importPath, langSep) {
			p.dir, p.decls = s.readForeign(s.ctx, importPath)
			s.parsed.Add(1)
			return
		}
		dir, module := s.Dir(importPath)
		if dir == "" {
			return
		}
		p.dir = dir
		file := s.cacheFile(dir, module)
		if file != "" && s.load(file, p) {
			s.loaded.Add(1)
			return
		}
		p.decls, p.imports, p.embeds = readPackage(s.ctx, dir)
		s.parsed.Add(1)
		if file != "" && p.decls != nil {
			s.save(file, p)
		}
	}()
	return p
}

// account adds the size of the package p, read, and evicts the least
// recently used packages while the total is over the bound.
func (s *Surface) account(p *pkg) {
	n := size(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	p.size = n
	s.bytes += n
	for s.bytes > s.maxBytes && len(s.pkgs) > 1 {
		if !s.evictLocked() {
			return
		}
	}
}

// size counts the bytes of a package's declarations: their strings and a
// fixed share for each symbol's fields and map entries.
func size(p *pkg) int64 {
	n := int64(0)
	for name, syms := range p.decls {
		n += int64(len(name)) + 48
		for _, s := range syms {
			n += int64(len(s.Path)+len(s.Name)+len(s.Container)+len(s.Signature)+len(s.Doc)) + 160
		}
	}
	for f, imps := range p.imports {
		n += int64(len(f)) + 48
		for _, i := range imps {
			n += int64(len(i.Path)+len(i.Name)) + 80
		}
	}
	for t, es := range p.embeds {
		n += int64(len(t)) + 48
		for _, e := range es {
			n += int64(len(e.expr)+len(e.file)) + 32
		}
	}
	return n
}

// Bytes returns the bytes the packages in memory hold, as counted.
func (s *Surface) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes
}

// forget drops the entry p of importPath (its read did not happen): the
// next request starts it again.
func (s *Surface) forget(importPath string, p *pkg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pkgs[importPath] == p {
		delete(s.pkgs, importPath)
	}
}

// evictLocked forgets the least recently used package that is read;
// false when none is.
func (s *Surface) evictLocked() bool {
	oldest, min := "", uint64(0)
	for path, p := range s.pkgs {
		select {
		case <-p.ready:
		default:
			continue
		}
		if oldest == "" || p.used < min {
			oldest, min = path, p.used
		}
	}
	if oldest == "" {
		return false
	}
	s.bytes -= s.pkgs[oldest].size
	delete(s.pkgs, oldest)
	return true
}

// ready returns the package of importPath if it is read, starting its
// read otherwise.
func (s *Surface) ready(importPath string) *pkg {
	p := s.get(importPath)
	if p == nil {
		return nil
	}
	select {
	case <-p.ready:
		return p
	default:
		return nil
	}
}

// Imports returns the imports of file, a file of the package of
// importPath, if the package is read (its read starts otherwise).
func (s *Surface) Imports(importPath, file string) []syntax.Import {
	if p := s.ready(importPath); p != nil {
		return p.imports[file]
	}
	return nil
}

// Embedded returns the types embedded in the struct or interface type
// typ of the package of importPath, as written, and the file each is
// written in; nothing when the package is not read yet (its read starts).
func (s *Surface) Embedded(importPath, typ string) (types, files []string) {
	p := s.ready(importPath)
	if p == nil {
		return nil, nil
	}
	for _, e := range p.embeds[typ] {
		types, files = append(types, e.expr), append(files, e.file)
	}
	return types, files
}

// Settle waits until every package whose read has started is read, or
// ctx ends. A command that answers once asks, settles and asks again.
func (s *Surface) Settle(ctx context.Context) {
	for {
		s.mu.Lock()
		var pending *pkg
		for _, p := range s.pkgs {
			select {
			case <-p.ready:
			default:
				pending = p
			}
			if pending != nil {
				break
			}
		}
		s.mu.Unlock()
		if pending == nil {
			return
		}
		select {
		case <-pending.ready:
		case <-ctx.Done():
			return
		}
	}
}

// Close stops the reads under way and waits for them.
func (s *Surface) Close() {
	s.cancel()
	s.wg.Wait()
}

// Packages returns the import paths in memory, sorted.
func (s *Surface) Packages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.pkgs))
}

// buildContext selects the files of this platform; cgo files count
// whether or not a C compiler is around: their declarations are the API.
var buildContext = func() build.Context {
	c := build.Default
	c.CgoEnabled = true
	return c
}()

// readPackage parses the Go files of dir that build on this platform (no
// tests) and returns their exported declarations by name, each file's
// imports, and the types embedded in the exported types.
func readPackage(ctx context.Context, dir string) (map[string][]index.Symbol, map[string][]syntax.Import, map[string][]embedded) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil
	}
	decls := map[string][]index.Symbol{}
	imports := map[string][]syntax.Import{}
	embeds := map[string][]embedded{}
	fset := token.NewFileSet()
	for _, e := range ents {
		name := e.Name()
		if ctx.Err() != nil {
			return nil, nil, nil
		}
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := buildContext.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil || len(src) > maxFileBytes {
			continue
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil && f == nil {
			continue
		}
		fileDecls(fset, path, src, f, decls, embeds)
		for _, imp := range f.Imports {
			ip, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			i := syntax.Import{Path: ip}
			if imp.Name != nil {
				i.Name = imp.Name.Name
			}
			imports[path] = append(imports[path], i)
		}
	}
	return decls, imports, embeds
}

// fileDecls adds the exported declarations of f to decls.
func fileDecls(fset *token.FileSet, path string, src []byte, f *ast.File, decls map[string][]index.Symbol, embeds map[string][]embedded) {
	add := func(name string, kind syntax.Kind, container string, node ast.Node, doc *ast.CommentGroup, sig string) {
		start, end := fset.Position(node.Pos()), fset.Position(node.End())
		d := syntax.Definition{Name: name, Kind: kind, Container: container, Signature: sig,
			StartLine: start.Line - 1, EndLine: end.Line - 1, Start: start.Offset, End: end.Offset}
		if doc != nil {
			d.Doc = strings.TrimRight(commentText(src, fset, doc), "\n")
		}
		decls[name] = append(decls[name], index.Symbol{Path: path, Language: "go", Definition: d})
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !exported(d.Name.Name) {
				continue
			}
			kind, recv := syntax.KindFunction, ""
			if d.Recv != nil && len(d.Recv.List) > 0 {
				kind, recv = syntax.KindMethod, receiverName(d.Recv.List[0].Type)
			}
			body, doc := d.Body, d.Doc
			d.Body, d.Doc = nil, nil
			add(d.Name.Name, kind, recv, d, doc, nodeText(fset, d))
			d.Body, d.Doc = body, doc
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				doc := d.Doc
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					// An unexported type's embedded types count: an
					// exported type may embed it, and its methods are
					// promoted.
					for _, e := range embeddedTypes(sp) {
						embeds[sp.Name.Name] = append(embeds[sp.Name.Name], embedded{expr: nodeText(fset, e), file: path})
					}
					if !exported(sp.Name.Name) {
						continue
					}
					doc = cmpDoc(sp.Doc, doc)
					sp.Doc = nil
					kind := syntax.KindType
					if _, ok := sp.Type.(*ast.InterfaceType); ok {
						kind = syntax.KindInterface
					}
					add(sp.Name.Name, kind, "", sp, doc, "type "+nodeText(fset, sp))
					members(fset, src, sp, add)
				case *ast.ValueSpec:
					kind := syntax.KindVariable
					if d.Tok == token.CONST {
						kind = syntax.KindConstant
					}
					doc = cmpDoc(sp.Doc, doc)
					sp.Doc = nil
					for _, n := range sp.Names {
						if exported(n.Name) {
							add(n.Name, kind, "", sp, doc, d.Tok.String()+" "+nodeText(fset, sp))
						}
					}
				}
			}
		}
	}
}

// members adds the exported fields of a struct type and the methods of an
// interface type.
func members(fset *token.FileSet, src []byte, sp *ast.TypeSpec, add func(string, syntax.Kind, string, ast.Node, *ast.CommentGroup, string)) {
	var list *ast.FieldList
	kind := syntax.KindField
	switch t := sp.Type.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list, kind = t.Methods, syntax.KindMethod
	}
	if list == nil {
		return
	}
	for _, f := range list.List {
		doc := f.Doc
		f.Doc = nil
		for _, n := range f.Names {
			if exported(n.Name) {
				add(n.Name, kind, sp.Name.Name, f, doc, fieldText(fset, f))
			}
		}
	}
}

// fieldText returns a field as declared ("Body io.ReadCloser", "A, B
// int `json:\"a\"`") or an interface's method ("Close() error"): the
// printer prints no *ast.Field.
func fieldText(fset *token.FileSet, f *ast.Field) string {
	names := make([]string, len(f.Names))
	for i, n := range f.Names {
		names[i] = n.Name
	}
	typ := nodeText(fset, f.Type)
	if ft, ok := f.Type.(*ast.FuncType); ok && len(names) == 1 && ft.Func == token.NoPos {
		return names[0] + strings.TrimPrefix(typ, "func") // an interface's method
	}
	s := strings.Join(names, ", ") + " " + typ
	if f.Tag != nil {
		s += " " + f.Tag.Value
	}
	return s
}

// embeddedTypes returns the types embedded in a struct or interface type
// (fields without names, interfaces named in an interface).
func embeddedTypes(sp *ast.TypeSpec) []ast.Expr {
	var list *ast.FieldList
	switch t := sp.Type.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list = t.Methods
	}
	if list == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range list.List {
		if len(f.Names) == 0 {
			out = append(out, f.Type)
		}
	}
	return out
}

func cmpDoc(a, b *ast.CommentGroup) *ast.CommentGroup {
	if a != nil {
		return a
	}
	return b
}

// commentText returns a doc comment as written, comment markers included.
func commentText(src []byte, fset *token.FileSet, c *ast.CommentGroup) string {
	s, e := fset.Position(c.Pos()).Offset, fset.Position(c.End()).Offset
	if s < 0 || e > len(src) || s > e {
		return ""
	}
	return string(src[s:e])
}

func nodeText(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, n); err != nil {
		return ""
	}
	return b.String()
}

// receiverName returns the type name of a method's receiver: T of *T,
// T[K], *T[K].
func receiverName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

func exported(name string) bool {
	r, _ := utf8.DecodeRuneInString(name)
	return unicode.IsUpper(r)
}

// Preload reads the packages the Go source src imports, and waits for
// them or for ctx: a command that answers once (lode context) has no
// second request to find them ready.
func (s *Surface) Preload(ctx context.Context, src []byte) {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil && f == nil {
		return
	}
	var paths []string
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	s.PreloadPaths(ctx, paths)
}

// PreloadPaths reads the packages of the import paths, and the packages
// their exported declarations name (the type of a field or a result is
// followed there: resp.Body.Close is io's Close), and waits for them or
// for ctx.
func (s *Surface) PreloadPaths(ctx context.Context, paths []string) {
	seen := make(map[string]bool, len(paths))
	for _, p := range paths {
		s.get(p)
		seen[p] = true
	}
	var next []string
	for _, p := range paths {
		s.Wait(ctx, p)
		for _, r := range s.refs(p) {
			if !seen[r] {
				seen[r] = true
				next = append(next, r)
				s.get(r)
			}
		}
	}
	for _, p := range next {
		s.Wait(ctx, p)
	}
}

// refs returns the import paths that the exported declarations of the
// package of importPath name, if it is read.
func (s *Surface) refs(importPath string) []string {
	p := s.ready(importPath)
	if p == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, syms := range p.decls {
		for _, sym := range syms {
			for _, imp := range p.imports[sym.Path] {
				name := imp.Name
				if name == "" {
					name = imp.Path[strings.LastIndexByte(imp.Path, '/')+1:]
				}
				if !seen[imp.Path] && name != "_" && name != "." && strings.Contains(sym.Signature, name+".") {
					seen[imp.Path] = true
					out = append(out, imp.Path)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Declares reports whether a package in memory declares name (as a
// package-level name or a member).
func (s *Surface) Declares(name string) bool {
	s.mu.Lock()
	pkgs := make([]*pkg, 0, len(s.pkgs))
	for _, p := range s.pkgs {
		pkgs = append(pkgs, p)
	}
	s.mu.Unlock()
	for _, p := range pkgs {
		select {
		case <-p.ready:
			if len(p.decls[name]) > 0 {
				return true
			}
		default:
		}
	}
	return false
}
