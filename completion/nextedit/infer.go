package nextedit

import (
	"context"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lode-ls/lode/context/syntax"
)

// Kinds of Edit.
const (
	KindRename    = "rename"    // the same identifier change at another use
	KindArgument  = "argument"  // the same argument change at another call
	KindParameter = "parameter" // a call site that lacks a parameter the declaration gained
	KindRepeat    = "repeat"    // the same token change at another site of the same shape
)

// Span is a byte range.
type Span struct{ Start, End int }

// Change is a transformation inferred from one hunk: it finds the sites in
// a text where it applies again.
type Change struct {
	Kind string
	// Name is the identifier the change concerns (renamed, or called),
	// or for a repeated change a word its sites hold: the index finds the
	// other files that may hold sites by it. An empty Name with Exported
	// says the sites may lie in the files of the same directory with the
	// same extension. Exported says sites may lie in other files, Package
	// that they lie only in the files of the same directory (a Go
	// package).
	Name              string
	Exported, Package bool
	// whole says the change's sites in other files go with the edited
	// file's (see Elsewhere).
	whole bool
	// Pending says the change holds only if another file declares Name
	// and none names New: a rename begun at a use of a name declared
	// elsewhere. Declares tells which files declare Name.
	Pending bool
	New     string
	// Otherwise is the change that holds when a pending one does not (a
	// field of another package switched, a copied line fixed: see
	// switched and copies), or nil.
	Otherwise *Change
	// Scope is the range of the edited text where the change applies;
	// other files are searched whole.
	Scope Span
	sites func(src string, toks []token, scope Span, same bool) []Edit

	// after and its tokens, which Sites of the edited text reuses.
	after     string
	afterToks []token
}

// Declares reports whether src, the text of path, declares the change's
// Name at its top level: where a pending rename is confirmed.
func (c *Change) Declares(path, src string) bool {
	return declaredIn(path, src, lex(src, commentsOf(path)), c.Name)
}

// Elsewhere reports whether the change's sites in other files are
// proposed, given how many the edited file holds. A rename or a signature
// change must reach every use, or the code breaks: its sites go together.
// A repeated change is the user's choice: the edited file's sites come
// first, the other files' once none is left there (data from replayed
// histories: a change repeated through a file often stops at its end);
// but one that names nothing of its own, only the language's words and
// punctuation (interface{} → any), means the same everywhere; and a
// literal replaced by a name or an expression (a constant introduced) is
// meant to replace its copies, a misspelling is wrong, and a field of
// another package left for another is left, wherever they are.
func (c *Change) Elsewhere(here int) bool {
	return c.Exported && (c.Kind != KindRepeat || c.Name == "" || c.whole || here == 0)
}

// Reaches reports whether the change may have sites in the file other,
// given that it was inferred in path: a Go name that is not exported only
// in its package's directory, a repeated change only in files of the
// same language.
func (c *Change) Reaches(path, other string) bool {
	switch {
	case c.Package && filepath.Dir(other) != filepath.Dir(path):
		return false
	case c.Kind == KindRepeat:
		return filepath.Ext(other) == filepath.Ext(path)
	}
	return true
}

// Sites returns the edits that apply the change to src, the text of path,
// within scope, skipping the range skip (the user's own edit). same says
// src is the edited document.
func (c *Change) Sites(path, src string, scope, skip Span, same bool) []Edit {
	toks := c.afterToks
	if !same || src != c.after {
		toks = lex(src, commentsOf(path))
	}
	if !same && c.Package && goFile(path) && goPackage(toks) != goPackage(c.afterToks) {
		return nil // a Go test package beside the package sees only its exported names
	}
	var out []Edit
	for _, e := range c.sites(src, toks, scope, same) {
		if e.Start < skip.End && e.End > skip.Start || e.Start == skip.Start && e.End == skip.Start {
			continue
		}
		e.Path, e.Kind = path, c.Kind
		out = append(out, e)
	}
	return out
}

