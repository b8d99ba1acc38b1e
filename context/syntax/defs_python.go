package syntax

import (
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// pyBlock records the definitions of a module or class body.
func (w *outliner) pyBlock(block *tree_sitter.Node, class string) {
	for _, n := range w.children(block) {
		w.pyStatement(n, n, class)
	}
}

func (w *outliner) pyStatement(n, whole *tree_sitter.Node, class string) {
	switch w.kind(n) {
	case "decorated_definition":
		if d := w.t.field(n, "definition"); d != nil {
			w.pyStatement(d, n, class)
		}
	case "function_definition":
		k := KindFunction
		if class != "" {
			k = KindMethod
		}
		w.pyAdd(whole, n, k, class)
	case "class_definition":
		w.pyAdd(whole, n, KindClass, class)
		if name := w.t.field(n, "name"); name != nil {
			w.pyBlock(w.t.field(n, "body"), w.text(name))
		}
	case "expression_statement":
		for _, a := range w.children(n) {
			if w.kind(a) != "assignment" {
				continue
			}
			left := w.t.field(a, "left")
			if left == nil || w.kind(left) != "identifier" {
				continue
			}
			name := w.text(left)
			k := KindVariable
			switch {
			case class != "":
				k = KindField
			case strings.ToUpper(name) == name:
				k = KindConstant
			}
			w.add(n, left, k, class, n)
		}
	case "import_statement":
		for _, c := range w.children(n) {
			switch w.kind(c) {
			case "dotted_name":
				w.addImport(n, w.text(c), "", nil)
			case "aliased_import":
				if p := w.t.field(c, "name"); p != nil {
					w.addImport(n, w.text(p), w.fieldText(c, "alias"), nil)
				}
			}
		}
	case "import_from_statement":
		mod := w.t.field(n, "module_name")
		if mod == nil {
			return
		}
		var names []string
		for i := range n.NamedChildCount() {
			if n.FieldNameForNamedChild(uint32(i)) == "name" {
				c := n.NamedChild(i)
				if w.kind(c) == "aliased_import" {
					names = append(names, w.fieldText(c, "name"))
				} else {
					names = append(names, w.text(c))
				}
			}
		}
		w.addImport(n, w.text(mod), "", names)
	case "if_statement", "try_statement":
		// Conditional definitions and imports at module level
		// (if TYPE_CHECKING:, try: import x except ImportError: ...).
		if class == "" {
			for _, c := range w.children(n) {
				if w.kind(c) == "block" {
					w.pyBlock(c, "")
				}
			}
		}
	}
}

// pyAdd records a function or class, with its docstring when it has one and
// no comment above.
func (w *outliner) pyAdd(whole, def *tree_sitter.Node, k Kind, class string) {
	before := len(w.out.Definitions)
	w.add(whole, w.t.field(def, "name"), k, class, whole)
	if len(w.out.Definitions) == before {
		return
	}
	d := &w.out.Definitions[before]
	d.Signature = w.t.signature(def)
	if body := w.t.field(def, "body"); body != nil && body.NamedChildCount() > 0 {
		first := body.NamedChild(0)
		if w.kind(first) == "expression_statement" && first.NamedChildCount() > 0 && w.kind(first.NamedChild(0)) == "string" {
			d.Doc = w.text(first.NamedChild(0))
		}
	}
}

func (w *outliner) fieldText(n *tree_sitter.Node, field string) string {
	if c := w.t.field(n, field); c != nil {
		return w.text(c)
	}
	return ""
}
