package lode

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	lsp "go.lsp.dev/protocol"
)

// decodeDidOpen decodes the params of textDocument/didOpen without the
// generic decoder's costs on a large document (a copy of the whole
// message, then the text unquoted byte by byte into a growing buffer): it
// finds the text member, unquotes it in one pass into a string of its
// size, and decodes the rest (the URI, language and version) the generic
// way. It returns false when params are not in the expected shape (the
// caller then decodes them the generic way, which reports what is wrong).
func decodeDidOpen(params []byte, p *lsp.DidOpenTextDocumentParams) bool {
	start, end, ok := textMember(params)
	if !ok {
		return false
	}
	text, ok := unquote(params[start:end])
	if !ok {
		return false
	}
	rest := make([]byte, 0, len(params)-(end-start)+2)
	rest = append(append(append(rest, params[:start]...), `""`...), params[end:]...)
	if err := lsp.Unmarshal(rest, p); err != nil {
		return false
	}
	p.TextDocument.Text = text
	return true
}

// textMember returns the span of the value of params.textDocument.text,
// a JSON string with its quotes.
func textMember(params []byte) (start, end int, ok bool) {
	start, end = -1, -1
	var found func(key []byte, from, to int, inner bool) bool
	found = func(key []byte, from, to int, inner bool) bool {
		switch {
		case !inner && string(key) == "textDocument" && params[from] == '{':
			if _, ok := members(params, from, func(key []byte, from, to int) bool {
				return found(key, from, to, true)
			}); !ok {
				return false
			}
		case inner && string(key) == "text" && params[from] == '"':
			start, end = from, to
		}
		return true
	}
	if _, ok := members(params, skipSpace(params, 0), func(key []byte, from, to int) bool {
		return found(key, from, to, false)
	}); !ok || start < 0 {
		return 0, 0, false
	}
	return start, end, true
}

// members walks the JSON object at b[i], calling f with each member's
// key (as written; a key with an escape fails) and the span of its value;
// f returns false to fail. It returns the offset after the object.
func members(b []byte, i int, f func(key []byte, from, to int) bool) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for i < len(b) {
		kend, ok := skipString(b, i)
		if !ok || bytes.IndexByte(b[i:kend], '\\') >= 0 {
			return 0, false
		}
		key := b[i+1 : kend-1]
		i = skipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		from := skipSpace(b, i+1)
		to, ok := skipValue(b, from)
		if !ok || !f(key, from, to) {
			return 0, false
		}
		i = skipSpace(b, to)
		if i >= len(b) {
			break
		}
		switch b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = skipSpace(b, i+1)
		default:
			return 0, false
		}
	}
	return 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the offset after the JSON string at b[i].
func skipString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	for j := i + 1; ; {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return 0, false
		}
		j += q
		slashes := 0
		for k := j - 1; k > i && b[k] == '\\'; k-- {
			slashes++
		}
		j++
		if slashes%2 == 0 {
			return j, true
		}
	}
}

// skipValue returns the offset after the JSON value at b[i]; it checks
// the nesting of objects and arrays, not the values themselves (the
// generic decoder does, on everything but the text).
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	}
	j := i // a number or a literal
	for j < len(b) && !delim[b[j]] {
		j++
	}
	return j, j > i
}

// delim marks the bytes that end a number or a literal.
var delim = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\n': true, '\r': true}

// plain marks the bytes a JSON string holds as they are: printable
// ASCII but the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// unquote decodes the JSON string raw (with its quotes) as the generic
// decoder does: an invalid UTF-8 byte or a lone surrogate becomes U+FFFD.
// ok is false on a malformed string.
func unquote(raw []byte) (string, bool) {
	raw = raw[1 : len(raw)-1]
	var b strings.Builder
	b.Grow(len(raw))
	for len(raw) > 0 {
		i := 0
		for i < len(raw) && plain[raw[i]] {
			i++
		}
		b.Write(raw[:i])
		raw = raw[i:]
		if len(raw) == 0 {
			break
		}
		switch c := raw[0]; {
		case c == '\\':
			n, ok := unescape(&b, raw)
			if !ok {
				return "", false
			}
			raw = raw[n:]
		case c < 0x20 || c == '"':
			return "", false
		default:
			r, n := utf8.DecodeRune(raw)
			if r == utf8.RuneError && n == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.Write(raw[:n])
			}
			raw = raw[n:]
		}
	}
	return b.String(), true
}

// unescape writes the escape sequence at the start of raw and returns its
// length.
func unescape(b *strings.Builder, raw []byte) (int, bool) {
	if len(raw) < 2 {
		return 0, false
	}
	switch e := raw[1]; e {
	case '"', '\\', '/':
		b.WriteByte(e)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := hex4(raw[2:])
		if !ok {
			return 0, false
		}
		if !utf16.IsSurrogate(r) {
			b.WriteRune(r)
			return 6, true
		}
		if len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' {
			if r2, ok := hex4(raw[8:]); ok {
				if dr := utf16.DecodeRune(r, r2); dr != utf8.RuneError {
					b.WriteRune(dr)
					return 12, true
				}
			}
		}
		b.WriteRune(utf8.RuneError) // a lone surrogate; what follows is read on its own
		return 6, true
	default:
		return 0, false
	}
	return 2, true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
