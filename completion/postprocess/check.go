package postprocess

import (
	"sort"
	"strings"
)

// maxChecks bounds the parses one completion may cost.
const maxChecks = 12

// selfCheck returns the longest beginning of s, cut at a line end or after
// closing punctuation, whose insertion adds no syntax error to the
// document; "" when every one adds errors.
func selfCheck(in Input, s string) string {
	var base Score
	if in.Base != nil {
		base = *in.Base
	} else {
		base = in.Check(in.Prefix + in.Suffix)
	}
	if base.Errors < 0 {
		return s
	}
	for _, k := range cutPoints(s) {
		n := in.Check(in.Prefix + s[:k] + in.Suffix)
		if n.Errors < 0 {
			return s
		}
		if n.noWorse(base) {
			if k == len(s) {
				return s
			}
			return strings.TrimRight(s[:k], " \t")
		}
	}
	return ""
}

// cutPoints returns the lengths of the beginnings of s worth checking,
// longest first: all of s, each line end, and in the first line the
// points after closing punctuation and before blanks.
func cutPoints(s string) []int {
	seen := map[int]bool{}
	var points []int
	add := func(k int) {
		if k > 0 && !seen[k] && strings.TrimSpace(s[:k]) != "" {
			seen[k] = true
			points = append(points, k)
		}
	}
	add(len(s))
	for k := len(s) - 1; k > 0; k-- {
		if s[k] == '\n' {
			add(k)
		}
	}
	first := strings.IndexByte(s, '\n')
	if first < 0 {
		first = len(s)
	}
	for k := first; k > 0; k-- {
		if strings.IndexByte(")]};,", s[k-1]) >= 0 || k < len(s) && s[k] == ' ' && s[k-1] != ' ' {
			add(k)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(points)))
	return points[:min(len(points), maxChecks)]
}

// cutRepetition cuts s where it starts repeating itself: the same line or
// group of up to four lines three times in a row, or a line ending in one
// pattern over and over. One occurrence is kept.
func cutRepetition(s string) string {
	lines := strings.Split(s, "\n")
	if i := repeatedLines(lines); i >= 0 {
		lines = lines[:i]
	}
	for i, l := range lines {
		if cut := periodicTail(l); cut >= 0 {
			lines[i] = l[:cut]
			lines = lines[:i+1]
			break
		}
	}
	return strings.Join(lines, "\n")
}

// repeatedLines returns the index where the second occurrence of a group
// of lines repeated three times begins, or -1.
func repeatedLines(lines []string) int {
	for i := range lines {
		for p := 1; p <= 4 && i+3*p <= len(lines); p++ {
			if trivial(lines[i : i+p]) {
				continue
			}
			reps := 1
			for start := i + p; start+p <= len(lines) && equalLines(lines[i:i+p], lines[start:start+p]); start += p {
				reps++
			}
			if reps >= 3 {
				return i + p
			}
		}
	}
	return -1
}

// equalLines compares groups of lines without their indentation: the
// first line of a completion starts at the cursor, after the indentation.
func equalLines(a, b []string) bool {
	for i := range a {
		if strings.TrimSpace(a[i]) != strings.TrimSpace(b[i]) {
			return false
		}
	}
	return true
}

// trivial reports whether a group of lines holds nothing but blanks and
// closing punctuation, which legitimately repeat.
func trivial(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !isCloser(t) {
			return false
		}
	}
	return true
}

// periodicTail returns where the repetition at the end of line should be
// cut (after its first period), or -1 when the line does not end in at
// least four repetitions of a pattern covering 12 bytes or more.
func periodicTail(line string) int {
	n := len(line)
	for p := 1; p <= 24 && 4*p <= n; p++ {
		start := n
		for start-p-1 >= 0 && line[start-1] == line[start-1-p] {
			start--
		}
		// line[start-p:] is periodic with period p.
		run := n - (start - p)
		if run >= 4*p && run >= 12 && hasAlnum(line[start-p:start]) {
			return start
		}
	}
	return -1
}

// hasAlnum reports whether s holds a letter or digit: runs of punctuation
// ("// -----", "))))") are not runaway output.
func hasAlnum(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
	}) >= 0
}