// Infer returns the change the hunk h makes to a document (before and
// after are its texts), or nil when no program can tell where it goes
// next. languageID and path choose the grammar and comment syntax.
func Infer(ctx context.Context, path, languageID, before, after string, h Hunk) *Change {
	cm := commentsOf(path)
	return inferLexed(ctx, path, languageID, before, after, lex(before, cm), lex(after, cm), h)
}

// inferLexed is Infer given the tokens of before and after.
func inferLexed(ctx context.Context, path, languageID, before, after string, bt, at []token, h Hunk) *Change {
	oi, oj, ni, nj := changedTokens(bt, at, h)
	if oi < 0 {
		return nil
	}
	old, cur := bt[oi:oj], at[ni:nj]
	c := infer(ctx, path, languageID, before, after, bt, at, oi, oj, ni, nj, old, cur)
	if c != nil && !c.Pending && (c.Kind == KindRepeat || c.Kind == KindArgument) {
		// A change that brings a variable of the function around the
		// edit repeats only where a variable of that name is declared.
		if name := bringsLocal(path, before, bt, oi, old, cur); name != "" {
			sites := c.sites
			c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
				return whereDeclared(path, src, toks, name, sites(src, toks, scope, same))
			}
		}
	}
	if name := annotatedName(path, before, bt, oi); name != "" && c != nil {
		// A type changed in the annotation of a name repeats at the
		// annotations of that name.
		for _, r := range []*Change{c, c.Otherwise} {
			if r != nil && !r.Pending && r.Kind == KindRepeat {
				sites := r.sites
				r.sites = func(src string, toks []token, scope Span, same bool) []Edit {
					return sameAnnotation(path, src, toks, name, sites(src, toks, scope, same))
				}
			}
		}
	}
	if c != nil {
		c.after, c.afterToks = after, at
		if o := c.Otherwise; o != nil && o.afterToks == nil {
			o.after, o.afterToks = after, at
		}
	}
	return c
}

func infer(ctx context.Context, path, languageID, before, after string, bt, at []token, oi, oj, ni, nj int, old, cur []token) *Change {
	if len(old) == 1 && len(cur) == 1 && old[0].class == classIdent && cur[0].class == classIdent {
		// A use switched to another name: a field of another package's
		// value switches at its other uses; else only the copies of the
		// line change too.
		if c := formatless(path, before, bt, oi, old[0].text, cur[0].text); c != nil {
			return c
		}
		sw := switched(path, before, bt, oi, old[0].text, cur[0].text)
		if sw == nil {
			sw = copies(path, before, after, bt, oi, oj)
		}
		if c := rename(ctx, path, languageID, before, after, bt, oi, old[0].text, cur[0].text); c != nil {
			if c.Pending && sw != nil && c.Otherwise == nil {
				sw.after, sw.afterToks = after, at
				c.Otherwise = sw
			}
			return c
		}
		return sw
	}
	if len(old) == 1 && len(cur) >= 1 && old[0].class == classString && len(old[0].text) >= minLiteral {
		// A literal changed, or replaced by a name or an expression (a
		// constant introduced): the same literal elsewhere changes too.
		repl := after[cur[0].start:cur[len(cur)-1].end]
		if imported(bt, oi) && len(cur) == 1 && cur[0].class == classString {
			return importMoved(path, after, old[0].text, cur[0].text)
		}
		if imported(bt, oi) || !balanced(cur) || strings.Contains(repl, "\n") || namesIdent(bt, old[0].text) {
			return nil // a file's imports are its own; a string that names a variable is renamed with it
		}
		if wrong, right := misspelling(old[0].text, repl); wrong != "" && len(cur) == 1 {
			return typo(after, wrong, right)
		}
		c := literal(path, after, old[0].text, repl)
		c.Package = goFile(path) && localName(old, cur)
		c.whole = len(cur) > 1 || cur[0].class != classString
		return c
	}
	if c := arguments(path, before, after, bt, at, oi, oj, nj); c != nil {
		return c
	}
	if ni == nj {
		return deleted(path, before, after, bt, oi, oj)
	}
	return repeat(path, before, after, bt, at, oi, oj, ni, nj)
}

