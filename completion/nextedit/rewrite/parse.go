package rewrite

import (
	"strings"
)

// parse reads the model's answer as the rewritten region of x, in lines
// ending as the region's do. It takes the text between the region
// markers (the end marker may be missing: a stop sequence ate it), else
// the first fenced block; it drops the cursor marker, and the lines of
// the excerpt around the region when the model rewrote the excerpt whole.
// ok is false for anything else: prose, other markers, an empty answer
// for a region that is not.
func parse(answer string, x *excerpt) (lines []string, ok bool) {
	s := strings.ReplaceAll(answer, "\r\n", "\n")
	body, found := "", false
	if i := strings.Index(s, markStart); i >= 0 {
		body, found = s[i+len(markStart):], true
		body = strings.TrimPrefix(strings.TrimLeft(body, " \t"), "\n")
		if e := strings.Index(body, markEnd); e >= 0 {
			body = body[:e]
		} else if f := fenceLine(body); f >= 0 {
			body = body[:f]
		}
	} else if body, found = fenced(s); !found {
		return nil, false
	}
	body = strings.ReplaceAll(body, markCursor, "")
	body = strings.TrimPrefix(body, markBOF+"\n")
	for _, m := range endOfText {
		if i := strings.Index(body, m); i >= 0 {
			body = body[:i]
		}
	}
	for _, m := range []string{markStart, markEnd, markBOF} {
		if strings.Contains(body, m) {
			return nil, false // a second region: not a rewrite of this one
		}
	}
	body = strings.TrimSuffix(body, "\n")
	if strings.TrimSpace(body) == "" && strings.TrimSpace(x.regionText) != "" {
		return nil, false
	}
	lines = strings.Split(body, "\n")
	lines = trimContext(lines, x)
	if x.crlf {
		for i, l := range lines {
			lines[i] = strings.TrimSuffix(l, "\r") + "\r"
		}
	}
	return lines, true
}

// endOfText are the end tokens of model families that a server may leave
// in the text: the answer ends there.
var endOfText = []string{"<|endoftext|>", "<|im_end|>", "<|eot_id|>"}

// fenceLine returns the offset of the first line of s that is a fence,
// or -1.
func fenceLine(s string) int {
	for off := 0; off < len(s); {
		end := strings.IndexByte(s[off:], '\n')
		if end < 0 {
			end = len(s) - off
		}
		if strings.HasPrefix(strings.TrimLeft(s[off:off+end], " \t"), "```") {
			return off
		}
		off += end + 1
	}
	return -1
}

// fenced returns the content of the first fenced block of s, ending at
// the closing fence or, when the block is not closed, at the end.
func fenced(s string) (string, bool) {
	open := fenceLine(s)
	if open < 0 {
		return "", false
	}
	rest := s[open:]
	nl := strings.IndexByte(rest, '\n')
	if nl < 0 {
		return "", false
	}
	rest = rest[nl+1:]
	if end := fenceLine(rest); end >= 0 {
		rest = rest[:end]
	}
	return rest, true
}

// trimContext drops from a rewritten region longer than x's the excerpt
// lines around the region that the model repeated: those just above it
// at its start, those just below at its end, unless the region itself
// starts or ends that way.
func trimContext(lines []string, x *excerpt) []string {
	if len(lines) <= len(x.region) {
		return lines
	}
	same := func(a, b []string) bool {
		for i := range a {
			if strings.TrimRight(a[i], " \t\r") != strings.TrimRight(b[i], " \t\r") {
				return false
			}
		}
		return true
	}
	for k := min(len(x.pre), len(lines)-1); k > 0; k-- {
		if same(lines[:k], x.pre[len(x.pre)-k:]) && (k > len(x.region) || !same(lines[:k], x.region[:k])) && nonBlank(lines[:k]) {
			lines = lines[k:]
			break
		}
	}
	for k := min(len(x.post), len(lines)-1); k > 0; k-- {
		n := len(lines)
		if same(lines[n-k:], x.post[:k]) && (k > len(x.region) || !same(lines[n-k:], x.region[len(x.region)-k:])) && nonBlank(lines[n-k:]) {
			lines = lines[:n-k]
			break
		}
	}
	return lines
}

// nonBlank reports whether some line holds more than white space.
func nonBlank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}
