package nextedit

import (
	"strings"
)

// arguments infers a change to the arguments of one call, or to the
// parameters of one declaration: an argument or parameter added, removed
// or (for a call) replaced. The other calls of the same function with the
// old number of arguments get the same change; the calls of a declaration
// that gained a parameter get a placeholder for it.
func arguments(path, before, after string, bt, at []token, i, oj, nj int) *Change {
	open := enclosingParen(at, i)
	if open < 1 || at[open-1].class != classIdent || notCallee[at[open-1].text] {
		return nil
	}
	oldArgs, oldClose := splitArgs(bt, open)
	newArgs, newClose := splitArgs(at, open)
	if oldClose < oj || newClose < nj {
		return nil // the change reaches outside the parentheses
	}
	name := at[open-1].text
	js := jsFile(path)
	decl := declaration(at, open-1) || js && jsMethodAt(after, at, open-1)
	k, op := argChange(bt, at, oldArgs, newArgs)
	if op == 0 {
		return nil
	}
	c := &Change{Kind: KindArgument, Name: name, Scope: Span{0, len(after)}}
	// The same call may stand in other files, in any language (data from
	// replayed histories: res.redirect('back') changed across examples).
	c.Exported = true
	c.Package = !exported(path, name)
	want := len(oldArgs)
	switch {
	case decl && op == 1:
		param := placeholder(at[newArgs[k].Start:newArgs[k].End])
		var mirrors func(src string, toks []token, scope Span) []Edit
		if follows := headerTail(before, bt, oldClose); js && jsMethodAt(after, at, open-1) && !strings.HasSuffix(follows, "{ ") {
			// A method declared without a body (in an interface, a
			// declaration file) gains the same parameter where it is
			// declared again with the same header (its copy in another
			// declaration file); a method with a body, or another return
			// type, is another method.
			header := callText(bt, open, oldArgs)
			decl := after[at[newArgs[k].Start].start:at[newArgs[k].End-1].end]
			mirrors = func(src string, toks []token, scope Span) []Edit {
				var out []Edit
				for j := 0; j+1 < len(toks); j++ {
					if toks[j].text != name || toks[j].start < scope.Start || toks[j].end > scope.End || !jsMethodAt(src, toks, j) {
						continue
					}
					args, close := splitArgs(toks, j+1)
					if headerTail(src, toks, close) == follows && callText(toks, j+1, args) == header {
						out = append(out, insertArg(toks, args, j+1, close, k, decl, false))
					}
				}
				return out
			}
		}
		if param == "" || k == len(oldArgs) && jsFile(path) && !tsFile(path) {
			// Callers need not pass it (JavaScript's callers may leave
			// out its last parameters).
			if mirrors == nil {
				return nil
			}
			c.Kind = KindParameter
			c.sites = func(src string, toks []token, scope Span, same bool) []Edit { return mirrors(src, toks, scope) }
			return c
		}
		if len(oldArgs) > 0 && (text(bt[oldArgs[0].Start:oldArgs[0].End]) == "self" || text(bt[oldArgs[0].Start:oldArgs[0].End]) == "cls") {
			want, k = want-1, k-1 // a Python method's callers pass self implicitly
		}
		c.Kind = KindParameter
		c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
			out := callSites(src, toks, js, name, want, scope, func(args []Span, open, close int) (Edit, bool) {
				return insertArg(toks, args, open, close, k, param, true), true
			})
			if mirrors != nil {
				out = append(out, mirrors(src, toks, scope)...)
			}
			return out
		}
	case decl:
		return nil // a parameter removed or changed: the calls need a person
	case op == 1:
		// The same argument at the calls on the same receiver: calls on
		// others may take other arguments (a variadic list).
		arg := after[at[newArgs[k].Start].start:at[newArgs[k].End-1].end]
		call := callText(bt, open, oldArgs)
		recv := receiver(bt, open-1)
		family := pyFile(path) && recv != "" && keywordArg(at[newArgs[k].Start:newArgs[k].End])
		c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
			out := callSites(src, toks, js, name, want, scope, func(args []Span, open, close int) (Edit, bool) {
				return insertArg(toks, args, open, close, k, arg, false), callText(toks, open, args) == call
			})
			if family && same {
				out = append(out, familySites(toks, name, recv, want, k, arg, call, scope)...)
			}
			return out
		}
	case op == -1:
		gone := text(bt[oldArgs[k].Start:oldArgs[k].End])
		c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
			return callSites(src, toks, js, name, want, scope, func(args []Span, open, close int) (Edit, bool) {
				if text(toks[args[k].Start:args[k].End]) != gone {
					return Edit{}, false
				}
				return removeArg(toks, args, open, close, k), true
			})
		}
	default: // replaced
		if o, n := bt[oldArgs[k].Start:oldArgs[k].End], at[newArgs[k].Start:newArgs[k].End]; len(o) == 1 && len(n) == 1 && o[0].class == classNumber && n[0].class == classNumber {
			return nil // a number tuned at one call: the same number elsewhere has its own reasons
		}
		was := text(bt[oldArgs[k].Start:oldArgs[k].End])
		arg := after[at[newArgs[k].Start].start:at[newArgs[k].End-1].end]
		call := callText(bt, open, oldArgs)
		if o := bt[oldArgs[k].Start:oldArgs[k].End]; len(o) >= 2 && wraps(at[newArgs[k].Start:newArgs[k].End], o) {
			// An argument wrapped (x.F → quote(x.F)): the same argument
			// of the same function, wherever it stands among the others.
			recv := receiver(bt, open-1)
			c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
				return callSites(src, toks, js, name, -1, scope, func(args []Span, open, close int) (Edit, bool) {
					if receiver(toks, open-1) != recv {
						return Edit{}, false
					}
					for _, a := range args {
						if text(toks[a.Start:a.End]) == was {
							return Edit{Start: toks[a.Start].start, End: toks[a.End-1].end, NewText: arg}, true
						}
					}
					return Edit{}, false
				})
			}
			return c
		}
		c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
			return callSites(src, toks, js, name, want, scope, func(args []Span, open, close int) (Edit, bool) {
				a := args[k]
				if text(toks[a.Start:a.End]) != was || callText(toks, open, args) != call {
					return Edit{}, false
				}
				return Edit{Start: toks[a.Start].start, End: toks[a.End-1].end, NewText: arg}, true
			})
		}
	}
	return c
}

