// Package redact finds secret-looking strings in text and replaces them,
// keeping the text's line structure, so that no key or password reaches a
// model, a log or a cache. What counts as a secret is the catalogue
// (catalogue.go): private keys, the token formats of cloud providers, code
// hosts, package registries, machine-learning hubs, payment, mail and chat
// services, JWTs, credentials in URLs and headers, and values assigned to
// names such as password, secret, token or signingKey.
//
// The main functions are String, Window (a part of a larger text, such as
// a prompt's window), Mask (offsets kept, for indexes) and Find. Package
// redact depends on the standard library alone.
package redact

import (
	"sort"
	"strings"
	"unsafe"
)

// Placeholder replaces each secret.
const Placeholder = "[REDACTED]"

// Match is one secret found in a text: the byte range of the secret itself
// (not of the name it is assigned to) and the shape that found it.
type Match struct {
	Start, End int
	Rule       string
}

// trigger is one trigger word and the shapes it wakes.
type trigger struct {
	word   string
	shapes uint64 // bit i set: catalogue[i]
}

// The trigger words are indexed by their first two bytes, in every case:
// triggers[byPair[b0<<8|b1]] are the words that may start there (list 0 is
// empty). Every trigger word has at least two bytes.
var byPair, triggers = func() (idx *[1 << 16]uint8, lists [][]trigger) {
	if len(catalogue) > 64 {
		panic("redact: more than 64 shapes")
	}
	idx = new([1 << 16]uint8)
	lists = [][]trigger{nil}
	for i, r := range catalogue {
		for _, w := range r.trigger {
			for _, b0 := range cases(w[0]) {
				for _, b1 := range cases(w[1]) {
					k := uint16(b0)<<8 | uint16(b1)
					if idx[k] == 0 {
						idx[k] = uint8(len(lists))
						lists = append(lists, nil)
					}
					lists[idx[k]] = append(lists[idx[k]], trigger{w, 1 << i})
				}
			}
		}
	}
	if len(lists) > 255 {
		panic("redact: too many trigger prefixes")
	}
	return idx, lists
}()

