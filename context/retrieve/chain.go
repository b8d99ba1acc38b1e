package retrieve

import (
	"strconv"
	"strings"

	"github.com/lode-ls/lode/context/syntax"
)

// The type of a Go expression, followed through declarations: a member
// selected from the result of a call ("time.Now().Unix"), from a field
// ("resp.Body.Close"), or from a local whose value a call gave
// ("q := u.Query(); q.Set") is looked up in the type the declarations
// say, in the workspace or in the dependencies' surface.

// dependencyTypes is what a Dependencies may also tell, to follow types
// through its declarations: a file's imports, and the types embedded in a
// type (whose members are promoted).
type dependencyTypes interface {
	Imports(importPath, file string) []syntax.Import
	Embedded(importPath, typ string) (types, files []string)
}

// maxChainDepth bounds the locals followed into their values, and the
// embedded types followed into theirs.
const maxChainDepth = 4

// step is one part of a Go selector chain.
type step struct {
	kind byte   // 'n' a name (first or selected), 'c' a call, 'i' an index, 'a' a type assertion
	text string // the name, or the asserted type
}

// scanChain reads a Go selector chain at the start of s: a name, then
// selections, calls, index expressions and type assertions. It returns
// the steps and the bytes read; a call whose arguments s cuts (they go on
// on the next line) counts as a call.
func scanChain(s string) ([]step, int) {
	name := func(i int) int {
		j := i
		for j < len(s) && isIdentByte(s[j]) {
			j++
		}
		if j > i && s[i] >= '0' && s[i] <= '9' {
			return i
		}
		return j
	}
	j := name(0)
	if j == 0 {
		return nil, 0
	}
	steps := []step{{'n', s[:j]}}
	for i := j; ; {
		switch {
		case i < len(s) && (s[i] == '(' || s[i] == '['):
			end := closing(s, i)
			kind := byte('c')
			if s[i] == '[' {
				kind = 'i'
			}
			steps = append(steps, step{kind: kind})
			if end < 0 {
				if kind == 'c' {
					return steps, len(s)
				}
				return nil, 0
			}
			i = end + 1
		case i+1 < len(s) && s[i] == '.' && s[i+1] == '(':
			end := closing(s, i+1)
			if end < 0 {
				return nil, 0
			}
			steps = append(steps, step{'a', strings.TrimSpace(s[i+2 : end])})
			i = end + 1
		case i+1 < len(s) && s[i] == '.':
			k := name(i + 1)
			if k == i+1 {
				return steps, i
			}
			steps = append(steps, step{'n', s[i+1 : k]})
			i = k
		default:
			return steps, i
		}
	}
}

// closing returns the index of the bracket that closes the one at s[i],
// or -1; strings and runes inside are skipped.
func closing(s string, i int) int {
	depth := 0
	for k := i; k < len(s); k++ {
		switch c := s[k]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return k
			}
		case '"', '\'', '`':
			e := strings.IndexByte(s[k+1:], c)
			if e < 0 {
				return -1
			}
			k += e + 1
		}
	}
	return -1
}

// receiverExpr returns the expression that the member named at off is
// selected from ("time.Now()" for "time.Now().Unix" at "Unix"), when it
// is more than one name (a plain qualifier is ident's); "" otherwise.
func receiverExpr(s string, off int) string {
	if off < 2 || s[off-1] != '.' {
		return ""
	}
	i, start := off-1, -1
	for n := 0; n < 32 && i > 0; n++ {
		c := s[i-1]
		if c == ')' || c == ']' {
			k := opening(s, i-1)
			if k < 0 || off-k > 400 {
				return ""
			}
			i, start = k, k
			if i > 0 && s[i-1] == '.' && s[i] == '(' {
				i-- // a type assertion, ".(T)"
			}
			continue
		}
		if !isIdentByte(c) {
			break
		}
		k := i
		for k > 0 && isIdentByte(s[k-1]) {
			k--
		}
		i, start = k, k
		if i > 0 && s[i-1] == '.' {
			i--
			continue
		}
		break
	}
	if start < 0 || !isIdentByte(s[start]) {
		return ""
	}
	expr := s[start : off-1]
	if !strings.ContainsAny(expr, ".()[]") {
		return ""
	}
	return expr
}

