package completion

import (
	"context"
	"strings"
	"sync"
)

// Grounding is the second self-check of a completion: every identifier
// it introduces as a call, a selector, a composite type or a qualifier is
// looked up in lode's memory (the document, the workspace index, the
// dependencies' surface). A model that invents a member (strings.HasPrefx,
// resp.StatusText) is caught before the user accepts it.

// Names is the memory the grounding check looks names up in. The engine
// finds it on its Retriever, as an optional capability: without it,
// nothing is checked.
type Names interface {
	// Names returns the lookup for the document at path, whose text is
	// content: whether name, selected from qualifier as written ("" for a
	// bare name), is declared anywhere the document can reach. checked is
	// false when the memory cannot tell (an import it has not read yet):
	// such a name is never held against a completion.
	Names(ctx context.Context, path, content string) func(qualifier, name string) (declared, checked bool)
}

// ValueQualifier is the qualifier Names gets for a member selected from
// an expression that is not a name: "f().Name", "a[i].Name".
const ValueQualifier = "()"

// Grounding modes (completion.grounding).
const (
	GroundOff  = "off"  // no check
	GroundShow = "show" // check and report, show the completion as is
	GroundCut  = "cut"  // cut the completion before the first name declared nowhere
	GroundDrop = "drop" // drop a completion that uses a name declared nowhere
)

// GroundCheck is the grounding of one completion: the names it checked
// and those it found nowhere.
type GroundCheck struct {
	Checked []string // qualified as written: "strings.Cut", "Item{"
	Unknown []string // of Checked, declared nowhere lode knows
	Action  string   // "" (nothing found), or what was done: "shown", "cut", "dropped"
}

// String says what was checked, for --show-prompt and the trace.
func (g GroundCheck) String() string {
	if len(g.Checked) == 0 {
		return "grounding: no names to check"
	}
	s := "grounding: checked " + strings.Join(g.Checked, ", ")
	if len(g.Unknown) > 0 {
		s += "; declared nowhere: " + strings.Join(g.Unknown, ", ") + " (" + g.Action + ")"
	}
	return s
}

// groundRef is one identifier a completion introduces.
type groundRef struct {
	qualifier, name string
	start           int // where the expression holding it begins in the completion: the cut point
}

// Ground checks the identifiers that completion ins, at offset off of
// the document doc (the text without the completion) of lang, introduces against
// declared (a Names lookup), and returns the completion to show under
// mode ("" when dropped) and what was checked.
func Ground(declared func(qualifier, name string) (bool, bool), mode, lang, doc string, off int, ins string) (string, GroundCheck) {
	var g GroundCheck
	if declared == nil || mode == GroundOff || ins == "" {
		return ins, g
	}
	cut := -1
	for _, r := range groundRefs(lang, selectorBefore(doc[:off]), ins) {
		shown := r.name
		if r.qualifier != "" {
			shown = r.qualifier + "." + r.name
		}
		if containsWord(doc, r.name) || builtin(lang, r.name) {
			continue // the document uses it already: declared, or the user's own
		}
		g.Checked = append(g.Checked, shown)
		known, checked := declared(r.qualifier, r.name)
		if !checked || known {
			continue
		}
		g.Unknown = append(g.Unknown, shown)
		if cut < 0 {
			cut = r.start
		}
	}
	if cut < 0 {
		return ins, g
	}
	switch mode {
	case GroundShow:
		g.Action = "shown"
		return ins, g
	case GroundCut:
		kept := strings.TrimRight(ins[:cut], " \t")
		if meaningful(kept) {
			g.Action = "cut"
			return kept, g
		}
	}
	g.Action = "dropped"
	return "", g
}

// meaningful reports whether what is left of a cut completion is worth
// showing: something besides blanks, and not ending in an operator, an
// opener or a keyword that asks for the expression that was cut.
func meaningful(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	if strings.ContainsRune("=:(,[{+-*/%&|^!<>.", rune(t[len(t)-1])) {
		return false
	}
	words := strings.Fields(t)
	return !keyword("go", words[len(words)-1]) && !keyword("python", words[len(words)-1]) && !keyword("javascript", words[len(words)-1])
}

// containsWord reports whether s holds name as a whole word.
func containsWord(s, name string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], name)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(name)
		if (k == 0 || !identByte(s[k-1])) && (end == len(s) || !identByte(s[end])) {
			return true
		}
		i = end
	}
}

func identByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// selectorBefore returns x when the text before the cursor ends with
// "x.", the start of a selector the completion finishes.
func selectorBefore(before string) string {
	if !strings.HasSuffix(before, ".") {
		return ""
	}
	j := len(before) - 1
	for j > 0 && identByte(before[j-1]) {
		j--
	}
	return before[j : len(before)-1]
}

