package syntax

import (
	"sort"
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// Class is the lexical class of a Leaf.
type Class uint8

const (
	ClassOther      Class = iota // named leaves such as escape sequences
	ClassIdentifier              // any *identifier kind
	ClassKeyword                 // anonymous word tokens ("func", "return"), and true/false/nil-like literals
	ClassString                  // string, character and template literals, whole
	ClassNumber                  // numeric literals
	ClassComment                 // comments, whole
	ClassPunct                   // operators and punctuation
)

var classNames = [...]string{"other", "identifier", "keyword", "string", "number", "comment", "punct"}

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "class?"
}

// field returns n's child in field name, like ChildByFieldName, without
// converting the name to a C string and searching for it on every call.
func (t *Tree) field(n *tree_sitter.Node, name string) *tree_sitter.Node {
	if n == nil {
		return nil
	}
	t.lang.kindTable()
	id, ok := t.lang.fields[name]
	if !ok {
		return nil
	}
	return n.ChildByFieldId(id)
}

type kindInfo struct {
	name   string
	class  Class
	atomic bool // a string or comment: one leaf even if the grammar splits it
}

// kindTable returns the language's node kinds by id, built on first use.
func (l *Language) kindTable() []kindInfo {
	l.kindOnce.Do(func() {
		n := l.ts.NodeKindCount()
		l.kinds = make([]kindInfo, n)
		for id := range n {
			name := l.ts.NodeKindForId(uint16(id))
			named := l.ts.NodeKindIsNamed(uint16(id))
			c := classify(name, named)
			l.kinds[id] = kindInfo{name: name, class: c, atomic: named && (c == ClassString || c == ClassComment)}
		}
		l.atomic = make([]byte, max(1, len(l.kinds)))
		for id, k := range l.kinds {
			if k.atomic {
				l.atomic[id] = 1
			}
		}
		l.fields = make(map[string]uint16)
		for id := uint16(1); id <= uint16(l.ts.FieldCount()); id++ {
			l.fields[l.ts.FieldNameForId(id)] = id
		}
	})
	return l.kinds
}

// errorKind describes the ERROR node, whose kind id (65535) is outside the
// language's table.
var errorKind = kindInfo{name: "ERROR", class: ClassOther}

// kindOf returns what the table knows of a node kind id.
func (l *Language) kindOf(id uint16) kindInfo {
	k := l.kindTable()
	if int(id) < len(k) {
		return k[id]
	}
	return errorKind
}

func classify(kind string, named bool) Class {
	if !named {
		if kind != "" && (kind[0] == '_' || kind[0] >= 'a' && kind[0] <= 'z' || kind[0] >= 'A' && kind[0] <= 'Z') {
			return ClassKeyword
		}
		return ClassPunct
	}
	switch {
	case strings.Contains(kind, "comment"):
		return ClassComment
	case strings.Contains(kind, "identifier"):
		return ClassIdentifier
	case strings.Contains(kind, "string"), strings.Contains(kind, "char_literal"),
		strings.Contains(kind, "rune_literal"), kind == "character_literal", kind == "text_block":
		return ClassString
	case strings.Contains(kind, "number"), strings.Contains(kind, "integer"), strings.Contains(kind, "float"),
		strings.Contains(kind, "int_literal"), strings.Contains(kind, "imaginary"):
		return ClassNumber
	}
	switch kind {
	case "true", "false", "nil", "null", "none", "None", "True", "False", "undefined", "this", "self", "super",
		"primitive_type", "nullptr", "boolean_type", "void_type":
		return ClassKeyword
	}
	return ClassOther
}

// KindClass returns the lexical class of a node kind of the language, as
// Leaves reports it.
func (l *Language) KindClass(kindID uint16) Class {
	return l.kindOf(kindID).class
}

// Leaf is one token of a tree: a node without children, or a whole string
// or comment.
type Leaf struct {
	Kind       string // the node kind, e.g. "identifier", "func", "("
	Class      Class
	Start, End int // byte range in the tree's source
}

// Leaves calls fn, in source order, for every non-empty leaf that overlaps
// the byte range [start, end), until fn returns false. Missing nodes (zero
// width, inserted by error recovery) are skipped. The walk itself is one
// call into the tree-sitter library, however many nodes there are.
func (t *Tree) Leaves(start, end int, fn func(Leaf) bool) {
	t.leaves(start, end, fn)
}

// Ident is one occurrence of an identifier.
type Ident struct {
	Name       string
	Kind       string // the node kind: identifier, type_identifier, field_identifier, ...
	Start, End int
}

// Identifiers returns the identifiers in [start, end), in source order.
func (t *Tree) Identifiers(start, end int) []Ident {
	var ids []Ident
	t.Leaves(start, end, func(l Leaf) bool {
		if l.Class == ClassIdentifier {
			ids = append(ids, Ident{Name: string(t.src[l.Start:l.End]), Kind: l.Kind, Start: l.Start, End: l.End})
		}
		return true
	})
	return ids
}

// IdentifiersNear returns the identifiers within lines lines of byte offset
// off (before and after), nearest first (by lines, then by bytes), each name
// once (its nearest occurrence).
func (t *Tree) IdentifiersNear(off, lines int) []Ident {
	off = max(0, min(off, len(t.src)))
	start, end := off, off
	for n := 0; start > 0 && n <= lines; start-- {
		if t.src[start-1] == '\n' {
			n++
			if n > lines {
				break
			}
		}
	}
	for n := 0; end < len(t.src); end++ {
		if t.src[end] == '\n' {
			if n++; n > lines {
				break
			}
		}
	}
	ids := t.Identifiers(start, end)
	dist := func(id Ident) int {
		switch {
		case off < id.Start:
			return countLines(t.src[off:id.Start])<<32 | (id.Start - off)
		case off > id.End:
			return countLines(t.src[id.End:off])<<32 | (off - id.End)
		}
		return 0
	}
	sort.SliceStable(ids, func(i, j int) bool { return dist(ids[i]) < dist(ids[j]) })
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id.Name] {
			seen[id.Name] = true
			out = append(out, id)
		}
	}
	return out
}

// SyntaxError is an ERROR or MISSING node of a tree.
type SyntaxError struct {
	Start, End int
	Missing    bool   // a token the parser inserted; Kind says which
	Kind       string // "ERROR", or the missing node's kind
}

// Errors returns the syntax errors of the tree in source order: one per
// ERROR node (nested errors are not counted again) and one per MISSING node.
func (t *Tree) Errors() []SyntaxError {
	root := t.ts.RootNode()
	if !root.HasError() {
		return nil
	}
	var errs []SyntaxError
	c := root.Walk()
	defer c.Close()
	for {
		n := c.Node()
		descend := false
		switch {
		case n.IsError():
			errs = append(errs, SyntaxError{Start: int(n.StartByte()), End: int(n.EndByte()), Kind: "ERROR"})
		case n.IsMissing():
			errs = append(errs, SyntaxError{Start: int(n.StartByte()), End: int(n.EndByte()), Missing: true, Kind: n.Kind()})
		default:
			descend = n.HasError()
		}
		if descend && c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				return errs
			}
		}
	}
}

// ErrorCount returns len(t.Errors()): the number of ERROR and MISSING nodes.
// A completion that raises it breaks the syntax of the document.
func (t *Tree) ErrorCount() int {
	if !t.ts.RootNode().HasError() {
		return 0
	}
	return len(t.Errors())
}

// NodeAt returns the smallest named node that spans byte offset off.
func (t *Tree) NodeAt(off int) *tree_sitter.Node {
	return t.ts.RootNode().NamedDescendantForByteRange(uint(off), uint(off))
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
