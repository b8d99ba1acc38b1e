package nextedit

import "strings"

// methodAt reports whether toks[n] of src, the text of path, names a
// method being declared: a Go function with a receiver, a Python def
// inside a class, a JavaScript or TypeScript class method (a name that
// opens its line, its parameters, then its body). Its uses are calls on
// values (x.name(...), self.name, this.name), which a rename at the
// declaration reaches.
func methodAt(path, src string, toks []token, n int) bool {
	if n == 0 || n+1 >= len(toks) {
		return false
	}
	switch {
	case goFile(path):
		return toks[n-1].text == ")" && declaration(toks, n)
	case pyFile(path):
		return toks[n-1].text == "def" && inClass(src, toks[n-1].start)
	case jsFile(path):
		return jsMethodAt(src, toks, n)
	}
	return false
}

// jsMethodAt reports whether toks[n] of src, JavaScript or TypeScript,
// names a class method or an interface's method being declared: a name
// that opens its line after its modifiers, its parameters, then its body
// or its return type.
func jsMethodAt(src string, toks []token, n int) bool {
	if n+1 >= len(toks) || toks[n+1].text != "(" || keyword(toks[n].text) || reserved[toks[n].text] || jsControl[toks[n].text] {
		return false
	}
	k := n - 1
	for k >= 0 && jsModifiers[toks[k].text] {
		k--
	}
	if k >= 0 && !strings.Contains(src[toks[k].end:toks[k+1].start], "\n") {
		return false // not the line's first word: a call, or a function
	}
	_, close := splitArgs(toks, n+1)
	return close+1 < len(toks) && (toks[close+1].text == "{" || toks[close+1].text == ":")
}

// inClass reports whether the line of src that holds off is indented and
// the nearest line above it indented less opens a class.
func inClass(src string, off int) bool {
	ls := strings.LastIndexByte(src[:off], '\n') + 1
	ind := len(src[ls:off]) - len(strings.TrimLeft(src[ls:off], " \t"))
	if ind == 0 {
		return false
	}
	for e := ls - 1; e > 0; {
		s := strings.LastIndexByte(src[:e], '\n') + 1
		line := src[s:e]
		if t := strings.TrimLeft(line, " \t"); t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "@") {
			if len(line)-len(t) < ind {
				return strings.HasPrefix(t, "class ")
			}
		}
		e = s - 1
	}
	return false
}