// headerTail returns the tokens of a declaration's header after its
// parameters, toks[close] ")", to its body's "{" or its ";" on the same
// line of src (a return type): a method declared with another return type
// is another method.
func headerTail(src string, toks []token, close int) string {
	var b strings.Builder
	for j := close + 1; j < len(toks) && !strings.Contains(src[toks[j-1].end:toks[j].start], "\n"); j++ {
		b.WriteString(toks[j].text + " ")
		if toks[j].text == "{" || toks[j].text == ";" {
			break
		}
	}
	return b.String()
}

// wraps reports whether cur is a call whose arguments hold old: old
// wrapped (f(old), f(old, y)).
func wraps(cur, old []token) bool {
	if len(cur) < len(old)+3 || cur[0].class != classIdent {
		return false
	}
	k := 0
	for k+2 < len(cur) && cur[k].class == classIdent && cur[k+1].text == "." {
		k += 2
	}
	if k+1 >= len(cur) || cur[k+1].text != "(" || cur[len(cur)-1].text != ")" {
		return false
	}
	args, close := splitArgs(cur, k+1)
	if close != len(cur)-1 {
		return false
	}
	for _, a := range args {
		if text(cur[a.Start:a.End]) == text(old) {
			return true
		}
	}
	return false
}

// receiver returns the identifier before the "." that precedes toks[n],
// or "" when toks[n] is not a selector.
func receiver(toks []token, n int) string {
	if n >= 2 && toks[n-1].text == "." {
		return toks[n-2].text
	}
	return ""
}

// callText returns a call as normalised text: its receiver, name and
// arguments. A change made to one call is repeated only at the same
// call elsewhere: calls that differ may want other arguments (data from
// replayed histories: a variadic list, a different context).
func callText(toks []token, open int, args []Span) string {
	var b strings.Builder
	b.WriteString(receiver(toks, open-1) + "." + toks[open-1].text + "(")
	for _, a := range args {
		b.WriteString(text(toks[a.Start:a.End]) + ",")
	}
	return b.String()
}