// cases returns c, and its upper case if it is a lower-case letter.
func cases(c byte) []byte {
	if u := upper(c); u != c {
		return []byte{c, u}
	}
	return []byte{c}
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// hasPrefixFold reports whether s begins with the lower-case ASCII word w,
// ignoring case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// Find returns the secrets in s, in order and not overlapping.
func Find(s string) []Match {
	var ms []Match
	// One pass per line finds the trigger words; a shape's regexp then
	// runs only on the lines (for a key block: from the line on) where it
	// was woken, which keeps ordinary code cheap.
	prevB64 := [2]int{-1, -1} // the previous line, when it is all base64
	for lineStart := 0; lineStart < len(s); {
		lineEnd := strings.IndexByte(s[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(s)
		} else {
			lineEnd += lineStart
		}
		line := s[lineStart:lineEnd]
		var mask uint64
		for i := 0; i+1 < len(line); i++ {
			l := byPair[uint16(line[i])<<8|uint16(line[i+1])]
			if l == 0 {
				continue
			}
			for _, t := range triggers[l] {
				if mask&t.shapes == 0 && hasPrefixFold(line[i:], t.word) {
					mask |= t.shapes
				}
			}
		}
		next := lineEnd + 1
		for i := range catalogue {
			if mask&(1<<i) == 0 {
				continue
			}
			sh := &catalogue[i]
			if !sh.block {
				ms = appendMatches(ms, sh, line, lineStart)
				continue
			}
			if prevB64[0] >= 0 && strings.Contains(line, "-----END") {
				// The last, short line of a key whose start is not in s.
				ms = append(ms, Match{Start: prevB64[0], End: prevB64[1], Rule: keyLines})
			}
			// A block that starts on this line; its lines are done.
			if loc := sh.re.FindStringIndex(s[lineStart:]); loc != nil && loc[0] < len(line) {
				ms = append(ms, Match{Start: lineStart + loc[0], End: lineStart + loc[1], Rule: sh.name})
				next = max(next, lineStart+loc[1])
			}
		}
		prevB64 = [2]int{-1, -1}
		if a, b, long, ok := base64Line(line); ok {
			prevB64 = [2]int{lineStart + a, lineStart + b}
			if long {
				ms = append(ms, Match{Start: lineStart + a, End: lineStart + b, Rule: keyLines})
			}
		}
		lineStart = next
	}
	return disjoint(ms)
}

// minKeyLine is the length from which a line of base64 alone is taken for
// a line of a key: PEM writes 64 characters a line, OpenSSH 70.
const minKeyLine = 40

// base64Line reports whether line, but for blanks, a comment marker or
// quotes around it, is base64 and nothing else: [a, b) is that part; long
// is set when it is long enough and of mixed characters to be a line of
// key material by itself.
func base64Line(line string) (a, b int, long, ok bool) {
	a, b = 0, len(line)
	for a < b && (line[a] == ' ' || line[a] == '\t') {
		a++
	}
	switch {
	case strings.HasPrefix(line[a:], "//"), strings.HasPrefix(line[a:], "--"):
		a += 2
	case a < b && (line[a] == '#' || line[a] == '*' || line[a] == ';'):
		a++
	}
	for a < b && (line[a] == ' ' || line[a] == '\t' || line[a] == '"' || line[a] == '\'' || line[a] == '`') {
		a++
	}
	for b > a && strings.IndexByte(" \t\r,;+", line[b-1]) >= 0 {
		b--
	}
	for b > a && (line[b-1] == '"' || line[b-1] == '\'' || line[b-1] == '`') {
		b--
	}
	if strings.HasSuffix(line[a:b], `\n`) {
		b -= 2
	}
	if b-a < 4 {
		return 0, 0, false, false
	}
	var lower, upperc, digit, sign bool
	pairs := 0 // upper-case letters in a row: rare in names, common in base64
	pad := false
	for i := a; i < b; i++ {
		c := line[i]
		switch {
		case c == '=':
			pad = true
			continue
		case pad:
			return 0, 0, false, false // = is padding, at the end only
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upperc = true
			if i > a && 'A' <= line[i-1] && line[i-1] <= 'Z' {
				pairs++
			}
		case '0' <= c && c <= '9':
			digit = true
		case c == '+' || c == '/':
			sign = true
		default:
			return 0, 0, false, false
		}
	}
	// A long name alone on a line (OpConcatSelectedUint32x16,) is no key.
	long = b-a >= minKeyLine && lower && upperc && digit && (sign || pairs >= 3)
	return a, b, long, true
}

// appendMatches appends the matches of sh in s, whose first byte is at
// offset base of the whole text. After a match that its accept rejects,
// the search goes on from the end of the match's first group (an
// assignment's name), so that the rest of the match may start another:
// in {User: "admin", Password: "x"}, "admin" is not Password's name.
func appendMatches(ms []Match, sh *shape, s string, base int) []Match {
	if sh.accept == nil {
		for _, loc := range sh.re.FindAllStringSubmatchIndex(s, -1) {
			start, end := loc[0], loc[1]
			for g := 2; g+1 < len(loc); g += 2 {
				if loc[g] >= 0 {
					start, end = loc[g], loc[g+1]
					break
				}
			}
			ms = append(ms, Match{Start: base + start, End: base + end, Rule: sh.name})
		}
		return ms
	}
	for pos := 0; pos < len(s); {
		loc := sh.re.FindStringSubmatchIndex(s[pos:])
		if loc == nil {
			break
		}
		for i := range loc {
			if loc[i] >= 0 {
				loc[i] += pos
			}
		}
		if start, end, ok := sh.accept(s, loc); ok && end > start {
			ms = append(ms, Match{Start: base + start, End: base + end, Rule: sh.name})
			pos = max(loc[1], pos+1)
			continue
		}
		next := loc[0] + 1
		for g := 2; g+1 < len(loc); g += 2 {
			if loc[g] >= 0 {
				next = max(loc[g+1], next)
				break
			}
		}
		pos = next
	}
	return ms
}

// disjoint sorts ms and drops matches that overlap an earlier one.
func disjoint(ms []Match) []Match {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Start != ms[j].Start {
			return ms[i].Start < ms[j].Start
		}
		return ms[i].End > ms[j].End
	})
	out := ms[:0]
	end := -1
	for _, m := range ms {
		if m.Start >= end {
			out = append(out, m)
			end = m.End
		}
	}
	return out
}