// imported reports whether toks[k] is a module an import names: import
// "x", import ( ... "x" ), import y from 'x', require('x').
func imported(toks []token, k int) bool {
	for j := k - 1; j >= 0 && j >= k-50; j-- {
		switch toks[j].text {
		case "import", "require":
			return true
		case ";", ")", "=":
			return false
		}
	}
	return false
}

// namesIdent reports whether the string literal lit holds nothing but the
// name of an identifier of toks (a parameter a test table names, an
// attribute looked up by name): it is renamed in the scope of that
// identifier, not everywhere.
func namesIdent(toks []token, lit string) bool {
	if len(lit) < 3 {
		return false
	}
	name := lit[1 : len(lit)-1]
	if longestWord(name) != name && !reserved[name] {
		return false
	}
	for _, t := range toks {
		if t.class == classIdent && t.text == name {
			return true
		}
	}
	return false
}

// minLiteral is the shortest string literal, quotes included, whose change
// repeats at its other occurrences: a short one ("0", "id") recurs by
// chance (data from replayed histories).
const minLiteral = 8

// literal infers a string literal changed at one use (a typo, a renamed
// key): the same literal elsewhere changes too, in the file and in the
// other files of its language that hold it.
func literal(path, after, old, cur string) *Change {
	c := &Change{Kind: KindRepeat, Scope: Span{0, len(after)}, Exported: true, Name: longestWord(old)}
	if c.Name == "" {
		c.Exported = false
	}
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for _, t := range toks {
			if t.class == classString && t.text == old && t.start >= scope.Start && t.end <= scope.End {
				out = append(out, Edit{Start: t.start, End: t.end, NewText: cur})
			}
		}
		return out
	}
	return c
}

// changedTokens returns the tokens the hunk changed: bt[oi:oj] became
// at[ni:nj], trimmed of the tokens both sides share. oi == ni. oi < 0
// when the hunk changed only white space or comments.
func changedTokens(bt, at []token, h Hunk) (oi, oj, ni, nj int) {
	i := 0
	for i < len(bt) && i < len(at) && bt[i].end < h.Start && at[i].text == bt[i].text {
		i++
	}
	oj, nj = len(bt), len(at)
	for oj > i && nj > i && bt[oj-1].start > h.Start+len(h.Old) && bt[oj-1].text == at[nj-1].text {
		oj--
		nj--
	}
	for i < oj && i < nj && bt[i].text == at[i].text {
		i++
	}
	for oj > i && nj > i && bt[oj-1].text == at[nj-1].text {
		oj--
		nj--
	}
	if i == oj && i == nj {
		return -1, -1, -1, -1
	}
	return i, oj, i, nj
}