// argChange compares two argument lists (spans of tokens) and returns the
// index of the one argument that differs and how: op 1 inserted, -1
// removed, 2 replaced, 0 anything else.
func argChange(bt, at []token, oldArgs, newArgs []Span) (k, op int) {
	o := make([]string, len(oldArgs))
	for j, a := range oldArgs {
		o[j] = text(bt[a.Start:a.End])
	}
	n := make([]string, len(newArgs))
	for j, a := range newArgs {
		n[j] = text(at[a.Start:a.End])
	}
	for _, s := range n {
		if s == "" {
			return 0, 0 // a trailing comma or an argument being typed
		}
	}
	switch len(n) - len(o) {
	case 1:
		if k, ok := oneApart(o, n); ok {
			return k, 1
		}
	case -1:
		if k, ok := oneApart(n, o); ok {
			return k, -1
		}
	case 0:
		k, diffs := 0, 0
		for j := range o {
			if o[j] != n[j] {
				k, diffs = j, diffs+1
			}
		}
		if diffs == 1 {
			return k, 2
		}
	}
	return 0, 0
}

// oneApart reports whether long is short with one element inserted, and
// where.
func oneApart(short, long []string) (int, bool) {
	k := 0
	for k < len(short) && short[k] == long[k] {
		k++
	}
	for j := k; j < len(short); j++ {
		if short[j] != long[j+1] {
			return 0, false
		}
	}
	return k, true
}

// text joins tokens with single spaces: a text compared after white space
// is normalised.
func text(toks []token) string {
	var b strings.Builder
	for j, t := range toks {
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// enclosingParen returns the index of the unmatched "(" before token i, or
// -1.
func enclosingParen(toks []token, i int) int {
	depth := 0
	for j := min(i, len(toks)) - 1; j >= 0; j-- {
		switch toks[j].text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			if depth == 0 {
				if toks[j].text == "(" {
					return j
				}
				return -1
			}
			depth--
		}
	}
	return -1
}

// splitArgs returns the arguments of the parenthesised list opening at
// toks[open], as token spans, and the index of its ")" (len(toks) if
// unclosed).
func splitArgs(toks []token, open int) ([]Span, int) {
	var args []Span
	depth, start := 0, open+1
	for j := open + 1; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				if j > start || len(args) > 0 {
					args = append(args, Span{start, j})
				}
				return args, j
			}
			depth--
		case ",":
			if depth == 0 {
				args = append(args, Span{start, j})
				start = j + 1
			}
		}
	}
	return args, len(toks)
}

// declaration reports whether the identifier toks[n] names a function
// being declared: it follows func, def, fn or function, or a Go
// method's receiver.
func declaration(toks []token, n int) bool {
	if n == 0 {
		return false
	}
	switch toks[n-1].text {
	case "func", "def", "fn", "function":
		return true
	case ")": // func (r *T) Name(
		depth := 0
		for j := n - 1; j >= 0; j-- {
			switch toks[j].text {
			case ")":
				depth++
			case "(":
				if depth--; depth == 0 {
					return j > 0 && toks[j-1].text == "func"
				}
			}
		}
	}
	return false
}

// placeholder returns the name a new parameter goes by at its call sites,
// or "" when callers need not pass it (a default value, variadic, a
// TypeScript optional one: name?: T).
func placeholder(param []token) string {
	for k, t := range param {
		switch t.text {
		case "=", "...", "*", "**":
			return ""
		case "?":
			if k == 1 {
				return ""
			}
		}
	}
	if len(param) > 0 && param[0].class == classIdent {
		return param[0].text
	}
	return ""
}

// callSites calls edit for every call of name in scope with want
// arguments (any number if want < 0; not its declarations, nor with js
// a JavaScript or TypeScript method's: clear() {, clear(): boolean;) in
// src and returns the edits it makes.
func callSites(src string, toks []token, js bool, name string, want int, scope Span, edit func(args []Span, open, close int) (Edit, bool)) []Edit {
	var out []Edit
	for j := 0; j+1 < len(toks); j++ {
		t := toks[j]
		if t.class != classIdent || t.text != name || toks[j+1].text != "(" || t.start < scope.Start || t.end > scope.End || declaration(toks, j) ||
			js && jsMethodAt(src, toks, j) {
			continue
		}
		args, close := splitArgs(toks, j+1)
		if close == len(toks) || want >= 0 && len(args) != want {
			continue
		}
		if e, ok := edit(args, j+1, close); ok {
			out = append(out, e)
		}
	}
	return out
}

// insertArg returns the edit that inserts arg as argument k of a call
// whose arguments are args, between toks[open] "(" and toks[close] ")".
// With selected, the edit's Selection covers arg.
func insertArg(toks []token, args []Span, open, close, k int, arg string, selected bool) Edit {
	var e Edit
	switch {
	case len(args) == 0:
		e = Edit{Start: toks[open].end, End: toks[open].end, NewText: arg}
	case k < len(args):
		at := toks[args[k].Start].start
		e = Edit{Start: at, End: at, NewText: arg + ", "}
	default:
		at := toks[args[len(args)-1].End-1].end
		e = Edit{Start: at, End: at, NewText: ", " + arg}
	}
	if selected {
		s := strings.Index(e.NewText, arg)
		e.Selection = &Span{s, s + len(arg)}
	}
	return e
}

