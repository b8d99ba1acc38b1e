package syntax

import tree_sitter "github.com/tree-sitter/go-tree-sitter"

// jsBlock records the definitions of a JavaScript or TypeScript program or
// namespace body.
func (w *outliner) jsBlock(block *tree_sitter.Node, container string) {
	for _, n := range w.children(block) {
		w.jsStatement(n, n, container)
	}
}

func (w *outliner) jsStatement(n, docAt *tree_sitter.Node, container string) {
	switch w.kind(n) {
	case "export_statement":
		if d := w.t.field(n, "declaration"); d != nil {
			w.jsStatement(d, n, container)
		} else if v := w.t.field(n, "value"); v != nil {
			w.jsStatement(v, n, container)
		}
	case "ambient_declaration":
		for _, c := range w.children(n) {
			w.jsStatement(c, n, container)
		}
	case "expression_statement":
		for _, c := range w.children(n) {
			if k := w.kind(c); k == "internal_module" || k == "module" {
				w.jsStatement(c, n, container)
			}
		}
	case "function_declaration", "generator_function_declaration", "function_signature", "function_expression":
		w.add(n, w.t.field(n, "name"), KindFunction, container, docAt)
	case "class_declaration", "abstract_class_declaration", "class":
		name := w.t.field(n, "name")
		w.add(n, name, KindClass, container, docAt)
		if name != nil {
			w.jsClassBody(w.t.field(n, "body"), w.text(name))
		}
	case "interface_declaration":
		name := w.t.field(n, "name")
		w.add(n, name, KindInterface, container, docAt)
		if name != nil {
			w.jsClassBody(w.t.field(n, "body"), w.text(name))
		}
	case "type_alias_declaration":
		w.add(n, w.t.field(n, "name"), KindType, container, docAt)
	case "enum_declaration":
		name := w.t.field(n, "name")
		w.add(n, name, KindEnum, container, docAt)
		if name != nil {
			for _, m := range w.children(w.t.field(n, "body")) {
				switch w.kind(m) {
				case "property_identifier":
					w.add(m, m, KindConstant, w.text(name), m)
				case "enum_assignment":
					w.add(m, w.t.field(m, "name"), KindConstant, w.text(name), m)
				}
			}
		}
	case "internal_module", "module":
		name := w.t.field(n, "name")
		w.add(n, name, KindModule, container, docAt)
		if name != nil {
			w.jsBlock(w.t.field(n, "body"), w.text(name))
		}
	case "lexical_declaration", "variable_declaration":
		w.jsVariables(n, docAt, container)
	case "import_statement":
		w.jsImport(n)
	}
}

func (w *outliner) jsVariables(decl, docAt *tree_sitter.Node, container string) {
	isConst := false
	if kw := decl.Child(0); kw != nil && kw.Kind() == "const" {
		isConst = true
	}
	for _, d := range w.children(decl) {
		if w.kind(d) != "variable_declarator" {
			continue
		}
		name := w.t.field(d, "name")
		if name == nil || w.kind(name) != "identifier" {
			continue // destructuring
		}
		k := KindVariable
		if isConst {
			k = KindConstant
		}
		if v := w.t.field(d, "value"); v != nil {
			switch w.kind(v) {
			case "arrow_function", "function_expression", "function", "generator_function":
				k = KindFunction
			case "class":
				k = KindClass
			}
		}
		whole := d
		if len(w.children(decl)) == 1 {
			whole = decl
		}
		w.add(whole, name, k, container, docAt)
	}
}

// jsClassBody records the members of a class or interface body.
func (w *outliner) jsClassBody(body *tree_sitter.Node, class string) {
	for _, m := range w.children(body) {
		switch w.kind(m) {
		case "method_definition", "method_signature", "abstract_method_signature":
			w.add(m, w.t.field(m, "name"), KindMethod, class, m)
		case "field_definition":
			w.add(m, w.t.field(m, "property"), KindField, class, m)
		case "public_field_definition", "property_signature":
			w.add(m, w.t.field(m, "name"), KindField, class, m)
		}
	}
}

func (w *outliner) jsImport(n *tree_sitter.Node) {
	src := w.t.field(n, "source")
	if src == nil {
		return
	}
	var names []string
	alias := ""
	var walk func(c *tree_sitter.Node)
	walk = func(c *tree_sitter.Node) {
		for _, x := range w.children(c) {
			switch w.kind(x) {
			case "import_clause", "named_imports":
				walk(x)
			case "identifier": // default import
				alias = w.text(x)
			case "namespace_import":
				for _, id := range w.children(x) {
					alias = w.text(id)
				}
			case "import_specifier":
				if nm := w.t.field(x, "name"); nm != nil {
					names = append(names, w.text(nm))
				}
			}
		}
	}
	walk(n)
	w.addImport(n, unquote(w.text(src)), alias, names)
}
