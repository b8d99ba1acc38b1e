package syntax

import (
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// rustBlock records the items of a source file, module, trait or impl;
// functions of a trait or impl (members) are methods.
func (w *outliner) rustBlock(block *tree_sitter.Node, container string, members bool) {
	for _, n := range w.children(block) {
		name := w.t.field(n, "name")
		switch w.kind(n) {
		case "function_item", "function_signature_item":
			k := KindFunction
			if members {
				k = KindMethod
			}
			w.add(n, name, k, container, n)
		case "struct_item", "union_item":
			w.add(n, name, KindStruct, container, n)
			w.rustMembers(n, name, "field_declaration", KindField)
		case "enum_item":
			w.add(n, name, KindEnum, container, n)
			w.rustMembers(n, name, "enum_variant", KindConstant)
		case "trait_item":
			w.add(n, name, KindInterface, container, n)
			if name != nil {
				w.rustBlock(w.t.field(n, "body"), w.text(name), true)
			}
		case "impl_item":
			if ty := w.t.field(n, "type"); ty != nil {
				w.rustBlock(w.t.field(n, "body"), baseTypeName(w.text(ty)), true)
			}
		case "mod_item":
			w.add(n, name, KindModule, container, n)
			if name != nil {
				w.rustBlock(w.t.field(n, "body"), w.text(name), false)
			}
		case "const_item":
			w.add(n, name, KindConstant, container, n)
		case "static_item":
			w.add(n, name, KindVariable, container, n)
		case "type_item", "associated_type":
			w.add(n, name, KindType, container, n)
		case "macro_definition":
			w.add(n, name, KindMacro, container, n)
		case "use_declaration":
			if arg := w.t.field(n, "argument"); arg != nil {
				w.rustUse(n, arg)
			}
		}
	}
}

// rustMembers records the children of kind child in the body of n, a
// struct, union or enum named name (fields, variants), as k.
func (w *outliner) rustMembers(n, name *tree_sitter.Node, child string, k Kind) {
	if name == nil {
		return
	}
	for _, m := range w.children(w.t.field(n, "body")) {
		if w.kind(m) == child {
			w.add(m, w.t.field(m, "name"), k, w.text(name), m)
		}
	}
}

// rustUse records a use declaration: "a::b::{c, d as e}" is path "a::b"
// with names c and d.
func (w *outliner) rustUse(n, arg *tree_sitter.Node) {
	switch w.kind(arg) {
	case "scoped_use_list":
		path := w.fieldText(arg, "path")
		var names []string
		for _, c := range w.children(w.t.field(arg, "list")) {
			names = append(names, baseTypeName(strings.Fields(w.text(c))[0]))
		}
		w.addImport(n, path, "", names)
	case "use_as_clause":
		w.addImport(n, w.fieldText(arg, "path"), w.fieldText(arg, "alias"), nil)
	case "use_wildcard":
		w.addImport(n, strings.TrimSuffix(w.text(arg), "::*"), "", nil)
	default:
		w.addImport(n, w.text(arg), "", nil)
	}
}
