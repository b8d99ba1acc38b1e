package patch

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Block is one search/replace block of a model's answer: replace Search
// with Replace in the file at Path (empty when the answer did not name one).
type Block struct {
	Path    string
	Search  string
	Replace string
}

// Answer is a model's answer, parsed.
type Answer struct {
	Blocks []Block
	// Fences holds the contents of the fenced code blocks outside any
	// search/replace block, for answers that rewrite a region instead.
	Fences []string
}

var (
	searchMarker  = regexp.MustCompile(`^\s*<{5,9}\s*(SEARCH|ORIGINAL|search)?\s*$`)
	dividerMarker = regexp.MustCompile(`^\s*={5,9}\s*$`)
	replaceMarker = regexp.MustCompile(`^\s*>{5,9}\s*(REPLACE|UPDATED|replace)?\s*$`)
	fenceMarker   = regexp.MustCompile("^\\s*(```+|~~~+)")
	// pathLine recognizes a line naming a file: a bare path, or one in
	// backquotes, bold, after a heading mark or a "File:" label.
	pathLine = regexp.MustCompile(`^\s*(?:#+\s*)?(?:\*\*)?(?:[Ff]ile(?:name)?:\s*)?` + "`?" + `([\w./\\-]+\.[\w]+)` + "`?" + `(?:\*\*)?:?\s*$`)
)

// ErrNoEdits reports an answer that holds neither a search/replace block
// nor a fenced code block: prose, garbage or an empty answer.
var ErrNoEdits = errors.New("patch: the answer holds no edit")

// ParseAnswer parses a model's answer. It accepts search/replace blocks
// (inside code fences or not, with a file name on a line before them) and
// fenced code blocks; it is lenient about marker lengths, trailing spaces
// and CRLF line ends. An unterminated block is dropped.
func ParseAnswer(answer string) (*Answer, error) {
	lines := strings.Split(strings.ReplaceAll(answer, "\r\n", "\n"), "\n")
	a := new(Answer)
	var lastPath string
	var fence []string
	inFence := false
	fenceOpen := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if searchMarker.MatchString(line) {
			b, next, ok := parseBlock(lines, i+1)
			if ok {
				b.Path = lastPath
				a.Blocks = append(a.Blocks, b)
				fence = nil // the fence held the block, not a rewrite
			}
			i = next - 1
			continue
		}
		if m := fenceMarker.FindStringSubmatch(line); m != nil {
			switch {
			case !inFence:
				inFence, fenceOpen, fence = true, m[1], []string{}
				if p := fenceInfoPath(line, m[1]); p != "" {
					lastPath = p
				}
			case closesFence(line, fenceOpen):
				if fence != nil {
					a.Fences = append(a.Fences, joinLines(fence))
				}
				inFence, fence = false, nil
			default:
				fence = append(fence, line)
			}
			continue
		}
		if inFence {
			if fence != nil {
				fence = append(fence, line)
			}
			continue
		}
		if m := pathLine.FindStringSubmatch(line); m != nil {
			lastPath = strings.ReplaceAll(m[1], `\`, "/")
		}
	}
	if len(a.Blocks) == 0 && len(a.Fences) == 0 {
		return nil, ErrNoEdits
	}
	return a, nil
}

// parseBlock reads a block's search and replace parts from lines[i:], and
// returns the index of the line after it.
func parseBlock(lines []string, i int) (Block, int, bool) {
	var search, replace []string
	part := &search
	for ; i < len(lines); i++ {
		switch line := lines[i]; {
		case part == &search && dividerMarker.MatchString(line):
			part = &replace
		case part == &replace && replaceMarker.MatchString(line):
			return Block{Search: joinLines(search), Replace: joinLines(replace)}, i + 1, true
		case searchMarker.MatchString(line):
			return Block{}, i, false // a new block started: this one is cut
		default:
			*part = append(*part, line)
		}
	}
	return Block{}, i, false
}

// closesFence reports whether line closes a fence opened with open: only
// fence characters of the same kind, at least as many.
func closesFence(line, open string) bool {
	t := strings.TrimSpace(line)
	return len(t) >= len(open) && strings.Trim(t, open[:1]) == ""
}

// fenceInfoPath returns a file name given in a fence's info string, as in
// "```go main.go" or "```main.go".
func fenceInfoPath(line, open string) string {
	info := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), open))
	for _, f := range info {
		if strings.Contains(f, ".") && !strings.HasPrefix(f, ".") {
			if m := pathLine.FindStringSubmatch(f); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// joinLines joins lines into text where every line ends with a newline.
func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// resolvePath finds the target a block's path names: exactly, by a
// common suffix, or by base name when only one target has it. An empty
// path names the only target.
func resolvePath(p string, targets []Target) (int, error) {
	if p == "" {
		if len(targets) == 1 {
			return 0, nil
		}
		return -1, fmt.Errorf("patch: a block names no file and there are %d files", len(targets))
	}
	p = strings.TrimPrefix(path.Clean(p), "./")
	for i, t := range targets {
		if t.Path == p {
			return i, nil
		}
	}
	found := -1
	for i, t := range targets {
		if strings.HasSuffix(t.Path, "/"+p) || strings.HasSuffix(p, "/"+t.Path) || path.Base(t.Path) == path.Base(p) {
			if found >= 0 {
				return -1, fmt.Errorf("patch: file %q is ambiguous", p)
			}
			found = i
		}
	}
	if found < 0 {
		if len(targets) == 1 {
			return 0, nil // models misname files; one target leaves no doubt
		}
		return -1, fmt.Errorf("patch: file %q is not one of the files to change", p)
	}
	return found, nil
}
