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
		if toks[n+1].text != "(" || keyword(toks[n].text) || reserved[toks[n].text] || jsControl[toks[n].text] {
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
	return false
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
