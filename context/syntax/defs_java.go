package syntax

import tree_sitter "github.com/tree-sitter/go-tree-sitter"

var javaTypeKinds = map[string]Kind{
	"class_declaration": KindClass, "record_declaration": KindClass, "interface_declaration": KindInterface,
	"annotation_type_declaration": KindInterface, "enum_declaration": KindEnum,
}

// javaBlock records the declarations of a program or a type body.
func (w *outliner) javaBlock(block *tree_sitter.Node, container string) {
	for _, n := range w.children(block) {
		kind := w.kind(n)
		if k, ok := javaTypeKinds[kind]; ok {
			name := w.t.field(n, "name")
			w.add(n, name, k, container, n)
			if name != nil {
				w.javaBlock(w.t.field(n, "body"), w.text(name))
			}
			continue
		}
		switch kind {
		case "package_declaration":
			for _, c := range w.children(n) {
				if k := w.kind(c); k == "scoped_identifier" || k == "identifier" {
					w.out.Package = w.text(c)
				}
			}
		case "import_declaration":
			for _, c := range w.children(n) {
				if k := w.kind(c); k == "scoped_identifier" || k == "identifier" {
					w.addImport(n, w.text(c), "", nil)
				}
			}
		case "method_declaration", "constructor_declaration", "annotation_type_element_declaration":
			w.add(n, w.t.field(n, "name"), KindMethod, container, n)
		case "field_declaration", "constant_declaration":
			k := KindField
			if kind == "constant_declaration" {
				k = KindConstant
			}
			for i := range n.NamedChildCount() {
				if n.FieldNameForNamedChild(uint32(i)) == "declarator" {
					d := n.NamedChild(i)
					w.add(n, w.t.field(d, "name"), k, container, n)
				}
			}
		case "enum_constant":
			w.add(n, w.t.field(n, "name"), KindConstant, container, n)
		case "enum_body_declarations":
			w.javaBlock(n, container)
		}
	}
}
