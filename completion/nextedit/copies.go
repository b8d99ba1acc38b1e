package nextedit

import "strings"

// copies infers a line fixed at one of its copies in the file (a line
// copied with its mistake: t.Errorf("unexpected output: %v", err) →
// ..., output)): its other copies get the same fix. It is tried for a
// use switched to another name, which no other rule follows. Only a line distinctive enough
// not to recur by chance counts (see distinctive), and only in the
// edited file; nil otherwise, or when the
// change, bt[oi:oj] in before, spans lines or adds or removes a whole one.
func copies(path, before, after string, bt []token, oi, oj int) *Change {
	ps := len(before)
	if oi < len(bt) {
		ps = bt[oi].start
	}
	pe := ps
	if oi < oj {
		pe = bt[oj-1].end
	}
	ls := strings.LastIndexByte(before[:ps], '\n') + 1
	le := len(before)
	if i := strings.IndexByte(before[pe:], '\n'); i >= 0 {
		le = pe + i
	}
	ne := le + len(after) - len(before)
	if ne < ls || ne > len(after) {
		return nil
	}
	oldLine, newLine := before[ls:le], after[ls:ne]
	if strings.Contains(oldLine, "\n") || strings.Contains(newLine, "\n") {
		return nil
	}
	oldLine, newLine = strings.TrimSpace(oldLine), strings.TrimSpace(newLine)
	if oldLine == "" || newLine == "" || !distinctive(lex(oldLine, commentsOf(path))) {
		return nil
	}
	c := &Change{Kind: KindRepeat, Scope: Span{0, len(after)}}
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for i := scope.Start; i < scope.End; {
			end := scope.End
			if n := strings.IndexByte(src[i:scope.End], '\n'); n >= 0 {
				end = i + n
			}
			line := src[i:end]
			if strings.TrimSpace(line) == oldLine {
				s := i + strings.Index(line, oldLine)
				out = append(out, Edit{Start: s, End: s + len(oldLine), NewText: newLine})
			}
			i = end + 1
		}
		return out
	}
	return c
}

// distinctive reports whether the tokens of a line are unlikely to recur
// but by copying: they hold a string literal of minLiteral bytes or more
// (a message), and they do not open a block, whose meaning lies in its
// body (function(req, res, next) {: data from replayed histories).
func distinctive(toks []token) bool {
	if len(toks) == 0 || opens(toks[len(toks)-1].text) {
		return false
	}
	for _, t := range toks {
		if t.class == classString && len(t.text) >= minLiteral {
			return true
		}
	}
	return false
}

func opens(s string) bool { return s == "{" || s == "(" || s == "[" || s == ":" || s == "," }
