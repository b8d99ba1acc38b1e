package explain

import (
	"context"
	"regexp"
	"strings"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
)

const (
	maxDefinitionLines = 40 // of a definition's code shown, after its doc comment
	maxLookupDefs      = 8  // definitions of one name
	maxOccurrenceHits  = 64 // index chunks searched for callers
	callerContext      = 1  // lines shown around a call
)

// IndexLookup is the Lookup of a workspace index. Read is the workspace's
// reader, so that ignored and secret files never reach a model; it is
// called for every file a result comes from.
type IndexLookup struct {
	Index *index.Index
	Read  func(path string) ([]byte, error)
}

var _ Lookup = IndexLookup{}

// Definitions returns the definitions of name with their doc comments,
// long bodies cut.
func (l IndexLookup) Definitions(ctx context.Context, name string) []retrieve.Snippet {
	var out []retrieve.Snippet
	for _, sym := range l.Index.Lookup(name) {
		if len(out) == maxLookupDefs || ctx.Err() != nil {
			break
		}
		src, err := l.Read(sym.Path)
		if err != nil || sym.End > len(src) || sym.Start > sym.End {
			continue
		}
		code := string(src[sym.Start:sym.End])
		if lines := strings.SplitAfter(code, "\n"); len(lines) > maxDefinitionLines {
			code = strings.Join(lines[:maxDefinitionLines], "") + "…\n"
		}
		if sym.Doc != "" {
			code = strings.TrimRight(sym.Doc, "\n") + "\n" + code
		}
		out = append(out, retrieve.Snippet{
			Path: sym.Path, StartLine: sym.StartLine, EndLine: sym.EndLine,
			Text: code, Reason: retrieve.ReasonDefinition, Symbol: name,
		})
	}
	return out
}

// Callers returns the lines that call name (name followed by a
// parenthesis), with a line around each, skipping its definitions.
func (l IndexLookup) Callers(ctx context.Context, name string) []retrieve.Snippet {
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*\(`)
	defs := map[string]map[int]bool{}
	for _, sym := range l.Index.Lookup(name) {
		if defs[sym.Path] == nil {
			defs[sym.Path] = map[int]bool{}
		}
		defs[sym.Path][sym.StartLine] = true
	}
	var out []retrieve.Snippet
	files := map[string][]string{}
	seen := map[string]bool{}
	for _, hit := range l.Index.Occurrences(name, maxOccurrenceHits) {
		if len(out) == maxCallers || ctx.Err() != nil {
			break
		}
		lines, ok := files[hit.Path]
		if !ok {
			src, err := l.Read(hit.Path)
			if err == nil {
				lines = strings.Split(string(src), "\n")
			}
			files[hit.Path] = lines
		}
		for n := hit.StartLine; n <= hit.EndLine && n < len(lines) && len(out) < maxCallers; n++ {
			key := hit.Path + ":" + lines[n]
			if defs[hit.Path][n] || seen[key] || !callsOutsideComment(call, lines[n]) || isDeclaration(lines[n], name) {
				continue
			}
			seen[key] = true
			from, to := max(0, n-callerContext), min(len(lines)-1, n+callerContext)
			out = append(out, retrieve.Snippet{
				Path: hit.Path, StartLine: from, EndLine: to,
				Text: strings.Join(lines[from:to+1], "\n"), Reason: ReasonCaller, Symbol: name,
			})
		}
	}
	return out
}

// callsOutsideComment reports whether line has a call matching call before
// any line comment ("//" or "#") it holds.
func callsOutsideComment(call *regexp.Regexp, line string) bool {
	loc := call.FindStringIndex(line)
	if loc == nil {
		return false
	}
	for _, marker := range []string{"//", "#"} {
		if i := strings.Index(line, marker); i >= 0 && i < loc[0] {
			return false
		}
	}
	return true
}

// isDeclaration reports whether line declares name rather than calling
// it ("func name(", "def name(", ...).
func isDeclaration(line, name string) bool {
	t := strings.TrimSpace(line)
	for _, kw := range []string{"func ", "def ", "function ", "fn ", "fun "} {
		if strings.HasPrefix(t, kw) && strings.Contains(t, " "+name+"(") || strings.HasPrefix(t, kw+name) {
			return true
		}
	}
	return strings.HasPrefix(t, "func (") && strings.Contains(t, ") "+name+"(")
}
