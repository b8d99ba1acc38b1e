package explain

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
)

// ErrNothing reports an offset outside any function or type of a file too
// large to explain whole: the user should select the code to explain.
var ErrNothing = errors.New("explain: no function or type here; select the code to explain")

// maxWholeFileLines is the size up to which a file with no enclosing
// function or type is explained whole.
const maxWholeFileLines = 300

// Subject is the code an explanation is about, and what the syntax tree
// says of it.
type Subject struct {
	Path, Language string
	Kind           string // "function", "method", "type", "class", ..., "selection" or "file"
	Name           string // "" when anonymous
	Container      string // the enclosing named scope of a selection, if any
	Signature      string
	Doc            string
	Start, End     int // byte range in the document
	// StartLine and EndLine are the zero-based inclusive lines of the range.
	StartLine, EndLine int
	Code               string
	Calls              []Call
	Branches, Returns  []Line
	// Imports maps the names the file uses for its imports to their
	// paths: a call qualified by one of them means that import's name.
	Imports map[string]string
}

// Call is a call the subject makes.
type Call struct {
	Name      string // the called identifier
	Qualified string // with its qualifier when there is one: "strings.Cut"
	Line      int    // zero-based line of the first call
}

// Line is one line of the subject worth pointing at.
type Line struct {
	Line int // zero-based
	Text string
}

// Title names the subject for a human: "function Add", "selection in Twice".
func (s *Subject) Title() string {
	switch {
	case s.Kind == "selection" && s.Container != "":
		return "selection in " + s.Container
	case s.Name != "":
		return s.Kind + " " + s.Name
	}
	return s.Kind
}

var (
	branchKeywords = map[string]bool{
		"if": true, "else": true, "elif": true, "switch": true, "case": true, "select": true, "match": true,
		"for": true, "while": true, "loop": true, "do": true, "try": true, "catch": true, "except": true, "finally": true,
	}
	returnKeywords = map[string]bool{"return": true, "yield": true, "raise": true, "throw": true}
)

// Locate finds what to explain in a document: the range [start, end) when
// it is not empty (whole lines), else the innermost named function or type
// around start, else the whole file when it is small.
func Locate(ctx context.Context, path, language, content string, start, end int) (*Subject, error) {
	start, end = max(0, min(start, len(content))), max(0, min(end, len(content)))
	if end < start {
		start, end = end, start
	}
	s := &Subject{Path: path, Language: language}
	lang := syntax.Detect(language, path)
	if lang == nil {
		if err := s.locateText(content, start, end); err != nil {
			return nil, err
		}
		s.scanText()
		return s, nil
	}
	tree, err := syntax.Parse(ctx, lang, []byte(content))
	if err != nil {
		return nil, fmt.Errorf("explain: parsing %s: %w", path, err)
	}
	defer tree.Close()
	if s.Language == "" {
		s.Language = lang.Name
	}
	scopes := tree.Scopes(start)
	switch {
	case end > start:
		s.Kind = "selection"
		s.Start, s.End = lineStart(content, start), lineEnd(content, end)
		for _, sc := range scopes {
			if sc.Name != "" {
				s.Container = sc.Name
				break
			}
		}
	case len(scopes) > 0:
		sc := scopes[0]
		for _, c := range scopes {
			if c.Name != "" {
				sc = c
				break
			}
		}
		s.Kind, s.Name, s.Signature = string(sc.Kind), sc.Name, sc.Signature
		s.Start, s.End = sc.Start, sc.End
		s.Doc = docOf(tree, sc)
	default:
		if err := s.locateText(content, start, end); err != nil {
			return nil, err
		}
	}
	s.fill(content)
	s.scanTree(tree)
	s.Imports = retrieve.ImportNames(tree.Outline().Imports, s.Language)
	return s, nil
}

// locateText picks the selection or the whole (small) file.
func (s *Subject) locateText(content string, start, end int) error {
	if end > start {
		s.Kind = "selection"
		s.Start, s.End = lineStart(content, start), lineEnd(content, end)
	} else {
		if strings.Count(content, "\n") > maxWholeFileLines {
			return ErrNothing
		}
		s.Kind, s.Start, s.End = "file", 0, len(content)
	}
	s.fill(content)
	return nil
}

func (s *Subject) fill(content string) {
	s.Code = content[s.Start:s.End]
	s.StartLine = strings.Count(content[:s.Start], "\n")
	s.EndLine = s.StartLine + strings.Count(strings.TrimSuffix(s.Code, "\n"), "\n")
}

// shift moves the subject's ranges and lines by base bytes and lines:
// from a window's coordinates to its document's.
func (s *Subject) shift(base, lines int) {
	s.Start += base
	s.End += base
	s.StartLine += lines
	s.EndLine += lines
	for i := range s.Calls {
		s.Calls[i].Line += lines
	}
	for i := range s.Branches {
		s.Branches[i].Line += lines
	}
	for i := range s.Returns {
		s.Returns[i].Line += lines
	}
}

// docOf returns the doc comment of the definition that starts the scope.
func docOf(tree *syntax.Tree, sc syntax.Scope) string {
	for _, d := range tree.Outline().Definitions {
		if d.Start == sc.Start || d.StartLine == sc.StartLine && d.Name == sc.Name {
			return d.Doc
		}
	}
	return ""
}

