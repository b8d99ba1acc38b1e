package nextedit

import (
	"sort"
	"strings"
)

// bringsLocal returns a name the tokens cur bring in place of old (one
// old does not hold) that the top-level declaration around bt[oi]
// declares below its top level: a variable or parameter (res.end() →
// res.json(calls), calls a local of the test). The change holds only
// where that name is declared too. "" when there is none.
func bringsLocal(path, before string, bt []token, oi int, old, cur []token) string {
	off := len(before)
	if oi < len(bt) {
		off = bt[oi].start
	}
	ds, de := topLevel(before, off)
next:
	for k, t := range cur {
		if t.class != classIdent || k > 0 && cur[k-1].text == "." || keyword(t.text) || reserved[t.text] || constants[t.text] {
			continue
		}
		for _, o := range old {
			if o.text == t.text {
				continue next
			}
		}
		if declaredLocally(path, before, bt, ds, de, t.text) {
			return t.text
		}
	}
	return ""
}

// whereDeclared keeps the edits of src, the text of a file of path's
// language, that stand where name is declared: at the file's top level,
// or in the top-level declaration around the edit.
func whereDeclared(path, src string, toks []token, name string, edits []Edit) []Edit {
	if len(edits) == 0 || topDeclared(path, src, toks, name) {
		return edits
	}
	var out []Edit
	local := make(map[int]bool) // by the start of the top-level declaration: the edits of one share it
	for _, e := range edits {
		ds, de := topLevel(src, e.Start)
		in, ok := local[ds]
		if !ok {
			in = declaredLocally(path, src, toks, ds, de, name)
			local[ds] = in
		}
		if in {
			out = append(out, e)
		}
	}
	return out
}

// topDeclared reports whether src declares name on a line that starts at
// column 0 (func name, var name, const name = in JavaScript, name = in
// Python) or in a Go group: a name of the file's top level.
func topDeclared(path, src string, toks []token, name string) bool {
	for k, t := range toks {
		if t.class != classIdent || t.text != name {
			continue
		}
		ls := strings.LastIndexByte(src[:t.start], '\n') + 1
		if ls < len(src) && (src[ls] == ' ' || src[ls] == '\t') {
			if goFile(path) && goGroupedAt(src, toks, k) {
				return true
			}
			continue
		}
		if declaredAt(toks, k) || pyFile(path) && assignedAt(src, toks, k) {
			return true
		}
	}
	return false
}

// declaredLocally reports whether name is declared in before[ds:de], a
// top-level declaration, below its top level: after var, let, const or
// for, before :=, assigned where a Python line starts, or as a parameter
// (after ( or , in parentheses a body or an arrow follows).
func declaredLocally(path, before string, bt []token, ds, de int, name string) bool {
	for k := sort.Search(len(bt), func(k int) bool { return bt[k].start >= ds }); k < len(bt); k++ {
		t := bt[k]
		if t.end > de {
			return false
		}
		if t.class != classIdent || t.text != name || k == 0 || bt[k-1].text == "." || k+1 >= len(bt) {
			continue
		}
		prev, next := bt[k-1].text, bt[k+1].text
		switch {
		case t.start == ds:
			return false // the declaration's own name: top level
		case prev == "var" || prev == "let" || prev == "const" || prev == "for":
			return true
		case next == ":" && k+2 < len(bt) && bt[k+2].text == "=" && bt[k+2].start == bt[k+1].end:
			return true
		case pyFile(path) && next == "=" && strings.Contains(before[bt[k-1].end:t.start], "\n") && !(k+2 < len(bt) && bt[k+2].text == "="):
			return true
		case prev == "(" || prev == ",":
			if open := enclosingParen(bt, k); open < 0 {
				continue
			} else if _, close := splitArgs(bt, open); close+1 < len(bt) {
				switch bt[close+1].text {
				case "{", "=>", ":":
					return true
				}
			}
		}
	}
	return false
}
