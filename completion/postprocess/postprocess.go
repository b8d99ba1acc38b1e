// Package postprocess turns a model's raw answer into the text an editor
// shows at the cursor: it strips chat code fences, keeps one line or one
// block, removes what the text after the cursor already holds, drops
// repetitive output, trims whitespace and, given a syntax checker, keeps
// the longest part of the answer that adds no parse error.
//
// The main entry points are Process and Input.Done (the early-stop test
// used while streaming). Every function here is pure: it depends on the
// standard library alone, and the syntax check is injected as a Checker
// (the engine passes one built on context/syntax).
package postprocess

import (
	"strings"
)

// Mode says how much text a completion may hold.
type Mode int

const (
	// Line completes the rest of the current line.
	Line Mode = iota
	// Block completes a block: the body of an empty block, or the block
	// after an opener at the end of the line.
	Block
)

func (m Mode) String() string {
	if m == Block {
		return "block"
	}
	return "line"
}

// Checker returns the syntax errors of src. The engine builds one from
// context/syntax for the document's language. A negative Score.Errors
// means the source could not be checked, and the check is skipped.
type Checker func(src string) Score

// Score measures the syntax errors of a source: how many, and how many
// bytes of the inserted completion they cover (zero for the document
// without it).
type Score struct {
	Errors, Bytes int
}

// noWorse reports whether s adds no syntax error to base: fewer errors, or
// as many and none inside the completion.
func (s Score) noWorse(base Score) bool {
	return s.Errors < base.Errors || s.Errors == base.Errors && s.Bytes <= base.Bytes
}

// Input is one model answer and the document around the cursor.
type Input struct {
	Prefix string // document text before the cursor (all of it, or a window ending at the cursor)
	Suffix string // document text after the cursor (all of it, or a window starting at the cursor)
	Text   string // the model's answer
	Mode   Mode
	Chat   bool    // the answer came from a chat prompt: strip fences and echoes
	Check  Checker // nil skips the syntax check

	// Base is Check(Prefix+Suffix) when the caller knows it already (the
	// engine computes it while the model runs); nil means unknown.
	Base *Score
}

// Process returns the completion to show for in, or "" when nothing useful
// is left.
func Process(in Input) string {
	s := strings.ReplaceAll(in.Text, "\r\n", "\n")
	if in.Chat {
		s = stripFences(s)
		s = stripEcho(s, linePrefix(in.Prefix))
	}
	s = trimLead(s, in.Prefix)
	s = in.truncate(s)
	s = cutRepetition(s)
	s = trimTrailing(s)
	s = in.cutSuffixOverlap(s)
	s = in.closeOnOwnLine(s)
	if s != "" && in.Check != nil {
		s = selfCheck(in, s)
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if strings.Contains(in.Prefix, "\r\n") {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

// linePrefix returns the text of the cursor's line before the cursor.
func linePrefix(prefix string) string {
	return prefix[strings.LastIndexByte(prefix, '\n')+1:]
}

// lineSuffix returns the text of the cursor's line after the cursor.
func lineSuffix(suffix string) string {
	if i := strings.IndexByte(suffix, '\n'); i >= 0 {
		return strings.TrimSuffix(suffix[:i], "\r")
	}
	return suffix
}

// indentOf returns the leading spaces and tabs of line.
func indentOf(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}

// width measures indentation, a tab counting as one column per tab stop
// of four: only comparisons within one file matter.
func width(indent string) int {
	n := 0
	for _, r := range indent {
		if r == '\t' {
			n += 4
		} else {
			n++
		}
	}
	return n
}

// stripFences returns the content of the first fenced code block of a
// chat answer, or s when it has none.
func stripFences(s string) string {
	start := strings.Index(s, "```")
	if start < 0 {
		return s
	}
	body := s[start+3:]
	nl := strings.IndexByte(body, '\n')
	if nl < 0 {
		return strings.TrimSuffix(body, "```")
	}
	body = body[nl+1:] // drop the info string (the language name)
	if end := strings.Index(body, "```"); end >= 0 {
		body = body[:end]
	}
	return strings.TrimSuffix(body, "\n")
}

// stripEcho removes the cursor line's text that a chat model repeated
// before its answer.
func stripEcho(s, line string) string {
	t := strings.TrimLeft(line, " \t")
	if t == "" {
		return s
	}
	trimmed := strings.TrimLeft(s, " \t")
	if strings.HasPrefix(trimmed, t) {
		return trimmed[len(t):]
	}
	return s
}

// trimLead removes leading blanks that would double the blank before the
// cursor, and leading indentation a model repeated on an indented empty
// line.
func trimLead(s, prefix string) string {
	lp := linePrefix(prefix)
	if lp == "" || strings.HasPrefix(s, "\n") {
		return s
	}
	if strings.TrimLeft(lp, " \t") == "" {
		// The cursor sits after indentation only: a model that repeats it
		// would indent the line twice.
		if strings.HasPrefix(s, lp) {
			return s[len(lp):]
		}
		return s
	}
	if last := lp[len(lp)-1]; last == ' ' || last == '\t' {
		return strings.TrimLeft(s, " \t")
	}
	return s
}

// trimTrailing removes trailing blanks from every line and trailing blank
// lines.
func trimTrailing(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