// scanTree collects the subject's calls, branches and returns from the
// tree's tokens, so that strings and comments never count.
func (s *Subject) scanTree(tree *syntax.Tree) {
	src := tree.Source()
	var recent []syntax.Leaf // the last tokens, newest last
	seenCall := map[string]bool{}
	lastBranch, lastReturn := -1, -1
	line, counted := s.StartLine, s.Start
	tree.Leaves(s.Start, s.End, func(l syntax.Leaf) bool {
		if l.Start > counted {
			line += strings.Count(string(src[counted:l.Start]), "\n")
			counted = l.Start
		}
		word := string(src[l.Start:l.End])
		switch {
		case l.Kind == "(":
			if c, ok := s.call(src, recent, line); ok && !seenCall[c.Qualified] {
				seenCall[c.Qualified] = true
				s.Calls = append(s.Calls, c)
			}
		case l.Class == syntax.ClassKeyword && branchKeywords[word] && line != lastBranch:
			lastBranch = line
			s.Branches = append(s.Branches, Line{Line: line, Text: s.lineText(line)})
		case l.Class == syntax.ClassKeyword && returnKeywords[word] && line != lastReturn:
			lastReturn = line
			s.Returns = append(s.Returns, Line{Line: line, Text: s.lineText(line)})
		}
		if len(recent) == maxQualifiers*2+2 {
			recent = recent[1:]
		}
		recent = append(recent, l)
		return true
	})
}

// maxQualifiers bounds the qualifiers kept in a call's name
// ("os.path.exists" has two).
const maxQualifiers = 3

// call returns the call whose opening parenthesis follows the tokens in
// recent: an identifier, with the identifiers before it joined by "." or
// "::". A declaration's own name is not a call.
func (s *Subject) call(src []byte, recent []syntax.Leaf, line int) (Call, bool) {
	i := len(recent) - 1
	if i < 0 || recent[i].Class != syntax.ClassIdentifier {
		return Call{}, false
	}
	name := string(src[recent[i].Start:recent[i].End])
	if i > 0 && declares(src, recent[i-1]) || name == s.Name && line == s.StartLine {
		return Call{}, false
	}
	q := name
	for i >= 2 && (recent[i-1].Kind == "." || recent[i-1].Kind == "::") && recent[i-2].Class == syntax.ClassIdentifier {
		q = string(src[recent[i-2].Start:recent[i-1].End]) + q
		i -= 2
	}
	return Call{Name: name, Qualified: q, Line: line}, true
}

// declarers are the keywords that precede a declared function's name.
var declarers = map[string]bool{"func": true, "def": true, "function": true, "fn": true, "fun": true}

// declares reports whether leaf l is a keyword that declares a function.
func declares(src []byte, l syntax.Leaf) bool {
	return l.Class == syntax.ClassKeyword && declarers[string(src[l.Start:l.End])]
}

var (
	callPattern = regexp.MustCompile(`([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)?)\s*\(`)
	firstWord   = regexp.MustCompile(`^\s*(?:\}\s*)?([a-z]+)\b`)
)

// scanText is scanTree for languages lode cannot parse: the first word of
// each line, and words followed by a parenthesis.
func (s *Subject) scanText() {
	seen := map[string]bool{}
	for i, l := range strings.Split(s.Code, "\n") {
		line := s.StartLine + i
		if m := firstWord.FindStringSubmatch(l); m != nil {
			switch {
			case branchKeywords[m[1]]:
				s.Branches = append(s.Branches, Line{Line: line, Text: strings.TrimSpace(l)})
			case returnKeywords[m[1]]:
				s.Returns = append(s.Returns, Line{Line: line, Text: strings.TrimSpace(l)})
			}
		}
		for _, m := range callPattern.FindAllStringSubmatch(l, -1) {
			q := m[1]
			name := q[strings.LastIndex(q, ".")+1:]
			if branchKeywords[name] || returnKeywords[name] || seen[q] {
				continue
			}
			seen[q] = true
			s.Calls = append(s.Calls, Call{Name: name, Qualified: q, Line: line})
		}
	}
}

// lineText returns the trimmed text of a document line inside the subject.
func (s *Subject) lineText(line int) string {
	lines := strings.Split(s.Code, "\n")
	if i := line - s.StartLine; i >= 0 && i < len(lines) {
		return strings.TrimSpace(lines[i])
	}
	return ""
}

func lineStart(s string, off int) int {
	return strings.LastIndexByte(s[:off], '\n') + 1
}

func lineEnd(s string, off int) int {
	if off > 0 && s[off-1] == '\n' {
		return off
	}
	if i := strings.IndexByte(s[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(s)
}

// Span is a function or type a user may ask to explain.
type Span struct {
	Kind, Name string
	Start, End int // byte range of the whole definition
}

// explainable are the definition kinds offered for explanation.
var explainable = map[syntax.Kind]bool{
	syntax.KindFunction: true, syntax.KindMethod: true, syntax.KindClass: true, syntax.KindStruct: true,
	syntax.KindInterface: true, syntax.KindEnum: true, syntax.KindType: true,
}

// Spans returns the functions and types of a document, in source order,
// for "Explain" code lenses. A language lode cannot parse has none.
func Spans(ctx context.Context, path, language, content string) []Span {
	tree, err := syntax.ParseDocument(ctx, language, path, []byte(content))
	if err != nil {
		return nil
	}
	defer tree.Close()
	var spans []Span
	for _, d := range tree.Outline().Definitions {
		if explainable[d.Kind] {
			spans = append(spans, Span{Kind: string(d.Kind), Name: d.Name, Start: d.Start, End: d.End})
		}
	}
	return spans
}
