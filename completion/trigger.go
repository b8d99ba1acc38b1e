package completion

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/internal/config"
)

// Skip reasons, reported in Result.Skipped when the trigger policy declines
// an automatic request.
const (
	SkipDisabled = "completion disabled"
	SkipClosed   = "the engine is closed"
	SkipDeletion = "after a deletion"
	SkipMidWord  = "in the middle of an identifier"
	SkipMidLine  = "text after the cursor"
	SkipComment  = "in a comment"
	SkipString   = "in a string"
)

// lineCloser is what the rest of a line may hold for an automatic request
// to go ahead: closing punctuation and blanks.
const lineCloser = ")]}>\"'`;,: \t\r"

// policy decides whether an automatic request should reach the model. It
// returns "" to go ahead, else the reason to skip. inComment and inString
// are asked lazily: they may parse the document.
func policy(cfg *config.Completion, prefix, suffix string, deleted bool, inComment, inString func() bool) string {
	if cfg.SkipDeletions && deleted {
		return SkipDeletion
	}
	before, _ := utf8.DecodeLastRuneInString(prefix)
	after, _ := utf8.DecodeRuneInString(suffix)
	if cfg.SkipMidWord && len(prefix) > 0 && len(suffix) > 0 && isIdent(before) && isIdent(after) {
		return SkipMidWord
	}
	if cfg.SkipMidLine {
		rest, _, _ := strings.Cut(suffix, "\n")
		if strings.Trim(rest, lineCloser) != "" {
			return SkipMidLine
		}
	}
	if !cfg.InComments && inComment() {
		return SkipComment
	}
	if !cfg.InStrings && inString() {
		return SkipString
	}
	return ""
}

func isIdent(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordStart returns the offset where the identifier that ends at off in s
// begins (off when none does).
func wordStart(s string, off int) int {
	for off > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:off])
		if !isIdent(r) {
			break
		}
		off -= n
	}
	return off
}

// blockOpeners are the line endings after which a block body follows.
var blockOpeners = []string{"{", ":", "=>", " do", " then"}

// modeFor decides how much to generate: a block when the cursor is at the
// end of a line that opens a block, or on an empty line just inside a
// block that is still empty; else the rest of the line.
func modeFor(prefix, suffix string) postprocess.Mode {
	rest, after, _ := strings.Cut(suffix, "\n")
	if strings.Trim(rest, lineCloser) != "" {
		return postprocess.Line
	}
	line := prefix[strings.LastIndexByte(prefix, '\n')+1:]
	if strings.TrimSpace(line) != "" {
		if opensBlock(line) {
			return postprocess.Block
		}
		return postprocess.Line
	}
	// An empty line: a block body if the line above opens a block and the
	// next non-blank line is not more indented than the cursor (the block
	// is empty).
	above := lastNonBlank(prefix[:len(prefix)-len(line)])
	if !opensBlock(above) {
		return postprocess.Line
	}
	next := firstNonBlank(after)
	if strings.TrimSpace(rest) != "" {
		next = rest
	}
	if next == "" || indentWidth(next) <= indentWidth(line) {
		return postprocess.Block
	}
	return postprocess.Line
}

// opensBlock reports whether the code of line ends with a block opener;
// a comment opens nothing ("// TODO:" is no block).
func opensBlock(line string) bool {
	t := strings.TrimSpace(line)
	for _, c := range []string{"//", "#", "--", "/*", "*"} {
		if strings.HasPrefix(t, c) {
			return false
		}
	}
	for _, c := range []string{" //", "\t//", " #", "\t#"} {
		if i := strings.Index(t, c); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
	}
	if t == "" {
		return false
	}
	for _, o := range blockOpeners {
		if strings.HasSuffix(t, o) {
			return true
		}
	}
	return false
}

func lastNonBlank(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func firstNonBlank(s string) string {
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}

func indentWidth(line string) int {
	n := 0
	for _, r := range line {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}
