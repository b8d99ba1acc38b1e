package completion

import (
	"strings"

	"github.com/lode-ls/lode/context/syntax"
)

// The syntax check judges a completion, not the document around it. A
// document being written lacks the closing brackets of the blocks the
// cursor is in; tree-sitter's error recovery then wraps whatever follows
// the cursor, a good completion included, in an error. So the check
// parses the document as if it were finished: the brackets still open at
// its end are closed there, and the brackets a completion opens are
// closed right after it (the user will write the rest of the block). An
// error counts against a completion only when that closed document has it
// and the closed document without the completion does not.

// closerOf maps an opening bracket to its closing one.
var closerOf = map[byte]byte{'(': ')', '[': ']', '{': '}'}

// isOpener and isCloser classify bracket bytes.
func isOpener(b byte) bool { return b == '(' || b == '[' || b == '{' }
func isCloser(b byte) bool { return b == ')' || b == ']' || b == '}' }

// push applies a sequence of brackets to stack: an opener is pushed, a
// closer pops the top when it matches it; a closer that matches nothing
// is left for the parser to report.
func push(stack []byte, brackets []byte) []byte {
	for _, b := range brackets {
		stack = step(stack, b)
	}
	return stack
}

// step applies one bracket to stack, as push does.
func step(stack []byte, b byte) []byte {
	switch {
	case isOpener(b):
		stack = append(stack, b)
	case isCloser(b) && len(stack) > 0 && closerOf[stack[len(stack)-1]] == b:
		stack = stack[:len(stack)-1]
	}
	return stack
}

// closing returns the text that closes stack, innermost first, one bracket
// a line.
func closing(stack []byte) string {
	var b strings.Builder
	for i := len(stack) - 1; i >= 0; i-- {
		b.WriteByte('\n')
		b.WriteByte(closerOf[stack[i]])
	}
	return b.String()
}

// treeBrackets returns the brackets of t's source in [start, end), outside
// strings and comments, in order. It reads the leaves a piece of the
// source at a time and gives up (ok false) once stop says so.
func treeBrackets(t *syntax.Tree, start, end int, stop func() bool) (brackets []byte, ok bool) {
	const piece = 16 << 10
	var out []byte
	src := t.Source()
	for lo := start; lo < end; lo += piece {
		if stop() {
			return nil, false
		}
		hi := min(lo+piece, end)
		t.Leaves(lo, hi, func(l syntax.Leaf) bool {
			// A bracket is one byte: it stands in exactly one piece.
			if l.Class == syntax.ClassPunct && l.End-l.Start == 1 && l.Start >= lo && l.End <= hi {
				if b := src[l.Start]; isOpener(b) || isCloser(b) {
					out = append(out, b)
				}
			}
			return true
		})
	}
	return out, true
}

// textBrackets returns the brackets of s, a completion in lang, outside
// string literals and comments. It is a lexer of the common forms only
// (quotes with backslash escapes, Go's and JavaScript's backquotes, line
// and block comments): a completion is short, and a bracket it misreads
// costs no more than an error the parser reports.
func textBrackets(lang string, s string) []byte {
	line := lineComment(lang)
	var out []byte
	for i := 0; i < len(s); {
		if end, _, ok := skipNonCode(s, i, line); ok {
			i = end
			continue
		}
		if c := s[i]; isOpener(c) || isCloser(c) {
			out = append(out, c)
		}
		i++
	}
	return out
}

// lineComment returns what begins a line comment in lang.
func lineComment(lang string) string {
	if lang == "python" {
		return "#"
	}
	return "//"
}

// skipNonCode reports whether s[i:] begins a comment or a string literal
// (line comments beginning with line; block comments too where line is
// "//"), and returns the offset just past it (a line comment's line break
// excluded; len(s) when it runs to the end) and whether it is a string.
// The common forms only: quotes with backslash escapes, Go's and
// JavaScript's backquotes.
func skipNonCode(s string, i int, line string) (end int, str, ok bool) {
	switch c := s[i]; {
	case strings.HasPrefix(s[i:], line):
		if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
			return i + j, false, true
		}
		return len(s), false, true
	case line == "//" && strings.HasPrefix(s[i:], "/*"):
		if j := strings.Index(s[i+2:], "*/"); j >= 0 {
			return i + j + 4, false, true
		}
		return len(s), false, true
	case c == '"' || c == '\'' || c == '`':
		j := i + 1
		for j < len(s) && s[j] != c && (c == '`' || s[j] != '\n') {
			if s[j] == '\\' && c != '`' {
				j++
			}
			j++
		}
		return min(j+1, len(s)), true, true
	}
	return i, false, false
}

// ownClosers returns the brackets a completion opens and leaves open, as
// the text that closes them, and the stack of the document's brackets
// after it: those before the cursor it did not close.
func ownClosers(before []byte, brackets []byte) (closers string, after []byte) {
	stack := append([]byte(nil), before...)
	floor := len(stack) // openers below floor are the document's
	for _, b := range brackets {
		stack = step(stack, b)
		floor = min(floor, len(stack))
	}
	return closing(stack[floor:]), stack[:floor]
}