// opening returns the index of the bracket that opens the one at s[i],
// or -1.
func opening(s string, i int) int {
	depth := 0
	for k := i; k >= 0; k-- {
		switch s[k] {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			depth--
			if depth == 0 {
				return k
			}
		case '\n':
			if i-k > 200 {
				return -1
			}
		}
	}
	return -1
}

// place is where a type expression is written: the document, a file of
// the workspace, or a file of a dependency (imp its import path).
type place struct {
	file, imp string
	doc       bool
}

// value is what a chain evaluates to so far: a package, a value of a
// type (elem: how many index steps above it), or a function not called
// yet (its signature, where it is written).
type value struct {
	pkg  string
	typ  typeRef
	elem int
	sig  string
	at   place
}

// chainEval evaluates chains in one document for one request.
type chainEval struct {
	r     *Retriever
	a     *analysis
	res   *resolver
	path  string
	dir   string
	depth int
}

// exprType returns the type of the value the Go expression expr (written
// in the document) has, as far as the declarations tell.
func (c *chainEval) exprType(expr string) typeRef {
	steps, n := scanChain(expr)
	if n == 0 || c.depth >= maxChainDepth {
		return typeRef{}
	}
	c.depth++
	defer func() { c.depth-- }()
	v, ok := c.first(steps[0].text)
	if !ok {
		return typeRef{}
	}
	for _, st := range steps[1:] {
		if v, ok = c.apply(v, st); !ok {
			return typeRef{}
		}
	}
	if v.pkg != "" || v.sig != "" || v.elem != 0 {
		return typeRef{}
	}
	return v.typ
}

// first evaluates the first name of a chain.
func (c *chainEval) first(name string) (value, bool) {
	if t, ok := c.a.types[name]; ok {
		if local, ok := strings.CutPrefix(t, localValue); ok {
			return c.local(local)
		}
		tr, elem, ok := c.resolve(t, place{file: c.path, doc: true})
		return value{typ: tr, elem: elem}, ok
	}
	if imp, ok := c.res.imports[name]; ok {
		return value{pkg: imp}, true
	}
	if t := c.r.typeOf(name, c.path, c.dir, c.a, c.res); t.name != "" {
		return value{typ: t}, true
	}
	return value{}, false
}

// localValue begins the type goLocalTypes gives a local declared by
// "x := expr" whose type only expr's declarations tell: localValue, the
// index of x among the names declared ("r" for the value of a range
// clause), ":", expr.
const localValue = "="

// local evaluates the value of a local declared "x := expr".
func (c *chainEval) local(s string) (value, bool) {
	k, expr, _ := strings.Cut(s, ":")
	steps, n := scanChain(expr)
	if n == 0 || c.depth >= maxChainDepth {
		return value{}, false
	}
	c.depth++
	defer func() { c.depth-- }()
	i, _ := strconv.Atoi(k)
	last := len(steps)
	if i > 0 {
		// Another result than the first: of a call only.
		if last--; steps[last].kind != 'c' || last == 0 {
			return value{}, false
		}
	}
	v, ok := c.first(steps[0].text)
	for _, st := range steps[1:last] {
		if !ok {
			return value{}, false
		}
		v, ok = c.apply(v, st)
	}
	switch {
	case !ok:
		return value{}, false
	case k == "r":
		return c.apply(v, step{kind: 'i'})
	case i > 0:
		if v.sig == "" {
			return value{}, false
		}
		tr, elem, ok := c.resolve(resultType(v.sig, i), v.at)
		return value{typ: tr, elem: elem}, ok
	}
	return v, true
}

