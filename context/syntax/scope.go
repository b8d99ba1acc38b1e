package syntax

import (
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// Kind is the kind of a definition or scope.
type Kind string

const (
	KindFunction  Kind = "function"
	KindMethod    Kind = "method"
	KindType      Kind = "type" // type alias or named type that is none of the below
	KindStruct    Kind = "struct"
	KindClass     Kind = "class"
	KindInterface Kind = "interface" // also Rust traits
	KindEnum      Kind = "enum"
	KindConstant  Kind = "constant" // also enum members
	KindVariable  Kind = "variable"
	KindField     Kind = "field"
	KindModule    Kind = "module" // namespaces, Rust mods, TS namespaces
	KindMacro     Kind = "macro"
)

// Scope is a function, type, class or module that encloses an offset.
type Scope struct {
	Kind               Kind
	Name               string // "" for anonymous functions
	Start, End         int    // byte range of the whole construct
	StartLine, EndLine int    // zero-based, inclusive
	// Signature is the header of the construct: its text up to its body
	// (for a function, the declaration line(s) without the opening brace).
	Signature string
}

// scopeKinds maps node kinds that open a scope, per language.
var scopeKinds = map[string]map[string]Kind{
	"go": {
		"function_declaration": KindFunction, "method_declaration": KindMethod, "func_literal": KindFunction,
		"type_spec": KindType,
	},
	"python": {"function_definition": KindFunction, "class_definition": KindClass},
	"javascript": {
		"function_declaration": KindFunction, "generator_function_declaration": KindFunction,
		"function_expression": KindFunction, "generator_function": KindFunction, "arrow_function": KindFunction,
		"method_definition": KindMethod, "class_declaration": KindClass, "class": KindClass,
	},
	"rust": {
		"function_item": KindFunction, "impl_item": KindType, "trait_item": KindInterface, "struct_item": KindStruct,
		"enum_item": KindEnum, "mod_item": KindModule, "closure_expression": KindFunction,
	},
	"java": {
		"class_declaration": KindClass, "interface_declaration": KindInterface, "enum_declaration": KindEnum,
		"record_declaration": KindClass, "method_declaration": KindMethod, "constructor_declaration": KindMethod,
		"lambda_expression": KindFunction,
	},
	"c": {
		"function_definition": KindFunction, "struct_specifier": KindStruct, "union_specifier": KindStruct,
		"enum_specifier": KindEnum,
	},
}

func init() {
	ts := map[string]Kind{
		"interface_declaration": KindInterface, "enum_declaration": KindEnum, "internal_module": KindModule,
		"abstract_class_declaration": KindClass,
	}
	for k, v := range scopeKinds["javascript"] {
		ts[k] = v
	}
	scopeKinds["typescript"], scopeKinds["tsx"] = ts, ts
	cpp := map[string]Kind{"class_specifier": KindClass, "namespace_definition": KindModule, "lambda_expression": KindFunction}
	for k, v := range scopeKinds["c"] {
		cpp[k] = v
	}
	scopeKinds["cpp"] = cpp
}

// Scopes returns the scopes that enclose byte offset off, innermost first.
// A scope encloses off when off lies inside it or at its end.
func (t *Tree) Scopes(off int) []Scope {
	kinds := scopeKinds[t.lang.Name]
	var scopes []Scope
	for n := t.NodeAt(off); n != nil; n = n.Parent() {
		k, ok := kinds[t.lang.kindOf(n.KindId()).name]
		if !ok || !n.IsNamed() {
			continue
		}
		if k == KindType && t.lang == langGo {
			k = goTypeKind(n)
		}
		if (k == KindStruct || k == KindEnum) && t.field(n, "body") == nil && t.lang != langGo && t.lang != langRust {
			continue // a C "struct x" type reference, not a definition
		}
		scopes = append(scopes, t.scope(n, k))
	}
	return scopes
}

func (t *Tree) scope(n *tree_sitter.Node, k Kind) Scope {
	s, e := n.StartByte(), n.EndByte()
	return Scope{
		Kind: k, Name: t.nameOf(n),
		Start: int(s), End: int(e),
		StartLine: int(n.StartPosition().Row), EndLine: endLine(n),
		Signature: t.signature(n),
	}
}

// nameOf returns the name a definition node declares, or "".
func (t *Tree) nameOf(n *tree_sitter.Node) string {
	kind := t.lang.kindOf(n.KindId()).name
	switch kind {
	case "impl_item":
		if ty := t.field(n, "type"); ty != nil {
			return baseTypeName(t.Text(ty))
		}
	case "function_definition":
		if t.lang == langC || t.lang == langCPP {
			_, name := t.declaratorName(t.field(n, "declarator"))
			return name
		}
	case "arrow_function", "function_expression", "generator_function", "func_literal", "lambda_expression", "closure_expression":
		if p := n.Parent(); p != nil {
			if name := t.field(p, "name"); name != nil && name.Id() != n.Id() {
				return t.Text(name)
			}
			if left := t.field(p, "left"); left != nil {
				return t.Text(left)
			}
		}
		return ""
	}
	if name := t.field(n, "name"); name != nil {
		return t.Text(name)
	}
	return ""
}

// baseTypeName strips generics, references and paths from a type: "&mut
// foo::Bar<T>" is "Bar".
func baseTypeName(s string) string {
	if i := strings.IndexAny(s, "<["); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "::"); i >= 0 {
		s = s[i+2:]
	}
	if i := strings.LastIndex(s, "."); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimLeft(strings.TrimSpace(s), "*&")
}

// maxSignature bounds a signature's length in bytes.
const maxSignature = 400

// signature returns the header of a construct: its text up to its body, or
// its first line when it has no body, trimmed of an opening brace.
func (t *Tree) signature(n *tree_sitter.Node) string {
	start, end := n.StartByte(), n.EndByte()
	if body := t.field(n, "body"); body != nil && body.StartByte() > start {
		end = body.StartByte()
	} else if i := indexByte(t.src[start:end], '\n'); i >= 0 {
		end = start + uint(i)
	}
	sig := strings.TrimSpace(string(t.src[start:end]))
	sig = strings.TrimSpace(strings.TrimSuffix(sig, "{"))
	if len(sig) > maxSignature {
		sig = sig[:maxSignature]
	}
	return sig
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