// rename infers an identifier renamed from old to name, at its declaration
// or at one use: its other uses in the scope that declares it change too.
func rename(ctx context.Context, path, languageID, before, after string, bt []token, at int, old, name string) *Change {
	dotted := at > 0 && bt[at-1].text == "."
	scope := Span{0, len(after)}
	local := false
	if lang := syntax.Detect(languageID, path); lang != nil {
		// Only the top-level declaration around the edit is parsed: a
		// function's scope lies inside it, and a file may be large.
		ds, de := topLevel(before, bt[at].start)
		if tree, err := syntax.Parse(ctx, lang, []byte(before[ds:de])); err == nil {
			for _, sc := range tree.Scopes(bt[at].start - ds) {
				sc.Start, sc.End = sc.Start+ds, sc.End+ds
				if sc.Kind != syntax.KindFunction && sc.Kind != syntax.KindMethod || sc.Name == old {
					continue
				}
				if declares(path, before, bt, sc, old) {
					// The scope is the function's in before; after differs
					// only by the renamed token.
					scope, local = Span{sc.Start, sc.End + len(name) - len(old)}, true
					break
				}
			}
			tree.Close()
		}
	}
	if !local && signatureParam(path, bt, at) {
		// A parameter of a method an interface declares names nothing
		// outside the interface: its other methods' parameters of the
		// same name go with it.
		ds, de := topLevel(before, bt[at].start)
		scope, local = Span{ds, de + len(name) - len(old)}, true
	}
	for k, t := range bt {
		if t.class == classIdent && t.text == name && (!local || t.start >= scope.Start && t.end <= scope.End) {
			if local && k > 0 && bt[k-1].text == "." {
				continue // a field of that name (t := opts.timeout → timeout := ...): not the local's namespace
			}
			return nil // the name was already in use: a different variable, not a rename
		}
	}
	// A use switched to a name declared elsewhere, or a rename begun far
	// from its declaration: the other files tell which.
	global := pyFile(path) && assignedAt(before, bt, at) || goFile(path) && goGroupedAt(before, bt, at)
	// A field or property renamed where its type declares it: its uses
	// are on values (t.count, self.count, this.count).
	member := !local && !dotted && memberAt(path, before, bt, at)
	pending := !local && !member && !declaredAt(bt, at) && !global && !declaredIn(path, before, bt, old) && !(goFile(path) && fieldAt(before, bt, at))
	c := &Change{Kind: KindRename, Name: old, New: name, Scope: scope, Pending: pending}
	method := methodAt(path, before, bt, at)
	// Other files use the name when it was renamed where it is declared:
	// a use switched to another name declared elsewhere is no rename there.
	c.Exported = !local && (declaredAt(bt, at) || global) || pending
	if wrong, _ := misspelling(old, name); c.Exported && !pending && wrong == "" && jsFile(path) && jsModule(bt) && !jsExports(bt, old) {
		// A JavaScript or TypeScript module's name it does not export
		// is its own: other files' names of that spelling are others
		// (but a misspelling is fixed wherever it was copied).
		c.Exported = false
	}
	c.Package = !exported(path, old)
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for k, t := range toks {
			if t.class != classIdent || t.text != old || t.start < scope.Start || t.end > scope.End {
				continue
			}
			d := k > 0 && toks[k-1].text == "."
			if member && !d && !(goFile(path) && keyedAt(toks, k)) {
				continue // a variable of the same name: a field is named on its values, or as a Go literal's key
			}
			if d != dotted && same && !declaredAt(toks, k) && !fieldAt(src, toks, k) && !(method && d) && !member {
				continue // a field where a variable was renamed, or the reverse; a method is called on its values
			}
			out = append(out, Edit{Start: t.start, End: t.end, NewText: name})
		}
		// The doc comment of the declaration names it too.
		for k, t := range toks {
			if t.class == classIdent && (t.text == old || same && t.text == name) && t.start >= scope.Start && t.end <= scope.End &&
				(declaredAt(toks, k) || goFile(path) && fieldAt(src, toks, k)) {
				out = append(out, docMentions(src, toks, k, old, name)...)
			}
		}
		return out
	}
	if pending && boundAt(path, bt, at) {
		// A name an import or a with statement binds: whether or not the
		// other files confirm a rename, the file's uses go with it.
		here := *c
		here.Pending, here.Exported, here.Package = false, false, false
		c.Otherwise = &here
	}
	return c
}

// docMentions returns the edits that rename old to name in the comment
// lines right above the line of toks[k], a declaration.
func docMentions(src string, toks []token, k int, old, name string) []Edit {
	ls := strings.LastIndexByte(src[:toks[k].start], '\n') + 1
	j := k
	for j > 0 && toks[j-1].end > ls {
		j--
	}
	gs := 0
	if j > 0 {
		gs = toks[j-1].end
	}
	if ls <= gs {
		return nil
	}
	var out []Edit
	gap := src[gs:ls]
	for i := 0; ; {
		n := strings.Index(gap[i:], old)
		if n < 0 {
			return out
		}
		s, e := i+n, i+n+len(old)
		i = e
		if s > 0 && isIdentPart(gap, s-1) || e < len(gap) && isIdentPart(gap, e) {
			continue
		}
		out = append(out, Edit{Start: gs + s, End: gs + e, NewText: name})
	}
}