func jsFile(path string) bool {
	for _, ext := range []string{".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

// jsModifiers may precede a class method's name on its line.
var jsModifiers = map[string]bool{"static": true, "async": true, "get": true, "set": true, "public": true, "private": true, "protected": true, "override": true, "readonly": true, "*": true}

// jsControl are the JavaScript keywords a parenthesis and a block follow.
var jsControl = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "catch": true, "with": true, "function": true}

// memberAt reports whether toks[n] of src, the text of path, names a
// field or property being declared in its type: a Go struct field, a
// Python class attribute (a name that opens its line in a class body,
// then : or =), a JavaScript or TypeScript class or interface property
// (a name that opens its line after its modifiers, then :, ?, = or ;).
func memberAt(path, src string, toks []token, n int) bool {
	if n == 0 || n+1 >= len(toks) || toks[n].class != classIdent {
		return false
	}
	next := toks[n+1].text
	switch {
	case goFile(path):
		return fieldAt(src, toks, n) && toks[n+1].text != "(" && structBody(toks, n)
	case pyFile(path):
		return (next == ":" || next == "=" && !(n+2 < len(toks) && toks[n+2].text == "=")) &&
			strings.Contains(src[toks[n-1].end:toks[n].start], "\n") && inClass(src, toks[n].start)
	case jsFile(path):
		if next != ":" && next != "?" && next != "=" && next != ";" {
			return false
		}
		k := n - 1
		for k >= 0 && jsModifiers[toks[k].text] {
			k--
		}
		if k < 0 || !strings.Contains(src[toks[k].end:toks[k+1].start], "\n") {
			return false
		}
		return typeBody(toks, n, "class", "interface")
	}
	return false
}

// structBody reports whether toks[n] stands in the braces of a Go struct
// type.
func structBody(toks []token, n int) bool {
	return typeBody(toks, n, "struct")
}

// typeBody reports whether the innermost braces around toks[n] open the
// body of a type declared by one of words (struct {, class A extends B {,
// interface A {): one of them stands among the tokens before the brace,
// back to the statement's start.
func typeBody(toks []token, n int, words ...string) bool {
	depth := 0
	for j := n - 1; j >= 0; j-- {
		switch toks[j].text {
		case "}":
			depth++
		case "{":
			if depth > 0 {
				depth--
				continue
			}
			for i := j - 1; i >= 0 && i >= j-12; i-- {
				switch toks[i].text {
				case ";", "{", "}", "=", "(", ")":
					return false // a block, a literal, a function's body
				}
				for _, w := range words {
					if toks[i].text == w {
						return true
					}
				}
			}
			return false
		}
	}
	return false
}

// keyedAt reports whether toks[k] is the key of a keyed element of a
// composite literal (T{count: 1}, {a, count: 1}).
func keyedAt(toks []token, k int) bool {
	return k > 0 && k+1 < len(toks) && toks[k+1].text == ":" && (toks[k-1].text == "{" || toks[k-1].text == ",")
}

// boundAt reports whether toks[k] is a name an import statement binds in
// the file (import { a, b as c } from, import a from, from m import a,
// import m as n) or, in Python, a with statement binds (with open(p) as
// f:; not except E as e, one of many a function may hold). Not a Python
// module imported by its own name (import platform → import sys: another
// module, whose members differ).
func boundAt(path string, toks []token, k int) bool {
	py := pyFile(path)
	if py && k > 0 && toks[k-1].text == "as" && withAs(toks, k) {
		return true
	}
	for j := k - 1; j >= 0 && j >= k-100; j-- {
		switch t := toks[j]; {
		case t.text == "import":
			if py && toks[k-1].text != "as" {
				return fromImport(toks, j)
			}
			return jsFile(path) || py
		case t.text == "," || t.text == "{" || t.text == "(" || t.text == "*" || t.text == "as" || t.text == "type":
		case t.class == classIdent && !keyword(t.text) && !reserved[t.text]:
		default:
			return false
		}
	}
	return false
}

// withAs reports whether toks[k], a name after as, is bound by a Python
// with statement: with opens the statement.
func withAs(toks []token, k int) bool {
	depth := 0
	for j := k - 2; j >= 0 && j >= k-60; j-- {
		switch toks[j].text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			depth--
		case "with":
			return depth == 0
		case ":", "except", "import":
			if depth == 0 {
				return false
			}
		}
	}
	return false
}

// goGroupedAt reports whether toks[n] of src opens a line of a Go var,
// const or type group (var (\n\tname = ...): a top-level declaration.
func goGroupedAt(src string, toks []token, n int) bool {
	if n == 0 || !strings.Contains(src[toks[n-1].end:toks[n].start], "\n") {
		return false
	}
	depth := 0
	for j := n - 1; j >= 0; j-- {
		switch toks[j].text {
		case ")", "}", "]":
			depth++
		case "(", "{", "[":
			if depth == 0 {
				return toks[j].text == "(" && j > 0 && (toks[j-1].text == "var" || toks[j-1].text == "const" || toks[j-1].text == "type")
			}
			depth--
		case "func":
			if depth == 0 {
				return false // past a function: at the top level
			}
		}
	}
	return false
}

// fromImport reports whether toks[j], a Python import, follows a from
// clause (from .m import).
func fromImport(toks []token, j int) bool {
	for i := j - 1; i >= 0 && i >= j-30; i-- {
		switch t := toks[i]; {
		case t.text == "from":
			return true
		case t.text == "." || t.class == classIdent && !keyword(t.text) && !reserved[t.text]:
		default:
			return false
		}
	}
	return false
}

// signatureParam reports whether toks[k] names a parameter of a method an
// interface declares (Go: Get(pattern string, h Handler); TypeScript:
// get(url: string): Promise<T>): inside the parentheses that follow the
// method's name, in the braces of an interface.
func signatureParam(path string, toks []token, k int) bool {
	if !goFile(path) && !jsFile(path) || k+1 >= len(toks) {
		return false
	}
	depth := 0
	for j := k - 1; j >= 0; j-- {
		switch toks[j].text {
		case ")", "]":
			depth++
		case "[":
			depth--
		case "{", "}", ";", "=":
			return false
		case "(":
			if depth > 0 {
				depth--
				continue
			}
			return j > 0 && toks[j-1].class == classIdent && !keyword(toks[j-1].text) && !jsControl[toks[j-1].text] && !reserved[toks[j-1].text] &&
				(toks[j+1].text != ")") && typeBody(toks, k, "interface")
		}
	}
	return false
}
