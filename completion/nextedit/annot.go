package nextedit

import (
	"sort"
	"strings"
)

// annotatedName returns the name whose type annotation holds toks[i] in
// src, the text of path: a Python or TypeScript parameter, variable or
// field written name: T (name?: T in TypeScript), the annotation on the
// name's line. "" when toks[i] is in no annotation (a value, a return
// type, a lambda's or a dictionary's colon).
//
// A type changed in one annotation is a choice for that name (a
// parameter widened, a field's collection type changed); the same
// parameter of the other functions goes with it, not every annotation
// that spells the same type (data from replayed histories).
func annotatedName(path, src string, toks []token, i int) string {
	if !pyFile(path) && !tsFile(path) || i <= 0 || i >= len(toks) {
		return ""
	}
	depth := 0
	for j := i - 1; j >= 0; j-- {
		if strings.Contains(src[toks[j].end:toks[j+1].start], "\n") {
			return "" // the annotation's line only
		}
		switch t := toks[j]; {
		case t.text == ")" || t.text == "]" || t.text == "}" || t.text == ">" && tsFile(path):
			depth++
		case t.text == "[" || t.text == "<" && tsFile(path):
			if depth > 0 {
				depth--
			} // else a type's subscript (Optional[T], Array<T>) the site stands in
		case t.text == "(" || t.text == "{":
			if depth == 0 {
				return "" // an argument or a literal's element, not an annotation
			}
			depth--
		case depth > 0:
		case t.text == ":":
			n := j - 1
			if n > 0 && tsFile(path) && toks[n].text == "?" && toks[n].end == t.start {
				n--
			}
			if n < 0 || toks[n].class != classIdent || keyword(toks[n].text) {
				return ""
			}
			if n == 0 {
				return toks[n].text // the file's first line
			}
			switch prev := toks[n-1]; {
			case prev.text == "(" || prev.text == "," || prev.text == "." || prev.text == "*" || prev.text == ";" && tsFile(path):
			case strings.Contains(src[prev.end:toks[n].start], "\n"):
			case tsFile(path) && jsModifiers[prev.text]:
			default:
				return "" // lambda x:, if x:, {x: ...}
			}
			return toks[n].text
		case t.class == classIdent && !keyword(t.text) || t.class == classString || t.class == classNumber:
		case t.text == "." || t.text == "," || t.text == "|" || t.text == "&":
		default:
			return "" // an operator: a value, a return type (->), a default (=)
		}
	}
	return ""
}

// sameAnnotation keeps the edits of src whose first token lies in the
// annotation of name, or is name (a line that annotates it).
func sameAnnotation(path, src string, toks []token, name string, edits []Edit) []Edit {
	var out []Edit
	for _, e := range edits {
		k := sort.Search(len(toks), func(k int) bool { return toks[k].start >= e.Start })
		if k < len(toks) && toks[k].start == e.Start && (toks[k].text == name || annotatedName(path, src, toks, k) == name) {
			out = append(out, e)
		}
	}
	return out
}

func tsFile(path string) bool {
	for _, ext := range []string{".ts", ".tsx", ".mts", ".cts"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}
