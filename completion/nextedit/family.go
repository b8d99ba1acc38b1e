package nextedit

// keywordArg reports whether the tokens of an argument are a Python
// keyword argument: name=value.
func keywordArg(arg []token) bool {
	return len(arg) >= 3 && arg[0].class == classIdent && arg[1].text == "=" && arg[2].text != "="
}

// familySites returns the edits that insert arg as argument k of the
// calls in scope of the functions beside name on the same receiver (the
// family: hashlib.md5(x) and hashlib.sha1(x)) whose arguments are the
// same as call's: a keyword argument added to one call of a module's
// functions (usedforsecurity=False, timeout=...) is the caller's policy
// for the family, where the arguments are the same.
func familySites(toks []token, name, recv string, want, k int, arg, call string, scope Span) []Edit {
	var out []Edit
	for j := 2; j+1 < len(toks); j++ {
		t := toks[j]
		if t.class != classIdent || t.text == name || toks[j+1].text != "(" || t.start < scope.Start || t.end > scope.End || receiver(toks, j) != recv {
			continue
		}
		args, close := splitArgs(toks, j+1)
		if close == len(toks) || len(args) != want || callText(toks, j+1, args)[len(recv)+1+len(t.text):] != call[len(recv)+1+len(name):] {
			continue
		}
		out = append(out, insertArg(toks, args, j+1, close, k, arg, false))
	}
	return out
}
