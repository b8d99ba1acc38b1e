package ngram

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/syntax"
)

// newline is the token that stands for one or more line breaks between two
// lexical tokens. Blank lines are not kept: a run of line breaks is one
// newline token. In Go it coincides with the automatic semicolon.
const newline = "\n"

var newlineBytes = []byte(newline)

// class groups tokens by what they are, for the spacing rules and for the
// completion items (which show words, not punctuation).
type class uint8

const (
	classPunct   class = iota // operators and delimiters
	classKeyword              // anonymous leaves made of letters: func, return
	classIdent                // identifiers of any kind
	classLiteral              // numbers, strings, runes, true/false/nil
	classNewline              // a line break
)

// lexeme is one token of a source file, by its place in the source.
type lexeme struct {
	start, end int32 // byte offsets; a newline token is empty
	class      class
	// space reports whether the source had horizontal space between the
	// previous token and this one on the same line.
	space bool
}

// text returns the token's text in src.
func (l lexeme) text(src []byte) []byte {
	if l.class == classNewline {
		return newlineBytes
	}
	return src[l.start:l.end]
}

// lex returns the tokens of the tree's source: the leaves of the syntax
// tree in the language's own lexical units, with literals (strings, runes,
// template strings) whole and comments dropped, and a newline token
// wherever the source breaks the line between two tokens. For a whole file
// (whole is true) the result always ends with a newline token, so that
// every context but the last has a follower; for a prefix it ends with one
// only if the source ends with a line break.
//
// The walk is the hot part of training: Tree.Leaves collects the leaves in
// one call into the tree-sitter library, where a walk in Go would make
// several per node.
func lex(tree *syntax.Tree, whole bool) []lexeme {
	return lexInto(tree, whole, make([]lexeme, 0, len(tree.Source())/5))
}

// lexInto is lex appending to buf.
func lexInto(tree *syntax.Tree, whole bool, buf []lexeme) []lexeme {
	src := tree.Source()
	l := lexer{src: src, out: buf}
	tree.Leaves(0, len(src), func(lf syntax.Leaf) bool {
		l.leaf(lf.Start, lf.End, lf.Class)
		return true
	})
	return l.finish(whole)
}

type lexer struct {
	src  []byte
	out  []lexeme
	last int // end of the previous token or skipped comment
	// brokeLine is set when a skipped comment or the gap before the next
	// token holds a line break.
	brokeLine bool
}

// finish closes the token stream at the end of the source: a newline token
// if the source breaks the line after the last token, or always for a whole
// file.
func (l *lexer) finish(whole bool) []lexeme {
	l.gap(len(l.src))
	if k := len(l.out); whole && (k == 0 || l.out[k-1].class != classNewline) {
		l.out = append(l.out, lexeme{start: int32(len(l.src)), end: int32(len(l.src)), class: classNewline})
	}
	return l.out
}

// leaf handles a token of the tree, the leaf [start, end) of class kc.
func (l *lexer) leaf(start, end int, kc syntax.Class) {
	if start >= end || end > len(l.src) {
		return // missing nodes inserted by error recovery
	}
	text := l.src[start:end]
	if kc == syntax.ClassComment || len(bytes.TrimSpace(text)) == 0 {
		// Comments are dropped, and so is Go's leaf for the newline that
		// ends a statement, which becomes a newline token instead.
		l.gap(start)
		l.brokeLine = l.brokeLine || bytes.IndexByte(text, '\n') >= 0
		l.last = end
		return
	}
	space := l.gap(start)
	l.out = append(l.out, lexeme{start: int32(start), end: int32(end), class: classOf(kc, text), space: space})
	l.last = end
}

// gap looks at the source between the previous token and start: it emits a
// newline token if the line breaks there, and reports whether there is
// horizontal space otherwise.
func (l *lexer) gap(start int) (space bool) {
	if start < l.last {
		start = l.last
	}
	g := l.src[l.last:start]
	if l.brokeLine || bytes.IndexByte(g, '\n') >= 0 {
		l.brokeLine = false
		if k := len(l.out); k > 0 && l.out[k-1].class != classNewline {
			l.out = append(l.out, lexeme{start: int32(l.last), end: int32(l.last), class: classNewline})
		}
		return false
	}
	return len(g) > 0
}

func classOf(kc syntax.Class, text []byte) class {
	switch kc {
	case syntax.ClassIdentifier:
		return classIdent
	case syntax.ClassString, syntax.ClassNumber:
		return classLiteral
	case syntax.ClassKeyword:
		return classKeyword
	case syntax.ClassPunct:
		return classPunct
	}
	if isWord(string(text)) {
		return classIdent // iota, builtin names the grammar names
	}
	return classPunct
}

// isWord reports whether s starts like an identifier.
func isWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

// isWordRune reports whether r may continue an identifier.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// redactLexeme returns the text of the lexeme l of src with the parts of
// the secrets (sorted, not overlapping) that fall in it replaced by
// redact.Placeholder, and the secrets that may still fall in later
// lexemes. The model never counts a secret, so it can neither offer one as
// a completion nor save one in its cache: a string literal holding a token
// becomes the literal of the placeholder.
func redactLexeme(src []byte, l lexeme, text []byte, secrets []redact.Match) ([]byte, []redact.Match) {
	start, end := int(l.start), int(l.end)
	for len(secrets) > 0 && secrets[0].End <= start {
		secrets = secrets[1:]
	}
	if l.class == classNewline || len(secrets) == 0 || secrets[0].Start >= end {
		return text, secrets
	}
	var out []byte
	last := start
	for _, s := range secrets {
		if s.Start >= end {
			break
		}
		a, b := max(s.Start, start), min(s.End, end)
		out = append(out, src[last:a]...)
		out = append(out, redact.Placeholder...)
		last = b
	}
	return append(out, src[last:end]...), secrets
}