// removeArg returns the edit that removes argument k and its comma.
func removeArg(toks []token, args []Span, open, close, k int) Edit {
	a := args[k]
	switch {
	case len(args) == 1:
		return Edit{Start: toks[open].end, End: toks[close].start}
	case k+1 < len(args):
		return Edit{Start: toks[a.Start].start, End: toks[args[k+1].Start].start}
	default:
		return Edit{Start: toks[args[k-1].End-1].end, End: toks[a.End-1].end}
	}
}

// repeat infers a token-level change (a changed field, a wrapped call, an
// added keyword) to repeat at the other sites with the same tokens.
func repeat(path, before, after string, bt, at []token, oi, oj, ni, nj int) *Change {
	insertion := oi == oj
	if insertion {
		// An insertion repeats on the same line elsewhere: its line is
		// the pattern (its neighbours alone match too much: "if err").
		ls, le := oi, oj
		startOf := func(j int) int {
			if j < len(bt) {
				return bt[j].start
			}
			return len(before)
		}
		for ls > 0 && !strings.Contains(before[bt[ls-1].end:startOf(ls)], "\n") {
			ls--
		}
		for le < len(bt) && (le == 0 || !strings.Contains(before[bt[le-1].end:bt[le].start], "\n")) {
			le++
		}
		if ls == oi && le == oj {
			return nil
		}
		oi, ni, nj, oj = ls, ls, nj+le-oj, le
	} else {
		// Extend to the right until both sides balance their brackets.
		for n := 0; !balanced(bt[oi:oj]) || !balanced(at[ni:nj]); n++ {
			if n == 8 || oj == len(bt) || nj == len(at) || bt[oj].text != at[nj].text {
				return nil
			}
			oj, nj = oj+1, nj+1
		}
	}
	pattern := bt[oi:oj]
	idents := 0
	for _, t := range pattern {
		// A line an insertion repeats on needs a name of its own: a
		// line of keywords and constants (") -> None:") is everywhere.
		if t.class == classIdent && (!insertion || !constants[t.text] && !reserved[t.text] && !keyword(t.text)) {
			idents++
		}
	}
	if hasIdent(pattern, "import") || hasIdent(pattern, "require") {
		return nil // a file's imports are its own
	}
	if operandless(pattern) {
		return nil // is None → in [None, bool]: a test of the operand before it, which differs at each site
	}
	if len(pattern) < 2 || idents == 0 || ni == nj || bt[oj-1].end-bt[oi].start > 200 ||
		strings.Contains(after[at[ni].start:at[nj-1].end], "\n") ||
		strings.Contains(before[bt[oi].start:bt[oj-1].end], "\n") {
		return nil // a deletion, or a change over lines: no shape to repeat
	}
	want := make([]string, len(pattern))
	for j, t := range pattern {
		want[j] = t.text
	}
	if newNumber(pattern, at[ni:nj]) {
		return nil // a bound or a count set for one site: the others have their own
	}
	if declaresNew(bt[max(oi-1, 0):min(oj+1, len(bt))], at[max(ni-1, 0):min(nj+1, len(at))]) {
		return nil // a variable declared (module.exports = → var defaults =): once, where it is
	}
	repl := after[at[ni].start:at[nj-1].end]
	c := &Change{Kind: KindRepeat, Scope: Span{0, len(after)}, Exported: true, Name: longestWord(strings.Join(want, " "))}
	c.Package = goFile(path) && localName(bt[oi:oj], at[ni:nj])
	// A change that brings a name of the code's own (a new type, a new
	// field) moves its uses to it, in every file that holds the old form;
	// one to a built-in spelling is a choice for each site (data from
	// replayed histories: a Python type annotation widened to object at
	// one parameter, not at the others).
	c.Exported = c.Name == "" || bringsName(bt[oi:oj], at[ni:nj], path)
	follows := opener(bt, oj)
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for _, j := range matchTokens(toks, want, scope, func(j int) bool {
			// Not where the tokens play another part: a function type
			// that began a function literal, a name that became a call.
			o := opener(toks, j+len(want))
			return o == follows || !(o == "(" || o == "[" || o == "{" && (want[0] == "func" || want[0] == "function"))
		}) {
			out = append(out, Edit{Start: toks[j].start, End: toks[j+len(want)-1].end, NewText: repl})
		}
		return out
	}
	return c
}