// topLevel returns the lines of src around off from the start of the
// top-level declaration that holds it (a line that starts at column 0
// with neither a space, a closing bracket nor a comment) to the start of
// the next one.
func topLevel(src string, off int) (start, end int) {
	top := func(line int) bool {
		if line >= len(src) {
			return true
		}
		switch c := src[line]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '}' || c == ')' || c == ']' || c == '#':
			return false
		case c == '/' || c == '*':
			return false
		}
		return true
	}
	start = strings.LastIndexByte(src[:off], '\n') + 1
	for start > 0 && !top(start) {
		start = strings.LastIndexByte(src[:start-1], '\n') + 1
	}
	end = off
	for {
		i := strings.IndexByte(src[end:], '\n')
		if i < 0 {
			return start, len(src)
		}
		end += i + 1
		if top(end) {
			return start, end
		}
	}
}

// declares reports whether the function sc declares name: as a parameter
// (in its signature) or as a local (name := ..., var name, let name, a
// typed declaration, in Python an assignment that opens its line and no
// global or nonlocal statement naming it). src is the text of toks.
func declares(path, src string, toks []token, sc syntax.Scope, name string) bool {
	if pyFile(path) && pyLocal(src, toks, sc, name) {
		return true
	}
	for k, t := range toks {
		if pyFile(path) && t.start >= sc.Start && t.end <= sc.End && t.text == name && k > 0 && toks[k-1].text == "as" && withAs(toks, k) {
			return true // with open(p) as f: a local
		}
	}
	sig := lex(sc.Signature, commentsOf(path))
	for k, t := range sig {
		if t.class == classIdent && t.text == name && paramAt(path, sc.Signature, sig, k) {
			return true
		}
	}
	for k, t := range toks {
		if t.start < sc.Start || t.end > sc.End || t.class != classIdent || t.text != name {
			continue
		}
		var prev, next string
		if k > 0 {
			prev = toks[k-1].text
		}
		if k+1 < len(toks) {
			next = toks[k+1].text
		}
		switch {
		case next == ":" && k+2 < len(toks) && toks[k+2].text == "=" && toks[k+2].start == toks[k+1].end:
			return true
		case prev == "var" || prev == "let" || prev == "const" || prev == "auto" || prev == "for":
			return true
		case k > 0 && toks[k-1].class == classIdent && (next == "=" || next == ";") && !keyword(prev):
			return true
		}
	}
	return false
}

// paramAt reports whether toks[k], a token of a function's header src,
// stands where a parameter (or a Go receiver or named result) is named:
// in brackets, first in its list or after a comma, a * or ... (a rest
// parameter), a { or [ (a destructured one), a TypeScript modifier; not
// in a type annotation (x: Options, options?: axios.Config<D>) nor after
// a dot, a default's =, or another name (a Go parameter's type).
func paramAt(path, src string, toks []token, k int) bool {
	if k == 0 {
		return false
	}
	switch toks[k-1].text {
	case "(", ",", "*", "[", "{":
	case ".":
		if k < 3 || toks[k-2].text != "." || toks[k-3].text != "." {
			return false // a selector, not a rest parameter
		}
	default:
		if !(tsFile(path) && jsModifiers[toks[k-1].text]) {
			return false
		}
	}
	depth := 0
	for j := k - 1; j >= 0; j-- {
		switch toks[j].text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			depth--
		}
		if depth < 0 {
			return annotatedName(path, src, toks, k) == ""
		}
	}
	return false // outside every bracket: the function's name, its return type
}

