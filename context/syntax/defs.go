package syntax

import (
	"strconv"
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// Definition is a named declaration found in a file.
type Definition struct {
	Name      string
	Kind      Kind
	Container string // enclosing type, class, trait, impl or namespace; the receiver type for Go methods
	// Start and End are the byte range of the whole definition, StartLine
	// and EndLine its zero-based inclusive lines.
	Start, End         int
	StartLine, EndLine int
	NameStart          int    // byte offset of the name
	Signature          string // the header: the text up to the body, or the first line
	Doc                string // the comment block just above (or the docstring), as written
}

// Import is one imported module, package or header.
type Import struct {
	// Path is the imported path as written, without quotes: "fmt",
	// "numpy.linalg", "./util", "std::collections::HashMap", "stdio.h".
	Path string
	// Name is the local alias, if any ("" otherwise).
	Name string
	// Names are the symbols imported from Path, if the statement names
	// them (Python from-imports, JavaScript named imports, Rust use lists).
	Names      []string
	Start, End int
}

// Outline is what a file declares: its package or module name, imports and
// definitions. Definitions are in source order, containers before members.
type Outline struct {
	Package     string // Go package, Java package; "" elsewhere
	Imports     []Import
	Definitions []Definition
}

// Outline extracts the file's package, imports and definitions. It looks at
// declarations only (top level, and type, class, trait, impl and namespace
// bodies), never inside function bodies, so it is cheap next to the parse.
func (t *Tree) Outline() Outline {
	o, _, _ := t.outline(-1, -1)
	return o
}

// OutlineRange is Outline limited to the top-level declarations near the
// byte range [start, end) (an edit): those that overlap it, one more on
// each side, and the comments above them. It returns that outline and the
// byte range [rs, re) it covers; the definitions and imports of the rest
// of the file are those of the previous outline, shifted by the edit. The
// package name is always that of the whole file. A
// caller that re-indexes a file after a small edit outlines a few
// declarations instead of the whole file.
func (t *Tree) OutlineRange(start, end int) (o Outline, rs, re int) {
	return t.outline(start, end)
}

// outline outlines the whole file when start < 0, else the region around
// [start, end) as OutlineRange says.
func (t *Tree) outline(start, end int) (Outline, int, int) {
	root := t.ts.RootNode()
	w := &outliner{t: t, cursor: root.Walk(), siblings: make(map[uintptr]sibling)}
	defer w.cursor.Close()
	rs, re := 0, len(t.src)
	if start >= 0 {
		var empty bool
		if rs, re, empty = w.setRegion(root, start, end); empty {
			return w.out, start, start
		}
	}
	switch t.lang {
	case langGo:
		w.goFile(root)
	case langPython:
		w.pyBlock(root, "")
	case langJavaScript, langTypeScript, langTSX:
		w.jsBlock(root, "")
	case langRust:
		w.rustBlock(root, "", false)
	case langJava:
		w.javaBlock(root, "")
	case langC, langCPP:
		w.cBlock(root, "")
	}
	return w.out, rs, re
}

// setRegion sets w.region to the top-level declarations that overlap
// [start, end), one more on each side and the comments above them, and
// returns the byte range they cover (from 0 when they include the first
// declaration, to the end when they include the last). It finds them with
// a cursor, without listing every top-level node, and records the package
// clause, which comes first.
func (w *outliner) setRegion(root *tree_sitter.Node, start, end int) (rs, re int, empty bool) {
	if pkg := w.packageClause(root); pkg != nil {
		for _, c := range w.children(pkg) {
			if k := w.kind(c); k == "package_identifier" || k == "scoped_identifier" || k == "identifier" {
				w.out.Package = w.text(c)
			}
		}
	}
	c := w.cursor
	c.Reset(*root)
	if c.GotoFirstChildForByte(uint32(start)) == nil {
		// Seen to fail between nodes of a broken file: walk instead.
		c.Reset(*root)
		if !c.GotoFirstChild() {
			return 0, 0, true
		}
		for int(c.Node().EndByte()) <= start && c.GotoNextSibling() {
		}
	}
	// Back over two declarations (the one ending at start, and one more),
	// then over the comments and attributes above; forward to one
	// declaration past end.
	first := false
	for back := 0; ; {
		n := c.Node()
		if n.IsNamed() && !w.docGlue(n) {
			if back == 2 {
				break
			}
			back++
		}
		if !c.GotoPreviousSibling() {
			first = true
			break
		}
	}
	if !first && !c.Node().IsNamed() {
		c.GotoNextSibling()
	}
	rs = int(c.Node().StartByte())
	if first {
		rs = 0
	}
	var region []*tree_sitter.Node
	after := 0 // named nodes taken after end
	for {
		n := c.Node()
		if n.IsNamed() {
			if int(n.StartByte()) > end && !w.docGlue(n) {
				if after == 1 {
					break
				}
				after++
			}
			region = append(region, n)
		}
		if !c.GotoNextSibling() {
			re = len(w.t.src)
			break
		}
		re = int(n.EndByte())
	}
	if len(region) == 0 {
		return 0, 0, true
	}
	if re < len(w.t.src) {
		re = int(region[len(region)-1].EndByte())
	}
	for i, n := range region {
		w.siblings[n.Id()] = sibling{region, i}
	}
	w.region = region
	return rs, re, false
}

// docGlue reports whether n may sit between a declaration and its doc
// comment, or is that comment.
func (w *outliner) docGlue(n *tree_sitter.Node) bool {
	k := w.t.lang.kindOf(n.KindId())
	return k.class == ClassComment || k.name == "attribute_item" || k.name == "decorator"
}

// packageClause returns the Go or Java package clause of the file, or nil.
// It is among the first nodes: the walk stops there in a sound file.
func (w *outliner) packageClause(root *tree_sitter.Node) *tree_sitter.Node {
	if w.t.lang != langGo && w.t.lang != langJava {
		return nil
	}
	c := w.cursor
	c.Reset(*root)
	for ok := c.GotoFirstChild(); ok; ok = c.GotoNextSibling() {
		if k := w.t.lang.kindOf(c.Node().KindId()).name; k == "package_clause" || k == "package_declaration" {
			return c.Node()
		}
	}
	return nil
}

// outliner collects an Outline.
type outliner struct {
	t      *Tree
	out    Outline
	cursor *tree_sitter.TreeCursor
	// siblings locates each node children returned among its siblings, so
	// that doc finds the comments above it without PrevNamedSibling (which
	// tree-sitter answers in time linear in the number of siblings).
	siblings map[uintptr]sibling
	// region, when not nil, replaces the root's children: OutlineRange.
	region []*tree_sitter.Node
}

type sibling struct {
	list []*tree_sitter.Node
	i    int
}

func (w *outliner) kind(n *tree_sitter.Node) string { return w.t.lang.kindOf(n.KindId()).name }

func (w *outliner) text(n *tree_sitter.Node) string { return w.t.Text(n) }

// children returns n's named children. (NamedChild(i) costs time linear
// in i: a cursor walks them in linear time overall.)
func (w *outliner) children(n *tree_sitter.Node) []*tree_sitter.Node {
	if n == nil {
		return nil
	}
	if w.region != nil && n.Parent() == nil {
		return w.region
	}
	c := w.cursor
	c.Reset(*n)
	var out []*tree_sitter.Node
	for ok := c.GotoFirstChild(); ok; ok = c.GotoNextSibling() {
		if node := c.Node(); node.IsNamed() {
			out = append(out, node)
		}
	}
	for i, node := range out {
		w.siblings[node.Id()] = sibling{out, i}
	}
	return out
}

// prev returns the named sibling before n, or nil.
func (w *outliner) prev(n *tree_sitter.Node) *tree_sitter.Node {
	s, ok := w.siblings[n.Id()]
	if !ok {
		return n.PrevNamedSibling()
	}
	if s.i == 0 { // the first of its list, which may be a region
		return n.PrevNamedSibling()
	}
	return s.list[s.i-1]
}

// add records a definition. whole is the definition's node (its range),
// name the node holding its name, docAt the node whose preceding comments
// are its doc (usually whole).
func (w *outliner) add(whole, name *tree_sitter.Node, k Kind, container string, docAt *tree_sitter.Node) {
	if whole == nil || name == nil {
		return
	}
	w.addNamed(whole, w.text(name), int(name.StartByte()), k, container, docAt)
}

func (w *outliner) addNamed(whole *tree_sitter.Node, name string, nameStart int, k Kind, container string, docAt *tree_sitter.Node) {
	if name == "" {
		return
	}
	w.out.Definitions = append(w.out.Definitions, Definition{
		Name: name, Kind: k, Container: container,
		Start: int(whole.StartByte()), End: int(whole.EndByte()),
		StartLine: int(whole.StartPosition().Row), EndLine: endLine(whole),
		NameStart: nameStart,
		Signature: w.t.signature(whole),
		Doc:       w.doc(docAt),
	})
}

// doc returns the comment block directly above n (no blank line between;
// Rust attributes and decorators may sit between), as written.
func (w *outliner) doc(n *tree_sitter.Node) string {
	if n == nil {
		return ""
	}
	var first, last *tree_sitter.Node
	next := n
	for p := w.prev(n); p != nil; p = w.prev(p) {
		k := w.t.lang.kindOf(p.KindId())
		if k.class != ClassComment {
			if last == nil && (k.name == "attribute_item" || k.name == "decorator") {
				next = p
				continue
			}
			break
		}
		if p.EndPosition().Row+1 < next.StartPosition().Row {
			break
		}
		if q := w.prev(p); q != nil && q.EndPosition().Row == p.StartPosition().Row {
			break // a trailing comment of the line above
		}
		if last == nil {
			last = p
		}
		first, next = p, p
	}
	if first == nil {
		return ""
	}
	return strings.TrimSpace(string(w.t.src[first.StartByte():last.EndByte()]))
}

func (w *outliner) addImport(n *tree_sitter.Node, path, name string, names []string) {
	if path == "" {
		return
	}
	w.out.Imports = append(w.out.Imports, Import{
		Path: path, Name: name, Names: names, Start: int(n.StartByte()), End: int(n.EndByte()),
	})
}

// unquote strips the quotes of a string literal.
func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return strings.Trim(s, "\"'`<>")
}

// endLine returns the last line n covers: a node that ends with its line
// terminator (a preprocessor directive) ends on the line before.
func endLine(n *tree_sitter.Node) int {
	end := n.EndPosition()
	if end.Column == 0 && end.Row > n.StartPosition().Row {
		return int(end.Row) - 1
	}
	return int(end.Row)
}