// minDeleted is the fewest tokens a deleted line holds whose copies are
// deleted too: a short one ("}", "return nil") recurs by chance.
const minDeleted = 5

// deleted infers whole lines deleted (a debugging call, a setting no
// longer needed): the same lines elsewhere go too.
func deleted(path, before, after string, bt []token, oi, oj int) *Change {
	if oj-oi < minDeleted || !wholeLines(before, bt, oi, oj) || !balanced(bt[oi:oj]) || imported(bt, oi) || hasIdent(bt[oi:oj], "import") ||
		!constantCall(bt[oi:oj]) && !declaredAt(bt, oi+1) {
		return nil
	}
	want := make([]string, oj-oi)
	for j, t := range bt[oi:oj] {
		want[j] = t.text
	}
	c := &Change{Kind: KindRepeat, Scope: Span{0, len(after)}, Exported: true, Name: longestWord(strings.Join(want, " "))}
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for _, j := range matchTokens(toks, want, scope, func(j int) bool { return wholeLines(src, toks, j, j+len(want)) }) {
			start := strings.LastIndexByte(src[:toks[j].start], '\n') + 1
			end := len(src)
			if n := strings.IndexByte(src[toks[j+len(want)-1].end:], '\n'); n >= 0 {
				end = toks[j+len(want)-1].end + n + 1
			}
			out = append(out, Edit{Start: start, End: end})
		}
		return out
	}
	return c
}

// matchTokens returns where the runs of toks that spell want start,
// inside scope, not overlapping, and where keep holds.
func matchTokens(toks []token, want []string, scope Span, keep func(j int) bool) []int {
	var out []int
next:
	for j := 0; j+len(want) <= len(toks); j++ {
		if toks[j].start < scope.Start || toks[j+len(want)-1].end > scope.End {
			continue
		}
		for m, w := range want {
			if toks[j+m].text != w {
				continue next
			}
		}
		if keep(j) {
			out = append(out, j)
			j += len(want) - 1
		}
	}
	return out
}

// wholeLines reports whether toks[i:j] are all the tokens of their lines
// of src.
func wholeLines(src string, toks []token, i, j int) bool {
	return (i == 0 || strings.Contains(src[toks[i-1].end:toks[i].start], "\n")) &&
		(j == len(toks) || strings.Contains(src[toks[j-1].end:toks[j].start], "\n"))
}

// constantCall reports whether toks are one call statement whose
// arguments are constants: a setting or a debugging call, the same
// wherever it stands, rather than a step of the code around it.
func constantCall(toks []token) bool {
	k := 0
	for k+2 < len(toks) && toks[k].class == classIdent && toks[k+1].text == "." {
		k += 2
	}
	if k+1 >= len(toks) || toks[k].class != classIdent || toks[k+1].text != "(" {
		return false
	}
	args, close := splitArgs(toks, k+1)
	if close != len(toks)-1 && !(close == len(toks)-2 && toks[close+1].text == ";") {
		return false
	}
	for _, a := range args {
		for _, t := range toks[a.Start:a.End] {
			if t.class == classIdent && !constants[t.text] {
				return false
			}
		}
	}
	return true
}

// constants are the names of constants common to the languages lode reads.
var constants = map[string]bool{"true": true, "false": true, "True": true, "False": true, "None": true, "nil": true, "null": true, "undefined": true}

func hasIdent(toks []token, s string) bool {
	for _, t := range toks {
		if t.text == s {
			return true
		}
	}
	return false
}

// declaresNew reports whether cur declares a variable where old declared
// none: var, let or const and a name, or names before Go's :=. A
// declaration that replaces another (a copied setup line changed) may
// repeat. Both hold the token around the change (a := split between the
// change and the rest).
func declaresNew(old, cur []token) bool {
	return len(declared(old)) == 0 && len(declared(cur)) > 0
}

// declared returns the names toks declare as variables.
func declared(toks []token) map[string]bool {
	out := map[string]bool{}
	for k, t := range toks {
		switch {
		case (t.text == "var" || t.text == "let" || t.text == "const") && k+1 < len(toks) && toks[k+1].class == classIdent:
			out[toks[k+1].text] = true
		case t.text == ":" && k+1 < len(toks) && toks[k+1].text == "=" && toks[k+1].start == t.end:
			for j := k - 1; j >= 0 && toks[j].class == classIdent; j -= 2 {
				out[toks[j].text] = true
				if j == 0 || toks[j-1].text != "," {
					break
				}
			}
		}
	}
	return out
}

