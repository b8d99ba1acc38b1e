package workspace

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// No pinned module parses .gitignore files, so this file holds a small
// matcher for the patterns that gitignore(5) describes: comments, "!"
// negation, "/" anchoring, a trailing "/" for directories, "*", "?",
// "[...]" and "**".

// pattern is one line of an ignore file.
type pattern struct {
	re      *regexp.Regexp // matches a slash-separated path relative to the file's directory
	negate  bool
	dirOnly bool
}

// patterns is the content of one ignore file, in order: the last pattern
// that matches a path decides.
type patterns []pattern

// parsePatterns reads an ignore file's content.
func parsePatterns(data []byte) patterns {
	var ps patterns
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if p, ok := parsePattern(sc.Text()); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// readPatterns reads an ignore file; a missing file has no patterns.
func readPatterns(file string) patterns {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	return parsePatterns(data)
}

func parsePattern(line string) (pattern, bool) {
	line = strings.TrimSuffix(line, "\r")
	if line == "" || line[0] == '#' {
		return pattern{}, false
	}
	line = trimTrailingSpace(line)
	var p pattern
	if line[0] == '!' {
		p.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return pattern{}, false
	}
	// A slash at the start or in the middle anchors the pattern to the
	// ignore file's directory; otherwise it matches at any depth.
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	expr := globToRegexp(line)
	if !anchored && !strings.HasPrefix(line, "**") {
		expr = "(?:.*/)?" + expr
	}
	re, err := regexp.Compile("^" + expr + "$")
	if err != nil {
		return pattern{}, false
	}
	p.re = re
	return p, true
}

// trimTrailingSpace drops trailing spaces unless escaped with a backslash.
func trimTrailingSpace(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// globToRegexp translates a gitignore glob to a regular expression over
// slash-separated paths.
func globToRegexp(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch {
		case c == '*' && strings.HasPrefix(glob[i:], "**"):
			atStart := i == 0 || glob[i-1] == '/'
			rest := glob[i+2:]
			switch {
			case atStart && strings.HasPrefix(rest, "/"):
				b.WriteString("(?:.*/)?") // "**/": any leading directories
				i += 2
			case atStart && rest == "":
				b.WriteString(".*") // trailing "/**": everything inside
				i++
			default:
				b.WriteString("[^/]*") // "**" elsewhere is a plain "*"
				i++
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(glob[i+1:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case c == '\\' && i+1 < len(glob):
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// match reports whether ps decide about rel (relative to the ignore file's
// directory, slash-separated): decided is false when no pattern matches.
func (ps patterns) match(rel string, isDir bool) (ignored, decided bool) {
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		if p.dirOnly && !isDir {
			continue
		}
		if p.re.MatchString(rel) {
			return !p.negate, true
		}
	}
	return false, false
}

// Ignore files, read in this order in each directory: later patterns win.
// The repository's exclude file applies at the folder root only.
var ignoreFiles = []string{".gitignore", ".lodeignore"}

// dirPatterns returns the patterns that apply in dir, reading them once.
func (w *Workspace) dirPatterns(root, dir string) patterns {
	w.ignoreMu.Lock()
	ps, ok := w.ignore[dir]
	w.ignoreMu.Unlock()
	if ok {
		return ps
	}
	ps = nil
	if dir == root {
		ps = append(ps, readPatterns(filepath.Join(root, ".git", "info", "exclude"))...)
	}
	for _, name := range ignoreFiles {
		ps = append(ps, readPatterns(filepath.Join(dir, name))...)
	}
	w.ignoreMu.Lock()
	w.ignore[dir] = ps
	w.ignoreMu.Unlock()
	return ps
}

// ignored reports whether the ignore files under root exclude path. The
// deepest directory whose patterns decide wins, as in git.
func (w *Workspace) ignored(root, path string, isDir bool) bool {
	for dir := filepath.Dir(path); within(root, dir); dir = filepath.Dir(dir) {
		rel := filepath.ToSlash(path[len(dir)+1:])
		if dir == root && strings.HasSuffix(root, string(filepath.Separator)) {
			rel = filepath.ToSlash(path[len(dir):])
		}
		if ign, ok := w.dirPatterns(root, dir).match(rel, isDir); ok {
			return ign
		}
		if dir == root || dir == filepath.Dir(dir) {
			break
		}
	}
	return false
}

// forgetPatterns drops the cached patterns of the directory of an ignore
// file that changed; it reports whether path was an ignore file.
func (w *Workspace) forgetPatterns(path string) bool {
	base := filepath.Base(path)
	dir := filepath.Dir(path)
	switch {
	case base == "exclude" && filepath.Base(dir) == "info" && filepath.Base(filepath.Dir(dir)) == ".git":
		dir = filepath.Dir(filepath.Dir(dir))
	case !slices.Contains(ignoreFiles, base):
		return false
	}
	w.ignoreMu.Lock()
	delete(w.ignore, dir)
	w.ignoreMu.Unlock()
	return true
}
