package explain

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/retrieve"
)

// ReasonCaller marks a snippet that uses the explained code.
const ReasonCaller retrieve.Reason = "caller"

const (
	maxDefinitions = 12
	maxCallers     = 6
	maxListed      = 20 // lines listed per section of a structural explanation
)

const system = `You are lode, explaining code to a programmer who did not write it.
Ground every statement in the code and the project context shown: name the functions it really calls and what they do (from their definitions), and who calls it.
Write markdown: one sentence saying what the code does and why, then how it works (main steps, branches, error handling, side effects), then anything surprising or risky.
Be concise. Do not restate the code line by line. If something the code relies on is not shown, say so instead of guessing.`

// gather finds the definitions of what the subject calls and the places
// that call it, packed under the token budget, definitions first.
func (e *Explainer) gather(ctx context.Context, s *Subject) []retrieve.Snippet {
	if e.opts.Lookup == nil {
		return nil
	}
	var defs, callers []retrieve.Snippet
	seen := map[string]bool{}
	for _, c := range s.Calls {
		if len(defs) == maxDefinitions || ctx.Err() != nil {
			break
		}
		if d, ok := s.bestDefinition(c, e.opts.Lookup.Definitions(ctx, c.Name)); ok {
			key := fmt.Sprintf("%s:%d", d.Path, d.StartLine)
			if !seen[key] {
				seen[key] = true
				d.Reason, d.Symbol = retrieve.ReasonDefinition, c.Qualified
				defs = append(defs, d)
			}
		}
	}
	if name := cmp.Or(s.Name, s.Container); name != "" && ctx.Err() == nil {
		for _, c := range e.opts.Lookup.Callers(ctx, name) {
			if len(callers) == maxCallers {
				break
			}
			if s.contains(c) {
				continue
			}
			c.Reason, c.Symbol = ReasonCaller, name
			callers = append(callers, c)
		}
	}
	budget := e.opts.Budget
	var out []retrieve.Snippet
	used := 0
	add := func(list []retrieve.Snippet, limit int) []retrieve.Snippet {
		var rest []retrieve.Snippet
		for _, sn := range list {
			if sn.Tokens == 0 {
				sn.Tokens = e.tokens(sn.Text)
			}
			if used+sn.Tokens > limit {
				rest = append(rest, sn)
				continue
			}
			used += sn.Tokens
			out = append(out, sn)
		}
		return rest
	}
	defs = add(defs, budget*2/3)
	add(callers, budget)
	add(defs, budget)
	return out
}

// bestDefinition picks the definition a call most likely means, by
// proximity: the same file, then the same directory, then anywhere, a
// test file only for a test (or when nothing else is found). A
// call through a qualifier ("x.Name") takes only a definition in the
// subject's directory, or in a directory named like the qualifier (a Go
// package): without types, a method of the same name elsewhere is more
// often wrong than right.
func (s *Subject) bestDefinition(c Call, defs []retrieve.Snippet) (retrieve.Snippet, bool) {
	qualifier, qualified := "", false
	if i := strings.LastIndexAny(c.Qualified, ".:"); i >= 0 {
		qualifier, qualified = strings.TrimRight(c.Qualified[:i], ":"), true
		qualifier = qualifier[strings.LastIndexAny(qualifier, ".:")+1:]
	}
	dir := filepath.Dir(s.Path)
	imp := s.Imports[qualifier]
	best, bestRank, bestMatch := retrieve.Snippet{}, 0, 0
	for _, d := range defs {
		if s.contains(d) {
			continue
		}
		if qualified && imp != "" {
			// pkg.Name is the import's, never a same-named definition
			// nearby: the best match of the import path, or nothing.
			if m := retrieve.ImportMatch(d.Path, imp); m > bestMatch && !isTest(d.Path) {
				best, bestRank, bestMatch = d, 1, m
			}
			continue
		}
		rank := 1
		switch ddir := filepath.Dir(d.Path); {
		case filepath.Clean(d.Path) == filepath.Clean(s.Path):
			rank = 4
		case ddir == dir:
			rank = 3
		case filepath.Base(ddir) == qualifier:
			rank = 2
		case qualified:
			continue
		}
		rank *= 2
		if isTest(d.Path) == isTest(s.Path) {
			rank++ // test helpers explain tests, not the code under test
		}
		if rank > bestRank {
			best, bestRank = d, rank
		}
	}
	return best, bestRank > 0
}

