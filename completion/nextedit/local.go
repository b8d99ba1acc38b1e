package nextedit

import "strings"

// bringsLocal reports whether the tokens cur, which replace the tokens of
// before from bt[oi] on, name a variable or parameter that the top-level
// declaration around bt[oi] declares (res.end() → res.json(calls), calls
// a local of the test): the change repeats only where that variable is
// in scope, inside that declaration. It returns the declaration's span.
func bringsLocal(path, before string, bt []token, oi int, cur []token) (Span, bool) {
	off := len(before)
	if oi < len(bt) {
		off = bt[oi].start
	}
	ds, de := topLevel(before, off)
	for k, t := range cur {
		if t.class != classIdent || k > 0 && cur[k-1].text == "." || keyword(t.text) || reserved[t.text] || constants[t.text] {
			continue
		}
		if declaredLocally(path, before, bt, ds, de, t.text) {
			return Span{ds, de}, true
		}
	}
	return Span{}, false
}

// declaredLocally reports whether name is declared in before[ds:de], a
// top-level declaration, below its top level: after var, let, const or
// for, before :=, assigned where a Python line starts, or as a parameter
// (after ( or , in parentheses a body or an arrow follows).
func declaredLocally(path, before string, bt []token, ds, de int, name string) bool {
	for k, t := range bt {
		if t.start < ds {
			continue
		}
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
			if open := openerOf(bt, k); bt[open].text != "(" {
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

// openerOf returns the index of the ( that opens the parentheses around
// bt[k], or k-1.
func openerOf(bt []token, k int) int {
	depth := 0
	for j := k - 1; j >= 0 && j >= k-200; j-- {
		switch bt[j].text {
		case ")", "]", "}":
			depth++
		case "[", "{":
			depth--
		case "(":
			if depth == 0 {
				return j
			}
			depth--
		}
	}
	return k - 1
}
