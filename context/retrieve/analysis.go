package retrieve

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/memo"
)

// analysis is what retrieval learned from the document around the cursor.
type analysis struct {
	content    string
	offset     int
	lang       string // syntax language name, "" for plain text
	cursorLine int
	// windowFirst and windowLast are the lines the prompt already holds.
	windowFirst, windowLast int

	pkg     string
	imports []syntax.Import
	own     []syntax.Definition // the document's own definitions
	// enclosing holds the signatures of the scopes around the cursor,
	// innermost first.
	enclosing []syntax.Scope
	// idents are the identifiers to resolve, most relevant first: those
	// near the cursor by distance, then the rest of the enclosing function.
	idents []ident
	// types maps local names of the enclosing function to the type they
	// were declared with, where the text says so plainly.
	types map[string]string
	// ownHidden keeps the document's own text out of the bundle.
	ownHidden bool
}

// ident is an identifier to resolve, and what qualifies it ("x" in x.Name).
type ident struct {
	name, qualifier string
	// recv is the Go expression the name is selected from when it is more
	// than a name ("time.Now()" in time.Now().Unix); see receiverExpr.
	recv string
}

// String returns the identifier as written, with its qualifier.
func (id ident) String() string {
	if id.qualifier == "" {
		return id.name
	}
	return id.qualifier + "." + id.name
}

// maxIdents bounds the identifiers looked up per request.
const maxIdents = 32

// functionReach is how many bytes before the cursor the identifiers of
// the enclosing function are read from (a quarter as many after it).
const functionReach = 4000

// read fills a from t.
func (a *analysis) read(doc *docTree, nearLines int) {
	t := doc.tree
	o := doc.Outline()
	a.pkg, a.imports, a.own = o.Package, o.Imports, o.Definitions
	a.enclosing = t.Scopes(a.offset)
	seen := make(map[ident]bool)
	add := func(id syntax.Ident) {
		if len(id.Name) < 2 || len(a.idents) >= maxIdents {
			return
		}
		x := ident{name: id.Name, qualifier: qualifier(a.content, id.Start)}
		if a.lang == "go" {
			x.recv = receiverExpr(a.content, id.Start)
		}
		if !seen[x] {
			seen[x] = true
			a.idents = append(a.idents, x)
		}
	}
	// One walk reads the identifiers around the cursor: of the enclosing
	// function (of a long one, only the part around the cursor; the walk
	// costs by the node), else of the nearby lines.
	start, end := a.offset, a.offset
	fn := innermostFunction(a.enclosing)
	if fn != nil {
		start, end = max(fn.Start, a.offset-functionReach), min(fn.End, a.offset+functionReach/4, len(a.content))
		if a.lang == "go" {
			a.types = doc.localTypes(fn.Start, min(fn.End, len(a.content)))
		}
	} else if i := strings.LastIndex(a.content[:a.offset], "\nfunc "); a.lang == "go" && i >= 0 {
		// A function being written (the document ends inside it) is no
		// function to the parser: its locals are read from its text.
		a.types = doc.localTypes(i+1, a.offset)
	}
	start = min(start, lineStartBefore(a.content, a.offset, nearLines))
	end = max(end, lineEndAfter(a.content, a.offset, nearLines))
	ids := t.Identifiers(start, end)
	// The cursor's own line first, before the cursor (what is being
	// typed), then the lines around by distance, then the rest in order.
	lineStart := strings.LastIndexByte(a.content[:a.offset], '\n') + 1
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i].Start >= lineStart && ids[i].End <= a.offset {
			add(ids[i])
		}
	}
	nls := newlines(a.content, start, end)
	cursorLine := sort.SearchInts(nls, a.offset)
	type near struct {
		id   syntax.Ident
		dist int
	}
	var byDist []near
	for _, id := range ids {
		d := abs(sort.SearchInts(nls, id.Start) - cursorLine)
		if d <= nearLines {
			byDist = append(byDist, near{id, d<<32 | abs(id.Start-a.offset)})
		}
	}
	sort.SliceStable(byDist, func(i, j int) bool { return byDist[i].dist < byDist[j].dist })
	for _, n := range byDist {
		add(n.id)
	}
	for _, id := range ids {
		add(id)
	}
}