// pyLocal reports whether the Python function sc assigns name at the start
// of a line (name = ..., name: T = ...), which makes it a local, and no
// global or nonlocal statement of it names it.
func pyLocal(src string, toks []token, sc syntax.Scope, name string) bool {
	assigned := false
	for k, t := range toks {
		if t.start < sc.Start || t.end > sc.End || t.class != classIdent || t.text != name || k == 0 {
			continue
		}
		switch toks[k-1].text {
		case "global", "nonlocal":
			return false
		case ",":
			for j := k - 1; j > 0 && toks[j].start >= sc.Start && (toks[j].text == "," || toks[j].class == classIdent); j-- {
				if toks[j-1].text == "global" || toks[j-1].text == "nonlocal" {
					return false
				}
			}
		}
		if prev := toks[k-1].text; !strings.Contains(src[toks[k-1].end:t.start], "\n") || k+1 >= len(toks) || prev == "(" || prev == "," || prev == "[" {
			continue // not a statement's start: a keyword argument on its own line is no assignment
		}
		next := toks[k+1]
		eq := next.text == "=" && (k+2 >= len(toks) || toks[k+2].text != "=" || toks[k+2].start != next.end)
		if eq || next.text == ":" && strings.IndexByte(src[next.end:lineEnd(src, next.end)], '=') >= 0 {
			assigned = true
		}
	}
	return assigned
}

// lineEnd returns the offset of the end of the line that holds off.
func lineEnd(src string, off int) int {
	if i := strings.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}

// declaredAt reports whether toks[n] is the name of a top-level
// declaration: after func, def, fn, function, class, type, struct,
// interface, enum, trait, var, const or let, or a Go method's receiver.
func declaredAt(toks []token, n int) bool {
	if n == 0 {
		return false
	}
	switch toks[n-1].text {
	case "func", "def", "fn", "function", "class", "type", "struct", "interface", "enum", "trait", "var", "const", "let":
		return true
	}
	return declaration(toks, n)
}

// declaredIn reports whether toks, the tokens of src, the text of path,
// declare name at the top level (a function, type, variable or, in Go, a
// struct field: a name that opens its line and is followed by a type; in
// Python, a module's variable: see pyModuleVar).
func declaredIn(path, src string, toks []token, name string) bool {
	py := pyFile(path)
	for k, t := range toks {
		if t.class == classIdent && t.text == name && (declaredAt(toks, k) || fieldAt(src, toks, k) || goGroupedAt(src, toks, k) || py && pyModuleVar(src, toks, k)) {
			return true
		}
	}
	return false
}

// pyModuleVar reports whether toks[k] is a Python module's variable
// declared at column 0 of its line: assigned (name = value, not name ==
// value) or annotated (name: T = value, name: T). A module declares its
// variables so; no keyword marks them.
func pyModuleVar(src string, toks []token, k int) bool {
	if toks[k].start != 0 && src[toks[k].start-1] != '\n' || k+1 >= len(toks) {
		return false
	}
	if toks[k+1].text == ":" {
		return !strings.Contains(src[toks[k].end:toks[k+1].start], "\n")
	}
	return assignedAt(src, toks, k)
}

// fieldAt reports whether toks[k] opens its line and a type follows it on
// the line: a Go struct field or interface method.
func fieldAt(src string, toks []token, k int) bool {
	if k == 0 || k+1 >= len(toks) || !strings.Contains(src[toks[k-1].end:toks[k].start], "\n") ||
		strings.Contains(src[toks[k].end:toks[k+1].start], "\n") {
		return false
	}
	switch n := toks[k+1]; {
	case n.class == classIdent && !keyword(n.text):
		return true
	case n.text == "*" || n.text == "[" || n.text == "(":
		return true
	}
	return false
}

func goFile(path string) bool { return strings.HasSuffix(path, ".go") }

// goPackage returns the name a Go file's package clause gives.
func goPackage(toks []token) string {
	for k := 0; k+1 < len(toks); k++ {
		if toks[k].text == "package" {
			return toks[k+1].text
		}
	}
	return ""
}

func pyFile(path string) bool { return strings.HasSuffix(path, ".py") }

// assignedAt reports whether toks[k] is assigned at column 0 of its line
// (name = value, not name == value): a Python module's variable.
func assignedAt(src string, toks []token, k int) bool {
	return (toks[k].start == 0 || src[toks[k].start-1] == '\n') && k+1 < len(toks) && toks[k+1].text == "=" &&
		(k+2 >= len(toks) || toks[k+2].text != "=" || toks[k+2].start != toks[k+1].end)
}

