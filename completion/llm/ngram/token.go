package ngram

import (
	"strings"
	"unicode"
	"unicode/utf8"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/lode-ls/lode/context/syntax"
)

// newline is the token that stands for one or more line breaks between two
// lexical tokens. Blank lines are not kept: a run of line breaks is one
// newline token. In Go it coincides with the automatic semicolon.
const newline = "\n"

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

// lexeme is one token of a source file.
type lexeme struct {
	text  string
	class class
	// space reports whether the source had horizontal space between the
	// previous token and this one on the same line.
	space bool
	start, end int // byte offsets in the source
}

// lex returns the tokens of src from tree: the leaves of the syntax tree,
// with literals (strings, runes, template strings) kept whole and comments
// dropped, and a newline token wherever the source breaks the line between
// two tokens. For a whole file (whole is true) the result always ends with
// a newline token, so that every context but the last has a follower; for
// a prefix it ends with one only if the source ends with a line break.
func lex(tree *syntax.Tree, whole bool) []lexeme {
	src := tree.Source()
	root := tree.Root()
	c := root.Walk()
	defer c.Close()
	l := lexer{src: src, out: make([]lexeme, 0, len(src)/4)}
	for {
		n := c.Node()
		if l.visit(n) && c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				l.gap(len(src))
				if k := len(l.out); whole && (k == 0 || l.out[k-1].class != classNewline) {
					l.out = append(l.out, lexeme{text: newline, class: classNewline, start: len(src), end: len(src)})
				}
				return l.out
			}
		}
	}
}

type lexer struct {
	src  []byte
	out  []lexeme
	last int // end of the previous token or skipped comment
	// brokeLine is set when a skipped comment or the gap before the next
	// token holds a line break.
	brokeLine bool
}

// visit handles node n and reports whether its children should be visited.
func (l *lexer) visit(n *tree_sitter.Node) bool {
	kind := n.Kind()
	count := n.ChildCount()
	atomic := count > 0 && isAtomic(kind)
	if count > 0 && !atomic {
		return true
	}
	start, end := int(n.StartByte()), int(n.EndByte())
	if start >= end || end > len(l.src) {
		return false // missing nodes inserted by error recovery
	}
	if strings.Contains(kind, "comment") {
		l.gap(start)
		if strings.Contains(string(l.src[start:end]), "\n") {
			l.brokeLine = true
		}
		l.last = end
		return false
	}
	text := string(l.src[start:end])
	if strings.TrimSpace(text) == "" {
		// Go's tree-sitter grammar has a leaf for the newline that ends a
		// statement; it becomes a newline token below.
		l.gap(start)
		l.brokeLine = l.brokeLine || strings.Contains(text, "\n")
		l.last = end
		return false
	}
	space := l.gap(start)
	l.out = append(l.out, lexeme{text: text, class: classify(kind, text, n.IsNamed()), space: space, start: start, end: end})
	l.last = end
	return false
}

// gap looks at the source between the previous token and start: it emits a
// newline token if the line breaks there, and reports whether there is
// horizontal space otherwise.
func (l *lexer) gap(start int) (space bool) {
	if start < l.last {
		start = l.last
	}
	g := l.src[l.last:start]
	if l.brokeLine || strings.ContainsRune(string(g), '\n') {
		l.brokeLine = false
		if k := len(l.out); k > 0 && l.out[k-1].class != classNewline {
			l.out = append(l.out, lexeme{text: newline, class: classNewline, start: l.last, end: start})
		}
		return false
	}
	return len(g) > 0
}

// isAtomic reports whether a node with children is still one token: string
// and character literals, whose inner structure (escapes, content) is not a
// lexical unit, and comments.
func isAtomic(kind string) bool {
	return strings.Contains(kind, "string") || strings.Contains(kind, "char_literal") ||
		strings.Contains(kind, "rune_literal") || strings.Contains(kind, "comment") ||
		kind == "template_string"
}

func classify(kind, text string, named bool) class {
	switch {
	case strings.Contains(kind, "identifier") || kind == "label_name":
		return classIdent
	case strings.Contains(kind, "literal") || strings.Contains(kind, "string") ||
		kind == "true" || kind == "false" || kind == "nil" || kind == "none" || kind == "null" ||
		kind == "integer" || kind == "float" || kind == "number":
		return classLiteral
	case named && isWord(text):
		return classIdent // iota, self, this, builtin names the grammar names
	case isWord(text):
		return classKeyword
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
