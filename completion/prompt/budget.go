package prompt

import (
	"strings"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/tokens"
)

// Shares of a budget, after the template's own tokens, that the suffix
// and the other files may take at most when everything does not fit; the
// prefix gets the rest, and a part left unused by one goes to the others.
const (
	suffixShare  = 15
	contextShare = 50
)

// Fit returns in trimmed so that the request t writes from it holds at
// most budget tokens, as counter counts them (nil: about four bytes a
// token). It keeps the end of the prefix and the start of the suffix in
// whole lines (the cursor's own line is cut only when it alone is too
// long) and the other files best first, whole. A budget of zero or less
// means no limit.
func (t *Template) Fit(in Input, budget int, counter llm.TokenCounter) Input {
	if budget <= 0 {
		return in
	}
	count := estimate
	if counter != nil {
		count = counter.CountTokens
	}
	bare := in
	bare.Prefix, bare.Suffix, bare.Context = "", "", nil
	avail := budget - count(t.text(bare))
	// The prefix and suffix are counted from the cursor out, and only as
	// far as the budget needs: a long file is not tokenized whole for
	// every request. Past avail, p and s are only known to be past it.
	p, s := tokens.UpTo(in.Prefix, max(avail, 0), true, count), tokens.UpTo(in.Suffix, max(avail, 0), false, count)
	sizes := make([]int, len(in.Context))
	c := 0
	for i, sn := range in.Context {
		sizes[i] = count(sn.Path) + count(sn.Text) + 4 // the header and separators
		c += sizes[i]
	}
	if p+s+c <= avail {
		return in
	}
	avail = max(avail, 0)
	sb := min(s, avail*suffixShare/100)
	cb := min(c, avail*contextShare/100)
	pb := avail - sb - cb
	if p < pb { // the prefix leaves some: to the context, then the suffix
		spare := pb - p
		pb = p
		more := min(c-cb, spare)
		cb += more
		sb = min(s, sb+spare-more)
	}
	out := in
	if p > pb {
		out.Prefix = Tail(in.Prefix, pb, count)
	}
	if s > sb {
		out.Suffix = Head(in.Suffix, sb, count)
	}
	out.Context = nil
	for i, sn := range in.Context {
		if sizes[i] <= cb {
			cb -= sizes[i]
			out.Context = append(out.Context, sn)
		}
	}
	return out
}

// text is everything t writes for in, to be counted.
func (t *Template) text(in Input) string {
	if !t.Chat {
		return t.render(&in)
	}
	var b strings.Builder
	for _, m := range chatMessages(&in) {
		b.WriteString(m.Content)
	}
	return b.String()
}

func estimate(s string) int { return (len(s) + 3) / 4 }

// Tail returns the longest end of s in whole lines that holds at most
// budget tokens, as count counts them; when even the last line is too
// long, as much of its end as fits. It counts line by line from the end,
// never the whole of s, so that a window before a cursor costs what it
// keeps, not what the document holds.
func Tail(s string, budget int, count func(string) int) string {
	start := strings.LastIndexByte(s, '\n') + 1
	used := count(s[start:])
	if used > budget {
		return cutFront(s[start:], budget, count)
	}
	for start > 0 {
		ls := strings.LastIndexByte(s[:start-1], '\n') + 1
		k := count(s[ls:start])
		if used+k > budget {
			break
		}
		used += k
		start = ls
	}
	return s[start:]
}

// Head returns the longest start of s in whole lines that holds at most
// budget tokens, as count counts them; when even the first line is too
// long, as much of its start as fits. Like Tail, it counts line by line.
func Head(s string, budget int, count func(string) int) string {
	end := strings.IndexByte(s, '\n') + 1
	if end == 0 {
		end = len(s)
	}
	used := count(s[:end])
	if used > budget {
		return cutBack(s[:end], budget, count)
	}
	for end < len(s) {
		next := strings.IndexByte(s[end:], '\n')
		stop := len(s)
		if next >= 0 {
			stop = end + next + 1
		}
		k := count(s[end:stop])
		if used+k > budget {
			break
		}
		used += k
		end = stop
	}
	return s[:end]
}

// cutFront drops bytes from the start of a line until it fits, keeping
// whole UTF-8 characters.
func cutFront(s string, budget int, count func(string) int) string {
	lo, hi := 0, len(s)
	for lo < hi { // the smallest start that fits
		mid := (lo + hi) / 2
		if count(s[mid:]) <= budget {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	for lo < len(s) && s[lo]&0xC0 == 0x80 {
		lo++
	}
	return s[lo:]
}

// cutBack keeps the longest start of s that fits, in whole characters.
func cutBack(s string, budget int, count func(string) int) string {
	lo, hi := 0, len(s)
	for lo < hi { // the largest end that fits
		mid := (lo + hi + 1) / 2
		if count(s[:mid]) <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	for lo > 0 && lo < len(s) && s[lo]&0xC0 == 0x80 {
		lo--
	}
	return s[:lo]
}
