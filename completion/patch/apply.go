package patch

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lode-ls/lode/context/redact"
)

// ErrNoChange reports an answer whose edits leave every file as it was.
var ErrNoChange = errors.New("patch: the answer changes nothing")

// ErrOutsideRegion reports an answer that changes a target outside the
// lines it was given (FILE:START-END).
var ErrOutsideRegion = errors.New("patch: the answer changes lines outside the given range")

// ErrNotFound reports a search text that is not in its file, even when
// whitespace is ignored. The answer does not apply.
var ErrNotFound = errors.New("patch: search text not found")

// Apply applies a parsed answer to the targets and returns the files it
// changes, in the targets' order. Search/replace blocks win over fenced
// code; a fenced code block rewrites the target's region (or the whole
// file) only when the answer has no blocks and exactly one target.
func Apply(a *Answer, targets []Target) ([]FileChange, error) {
	contents := make([]string, len(targets))
	for i, t := range targets {
		contents[i] = t.Content
	}
	switch {
	case len(a.Blocks) > 0:
		for n, b := range a.Blocks {
			i, err := resolvePath(b.Path, targets)
			if err != nil {
				return nil, err
			}
			start, end := targets[i].regionOffsets()
			s, err := replaceBlock(contents[i], b.Search, b.Replace, start, end)
			if err != nil {
				return nil, fmt.Errorf("block %d (%s): %w", n+1, targets[i].Path, err)
			}
			contents[i] = s
		}
	case len(targets) == 1:
		s, err := rewrite(targets[0], longest(a.Fences))
		if err != nil {
			return nil, err
		}
		contents[0] = s
	default:
		return nil, fmt.Errorf("%w: a rewritten region needs a single file, not %d", ErrNoEdits, len(targets))
	}
	var changes []FileChange
	for i, t := range targets {
		var err error
		if contents[i], err = restoreSecrets(t.Content, contents[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Path, err)
		}
		if !t.keepsOutside(contents[i]) {
			return nil, fmt.Errorf("%w %d-%d of %s", ErrOutsideRegion, t.StartLine, max(t.StartLine, t.EndLine), t.Path)
		}
		if contents[i] != t.Content {
			changes = append(changes, FileChange{Path: t.Path, Language: t.Language, Old: t.Content, New: contents[i]})
		}
	}
	if len(changes) == 0 {
		return nil, ErrNoChange
	}
	return changes, nil
}

// ErrSecret reports an answer that would write the redaction placeholder
// where the file holds a secret the model never saw.
var ErrSecret = errors.New("patch: the answer would overwrite a redacted secret")

// restoreSecrets puts back the secrets the model saw redacted: a line of
// the patched content holding the placeholder must be, once redacted, a
// line of the original, and takes the original's text. Otherwise the
// patch would replace the user's secret with the placeholder.
func restoreSecrets(old, patched string) (string, error) {
	if strings.Count(patched, redact.Placeholder) <= strings.Count(old, redact.Placeholder) {
		return patched, nil
	}
	originals := map[string]string{}
	for line := range strings.SplitSeq(old, "\n") {
		if r := redact.String(line); r != line {
			originals[r] = line
		}
	}
	lines := strings.Split(patched, "\n")
	for i, l := range lines {
		if !strings.Contains(l, redact.Placeholder) {
			continue
		}
		o, ok := originals[l]
		if !ok {
			return "", fmt.Errorf("%w: %q", ErrSecret, strings.TrimSpace(l))
		}
		lines[i] = o
	}
	return strings.Join(lines, "\n"), nil
}

// regionOffsets returns the byte range of the target's region, or the
// whole content when it has none.
func (t Target) regionOffsets() (int, int) {
	if t.StartLine <= 0 {
		return 0, len(t.Content)
	}
	start := lineOffset(t.Content, t.StartLine-1)
	end := lineOffset(t.Content, max(t.EndLine, t.StartLine))
	return start, end
}

// keepsOutside reports whether patched leaves everything outside the
// target's region as it was (always true without a region).
func (t Target) keepsOutside(patched string) bool {
	if t.StartLine <= 0 {
		return true
	}
	start, end := t.regionOffsets()
	before, after := t.Content[:start], t.Content[end:]
	return len(patched) >= len(before)+len(after) &&
		strings.HasPrefix(patched, before) && strings.HasSuffix(patched, after)
}

// lineOffset returns the byte offset where zero-based line n starts, or
// the content's length.
func lineOffset(s string, n int) int {
	off := 0
	for ; n > 0; n-- {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			return len(s)
		}
		off += i + 1
	}
	return off
}

// rewrite replaces the target's region with code. Without a region, code
// replaces the whole file only when it looks like the whole file (at least
// half its lines), so that a snippet never wipes the rest.
func rewrite(t Target, code string) (string, error) {
	start, end := t.regionOffsets()
	old := t.Content[start:end]
	if t.StartLine <= 0 && strings.Count(code, "\n")*2 < strings.Count(old, "\n") {
		return "", fmt.Errorf("%w: a code block of %d lines cannot replace %s (%d lines) without a region",
			ErrNoEdits, strings.Count(code, "\n"), t.Path, strings.Count(old, "\n"))
	}
	if !strings.HasSuffix(old, "\n") {
		code = strings.TrimSuffix(code, "\n")
	}
	return t.Content[:start] + code + t.Content[end:], nil
}

func longest(ss []string) string {
	var best string
	for _, s := range ss {
		if len(s) > len(best) {
			best = s
		}
	}
	return best
}