// String returns s with every secret replaced by Placeholder. Line breaks
// inside a secret (a private key block) are kept, so line numbers still
// match the original text.
func String(s string) string {
	return replace(s, 0, len(s), Find(s), 0)
}

// Window returns doc[start:end] redacted as a part of doc: a secret that
// the window cuts (at its edges, or at the cursor between a prefix and a
// suffix) is found in its whole lines, the lines of a private key whose
// BEGIN line is above the window are found from that line, and the line
// after the window is read to find the last line of a key. Prompt windows
// are redacted with it.
func Window(doc string, start, end int) string {
	start, end = max(0, min(start, len(doc))), max(0, min(end, len(doc)))
	if start >= end {
		return ""
	}
	from := strings.LastIndexByte(doc[:start], '\n') + 1
	from = openKey(doc, from)
	to := end
	for range 2 { // the end of the window's last line, then of the next one
		if to >= len(doc) {
			break
		}
		if i := strings.IndexByte(doc[to:], '\n'); i >= 0 {
			to += i + 1
		} else {
			to = len(doc)
		}
	}
	return replace(doc, start, end, Find(doc[from:to]), from)
}

// maxKeyBlock bounds how far above a window Window looks for the start
// of a private key: a PEM block of a 4096-bit RSA key is about 3,300 bytes.
const maxKeyBlock = 16 << 10

// openKey returns the start of the BEGIN line of a private key that is
// still open at offset from of doc (no END line between), else from.
func openKey(doc string, from int) int {
	above := doc[max(0, from-maxKeyBlock):from]
	i := strings.LastIndex(above, "-----BEGIN")
	if i < 0 || strings.Contains(above[i:], "-----END") {
		return from
	}
	line := above[i:]
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	if !strings.Contains(line, "PRIVATE KEY") {
		return from
	}
	begin := from - len(above) + i
	return strings.LastIndexByte(doc[:begin], '\n') + 1
}

// replace writes s[start:end] with the parts of the matches (offsets
// relative to base) that fall in it replaced by Placeholder, one per line
// the part spans.
func replace(s string, start, end int, ms []Match, base int) string {
	var b strings.Builder
	last := start
	for _, m := range ms {
		ms, me := max(m.Start+base, start), min(m.End+base, end)
		if ms >= me {
			continue
		}
		if b.Len() == 0 {
			b.Grow(end - start)
		}
		b.WriteString(s[last:ms])
		b.WriteString(Placeholder)
		for range strings.Count(s[ms:me], "\n") {
			b.WriteString("\n" + Placeholder)
		}
		last = me
	}
	if last == start {
		return s[start:end]
	}
	b.WriteString(s[last:end])
	return b.String()
}

// FindBytes is Find for a byte slice, without copying it.
func FindBytes(src []byte) []Match {
	if len(src) == 0 {
		return nil
	}
	return Find(unsafe.String(&src[0], len(src))) // Find keeps nothing of its text
}

// Mask returns src with the bytes of every secret replaced by spaces
// (line breaks kept), so that offsets still match src: for indexes, which
// point into the original text but must not keep its secrets. src itself
// is returned when it holds none.
func Mask(src []byte) []byte {
	ms := FindBytes(src)
	if len(ms) == 0 {
		return src
	}
	out := append([]byte(nil), src...)
	for _, m := range ms {
		for i := m.Start; i < m.End; i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	return out
}

// Contains reports whether s holds a secret.
func Contains(s string) bool {
	return len(Find(s)) > 0
}