// apply evaluates one step of a chain on v.
func (c *chainEval) apply(v value, st step) (value, bool) {
	switch {
	case st.kind == 'a' && st.text == "type":
		return value{}, false // a type switch: the type is each case's
	case st.kind == 'a':
		tr, elem, ok := c.resolve(st.text, place{file: c.path, doc: true})
		return value{typ: tr, elem: elem}, ok
	case st.kind == 'c' && v.sig != "":
		tr, elem, ok := c.resolve(resultType(v.sig, 0), v.at)
		return value{typ: tr, elem: elem}, ok
	case st.kind == 'c' && v.pkg == "" && v.typ.name != "" && v.elem == 0:
		return value{}, false // calling a value of a named function type: not followed
	case st.kind == 'i' && v.elem > 0:
		v.elem--
		return v, true
	case st.kind == 'i' && v.pkg == "" && v.sig == "" && v.typ.name != "":
		// A named slice or map type: its element ("type byName []*Metric").
		u, ok := c.underlying(v.typ)
		if !ok || u.elem == 0 {
			return value{}, false
		}
		u.elem--
		return u, true
	case st.kind != 'n' || v.sig != "" || v.elem > 0:
		return value{}, false
	case v.pkg != "":
		return c.pkgMember(v.pkg, st.text)
	}
	return c.member(v.typ, st.text, 0)
}

// pkgMember evaluates pkg.name: a function (to be called), a variable, or
// a type (converted to).
func (c *chainEval) pkgMember(imp, name string) (value, bool) {
	for _, s := range c.r.symbols.lookup(c.r.ix, name) {
		if s.Container != "" || strings.HasSuffix(s.Path, "_test.go") || importMatch(s.Path, imp) == 0 {
			continue
		}
		return c.declared(s.Definition, place{file: s.Path}, typeRef{name: name, dir: dirOf(s.Path)})
	}
	d := c.r.dependencies()
	if d == nil {
		return value{}, false
	}
	syms, _ := d.Lookup(imp, name)
	for _, s := range syms {
		if s.Container == "" {
			return c.declared(s.Definition, place{file: s.Path, imp: imp}, typeRef{name: name, imp: imp})
		}
	}
	return value{}, false
}

// member evaluates v.name for a value of type t: a field, or a method (to
// be called), declared on t or on a type t embeds.
func (c *chainEval) member(t typeRef, name string, depth int) (value, bool) {
	for _, d := range c.a.own {
		if d.Name == name && (d.Kind == syntax.KindField || d.Kind == syntax.KindMethod) && t.holds(d.Container, c.path) {
			return c.declared(d, place{file: c.path, doc: true}, typeRef{})
		}
	}
	for _, s := range c.r.symbols.lookup(c.r.ix, name) {
		if (s.Kind == syntax.KindField || s.Kind == syntax.KindMethod) && t.holds(s.Container, s.Path) {
			return c.declared(s.Definition, place{file: s.Path}, typeRef{})
		}
	}
	if d := c.r.dependencies(); d != nil && t.imp != "" {
		syms, _ := d.Lookup(t.imp, name)
		for _, s := range syms {
			if s.Container == t.name && (s.Kind == syntax.KindField || s.Kind == syntax.KindMethod) {
				return c.declared(s.Definition, place{file: s.Path, imp: t.imp}, typeRef{})
			}
		}
	}
	if depth >= maxChainDepth {
		return value{}, false
	}
	for _, e := range c.embedded(t, depth) {
		if v, ok := c.member(e, name, depth+1); ok {
			return v, true
		}
	}
	return value{}, false
}

