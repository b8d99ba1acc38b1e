package nextedit

// formatless infers a Go printf-style call whose only argument is not a
// format string switched to its plain variant (t.Fatalf(body) →
// t.Fatal(body), log.Printf(msg) → log.Print(msg)): the argument would be
// read as a format, which go vet reports, so the other calls of the
// method given one argument that is no string literal switch too, in the
// top-level declaration (the function) that holds the edit. Replayed
// histories fix such calls a function or a file at a time, the rest in
// later commits: proposed through the file, most of the sites of the
// commits that began the fix were not the commit's. A call with a literal
// format, or with more arguments, keeps its method. bt[k] is the method's
// name in before, old it, name the new one. Nil when the edit is no such
// switch.
func formatless(path, before string, bt []token, k int, old, name string) *Change {
	if !goFile(path) || old != name+"f" || len(name) < 2 || k == 0 || bt[k-1].text != "." || !loneNonFormat(bt, k+1) {
		return nil
	}
	ds, de := topLevel(before, bt[k].start)
	c := &Change{Kind: KindRepeat, Name: old, New: name, Scope: Span{ds, de + len(name) - len(old)}}
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for j, t := range toks {
			if j > 0 && toks[j-1].text == "." && t.class == classIdent && t.text == old && t.start >= scope.Start && t.end <= scope.End &&
				loneNonFormat(toks, j+1) {
				out = append(out, Edit{Start: t.start, End: t.end, NewText: name})
			}
		}
		return out
	}
	return c
}

// loneNonFormat reports whether toks[open] opens a call's argument list
// that holds one argument, not begun by a string literal nor spread
// (f(args...)).
func loneNonFormat(toks []token, open int) bool {
	if open+1 >= len(toks) || toks[open].text != "(" || toks[open+1].text == ")" || toks[open+1].class == classString {
		return false
	}
	depth := 0
	for j := open; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return !(j >= open+3 && toks[j-1].text == "." && toks[j-2].text == ".") // a spread (...): the lexer gives each dot alone
			}
		case ",":
			if depth == 1 {
				return false
			}
		}
	}
	return false
}