// readStale fills a from the tree of an earlier version of the document
// (its reparse ran past the budget): it reads that version around the
// cursor's place in it, then moves the lines it found below the edit to
// where they are now. The identifiers, types and signatures are the
// earlier version's, one edit behind.
func (a *analysis) readStale(doc *docTree, nearLines int) {
	now, cur := a.content, a.offset
	c := text.Diff(doc.text, now)
	off := cur
	switch {
	case off <= c.StartByte:
	case off >= c.NewEndByte:
		off -= c.NewEndByte - c.OldEndByte
	default:
		off = c.StartByte + min(off-c.StartByte, c.OldEndByte-c.StartByte)
	}
	a.content, a.offset = doc.text, off
	a.read(doc, nearLines)
	a.content, a.offset = now, cur
	// What the earlier version lacks is what was just typed: the edited
	// lines' words up to the cursor come first, read lexically.
	if lo, hi := c.StartByte, min(cur, c.NewEndByte); lo < hi {
		lo = strings.LastIndexByte(now[:lo], '\n') + 1
		a.idents = append(typedIdents(now, lo, hi), a.idents...)
		seen := make(map[ident]bool)
		a.idents = slices.DeleteFunc(a.idents, func(x ident) bool {
			dup := seen[x]
			seen[x] = true
			return dup
		})
		a.idents = a.idents[:min(len(a.idents), maxIdents)]
	}
	delta, below := c.NewEndPoint.Row-c.OldEndPoint.Row, c.OldEndPoint.Row
	if delta == 0 {
		return
	}
	own := make([]syntax.Definition, len(a.own))
	for i, d := range a.own {
		if d.StartLine > below {
			d.StartLine, d.EndLine = d.StartLine+delta, d.EndLine+delta
		} else if d.EndLine >= below {
			d.EndLine = max(d.StartLine, d.EndLine+delta)
		}
		own[i] = d
	}
	a.own = own
	for i := range a.enclosing {
		if sc := &a.enclosing[i]; sc.StartLine > below {
			sc.StartLine, sc.EndLine = sc.StartLine+delta, sc.EndLine+delta
		} else if sc.EndLine >= below {
			sc.EndLine = max(sc.StartLine, sc.EndLine+delta)
		}
	}
}

// typedIdents returns the identifier-like words of s[lo:hi], the last
// first, without keywords and words shorter than two bytes.
func typedIdents(s string, lo, hi int) []ident {
	var out []ident
	for i := hi; i > lo; {
		if !isIdentByte(s[i-1]) {
			i--
			continue
		}
		j := i
		for j > lo && isIdentByte(s[j-1]) {
			j--
		}
		if w := s[j:i]; len(w) >= 2 && (w[0] < '0' || w[0] > '9') && !keywords[w] {
			out = append(out, ident{name: w, qualifier: qualifier(s, j)})
		}
		i = j
	}
	return out
}

// keywords are the reserved words of the languages lode parses that look
// like identifiers, skipped by typedIdents.
var keywords = make(map[string]bool)

func init() {
	for _, w := range strings.Fields(`break case chan const continue default defer else fallthrough for func go goto if
		import interface map package range return select struct switch type var nil true false
		def class self this let function new None True False null undefined async await yield
		lambda pass raise try except finally with as from elif while in is not and or fn impl
		pub use mut match trait enum where static void int char public private protected`) {
		keywords[w] = true
	}
}

// newlines returns the offsets of the line breaks in s[start:end].
func newlines(s string, start, end int) []int {
	var out []int
	for i := start; i < end; i++ {
		if s[i] == '\n' {
			out = append(out, i)
		}
	}
	return out
}

// lineStartBefore returns the start of the line n lines above off's.
func lineStartBefore(s string, off, n int) int {
	i := off
	for ; n >= 0 && i > 0; n-- {
		i = strings.LastIndexByte(s[:i], '\n')
		if i < 0 {
			return 0
		}
	}
	if i <= 0 {
		return 0
	}
	return i + 1
}