// embedded returns the types that the type t embeds, in the workspace
// or in a dependency, and the type a dependency's alias t stands for.
func (c *chainEval) embedded(t typeRef, depth int) []typeRef {
	if depth >= maxChainDepth {
		return nil
	}
	var out []typeRef
	add := func(e string, at place) {
		if tr, elem, ok := c.resolve(e, at); ok && elem == 0 && tr != t {
			out = append(out, tr)
		}
	}
	// In the workspace: the fields of t that name only a type.
	embeds := func(defs []syntax.Definition, file string, at place) {
		for _, d := range defs {
			if d.Kind == syntax.KindField && d.Container == t.name && t.holds(d.Container, file) &&
				!strings.ContainsAny(strings.TrimSpace(d.Signature), " \t") {
				add(d.Signature, at)
			}
		}
	}
	embeds(c.a.own, c.path, place{file: c.path, doc: true})
	for _, s := range c.r.symbols.lookup(c.r.ix, t.name) {
		if s.Container == "" && s.Kind != syntax.KindField && s.Kind != syntax.KindMethod && t.holds(t.name, s.Path) && s.Path != c.path {
			var defs []syntax.Definition
			for _, fs := range c.r.ix.FileSymbols(s.Path) {
				defs = append(defs, fs.Definition)
			}
			embeds(defs, s.Path, place{file: s.Path})
		}
	}
	d := c.r.dependencies()
	dt, ok := d.(dependencyTypes)
	if !ok || t.imp == "" {
		return out
	}
	exprs, files := dt.Embedded(t.imp, t.name)
	for i, e := range exprs {
		add(e, place{file: files[i], imp: t.imp})
	}
	// An alias ("type FileInfo = fs.FileInfo") has the members of what
	// it stands for.
	syms, _ := d.Lookup(t.imp, t.name)
	for _, s := range syms {
		if _, target, ok := strings.Cut(s.Signature, " = "); ok && s.Container == "" && s.Kind != syntax.KindVariable && s.Kind != syntax.KindConstant {
			add(target, place{file: s.Path, imp: t.imp})
		}
	}
	return out
}

// underlying returns what the named type t is declared as, when that is
// a slice, array, map or named type ("type byName []*dto.Metric").
func (c *chainEval) underlying(t typeRef) (value, bool) {
	decl := func(d syntax.Definition, at place) (value, bool) {
		_, u, ok := strings.Cut(d.Signature, " "+d.Name+" ")
		if !ok || strings.HasPrefix(u, "struct") || strings.HasPrefix(u, "interface") || strings.HasPrefix(u, "func") {
			return value{}, false
		}
		tr, elem, ok := c.resolve(strings.TrimPrefix(u, "= "), at)
		return value{typ: tr, elem: elem}, ok
	}
	isType := func(d syntax.Definition) bool {
		return d.Name == t.name && d.Container == "" && (d.Kind == syntax.KindType || d.Kind == syntax.KindClass)
	}
	for _, d := range c.a.own {
		if isType(d) && t.holds(d.Name, c.path) {
			return decl(d, place{file: c.path, doc: true})
		}
	}
	for _, s := range c.r.symbols.lookup(c.r.ix, t.name) {
		if isType(s.Definition) && t.holds(t.name, s.Path) && s.Path != c.path {
			return decl(s.Definition, place{file: s.Path})
		}
	}
	if d := c.r.dependencies(); d != nil && t.imp != "" {
		syms, _ := d.Lookup(t.imp, t.name)
		for _, s := range syms {
			if isType(s.Definition) {
				return decl(s.Definition, place{file: s.Path, imp: t.imp})
			}
		}
	}
	return value{}, false
}

