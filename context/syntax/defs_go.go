package syntax

import tree_sitter "github.com/tree-sitter/go-tree-sitter"

func (w *outliner) goFile(root *tree_sitter.Node) {
	for _, n := range w.children(root) {
		switch w.kind(n) {
		case "package_clause":
			for _, c := range w.children(n) {
				w.out.Package = w.text(c)
			}
		case "import_declaration":
			w.goImports(n)
		case "function_declaration":
			w.add(n, w.t.field(n, "name"), KindFunction, "", n)
		case "method_declaration":
			w.add(n, w.t.field(n, "name"), KindMethod, w.goReceiver(n), n)
		case "type_declaration":
			w.goSpecs(n, "type_spec", "type_alias")
		case "const_declaration":
			w.goSpecs(n, "const_spec")
		case "var_declaration":
			w.goSpecs(n, "var_spec")
		}
	}
}

func (w *outliner) goImports(decl *tree_sitter.Node) {
	var walk func(n *tree_sitter.Node)
	walk = func(n *tree_sitter.Node) {
		for _, c := range w.children(n) {
			switch w.kind(c) {
			case "import_spec":
				name := ""
				if a := w.t.field(c, "name"); a != nil {
					name = w.text(a)
				}
				if p := w.t.field(c, "path"); p != nil {
					w.addImport(c, unquote(w.text(p)), name, nil)
				}
			case "import_spec_list":
				walk(c)
			}
		}
	}
	walk(decl)
}

// goReceiver returns the base type name of a method's receiver.
func (w *outliner) goReceiver(m *tree_sitter.Node) string {
	recv := w.t.field(m, "receiver")
	for _, p := range w.children(recv) {
		if ty := w.t.field(p, "type"); ty != nil {
			return baseTypeName(w.text(ty))
		}
	}
	return ""
}

// goSpecs records the specs of a type, const or var declaration, looking
// through parenthesised groups.
func (w *outliner) goSpecs(decl *tree_sitter.Node, kinds ...string) {
	var specs []*tree_sitter.Node
	var collect func(n *tree_sitter.Node)
	collect = func(n *tree_sitter.Node) {
		for _, c := range w.children(n) {
			k := w.kind(c)
			if k == "var_spec_list" || k == "type_spec_list" {
				collect(c)
				continue
			}
			for _, want := range kinds {
				if k == want {
					specs = append(specs, c)
				}
			}
		}
	}
	collect(decl)
	for _, s := range specs {
		whole, docAt := s, s
		if len(specs) == 1 {
			whole, docAt = decl, decl
		}
		switch w.kind(s) {
		case "type_spec", "type_alias":
			name := w.t.field(s, "name")
			k := goTypeKind(s)
			w.add(whole, name, k, "", docAt)
			if name != nil {
				w.goMembers(w.t.field(s, "type"), w.text(name))
			}
		default:
			k := KindVariable
			if w.kind(s) == "const_spec" {
				k = KindConstant
			}
			for i := range s.NamedChildCount() {
				if s.FieldNameForNamedChild(uint32(i)) == "name" {
					w.add(whole, s.NamedChild(i), k, "", docAt)
				}
			}
		}
	}
}

// goTypeKind tells a struct or interface type_spec from other named types.
func goTypeKind(spec *tree_sitter.Node) Kind {
	ty := spec.ChildByFieldName("type")
	if ty == nil || spec.Kind() == "type_alias" {
		return KindType
	}
	switch ty.Kind() {
	case "struct_type":
		return KindStruct
	case "interface_type":
		return KindInterface
	}
	return KindType
}

// goMembers records the fields of a struct and the methods of an interface.
func (w *outliner) goMembers(ty *tree_sitter.Node, container string) {
	if ty == nil {
		return
	}
	switch w.kind(ty) {
	case "struct_type":
		for _, list := range w.children(ty) {
			for _, f := range w.children(list) {
				if w.kind(f) != "field_declaration" {
					continue
				}
				named := false
				for i := range f.NamedChildCount() {
					if f.FieldNameForNamedChild(uint32(i)) == "name" {
						w.add(f, f.NamedChild(i), KindField, container, f)
						named = true
					}
				}
				if t := w.t.field(f, "type"); !named && t != nil { // embedded
					w.addNamed(f, baseTypeName(w.text(t)), int(t.StartByte()), KindField, container, f)
				}
			}
		}
	case "interface_type":
		for _, m := range w.children(ty) {
			if w.kind(m) == "method_elem" {
				w.add(m, w.t.field(m, "name"), KindMethod, container, m)
			}
		}
	}
}
