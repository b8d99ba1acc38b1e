package syntax

import (
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// cBlock records the declarations of a C or C++ translation unit,
// namespace, linkage block or preprocessor conditional.
func (w *outliner) cBlock(block *tree_sitter.Node, container string) {
	for _, n := range w.children(block) {
		w.cItem(n, n, container)
	}
}

func (w *outliner) cItem(n, whole *tree_sitter.Node, container string) {
	switch w.kind(n) {
	case "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef":
		w.cBlock(n, container)
	case "linkage_specification":
		if body := w.t.field(n, "body"); body != nil {
			if w.kind(body) == "declaration_list" {
				w.cBlock(body, container)
			} else {
				w.cItem(body, whole, container)
			}
		}
	case "template_declaration":
		for _, c := range w.children(n) {
			if w.kind(c) != "template_parameter_list" {
				before := len(w.out.Definitions)
				w.cItem(c, whole, container)
				for i := before; i < len(w.out.Definitions); i++ {
					w.out.Definitions[i].Signature = w.t.signature(c)
				}
			}
		}
	case "namespace_definition":
		name := w.t.field(n, "name")
		w.add(whole, name, KindModule, container, whole)
		inner := container
		if name != nil {
			inner = joinScope(container, w.text(name))
		}
		w.cBlock(w.t.field(n, "body"), inner)
	case "preproc_include":
		if p := w.t.field(n, "path"); p != nil {
			w.addImport(n, unquote(w.text(p)), "", nil)
		}
	case "preproc_def", "preproc_function_def":
		w.add(whole, w.t.field(n, "name"), KindMacro, container, whole)
	case "function_definition":
		w.cFunction(n, whole, container)
	case "declaration", "field_declaration":
		w.cDeclaration(n, whole, container)
	case "type_definition":
		first := ""
		for i := range n.NamedChildCount() {
			if n.FieldNameForNamedChild(uint32(i)) == "declarator" {
				scope, name := w.t.declaratorName(n.NamedChild(i))
				w.addNamed(whole, name, int(n.NamedChild(i).StartByte()), KindType, or(scope, container), whole)
				first = or(first, name)
			}
		}
		// The members of "typedef struct { ... } name;" belong to name.
		w.cTypeSpecifierAs(w.t.field(n, "type"), container, first)
	case "alias_declaration":
		w.add(whole, w.t.field(n, "name"), KindType, container, whole)
	case "struct_specifier", "union_specifier", "class_specifier", "enum_specifier":
		w.cTypeSpecifier(n, container)
	}
}

func (w *outliner) cFunction(n, whole *tree_sitter.Node, container string) {
	scope, name := w.t.declaratorName(w.t.field(n, "declarator"))
	k := KindFunction
	if scope != "" || w.kind(n.Parent()) == "field_declaration_list" {
		k = KindMethod
	}
	w.addNamed(whole, name, int(n.StartByte()), k, or(scope, container), whole)
}

// cDeclaration records prototypes, variables and fields, and the types a
// declaration defines inline ("struct s { ... } x;").
func (w *outliner) cDeclaration(n, whole *tree_sitter.Node, container string) {
	w.cTypeSpecifier(w.t.field(n, "type"), container)
	member := w.kind(n) == "field_declaration" || w.kind(n.Parent()) == "field_declaration_list"
	for i := range n.NamedChildCount() {
		if n.FieldNameForNamedChild(uint32(i)) != "declarator" {
			continue
		}
		d := n.NamedChild(i)
		scope, name := w.t.declaratorName(d)
		k := KindVariable
		switch {
		case hasFunctionDeclarator(d):
			k = KindFunction
			if member || scope != "" {
				k = KindMethod
			}
		case member:
			k = KindField
		}
		w.addNamed(whole, name, int(d.StartByte()), k, or(scope, container), whole)
	}
}

// cTypeSpecifier records a struct, union, class or enum that has a body,
// and its members.
func (w *outliner) cTypeSpecifier(n *tree_sitter.Node, container string) {
	w.cTypeSpecifierAs(n, container, "")
}

// cTypeSpecifierAs is cTypeSpecifier with the name to use when the type
// has none (typedef struct { ... } name).
func (w *outliner) cTypeSpecifierAs(n *tree_sitter.Node, container, anon string) {
	if n == nil {
		return
	}
	body := w.t.field(n, "body")
	if body == nil {
		return
	}
	k := KindStruct
	switch w.kind(n) {
	case "class_specifier":
		k = KindClass
	case "enum_specifier":
		k = KindEnum
	case "struct_specifier", "union_specifier":
	default:
		return
	}
	name := w.t.field(n, "name")
	w.add(n, name, k, container, n)
	inner := anon
	if name != nil {
		inner = w.text(name)
	}
	if k == KindEnum {
		for _, e := range w.children(body) {
			if w.kind(e) == "enumerator" {
				w.add(e, w.t.field(e, "name"), KindConstant, inner, e)
			}
		}
		return
	}
	for _, m := range w.children(body) {
		w.cItem(m, m, inner)
	}
}

// declaratorName finds the declared name inside a (possibly nested)
// declarator, and its qualifying scope for C++ "A::b".
func (t *Tree) declaratorName(d *tree_sitter.Node) (scope, name string) {
	for d != nil {
		switch d.Kind() {
		case "identifier", "field_identifier", "type_identifier", "destructor_name", "operator_name", "primitive_type":
			return "", t.Text(d)
		case "qualified_identifier":
			full := t.Text(d)
			if i := strings.LastIndex(full, "::"); i >= 0 {
				return baseTypeName(full[:i]), strings.TrimSpace(full[i+2:])
			}
			return "", full
		}
		next := t.field(d, "declarator")
		if next == nil && d.NamedChildCount() > 0 {
			next = d.NamedChild(d.NamedChildCount() - 1)
		}
		d = next
	}
	return "", ""
}

func hasFunctionDeclarator(d *tree_sitter.Node) bool {
	for d != nil {
		if d.Kind() == "function_declarator" {
			return true
		}
		d = d.ChildByFieldName("declarator")
	}
	return false
}

func joinScope(outer, inner string) string {
	if outer == "" {
		return inner
	}
	return outer + "::" + inner
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
