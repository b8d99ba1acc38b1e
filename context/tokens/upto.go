package tokens

import "strings"

// UpTo returns count(s) when it is at most limit, and otherwise a number
// above limit, having counted whole lines from the end of s (fromEnd) or
// from its start in pieces that double: a text far over the limit is
// counted only about as far as the limit, and a counter that memoizes
// lines (Counter does) counts a piece again at little cost. count is any
// counter that adds up over lines; a piece's count may exceed its share of
// the whole text's by one (a run of blank lines cut at the piece's edge
// counts twice), hence the margin of one.
func UpTo(s string, limit int, fromEnd bool, count func(string) int) int {
	for size := max(4096, 4*limit); size < len(s); size *= 2 {
		var piece string
		if fromEnd {
			i := strings.IndexByte(s[len(s)-size:], '\n')
			if i < 0 {
				continue
			}
			piece = s[len(s)-size+i+1:]
		} else {
			i := strings.LastIndexByte(s[:size], '\n')
			if i < 0 {
				continue
			}
			piece = s[:i+1]
		}
		if n := count(piece); n > limit+1 {
			return n
		}
	}
	return count(s)
}