// groundRefs returns the identifiers ins introduces as calls, selectors,
// composite types or qualifiers, skipping strings, comments, keywords and
// names the completion itself declares before using them.
func groundRefs(lang, selector, ins string) []groundRef {
	toks := groundTokens(lang, ins)
	if selector != "" {
		// The completion goes on from "x." before the cursor.
		toks = append([]groundToken{{text: selector, start: 0, ident: true}, {text: ".", start: 0}}, toks...)
	}
	var out []groundRef
	chain := 0 // start of the current selector chain
	for i, t := range toks {
		if !t.ident {
			if t.text != "." {
				chain = -1
			}
			continue
		}
		prevDot := i > 0 && toks[i-1].text == "."
		if !prevDot {
			chain = t.start
		}
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].text
		}
		if keyword(lang, t.text) || declaredEarlier(toks[:i], t.text) {
			continue
		}
		start := chain
		if start < 0 {
			start = t.start
		}
		switch {
		case prevDot:
			q := ""
			switch {
			case i >= 2 && toks[i-2].ident:
				q = toks[i-2].text
			case i >= 2 && (toks[i-2].text == ")" || toks[i-2].text == "]"):
				q = ValueQualifier // f().Name, a[i].Name: a member of some value
			default:
				continue
			}
			out = append(out, groundRef{qualifier: q, name: t.text, start: start})
		case next == "(" || next == "{" || next == ".":
			if next == "{" && !upperFirst(t.text) {
				continue // "if ok {", "else x {": a block, not a composite literal
			}
			out = append(out, groundRef{name: t.text, start: start})
		}
	}
	return out
}

// declaredEarlier reports whether name occurs in toks, the completion
// before it: a name the completion declares (x := ..., a parameter) or
// already used once is checked once.
func declaredEarlier(toks []groundToken, name string) bool {
	for _, t := range toks {
		if t.ident && t.text == name {
			return true
		}
	}
	return false
}

type groundToken struct {
	text  string
	start int
	ident bool
}

// groundTokens splits ins into identifiers and punctuation, skipping
// strings, numbers, comments and blanks.
func groundTokens(lang, s string) []groundToken {
	line := lineComment(lang)
	var out []groundToken
	for i := 0; i < len(s); {
		if end, str, ok := skipNonCode(s, i, line); ok {
			if str {
				out = append(out, groundToken{text: "\"", start: i})
			}
			i = end
			continue
		}
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case identByte(c) && !('0' <= c && c <= '9'):
			j := i
			for j < len(s) && identByte(s[j]) {
				j++
			}
			out = append(out, groundToken{text: s[i:j], start: i, ident: true})
			i = j
		case '0' <= c && c <= '9':
			j := i
			for j < len(s) && (identByte(s[j]) || s[j] == '.') {
				j++
			}
			out = append(out, groundToken{text: "0", start: i})
			i = j
		default:
			out = append(out, groundToken{text: s[i : i+1], start: i})
			i++
		}
	}
	return out
}

func upperFirst(s string) bool { return s != "" && 'A' <= s[0] && s[0] <= 'Z' }

// keywords of the languages whose completions are checked; a keyword is
// never a name to look up.
var keywords = map[string]string{
	"go":         "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var",
	"python":     "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self cls",
	"javascript": "await break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof let new null return super switch this throw true try typeof undefined var void while with yield async of",
	"typescript": "await break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof let new null return super switch this throw true try typeof undefined var void while with yield async of as interface type enum implements readonly",
	"rust":       "as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while async await dyn",
}

// builtins are the names every file of a language sees without declaring
// or importing them.
var builtins = map[string]string{
	"go":         "append cap clear close complex copy delete imag len make max min new panic print println real recover any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil",
	"python":     "abs all any bool bytes callable chr dict dir divmod enumerate filter float format frozenset getattr hasattr hash hex id input int isinstance issubclass iter len list map max min next object open ord pow print property range repr reversed round set setattr slice sorted staticmethod classmethod str sum super tuple type vars zip Exception ValueError TypeError KeyError IndexError RuntimeError",
	"javascript": "Array Boolean Date Error JSON Map Math Number Object Promise RegExp Set String Symbol console parseInt parseFloat require module exports window document",
	"typescript": "Array Boolean Date Error JSON Map Math Number Object Promise RegExp Set String Symbol console parseInt parseFloat require module exports window document Record Partial",
	"rust":       "Some None Ok Err Box Vec String Option Result println format vec panic assert assert_eq",
}

func keyword(lang, name string) bool { return inList(keywords[lang], name) }
func builtin(lang, name string) bool { return inList(builtins[lang], name) }

func inList(list, name string) bool {
	for _, w := range strings.Fields(list) {
		if w == name {
			return true
		}
	}
	return false
}

// groundLookup returns the grounding check's lookup for the document of
// c, or nil when the check is off or the retriever has no memory of
// names.
func (e *Engine) groundLookup(ctx context.Context, c cursor) func(qualifier, name string) (bool, bool) {
	n, ok := e.retriever.(Names)
	if mode := e.config().Grounding; !ok || mode == "" || mode == GroundOff {
		return nil
	}
	// Most completions introduce only names the document already uses,
	// which the check settles without the memory: it is read on the first
	// name that needs it.
	var once sync.Once
	var lookup func(qualifier, name string) (bool, bool)
	return func(qualifier, name string) (bool, bool) {
		once.Do(func() { lookup = n.Names(ctx, c.path, c.doc) })
		return lookup(qualifier, name)
	}
}

// groundedFirst orders items whose names were all found before those
// with a name declared nowhere (shown as is), keeping each group's order.
func groundedFirst(items []Item, checks []GroundCheck) ([]Item, []GroundCheck) {
	if len(items) != len(checks) {
		return items, checks
	}
	var gi, ui []Item
	var gc, uc []GroundCheck
	for i := range items {
		if len(checks[i].Unknown) > 0 && checks[i].Action == "shown" {
			ui, uc = append(ui, items[i]), append(uc, checks[i])
		} else {
			gi, gc = append(gi, items[i]), append(gc, checks[i])
		}
	}
	return append(gi, ui...), append(gc, uc...)
}
