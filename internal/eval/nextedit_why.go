package eval

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/lode-ls/lode/completion/nextedit"
)

// Reasons a remaining hunk of a focused commit was not found, in the
// order neWhy tries them.
const (
	neMissNotInferred = "no change inferred"
	neMissNotSearched = "in a file not searched"
	neMissWrongText   = "site found, text differs"
	neMissNoSite      = "holds the old tokens, no site proposed"
	neMissOther       = "another change"
)

// neWhy classifies the remaining hunks of cs that sugg did not find, and
// prints each one when w is not nil. It counts them in tally.
func neWhy(ctx context.Context, w io.Writer, cs *neCase, sugg []neSuggestion, tally map[string]int) {
	c := nextedit.Infer(ctx, cs.file, "", cs.before, cs.after, cs.first)
	old, _, _ := nextedit.TokenChange(cs.file, cs.before, cs.after, cs.first)
	if w != nil {
		neWrong(w, cs, sugg)
	}
	for _, h := range cs.rest {
		src := cs.parentText[h.file]
		if h.file == cs.file {
			src = cs.after
		}
		found := neScoreCase(&neCase{parentText: cs.parentText, file: cs.file, after: cs.after, rest: []neHunk{h}}, sugg).found == 1
		if found {
			continue
		}
		var in bool
		for _, s := range sugg {
			if s.file == h.file && s.start >= h.start && s.end <= h.end {
				in = true
			}
		}
		searched := h.file == cs.file
		for _, s := range sugg {
			searched = searched || s.file == h.file
		}
		rOld := src[h.start:h.end]
		var why string
		switch {
		case c == nil:
			why = neMissNotInferred
		case in:
			why = neMissWrongText
		case !searched && (!c.Exported || !strings.Contains(rOld, c.Name)):
			why = neMissNotSearched
		case old != "" && strings.Contains(rOld, old):
			why = neMissNoSite
		default:
			why = neMissOther
		}
		tally[why]++
		if w != nil {
			kind := "-"
			if c != nil {
				kind = c.Kind
			}
			fmt.Fprintf(w, "    miss [%s] %s (%s): %q → %q\n", why, h.file, kind, neClip(neNormal(rOld)), neClip(neNormal(h.text)))
		}
	}
}

// neWrong prints the suggestions of sugg that lie in no remaining hunk.
func neWrong(w io.Writer, cs *neCase, sugg []neSuggestion) {
	for _, s := range sugg {
		in := false
		for _, h := range append(cs.rest[:len(cs.rest):len(cs.rest)], cs.others...) {
			in = in || s.file == h.file && s.start >= h.start && s.end <= h.end
		}
		if in {
			continue
		}
		src := cs.parentText[s.file]
		if s.file == cs.file {
			src = cs.after
		}
		fmt.Fprintf(w, "    wrong %s: %q → %q\n", s.file, neClip(neNormal(neLineAt(src, s, nil))), neClip(s.text))
	}
}

func neWhyReport(w io.Writer, tally map[string]int) {
	var ks []string
	for k := range tally {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return tally[ks[i]] > tally[ks[j]] })
	fmt.Fprintf(w, "\nremaining hunks of focused commits the offline predictor missed, by reason\n")
	for _, k := range ks {
		fmt.Fprintf(w, "  %-40s %5d\n", k, tally[k])
	}
}