// evalAt evaluates the Go expression expr written at at (a file of the
// workspace or of a dependency): a variable's initializer.
func (c *chainEval) evalAt(expr string, at place) (value, bool) {
	expr = strings.TrimPrefix(expr, "&")
	steps, n := scanChain(expr)
	if n > 0 && n < len(expr) && expr[n] == '{' && closing(expr, n) == len(expr)-1 {
		// A composite literal, "sync.Pool{...}": a value of its type, as
		// a conversion gives.
		steps, n = append(steps, step{kind: 'c'}), len(expr)
	}
	if n == 0 || n < len(expr) || c.depth >= maxChainDepth {
		return value{}, false
	}
	c.depth++
	defer func() { c.depth-- }()
	var v value
	ok := false
	name := steps[0].text
	if at.doc {
		v, ok = c.first(name)
	} else if imp := c.importOf(name, at); imp != "" {
		v, ok = value{pkg: imp}, true
	} else if at.imp != "" {
		v, ok = c.pkgMember(at.imp, name)
	} else {
		for _, s := range c.r.symbols.lookup(c.r.ix, name) {
			if s.Container == "" && dirOf(s.Path) == dirOf(at.file) {
				v, ok = c.declared(s.Definition, place{file: s.Path}, typeRef{name: name, dir: dirOf(s.Path)})
				break
			}
		}
	}
	for _, st := range steps[1:] {
		if !ok {
			return value{}, false
		}
		v, ok = c.apply(v, st)
	}
	return v, ok
}

// declared is the value of a name declared by d, written at at: a call
// waits for a function, a field or variable has its declared type, a type
// is itself (t).
func (c *chainEval) declared(d syntax.Definition, at place, t typeRef) (value, bool) {
	switch d.Kind {
	case syntax.KindFunction, syntax.KindMethod:
		return value{sig: d.Signature, at: at}, true
	case syntax.KindField, syntax.KindVariable:
		if e := fieldType(d.Signature, d.Name); e != "" {
			tr, elem, ok := c.resolve(e, at)
			return value{typ: tr, elem: elem}, ok
		}
		if _, init, ok := strings.Cut(d.Signature, " = "); ok && d.Kind == syntax.KindVariable {
			return c.evalAt(strings.TrimSpace(init), at) // "var pool = buffer.NewPool()"
		}
	case syntax.KindType, syntax.KindInterface, syntax.KindClass:
		if t.name != "" {
			return value{sig: "func " + d.Name + "() " + d.Name, at: at}, true // a conversion
		}
	}
	return value{}, false
}

// resolve returns the named type that the type expression e, written at
// at, is or holds (elem: how many index steps above it: slices, arrays,
// maps, channels), without pointers.
func (c *chainEval) resolve(e string, at place) (typeRef, int, bool) {
	elem := 0
	for {
		e = strings.TrimLeft(strings.TrimSpace(e), "*")
		switch {
		case strings.HasPrefix(e, "[]"):
			e, elem = e[2:], elem+1
		case strings.HasPrefix(e, "["), strings.HasPrefix(e, "map["):
			k := closing(e, strings.IndexByte(e, '['))
			if k < 0 {
				return typeRef{}, 0, false
			}
			e, elem = e[k+1:], elem+1
		case strings.HasPrefix(e, "chan "), strings.HasPrefix(e, "<-chan "):
			e, elem = e[strings.IndexByte(e, ' ')+1:], elem+1
		default:
			goto named
		}
	}
named:
	if i := strings.IndexByte(e, '['); i > 0 {
		e = e[:i] // type arguments
	}
	qual, name, ok := strings.Cut(e, ".")
	if !ok {
		name, qual = e, ""
	}
	if !validName(name) || qual != "" && !validName(qual) {
		return typeRef{}, 0, false
	}
	if qual == "" {
		switch {
		case builtinTypes[name]:
			return typeRef{}, 0, false
		case at.imp != "":
			return typeRef{name: name, imp: at.imp}, elem, true
		}
		return typeRef{name: name, dir: dirOf(at.file)}, elem, true
	}
	imp := c.importOf(qual, at)
	if imp == "" {
		return typeRef{}, 0, false
	}
	return typeRef{name: name, imp: imp}, elem, true
}