// replaceBlock replaces search with repl in content, preferring an
// occurrence inside [start, end). It matches exactly first, then line by
// line ignoring trailing spaces, then ignoring indentation (and re-indents
// repl to the file's indentation).
func replaceBlock(content, search, repl string, start, end int) (string, error) {
	if strings.TrimSpace(search) == "" {
		if strings.TrimSpace(content) == "" {
			return repl, nil
		}
		return "", fmt.Errorf("%w: empty search text in a non-empty file", ErrNotFound)
	}
	if at, err := pick(exactMatches(content, search), start, end); err != nil {
		return "", err
	} else if at >= 0 {
		return content[:at] + repl + content[at+len(search):], nil
	}
	for _, loose := range []bool{false, true} {
		ms := lineMatches(content, search, loose)
		at, err := pick(starts(ms), start, end)
		if err != nil {
			return "", err
		}
		if at < 0 {
			continue
		}
		for _, m := range ms {
			if m.start == at {
				if loose {
					repl = reindent(repl, indentPairs(search, content[m.start:m.end]))
				}
				if !strings.HasSuffix(content[m.start:m.end], "\n") {
					repl = strings.TrimSuffix(repl, "\n")
				}
				return content[:m.start] + repl + content[m.end:], nil
			}
		}
	}
	return "", fmt.Errorf("%w: %q", ErrNotFound, firstNonBlank(search))
}

// pick chooses one match: the only one, or the only one inside the region.
// It returns -1 when there is none.
func pick(at []int, start, end int) (int, error) {
	switch len(at) {
	case 0:
		return -1, nil
	case 1:
		return at[0], nil
	}
	found := -1
	for _, a := range at {
		if a >= start && a < end {
			if found >= 0 {
				return -1, fmt.Errorf("patch: search text occurs %d times", len(at))
			}
			found = a
		}
	}
	if found < 0 {
		return -1, fmt.Errorf("patch: search text occurs %d times, none in the region", len(at))
	}
	return found, nil
}

func exactMatches(content, search string) []int {
	var at []int
	for off := 0; ; {
		i := strings.Index(content[off:], search)
		if i < 0 {
			return at
		}
		at = append(at, off+i)
		off += i + 1
	}
}

type span struct{ start, end int }

func starts(ms []span) []int {
	at := make([]int, len(ms))
	for i, m := range ms {
		at[i] = m.start
	}
	return at
}

// lineMatches finds the runs of content's lines equal to search's
// non-blank-bounded lines, compared without trailing spaces (and without
// leading ones when loose).
func lineMatches(content, search string, loose bool) []span {
	norm := func(s string) string {
		if loose {
			return strings.TrimSpace(s)
		}
		return strings.TrimRight(s, " \t\r")
	}
	want := strings.Split(strings.TrimRight(search, "\n"), "\n")
	for len(want) > 0 && strings.TrimSpace(want[0]) == "" {
		want = want[1:]
	}
	for len(want) > 0 && strings.TrimSpace(want[len(want)-1]) == "" {
		want = want[:len(want)-1]
	}
	if len(want) == 0 {
		return nil
	}
	offs := []int{0}
	for i := 0; i < len(content); i++ {
		if content[i] == '\n' {
			offs = append(offs, i+1)
		}
	}
	// A search the model copied from redacted text matches the file's
	// lines as the model saw them.
	redacted := strings.Contains(search, redact.Placeholder)
	lines := make([]string, len(offs))
	for n := range offs {
		end := len(content)
		if n+1 < len(offs) {
			end = offs[n+1]
		}
		l := strings.TrimSuffix(content[offs[n]:end], "\n")
		if redacted {
			l = redact.String(l)
		}
		lines[n] = norm(l)
	}
	for i := range want {
		want[i] = norm(want[i])
	}
	var ms []span
	for first := 0; first+len(want) <= len(offs); first++ {
		if slices.Equal(lines[first:first+len(want)], want) {
			end := len(content)
			if first+len(want) < len(offs) {
				end = offs[first+len(want)]
			}
			ms = append(ms, span{offs[first], end})
		}
	}
	return ms
}

func firstNonBlank(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(line) != "" {
			return line
		}
	}
	return ""
}

func indentOf(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}

// indentPairs maps the indentation of the search's lines to that of the
// file's lines they matched.
func indentPairs(search, matched string) map[string]string {
	pairs := map[string]string{}
	var got []string
	for l := range strings.SplitSeq(matched, "\n") {
		if strings.TrimSpace(l) != "" {
			got = append(got, l)
		}
	}
	i := 0
	for l := range strings.SplitSeq(search, "\n") {
		if strings.TrimSpace(l) == "" || i >= len(got) {
			continue
		}
		if _, ok := pairs[indentOf(l)]; !ok {
			pairs[indentOf(l)] = indentOf(got[i])
		}
		i++
	}
	return pairs
}

// reindent gives repl's lines the file's indentation: an indentation seen
// in the search maps to the file's; a deeper one maps its longest known
// prefix, repeatedly (four spaces become a tab at every level).
func reindent(repl string, pairs map[string]string) string {
	lines := strings.Split(repl, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := indentOf(l)
		var out strings.Builder
		for ind != "" {
			if to, ok := pairs[ind]; ok {
				out.WriteString(to)
				ind = ""
				break
			}
			best := ""
			for from := range pairs {
				if from != "" && len(from) > len(best) && strings.HasPrefix(ind, from) {
					best = from
				}
			}
			if best == "" {
				break
			}
			out.WriteString(pairs[best])
			ind = ind[len(best):]
		}
		lines[i] = out.String() + ind + strings.TrimLeft(l, " \t")
	}
	return strings.Join(lines, "\n")
}
