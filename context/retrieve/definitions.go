package retrieve

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/lode-ls/lode/context/syntax"
)

// Locality tiers of a definition relative to the document, and how much
// each is trusted. A name used in Go without a qualifier can only mean the
// same package; in other languages it may come from anywhere.
const (
	tierOwn = iota
	tierPackage
	tierImport
	tierElsewhere
)

var tierWeight = [...]float64{tierOwn: 1, tierPackage: 1, tierImport: 0.8, tierElsewhere: 0.15}

// perIdent is how many definitions one identifier may contribute.
const perIdent = 4

// definitions ranks the definitions of the identifiers around the cursor,
// resolved through the document's imports and its own package first.
func (r *Retriever) definitions(req Request, a *analysis) []candidate {
	res := newResolver(a)
	dir := filepath.Dir(req.Path)
	best := make(map[key]candidate)
	for i, id := range a.idents {
		prox := 1 / (1 + 0.3*float64(i))
		var cands []candidate
		imp, qualified := res.imports[id.qualifier]
		if id.qualifier == "" && a.lang != "go" {
			// A name imported by name ("from m import f", "import {f} from") is that module's.
			imp, qualified = res.imports[id.name]
		}
		if qualified {
			cands = r.importedDefs(a, id, imp, prox)
			if len(cands) == 0 {
				cands = r.depDefsIn(a.lang, id, imp, "", false, prox)
			}
		} else {
			cands = r.localDefs(req.Path, dir, a, id, res, prox)
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
		for j, c := range cands[:min(len(cands), perIdent)] {
			c.score /= 1 + 0.5*float64(j)
			k := c.key()
			if old, ok := best[k]; !ok || old.score < c.score {
				best[k] = c
			}
		}
	}
	out := make([]candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sortCandidates(out)
	return out
}

// importedDefs returns the definitions of id.name in the package that the
// import imp names ("pkg.Name"): only in the files that match the import
// path best, never a member of a type (a package does not qualify a
// method), and nothing when the import is not in the workspace (a
// same-named definition elsewhere is not what the name means).
func (r *Retriever) importedDefs(a *analysis, id ident, imp string, prox float64) []candidate {
	var out []candidate
	best, depth := 0, 0
	for _, s := range r.symbols.lookup(r.ix, id.name) {
		if s.Kind == syntax.KindMethod || s.Kind == syntax.KindField || a.lang == "go" && strings.HasSuffix(s.Path, "_test.go") {
			continue
		}
		// The longest match of the import path wins; among equal ones, the
		// shallowest directory ("strconv" is src/strconv, not
		// src/internal/strconv).
		m, deep := importMatch(s.Path, imp), strings.Count(s.Path, string(filepath.Separator))
		if m == 0 || m < best || m == best && deep > depth {
			continue
		}
		if m > best || deep < depth {
			best, depth, out = m, deep, out[:0]
		}
		d := s.Definition
		out = append(out, candidate{
			path: s.Path, def: &d, reason: ReasonImport, symbol: id.String(),
			score: prox * (1 + 0.01*float64(m)), // resolved exactly: as sure as the same package
		})
	}
	return out
}

// typeRef is the type of a value as far as the text says: its name, and
// where it is declared: the import a qualifier names, or the directory of
// the package whose declaration gave it unqualified. The zero typeRef is
// an unknown type.
type typeRef struct {
	name, imp, dir string
}

// holds reports whether a member of container, declared in file, belongs
// to the type t.
func (t typeRef) holds(container, file string) bool {
	if container != t.name {
		return false
	}
	if t.imp != "" {
		return importMatch(file, t.imp) > 0 && !strings.Contains(file, string(filepath.Separator)+"internal"+string(filepath.Separator)) == !strings.Contains(t.imp, "internal")
	}
	return dirOf(file) == t.dir
}

// localDefs returns the definitions that an unqualified name, or a name
// qualified by a value ("x.Method"), may refer to. In Go, a member
// selected from a value is looked up in the value's type when the text
// tells it, and otherwise only when one type has a member of that name.
func (r *Retriever) localDefs(path, dir string, a *analysis, id ident, res *resolver, prox float64) []candidate {
	goBare := a.lang == "go" && id.qualifier == "" && id.recv == ""
	goMember := a.lang == "go" && !goBare
	var want typeRef
	switch {
	case id.recv != "":
		c := chainEval{r: r, a: a, res: res, path: path, dir: dir}
		if want = c.exprType(id.recv); want.name == "" && id.qualifier != "" {
			want = r.typeOf(id.qualifier, path, dir, a, res)
		}
	case id.qualifier != "":
		want = r.typeOf(id.qualifier, path, dir, a, res)
	}
	var out []candidate
	weigh := func(tier int, container string) float64 {
		w := prox * tierWeight[tier]
		switch {
		case want.name == "":
		case container == want.name:
			w = prox * max(tierWeight[tier], tierWeight[tierImport])
		default:
			w *= 0.3 // the value's type is known, and it is another
		}
		return w
	}
	member := func(k syntax.Kind) bool { return k == syntax.KindMethod || k == syntax.KindField }
	fits := func(d syntax.Definition, file string) bool {
		switch {
		case goBare:
			return !member(d.Kind)
		case !goMember:
			return true
		case !member(d.Kind):
			return false
		}
		return want.name == "" || want.holds(d.Container, file)
	}
	goTests := a.lang == "go" && strings.HasSuffix(path, "_test.go")
	for i := range a.own {
		if a.own[i].Name != id.name || !fits(a.own[i], path) {
			continue // not copied: a copy whose address is taken is allocated
		}
		d := a.own[i]
		out = append(out, candidate{path: path, def: &d, reason: ReasonDefinition, symbol: id.String(),
			score: weigh(tierOwn, d.Container)})
	}
	for _, s := range r.symbols.lookup(r.ix, id.name) {
		if s.Path == path {
			continue // the document's own definitions are fresher
		}
		if a.lang == "go" && !goTests && strings.HasSuffix(s.Path, "_test.go") {
			continue // only tests see what tests declare
		}
		tier := tierElsewhere
		switch sd := dirOf(s.Path); {
		case sd == dir:
			tier = tierPackage
		case res.imported(sd, s.Path):
			tier = tierImport
		}
		if goBare && tier != tierPackage || !fits(s.Definition, s.Path) {
			continue
		}
		if goMember && want.name == "" && tier == tierElsewhere {
			continue // a type of unknown origin is not guessed from afar
		}
		d := s.Definition
		out = append(out, candidate{path: s.Path, def: &d, reason: ReasonDefinition, symbol: id.String(),
			score: weigh(tier, d.Container)})
	}
	if goMember && want.name == "" {
		return oneOwner(out)
	}
	if goMember && len(out) == 0 && want.name != "" {
		return r.depMemberDefs(id, want, path, dir, a, res, prox)
	}
	return out
}

// oneOwner returns the members in cands when they all belong to one type
// of one package, and nothing when they belong to several: the type of
// the value they are selected from is unknown, and a member of another
// type is worse than none.
func oneOwner(cands []candidate) []candidate {
	for _, c := range cands[min(1, len(cands)):] {
		if c.def.Container != cands[0].def.Container || dirOf(c.path) != dirOf(cands[0].path) {
			return nil
		}
	}
	return cands
}

// typeOf returns the type of the value named q, as far as the text says:
// a local or parameter of the enclosing function, else a field or
// variable of the document's package (or of its imports) declared with a
// type. It returns the zero typeRef when it cannot tell.
func (r *Retriever) typeOf(q, path, dir string, a *analysis, res *resolver) typeRef {
	// ref resolves a type named in file (the document or another file of
	// the index) through that file's imports.
	ref := func(t, file string) typeRef {
		if t == "" {
			return typeRef{}
		}
		pkg, name, ok := strings.Cut(t, ".")
		if !ok {
			return typeRef{name: t, dir: dirOf(file)}
		}
		if file == path {
			if imp := res.imports[pkg]; imp != "" {
				return typeRef{name: name, imp: imp}
			}
			return typeRef{}
		}
		if fi, ok := r.ix.File(file); ok {
			if imp := importNames(fi.Imports, a.lang)[pkg]; imp != "" {
				return typeRef{name: name, imp: imp}
			}
		}
		return typeRef{}
	}
	if t, ok := a.types[q]; ok {
		if a.lang != "go" {
			return typeRef{name: baseName(t)}
		}
		if local, ok := strings.CutPrefix(t, localValue); ok {
			c := chainEval{r: r, a: a, res: res, path: path, dir: dir}
			if v, ok := c.local(local); ok && v.pkg == "" && v.sig == "" && v.elem == 0 {
				return v.typ
			}
			return typeRef{}
		}
		return ref(t, path)
	}
	if a.lang != "go" {
		return typeRef{}
	}
	if t, ok := res.valueTypes[q]; ok {
		return t
	}
	var best typeRef
	bestTier := tierElsewhere
	consider := func(d syntax.Definition, file string, tier int) {
		if d.Kind != syntax.KindField && d.Kind != syntax.KindVariable || tier >= bestTier {
			return
		}
		if t := declaredType(d.Signature, q); t != "" {
			best, bestTier = ref(t, file), tier
		} else if _, init, ok := strings.Cut(d.Signature, " = "); ok && d.Kind == syntax.KindVariable {
			// "var pool = buffer.NewPool()": what the initializer's
			// declarations say.
			c := chainEval{r: r, a: a, res: res, path: path, dir: dir}
			if v, ok := c.evalAt(strings.TrimSpace(init), place{file: file, doc: file == path}); ok && v.pkg == "" && v.sig == "" && v.elem == 0 {
				best, bestTier = v.typ, tier
			}
		}
	}
	for _, d := range a.own {
		if d.Name == q {
			consider(d, path, tierOwn)
		}
	}
	for _, s := range r.symbols.lookup(r.ix, q) {
		switch sd := dirOf(s.Path); {
		case sd == dir:
			consider(s.Definition, s.Path, tierPackage)
		case res.imported(sd, s.Path):
			consider(s.Definition, s.Path, tierImport)
		}
	}
	res.valueTypes[q] = best
	return best
}

// declaredType returns the type that the Go declaration sig gives name
// ("rd io.Reader", "var mu sync.RWMutex", "b *bytes.Buffer"), without
// pointer or slice, with its package qualifier, or "".
func declaredType(sig, name string) string {
	for i := 0; ; {
		k := strings.Index(sig[i:], name)
		if k < 0 {
			return ""
		}
		i += k
		end := i + len(name)
		if (i > 0 && isIdentByte(sig[i-1])) || end >= len(sig) || (sig[end] != ' ' && sig[end] != '\t') {
			i = end
			continue
		}
		rest := strings.TrimLeft(sig[end:], " \t*[]")
		j := 0
		for j < len(rest) && (isIdentByte(rest[j]) || rest[j] == '.') {
			j++
		}
		if j == 0 || rest[0] >= '0' && rest[0] <= '9' {
			return ""
		}
		return rest[:j]
	}
}

var goMajorVersion = regexp.MustCompile(`^v[0-9]+$`)

// importNames maps the names a document uses for its imports to the
// import paths.
func importNames(imports []syntax.Import, lang string) map[string]string {
	m := make(map[string]string, len(imports))
	for _, imp := range imports {
		if imp.Name != "" && imp.Name != "_" && imp.Name != "." {
			m[imp.Name] = imp.Path
			continue
		}
		parts := splitImport(imp.Path)
		if len(parts) == 0 {
			continue
		}
		name := parts[len(parts)-1]
		if lang == "go" {
			if goMajorVersion.MatchString(name) && len(parts) > 1 {
				name = parts[len(parts)-2]
			}
			name = strings.TrimPrefix(strings.Split(name, ".")[0], "go-")
			name = strings.ReplaceAll(name, "-", "_")
		}
		m[name] = imp.Path
		for _, n := range imp.Names {
			m[n] = imp.Path
		}
	}
	return m
}

// splitImport splits an import path into its components, whatever the
// language writes between them.
func splitImport(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool {
		return r == '/' || r == '.' || r == ':' || r == '\\' || r == '<' || r == '>'
	})
}

// importMatch returns how many trailing components of the import path imp
// match the end of file's directory (or of file's path without its
// extension, for languages that import files): 0 means no match.
func importMatch(file, imp string) int {
	parts := splitImport(imp)
	if n := len(parts); n > 1 && goMajorVersion.MatchString(parts[n-1]) && strings.HasSuffix(file, ".go") {
		// module/v2 is the module's root directory, or its v2 directory.
		return max(partsMatch(file, parts), partsMatch(file, parts[:n-1]))
	}
	return partsMatch(file, parts)
}

// partsMatch is importMatch for the import path's components.
func partsMatch(file string, parts []string) int {
	if len(parts) == 0 {
		return 0
	}
	best := 0
	noExt := strings.TrimSuffix(file, filepath.Ext(file))
	for _, p := range []string{filepath.Dir(file), noExt} {
		comps := strings.Split(filepath.ToSlash(p), "/")
		n := 0
		for n < len(parts) && n < len(comps) && parts[len(parts)-1-n] == comps[len(comps)-1-n] {
			n++
		}
		best = max(best, n)
	}
	return best
}

// resolver answers, for one request, which directories the document's
// imports name. Common names have hundreds of definitions, mostly in a
// few directories: each directory is matched once.
type resolver struct {
	imports map[string]string // local name -> import path
	// lastElems holds the last element of each import path: a Go package's
	// directory must end with it.
	lastElems map[string]bool
	byFile    bool           // imports name files, not directories
	seen      map[string]int // directory (or file) -> 1 imported, -1 not
	// valueTypes caches typeOf for the names of fields and variables.
	valueTypes map[string]typeRef
}

func newResolver(a *analysis) *resolver {
	res := &resolver{imports: importNames(a.imports, a.lang), byFile: a.lang != "go",
		lastElems: make(map[string]bool), seen: make(map[string]int), valueTypes: make(map[string]typeRef)}
	for _, imp := range a.imports {
		if parts := splitImport(imp.Path); len(parts) > 0 {
			res.lastElems[parts[len(parts)-1]] = true
		}
	}
	return res
}

// imported reports whether file, in directory dir, belongs to one of the
// imports.
func (res *resolver) imported(dir, file string) bool {
	if !res.byFile {
		return res.lastElems[dir[strings.LastIndexByte(dir, filepath.Separator)+1:]]
	}
	if v, ok := res.seen[file]; ok {
		return v > 0
	}
	v := -1
	for _, imp := range res.imports {
		if importMatch(file, imp) > 0 {
			v = 1
			break
		}
	}
	res.seen[file] = v
	return v > 0
}

// dirOf is filepath.Dir for clean absolute paths, without allocating.
func dirOf(path string) string {
	if i := strings.LastIndexByte(path, filepath.Separator); i > 0 {
		return path[:i]
	}
	return filepath.Dir(path)
}

// docLines returns how many lines a definition's doc comment spans.
func docLines(d *syntax.Definition) int {
	if d.Doc == "" {
		return 0
	}
	return strings.Count(d.Doc, "\n") + 1
}

// maxDocLines is the longest doc comment shown whole; longer ones are cut
// to their first lines, which say what the definition is for.
const maxDocLines = 6

// definitionText returns the text shown for a definition and the lines it
// covers. Functions show their doc and signature (the body is rarely what
// a caller needs); types, constants and variables show their whole text up
// to maxLines. lines returns the text of a line range of the definition's
// file, or "" when the file cannot be read.
func definitionText(d *syntax.Definition, maxLines int, lines func(first, last int) string) (text string, first, last int) {
	// The doc arrives trimmed at its start only: align all its lines.
	docs := strings.Split(d.Doc, "\n")
	for i := range docs {
		docs[i] = strings.TrimLeft(docs[i], " \t")
	}
	if len(docs) > maxDocLines {
		docs = docs[:maxDocLines-1]
	}
	doc := strings.Join(docs, "\n")
	first = d.StartLine - docLines(d)
	switch d.Kind {
	case syntax.KindFunction, syntax.KindMethod:
		sig := strings.TrimRight(d.Signature, " {")
		last = d.StartLine + strings.Count(sig, "\n")
		if doc != "" {
			return doc + "\n" + sig, first, last
		}
		return sig, d.StartLine, last
	}
	last = min(d.EndLine, d.StartLine+maxLines-1)
	body := lines(d.StartLine, last)
	if body == "" {
		body = d.Signature
	}
	if doc != "" {
		return doc + "\n" + body, first, last
	}
	return body, d.StartLine, last
}

// ImportNames maps the names a document of lang uses for its imports (the
// package name a Go import is used by, a module's alias) to the import
// paths.
func ImportNames(imports []syntax.Import, lang string) map[string]string {
	return importNames(imports, lang)
}

// ImportMatch reports whether file belongs to the import imp: how many
// trailing components of imp its directory (or its path without its
// extension, for languages that import files) ends with; 0 for none.
func ImportMatch(file, imp string) int {
	return importMatch(file, imp)
}