// isTest reports whether path names a test file by the usual conventions.
func isTest(path string) bool {
	base := filepath.Base(path)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	return strings.HasSuffix(stem, "_test") || strings.HasPrefix(stem, "test_") ||
		strings.HasSuffix(stem, ".test") || strings.HasSuffix(stem, ".spec") || strings.HasSuffix(stem, "Test")
}

func (e *Explainer) tokens(s string) int {
	if tc, ok := e.model.(llm.TokenCounter); ok {
		return tc.CountTokens(s)
	}
	return (len(s) + 3) / 4
}

// contains reports whether a snippet lies inside the subject itself.
func (s *Subject) contains(sn retrieve.Snippet) bool {
	return filepath.Clean(sn.Path) == filepath.Clean(s.Path) && sn.StartLine >= s.StartLine && sn.EndLine <= s.EndLine
}

// shorten returns the subject's path and copies of the sources with paths
// relative to the deepest directory holding them all, for people and
// prompts (the sources themselves keep absolute paths).
func shorten(s *Subject, sources []retrieve.Snippet) (string, []retrieve.Snippet) {
	base := filepath.Dir(s.Path)
	for _, sn := range sources {
		for !strings.HasPrefix(sn.Path, base+string(filepath.Separator)) && base != filepath.Dir(base) {
			base = filepath.Dir(base)
		}
	}
	rel := func(p string) string {
		if r, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(r, "..") && filepath.IsAbs(p) {
			return filepath.ToSlash(r)
		}
		return p
	}
	out := make([]retrieve.Snippet, len(sources))
	for i, sn := range sources {
		sn.Path = rel(sn.Path)
		out[i] = sn
	}
	return rel(s.Path), out
}

// messages writes the chat prompt.
func (e *Explainer) messages(s *Subject, sources []retrieve.Snippet) []llm.Message {
	path, sources := shorten(s, sources)
	var b strings.Builder
	if len(sources) > 0 {
		b.WriteString("## Project context\n\n")
		for _, sn := range sources {
			what := "definition of " + sn.Symbol
			if sn.Reason == ReasonCaller {
				what = "calls " + sn.Symbol
			}
			fmt.Fprintf(&b, "%s, lines %d-%d (%s):\n```\n%s\n```\n\n", sn.Path, sn.StartLine+1, sn.EndLine+1, what, strings.TrimRight(sn.Text, "\n"))
		}
	}
	fmt.Fprintf(&b, "## Code to explain: %s, %s, lines %d-%d\n\n", s.Title(), path, s.StartLine+1, s.EndLine+1)
	if s.Doc != "" {
		fmt.Fprintf(&b, "Its doc comment:\n```\n%s\n```\n\n", strings.TrimRight(s.Doc, "\n"))
	}
	fmt.Fprintf(&b, "```%s\n%s\n```\n", s.Language, strings.TrimRight(s.Code, "\n"))
	return []llm.Message{
		{Role: "system", Content: system},
		{Role: "user", Content: e.opts.Redact(b.String())},
	}
}

// render wraps a model's explanation with a title and its grounding.
func render(s *Subject, text, model string, sources []retrieve.Snippet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", heading(s))
	b.WriteString(strings.TrimSpace(stripFence(text)))
	b.WriteString("\n\n---\n")
	var grounds []string
	for _, sn := range sources {
		grounds = append(grounds, fmt.Sprintf("`%s` (%s:%d, %s)", sn.Symbol, filepath.Base(sn.Path), sn.StartLine+1, sn.Reason))
	}
	if len(grounds) > 0 {
		fmt.Fprintf(&b, "_Grounded in %s._ ", strings.Join(grounds, ", "))
	}
	if model != "" {
		fmt.Fprintf(&b, "_Written by %s._", model)
	}
	return strings.TrimSpace(b.String()) + "\n"
}

// stripFence unwraps an answer a model put in one markdown code fence.
func stripFence(text string) string {
	t := strings.TrimSpace(text)
	for _, f := range []string{"```markdown\n", "```md\n", "```\n"} {
		if strings.HasPrefix(t, f) && strings.HasSuffix(t, "```") && strings.Count(t, "```") == 2 {
			return strings.TrimSuffix(strings.TrimPrefix(t, f), "```")
		}
	}
	return text
}

func heading(s *Subject) string {
	return fmt.Sprintf("%s (%s:%d-%d)", s.Title(), filepath.Base(s.Path), s.StartLine+1, s.EndLine+1)
}