// lineEndAfter returns the end of the line n lines below off's.
func lineEndAfter(s string, off, n int) int {
	i := off
	for ; n >= 0; n-- {
		k := strings.IndexByte(s[i:], '\n')
		if k < 0 {
			return len(s)
		}
		i += k + 1
	}
	return i - 1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// innermostFunction returns the innermost named function or method scope.
func innermostFunction(scopes []syntax.Scope) *syntax.Scope {
	for i := range scopes {
		if (scopes[i].Kind == syntax.KindFunction || scopes[i].Kind == syntax.KindMethod) && scopes[i].Name != "" {
			return &scopes[i]
		}
	}
	return nil
}

// qualifier returns the identifier before a "." or "::" that precedes the
// identifier at off, or "".
func qualifier(s string, off int) string {
	i := off
	switch {
	case i >= 1 && s[i-1] == '.':
		i--
	case i >= 2 && s[i-2:i] == "::":
		i -= 2
	default:
		return ""
	}
	j := i
	for j > 0 && isIdentByte(s[j-1]) {
		j--
	}
	return s[j:i]
}

func isIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// Go declarations whose text names a local's type.
var (
	goTypedDecl = regexp.MustCompile(`(?m)(?:\bvar\s+|[(,]\s*)([A-Za-z_]\w*)\s+\*?(?:\[\])?\*?((?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)`)
	// Parameters that share a type: "(n, whole *tree_sitter.Node".
	goGroupDecl = regexp.MustCompile(`[(,]\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s+\*?(?:\[\])?\*?((?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)`)
	goValueDecl = regexp.MustCompile(`^\s*(?:(?:else\s+)?if\s+|for\s+|switch\s+)?([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*:=\s*(range\s+)?(.+)$`)
	goShortDecl = regexp.MustCompile(`([A-Za-z_]\w*)\s*:=\s*&?(?:new\()?((?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)(\{|\)|\()`)
)

// goLocalTypes maps the locals, parameters and receiver of a Go function
// to their type name (without package or pointer), where the text says so
// plainly: "var x T", "x *T" in a parameter list, "x := &T{", "x := new(T)",
// and "x := pkg.NewT(" (constructors by convention). It reads the function
// line by line, each line's declarations memoized: the function around
// the cursor changes with every keystroke, its lines mostly do not.
func goLocalTypes(fn string) map[string]string {
	types := make(map[string]string)
	var short []typeDecl
	carry := ""
	for fn != "" {
		line := fn
		if i := strings.IndexByte(fn, '\n'); i >= 0 {
			line, fn = fn[:i], fn[i+1:]
		} else {
			fn = ""
		}
		ds := lineDecls.Get(carry+line, lineTypeDecls)
		for _, d := range ds {
			if d.short {
				short = append(short, d)
			} else {
				types[d.name] = d.typ
			}
		}
		// A parameter list continues on the next line after "(" or ",".
		carry = ""
		if t := strings.TrimRight(line, " \t"); t != "" && (t[len(t)-1] == '(' || t[len(t)-1] == ',') {
			carry = t[len(t)-1:]
		}
	}
	for _, d := range short {
		types[d.name] = d.typ
	}
	return types
}

// typeDecl is a declaration of a local's type found on one line.
type typeDecl struct {
	name, typ string
	short     bool // from "x := ...", which goLocalTypes applies last
}

// lineDecls memoizes the declarations of lines: the same lines are read
// again for every cursor.
var lineDecls = memo.New[[]typeDecl](maxDeclLines)

const maxDeclLines = 1 << 15

// lineTypeDecls returns the declarations of one line, in order.
func lineTypeDecls(line string) []typeDecl {
	var out []typeDecl
	if strings.ContainsAny(line, "(,") || strings.Contains(line, "var") {
		for _, m := range goTypedDecl.FindAllStringSubmatch(line, -1) {
			out = append(out, typeDecl{name: m[1], typ: m[2]})
		}
		for _, m := range goGroupDecl.FindAllStringSubmatch(line, -1) {
			for _, name := range strings.Split(m[1], ",") {
				out = append(out, typeDecl{name: strings.TrimSpace(name), typ: m[2]})
			}
		}
	}
	if !strings.Contains(line, ":=") {
		return out
	}
	declared := map[string]bool{}
	for _, m := range goShortDecl.FindAllStringSubmatch(line, -1) {
		ty := m[2]
		if m[3] == "(" {
			// x := pkg.NewT(...) is taken for a T; other calls say nothing.
			pkg, fn, ok := strings.Cut(ty, ".")
			if !ok {
				pkg, fn = "", ty
			}
			if !strings.HasPrefix(fn, "New") || len(fn) <= 3 {
				continue
			}
			ty = fn[3:]
			if pkg != "" {
				ty = pkg + "." + ty
			}
		}
		out = append(out, typeDecl{name: m[1], typ: ty, short: true})
		declared[m[1]] = true
	}
	// Otherwise "x, y := expr" gives x a type that expr's declarations
	// tell (the first result of a call, the element of a range).
	if m := goValueDecl.FindStringSubmatch(line); m != nil {
		expr := strings.TrimSpace(m[3])
		if _, n := scanChain(expr); n > 0 && (n == len(expr) || strings.ContainsRune(";{", rune(expr[n])) ||
			strings.HasPrefix(strings.TrimSpace(expr[n:]), "{")) {
			for i, name := range strings.Split(m[1], ",") {
				name = strings.TrimSpace(name)
				k := strconv.Itoa(i)
				if m[2] != "" {
					if i != 1 {
						continue
					}
					k = "r"
				}
				if name != "_" && !declared[name] {
					out = append(out, typeDecl{name: name, typ: localValue + k + ":" + expr[:n], short: true})
				}
			}
		}
	}
	return out
}

// baseName drops a package qualifier: "bytes.Buffer" -> "Buffer".
func baseName(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}