// newNumber reports whether cur holds a number old does not.
func newNumber(old, cur []token) bool {
	had := map[string]bool{}
	for _, t := range old {
		had[t.text] = true
	}
	for _, t := range cur {
		if t.class == classNumber && !had[t.text] {
			return true
		}
	}
	return false
}

// opener returns toks[n] if it opens a bracket, or "".
func opener(toks []token, n int) string {
	if n < len(toks) {
		switch t := toks[n].text; t {
		case "(", "[", "{":
			return t
		}
	}
	return ""
}

// localName reports whether cur names an identifier old does not that is
// neither selected (x.Name) nor a keyword: in Go, a name of the package,
// which other packages cannot use unqualified.
func localName(old, cur []token) bool {
	had := map[string]bool{}
	for _, t := range old {
		had[t.text] = true
	}
	for k, t := range cur {
		if t.class == classIdent && !had[t.text] && !(k > 0 && cur[k-1].text == ".") && !goPredeclared[t.text] {
			return true
		}
	}
	return false
}

// bringsName reports whether cur names an identifier that old does not,
// is not selected (x.Name), and is none of the language's own names.
func bringsName(old, cur []token, path string) bool {
	had := map[string]bool{}
	for _, t := range old {
		had[t.text] = true
	}
	for k, t := range cur {
		if t.class != classIdent || had[t.text] || k > 0 && cur[k-1].text == "." || constants[t.text] || reserved[t.text] || keyword(t.text) {
			continue
		}
		switch {
		case goFile(path) && goPredeclared[t.text], pyFile(path) && pyBuiltins[t.text]:
			continue
		}
		return true
	}
	return false
}

// pyBuiltins are Python's built-in names most often written in code.
var pyBuiltins = map[string]bool{
	"object": true, "str": true, "int": true, "float": true, "bool": true, "bytes": true, "dict": true,
	"list": true, "tuple": true, "set": true, "frozenset": true, "type": true, "len": true, "print": true,
	"isinstance": true, "range": true, "super": true, "iter": true, "next": true, "open": true,
}

// goPredeclared are Go's keywords and predeclared names, which every
// package may use.
var goPredeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "error": true, "string": true, "rune": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "uint": true, "uint8": true,
	"uint16": true, "uint32": true, "uint64": true, "uintptr": true, "float32": true, "float64": true,
	"complex64": true, "complex128": true, "true": true, "false": true, "nil": true, "iota": true,
	"append": true, "cap": true, "clear": true, "close": true, "copy": true, "delete": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "panic": true, "print": true, "println": true,
	"recover": true, "func": true, "interface": true, "struct": true, "map": true, "chan": true,
	"const": true, "var": true, "type": true, "return": true, "go": true, "defer": true, "range": true,
}

// balanced reports whether toks close every bracket they open, in order.
func balanced(toks []token) bool {
	var stack []string
	for _, t := range toks {
		switch t.text {
		case "(", "[", "{":
			stack = append(stack, t.text)
		case ")", "]", "}":
			if len(stack) == 0 || stack[len(stack)-1] != map[string]string{")": "(", "]": "[", "}": "{"}[t.text] {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
	return len(stack) == 0
}

// notCallee are the words a "(" follows that name no function.
var notCallee = map[string]bool{
	"import": true, "if": true, "for": true, "while": true, "switch": true, "return": true, "func": true,
	"def": true, "fn": true, "function": true, "catch": true, "with": true, "var": true, "const": true,
	"type": true, "elif": true, "in": true, "and": true, "or": true, "not": true, "match": true, "case": true,
	"sizeof": true, "typeof": true, "await": true, "yield": true, "lambda": true, "assert": true,
}

// operandless reports whether pattern begins with an operator that takes
// the operand before it (is, in, not, and, or, instanceof) and names
// nothing but keywords and constants: the change is a choice about that
// operand, not a spelling of the language.
func operandless(pattern []token) bool {
	switch pattern[0].text {
	case "is", "in", "not", "and", "or", "instanceof":
	default:
		return false
	}
	for _, t := range pattern {
		if t.class == classIdent && !constants[t.text] && !keyword(t.text) && !reserved[t.text] {
			return false
		}
	}
	return true
}