func keyword(s string) bool {
	switch s {
	case "return", "if", "else", "case", "in", "not", "and", "or", "is", "yield", "await", "go", "defer", "throw", "new", "delete":
		return true
	}
	return false
}

// exported reports whether a top-level name may be used from other files:
// in Go when capitalised, in other languages always.
func exported(path, name string) bool {
	if strings.HasSuffix(path, ".go") {
		for _, r := range name {
			return unicode.IsUpper(r)
		}
	}
	return true
}

// longestWord returns the longest run of letters, digits and underscores
// in s that starts with a letter or underscore and is no keyword, or "".
// It names a change's sites to the index: the longer a word, the fewer
// files hold it.
func longestWord(s string) string {
	best := ""
	for i := 0; i < len(s); {
		if !isIdentStart(s, i) || s[i] == '$' {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		j := i
		for j < len(s) && isIdentPart(s, j) && s[j] != '$' {
			_, n := utf8.DecodeRuneInString(s[j:])
			j += n
		}
		if w := s[i:j]; len(w) > len(best) && len(w) >= 3 && !reserved[w] {
			best = w
		}
		i = j
	}
	return best
}

// reserved are the keywords of the languages lode reads that the index
// keeps no postings for: no word to search files by.
var reserved = map[string]bool{
	"func": true, "def": true, "function": true, "var": true, "let": true, "const": true, "type": true,
	"struct": true, "class": true, "interface": true, "return": true, "import": true, "from": true,
	"package": true, "new": true, "this": true, "self": true, "nil": true, "null": true, "None": true,
	"true": true, "false": true, "True": true, "False": true, "range": true, "for": true, "while": true,
	"else": true, "switch": true, "case": true, "default": true, "async": true, "await": true,
	"export": true, "public": true, "private": true, "static": true, "map": true, "chan": true,
	"defer": true, "int": true, "bool": true, "not": true, "and": true,
}

// TokenChange returns the tokens hunk h changed, as source text: old in
// before, new in after. ok is false when it changed only white space or
// comments. It is what a textual baseline would look for.
func TokenChange(path, before, after string, h Hunk) (old, new string, ok bool) {
	cm := commentsOf(path)
	bt, at := lex(before, cm), lex(after, cm)
	oi, oj, ni, nj := changedTokens(bt, at, h)
	if oi < 0 {
		return "", "", false
	}
	if oi < oj {
		old = before[bt[oi].start:bt[oj-1].end]
	}
	if ni < nj {
		new = after[at[ni].start:at[nj-1].end]
	}
	return old, new, true
}

// switched infers a field or constant of another package's value
// switched to another one at one use (req.connection → req.socket,
// http.StatusServiceUnavailable → http.StatusTooManyRequests), where the
// workspace does not declare the old one and the edited file named the
// new one nowhere: a name left for another, so its other uses switch
// too, in the file and at once in the files that name it (a name left is
// left everywhere: see Elsewhere). Nil when toks[k] is no member after a
// dot, when it is called (a method chosen for one call: t.Fatalf →
// t.Fatal, Contains → NotContains; data from replayed histories), or
// when the edited file declares old (its own API: a rename, which rename
// tells) or already used the new one (a choice between two).
func switched(path, before string, toks []token, k int, old, name string) *Change {
	if k == 0 || toks[k-1].text != "." || k+1 < len(toks) && toks[k+1].text == "(" || declaredIn(path, before, toks, old) {
		return nil
	}
	for j, t := range toks {
		if j != k && t.class == classIdent && t.text == name {
			return nil
		}
	}
	c := &Change{Kind: KindRepeat, Name: old, New: name, Scope: Span{0, len(before) + len(name) - len(old)}, Exported: true, whole: true}
	c.Package = goFile(path) && !exported(path, old)
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for k, t := range toks {
			if k > 0 && toks[k-1].text == "." && t.class == classIdent && t.text == old && t.start >= scope.Start && t.end <= scope.End &&
				(k+1 == len(toks) || toks[k+1].text != "(") {
				out = append(out, Edit{Start: t.start, End: t.end, NewText: name})
			}
		}
		return out
	}
	return c
}