// Structural writes an explanation from the subject's syntax and the
// workspace alone: signature, doc comment, callers, calls, branches and
// returns. note, when set, says why there is no prose.
func Structural(s *Subject, sources []retrieve.Snippet, note string) string {
	_, sources = shorten(s, sources)
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", heading(s))
	b.WriteString("_Structural explanation: built from the syntax tree and the workspace index, not written by a language model.")
	if note != "" {
		b.WriteString(" " + strings.TrimSuffix(note, ".") + ".")
	} else {
		b.WriteString(" Configure a chat model for a prose explanation.")
	}
	b.WriteString("_\n\n")
	if s.Signature != "" {
		fmt.Fprintf(&b, "**Signature**\n\n```%s\n%s\n```\n\n", s.Language, s.Signature)
	}
	if s.Doc != "" {
		b.WriteString("**Documentation**\n\n")
		for l := range strings.SplitSeq(strings.TrimRight(s.Doc, "\n"), "\n") {
			fmt.Fprintf(&b, "> %s\n", l)
		}
		b.WriteString("\n")
	}
	writeCallers(&b, s, sources)
	writeCalls(&b, s, sources)
	writeLines(&b, "Branches", s.Branches)
	writeLines(&b, "Returns", s.Returns)
	if len(s.Calls) == 0 && len(s.Branches) == 0 && len(s.Returns) == 0 {
		fmt.Fprintf(&b, "It calls nothing, has no branches and no explicit return (%d lines).\n", s.EndLine-s.StartLine+1)
	}
	return strings.TrimSpace(b.String()) + "\n"
}

func writeCallers(b *strings.Builder, s *Subject, sources []retrieve.Snippet) {
	var lines []string
	for _, sn := range sources {
		if sn.Reason == ReasonCaller {
			line, code := callLine(sn)
			lines = append(lines, fmt.Sprintf("- %s:%d: `%s`", sn.Path, line+1, code))
		}
	}
	switch {
	case len(lines) > 0:
		title := "Called from"
		if s.Name == "" {
			title = "Callers of " + s.Container
		}
		fmt.Fprintf(b, "**%s**\n\n%s\n\n", title, strings.Join(lines, "\n"))
	case s.Name != "":
		fmt.Fprintf(b, "**Called from**: no callers of `%s` found in the workspace.\n\n", s.Name)
	}
}

func writeCalls(b *strings.Builder, s *Subject, sources []retrieve.Snippet) {
	if len(s.Calls) == 0 {
		return
	}
	defs := map[string]retrieve.Snippet{}
	for _, sn := range sources {
		if sn.Reason == retrieve.ReasonDefinition {
			defs[sn.Symbol] = sn
		}
	}
	b.WriteString("**Calls**\n\n")
	for i, c := range s.Calls {
		if i == maxListed {
			fmt.Fprintf(b, "- … and %d more\n", len(s.Calls)-i)
			break
		}
		fmt.Fprintf(b, "- `%s` (line %d)", c.Qualified, c.Line+1)
		if d, ok := defs[c.Qualified]; ok {
			fmt.Fprintf(b, ": defined at %s:%d, `%s`", d.Path, d.StartLine+1, firstCodeLine(d.Text, c.Name))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func writeLines(b *strings.Builder, title string, lines []Line) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "**%s**\n\n", title)
	for i, l := range lines {
		if i == maxListed {
			fmt.Fprintf(b, "- … and %d more\n", len(lines)-i)
			break
		}
		fmt.Fprintf(b, "- line %d: `%s`\n", l.Line+1, strings.ReplaceAll(l.Text, "`", "'"))
	}
	b.WriteString("\n")
}

// callLine returns the zero-based line of a caller snippet that calls its
// symbol, and that line's code.
func callLine(sn retrieve.Snippet) (int, string) {
	for i, l := range strings.Split(sn.Text, "\n") {
		if strings.Contains(l, sn.Symbol+"(") {
			return sn.StartLine + i, strings.ReplaceAll(strings.TrimSpace(l), "`", "'")
		}
	}
	return sn.StartLine, firstCodeLine(sn.Text, sn.Symbol)
}

// firstCodeLine returns the snippet's first line that mentions name (else
// its first non-comment line), trimmed.
func firstCodeLine(text, name string) string {
	var first string
	for l := range strings.SplitSeq(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "/*") {
			continue
		}
		if first == "" {
			first = t
		}
		if name != "" && strings.Contains(t, name) {
			first = t
			break
		}
	}
	first = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(first, "{")), ":")
	return strings.ReplaceAll(first, "`", "'")
}
