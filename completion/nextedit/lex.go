package nextedit

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// class is the lexical class of a token.
type class uint8

const (
	classIdent class = iota
	classNumber
	classString
	classPunct
)

// token is one token of a source text: comments and white space are not
// tokens, and a string literal is one token.
type token struct {
	class      class
	start, end int
	text       string
}

// comments says how a language writes comments.
type comments struct {
	line   []string // line comment openers
	block  bool     // C-style /* */
	triple bool     // Python's triple-quoted strings, which span lines
}

// commentsOf guesses a file's comment syntax from its extension.
func commentsOf(path string) comments {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".py", ".pyi":
		return comments{line: []string{"#"}, triple: true}
	case ".rb", ".sh", ".bash", ".zsh", ".yaml", ".yml", ".toml", ".pl", ".r", ".nim", ".ex", ".exs", ".jl":
		return comments{line: []string{"#"}}
	case ".lua", ".sql", ".hs":
		return comments{line: []string{"--"}}
	case ".php":
		return comments{line: []string{"//", "#"}, block: true}
	default:
		return comments{line: []string{"//"}, block: true}
	}
}

// lex splits src into tokens, skipping comments and white space. It never
// fails: an unterminated string or comment runs to the end of its line
// (string) or of the text (comment).
func lex(src string, c comments) []token {
	return lexFrom(src, c, 0, make([]token, 0, len(src)/4), nil) // about one token in four bytes of code
}

// lexFrom appends to toks the tokens of src from offset i, where lex
// starts to scan a token or what it skips (the start of a token of a
// text whose bytes before i+utf8.UTFMax are src's). With sync set, it
// asks sync at each token's start whether the rest of the tokens are
// known (see relex).
func lexFrom(src string, c comments, i int, toks []token, sync *resync) []token {
	for i < len(src) {
		ch := src[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v':
			i++
			continue
		case c.block && strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return toks
			}
			i += end + 4
			continue
		case lineComment(src[i:], c):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				return toks
			}
			i += end
			continue
		}
		start := i
		if sync != nil && start >= sync.from {
			if rest, ok := sync.rest(toks, src, start); ok {
				return rest
			}
		}
		cls := classPunct
		switch {
		case c.triple && (strings.HasPrefix(src[i:], `"""`) || strings.HasPrefix(src[i:], "'''")):
			cls = classString
			if end := strings.Index(src[i+3:], src[i:i+3]); end >= 0 {
				i += end + 6
			} else {
				i = len(src)
			}
		case ch == '"' || ch == '\'' || ch == '`':
			cls, i = classString, stringEnd(src, i)
		case isIdentStart(src, i):
			cls = classIdent
			for i < len(src) && isIdentPart(src, i) {
				_, n := utf8.DecodeRuneInString(src[i:])
				i += n
			}
		case ch >= '0' && ch <= '9':
			cls = classNumber
			for i < len(src) && (isIdentPart(src, i) || src[i] == '.') {
				i++
			}
		default:
			_, n := utf8.DecodeRuneInString(src[i:])
			i += n
		}
		toks = append(toks, token{class: cls, start: start, end: i, text: src[start:i]})
	}
	return toks
}

func lineComment(s string, c comments) bool {
	for _, p := range c.line {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// stringEnd returns the end of the string literal opening at i. Backquoted
// strings may span lines; others end at their line's end at the latest.
func stringEnd(src string, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			return j + 1
		case '\n':
			if q != '`' {
				return j
			}
		}
	}
	return len(src)
}

func isIdentStart(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == '_' || r == '$' || unicode.IsLetter(r)
}

func isIdentPart(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
