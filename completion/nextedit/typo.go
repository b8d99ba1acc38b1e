package nextedit

import "strings"

// misspelling returns the word of the string literal old that cur, the
// same literal but for that word, spells right (presist in 'should
// presist store' → 'should persist store'), and the right word; "" when
// the literals differ otherwise. A misspelling is one letter inserted,
// deleted, replaced or swapped with the next, inside a word of five
// letters or more: not its first letter, nor its last (a plural, a tense:
// update → updated is no misspelling).
func misspelling(old, cur string) (wrong, right string) {
	ow, cw := words(old), words(cur)
	if len(ow) != len(cw) {
		return "", ""
	}
	k := -1
	for i := range ow {
		if old[ow[i].Start:ow[i].End] != cur[cw[i].Start:cw[i].End] {
			if k >= 0 {
				return "", ""
			}
			k = i
		}
	}
	if k < 0 || old[:ow[k].Start] != cur[:cw[k].Start] || old[ow[k].End:] != cur[cw[k].End:] {
		return "", ""
	}
	wrong, right = old[ow[k].Start:ow[k].End], cur[cw[k].Start:cw[k].End]
	if len(wrong) < 5 || len(right) < 5 || !oneSlip(wrong, right) {
		return "", ""
	}
	return wrong, right
}

// words returns the runs of ASCII letters of s.
func words(s string) []Span {
	var out []Span
	for i := 0; i < len(s); {
		if !letter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && letter(s[j]) {
			j++
		}
		out = append(out, Span{i, j})
		i = j
	}
	return out
}

func letter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// oneSlip reports whether b is a with one letter inserted, deleted,
// replaced or swapped with the next, the first and last letters kept.
func oneSlip(a, b string) bool {
	if a[0] != b[0] || a[len(a)-1] != b[len(b)-1] {
		return false
	}
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	switch {
	case len(a) == len(b):
		return a[p+1:] == b[p+1:] || p+1 < len(a) && a[p] == b[p+1] && a[p+1] == b[p] && a[p+2:] == b[p+2:]
	case len(a)+1 == len(b):
		return a[p:] == b[p+1:]
	case len(a) == len(b)+1:
		return a[p+1:] == b[p:]
	}
	return false
}

// typo infers a misspelled word fixed in a string literal: the word is
// fixed in every string literal that holds it, in the file and, at once,
// in the other files of its language (a misspelling is wrong everywhere:
// see Elsewhere).
func typo(after, wrong, right string) *Change {
	c := &Change{Kind: KindRepeat, Scope: Span{0, len(after)}, Exported: true, Name: wrong, whole: true}
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for _, t := range toks {
			if t.class != classString || t.start < scope.Start || t.end > scope.End || !strings.Contains(t.text, wrong) {
				continue
			}
			for _, w := range words(t.text) {
				if t.text[w.Start:w.End] == wrong {
					out = append(out, Edit{Start: t.start + w.Start, End: t.start + w.End, NewText: right})
				}
			}
		}
		return out
	}
	return c
}
