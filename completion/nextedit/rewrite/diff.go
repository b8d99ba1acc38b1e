package rewrite

import (
	"strings"
	"unicode/utf8"

	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/redact"
)

// maxGrowth bounds the lines of a rewrite, beyond the region's: a longer
// answer is the model rambling, and the line diff is quadratic.
const maxGrowth = 64

// diff returns the edits that turn x's region into lines, in the
// document's offsets: the line diff's hunks, each narrowed to the
// characters that change. An edit that only changes white space, touches
// a line redaction changed, or would write a redaction placeholder is
// dropped. A rewrite that deletes more than half of a region of four
// lines or more, net, is taken for a cut or confused answer: no edits.
func diff(x *excerpt, lines []string) []nextedit.Edit {
	old := x.region
	if len(lines) > len(old)+maxGrowth {
		return nil
	}
	hunks, deleted := lineDiff(old, lines)
	if len(old) >= 4 && 2*deleted > len(old) {
		return nil
	}
	// Offsets in the region as sent, each line ending in a newline
	// (the last one's is virtual: both sides have it).
	starts := make([]int, len(old)+1)
	for i, l := range old {
		starts[i+1] = starts[i] + len(l) + 1
	}
	regionLen := starts[len(old)] - 1
	var out []nextedit.Edit
	for _, h := range pairLines(hunks) {
		if tainted(x, h.i0, h.i1) {
			continue
		}
		os, oe := starts[h.i0], starts[h.i1]
		nt := ""
		if h.j1 > h.j0 {
			nt = strings.Join(lines[h.j0:h.j1], "\n") + "\n"
		}
		ot := x.regionText + "\n"
		switch {
		case h.i0 == len(old): // lines added after the last
			os, oe, nt = regionLen, regionLen, "\n"+strings.TrimSuffix(nt, "\n")
		case h.i1 == len(old) && nt == "": // the last lines deleted
			oe = regionLen
			os = max(os-1, 0)
		default: // both sides end in a newline: keep only what differs
			p := commonPrefix(ot[os:oe], nt)
			s := commonSuffix(ot[os+p:oe], nt[p:])
			os, oe, nt = os+p, oe-s, nt[p:len(nt)-s]
		}
		if onlySpace(ot[os:oe], nt) || strings.Contains(nt, redact.Placeholder) {
			continue
		}
		ds, ok1 := x.docOffset(starts, os)
		de, ok2 := x.docOffset(starts, oe)
		if !ok1 || !ok2 {
			continue
		}
		out = append(out, nextedit.Edit{Start: ds, End: de, NewText: nt})
	}
	return out
}

// hunk is a run of lines that differ: old[i0:i1] became new[j0:j1].
type hunk struct{ i0, i1, j0, j1 int }

// lineDiff returns the hunks of a longest-common-subsequence diff of a
// and b, and how many more lines a loses than b gains.
func lineDiff(a, b []string) ([]hunk, int) {
	n, m := len(a), len(b)
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var hunks []hunk
	i, j := 0, 0
	for i < n || j < m {
		if i < n && j < m && a[i] == b[j] {
			i, j = i+1, j+1
			continue
		}
		h := hunk{i0: i, j0: j}
		for i < n || j < m {
			if i < n && j < m && a[i] == b[j] {
				break
			}
			if j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]) {
				j++
			} else {
				i++
			}
		}
		h.i1, h.j1 = i, j
		hunks = append(hunks, h)
	}
	return hunks, n - m
}

// pairLines splits the hunks that change as many lines as they make
// into one hunk a line: each line's change is then narrowed on its own.
func pairLines(hunks []hunk) []hunk {
	var out []hunk
	for _, h := range hunks {
		if h.i1-h.i0 != h.j1-h.j0 || h.i1-h.i0 < 2 {
			out = append(out, h)
			continue
		}
		for k := 0; k < h.i1-h.i0; k++ {
			out = append(out, hunk{h.i0 + k, h.i0 + k + 1, h.j0 + k, h.j0 + k + 1})
		}
	}
	return out
}

// tainted reports whether a line of x's region in [i0, i1) was changed by
// redaction: the model saw a placeholder there, not the text.
func tainted(x *excerpt, i0, i1 int) bool {
	for i := i0; i < i1 && i < len(x.tainted); i++ {
		if x.tainted[i] {
			return true
		}
	}
	return false
}

// docOffset maps an offset of the region as sent to the document: by
// line and column, a column at a line's end to the line's end in the
// document. ok is false inside a line redaction changed.
func (x *excerpt) docOffset(starts []int, off int) (int, bool) {
	i := 0
	for i+1 < len(x.region) && starts[i+1] <= off {
		i++
	}
	col := off - starts[i]
	lineEnd := x.origStarts[i] + x.origLen(i)
	switch {
	case col >= len(x.region[i]):
		return lineEnd, true
	case x.tainted[i] && col > 0:
		return 0, false
	}
	return x.origStarts[i] + col, true
}

// origLen returns the length of the region's line i in the document.
func (x *excerpt) origLen(i int) int {
	if i+1 < len(x.origStarts) {
		return x.origStarts[i+1] - 1 - x.origStarts[i]
	}
	return x.re - x.origStarts[i]
}

// commonPrefix returns the length of the bytes a and b start with, in
// whole characters.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !utf8.RuneStart(a[n]) {
		n--
	}
	return n
}

// commonSuffix returns the length of the bytes a and b end with, in
// whole characters.
func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for n > 0 && !utf8.RuneStart(a[len(a)-n]) {
		n--
	}
	return n
}

// onlySpace reports whether a and b differ in white space alone.
func onlySpace(a, b string) bool {
	return strings.Join(strings.Fields(a), "") == strings.Join(strings.Fields(b), "")
}