// importOf returns the import path that qual names where at is.
func (c *chainEval) importOf(qual string, at place) string {
	switch {
	case at.doc:
		return c.res.imports[qual]
	case at.imp != "":
		if dt, ok := c.r.dependencies().(dependencyTypes); ok {
			return importNames(dt.Imports(at.imp, at.file), "go")[qual]
		}
		return ""
	}
	if fi, ok := c.r.ix.File(at.file); ok {
		return importNames(fi.Imports, "go")[qual]
	}
	return ""
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}

// builtinTypes are Go's predeclared types: nothing to look members up in.
var builtinTypes = map[string]bool{"bool": true, "byte": true, "complex64": true, "complex128": true,
	"error": true, "float32": true, "float64": true, "int": true, "int8": true, "int16": true, "int32": true,
	"int64": true, "rune": true, "string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "any": true, "func": true, "interface": true, "struct": true}

// resultType returns the type of the i-th result of the Go function or
// method signature sig, or "".
func resultType(sig string, i int) string {
	sig = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sig), "{"))
	k := 0
	if strings.HasPrefix(sig, "func") {
		k = 4
		for k < len(sig) && sig[k] == ' ' {
			k++
		}
		if k < len(sig) && sig[k] == '(' { // a receiver
			if k = closing(sig, k); k < 0 {
				return ""
			}
			k++
		}
	}
	p := strings.IndexAny(sig[k:], "([")
	if p < 0 {
		return ""
	}
	k += p
	if sig[k] == '[' { // type parameters
		if k = closing(sig, k); k < 0 || k+1 >= len(sig) || sig[k+1] != '(' {
			return ""
		}
		k++
	}
	if k = closing(sig, k); k < 0 {
		return ""
	}
	res := strings.TrimSpace(sig[k+1:])
	if !strings.HasPrefix(res, "(") {
		if i == 0 {
			return res
		}
		return ""
	}
	end := closing(res, 0)
	if end < 0 {
		return ""
	}
	parts := splitTop(res[1:end])
	if i >= len(parts) {
		return ""
	}
	// Named results: "(n int, err error)"; a shared type ("a, b int") is
	// the last part's.
	for j := i; j < len(parts); j++ {
		f := strings.Fields(parts[j])
		if len(f) >= 2 && validName(f[0]) {
			return strings.Join(f[1:], " ")
		}
		if j == i && !named(parts) {
			return parts[i]
		}
	}
	return ""
}

// named reports whether a result list names its results.
func named(parts []string) bool {
	for _, p := range parts {
		if f := strings.Fields(p); len(f) >= 2 && validName(f[0]) && !strings.HasPrefix(f[1], ".") {
			return true
		}
	}
	return false
}

// splitTop splits s at the commas outside brackets.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// fieldType returns the type expression that the Go declaration sig
// gives name: a field ("Body io.ReadCloser", "A, B []*T `tag`"), an
// embedded field (its own type), or a variable declared with a type
// ("var X T = ..."); "" when the text does not say.
func fieldType(sig, name string) string {
	sig = strings.TrimSpace(sig)
	decl := strings.HasPrefix(sig, "var ") || strings.HasPrefix(sig, "const ")
	sig = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(sig, "var "), "const "))
	if i := strings.IndexByte(sig, '`'); i >= 0 {
		sig = strings.TrimSpace(sig[:i])
	}
	if i := strings.Index(sig, " = "); i >= 0 {
		sig = strings.TrimSpace(sig[:i])
	}
	if !decl && !strings.ContainsAny(sig, " \t") && baseName(strings.TrimLeft(sig, "*")) == name {
		return sig // an embedded field: "io.Reader", "*Buffer"
	}
	// The names, then the type.
	rest := sig
	for {
		k := 0
		for k < len(rest) && isIdentByte(rest[k]) {
			k++
		}
		if k == 0 {
			return ""
		}
		after := strings.TrimLeft(rest[k:], " \t")
		if !strings.HasPrefix(after, ",") {
			return after
		}
		rest = strings.TrimLeft(after[1:], " \t")
	}
}
