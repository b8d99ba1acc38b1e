package patch

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Diagnostic is one problem reported by a compiler, a linter or an
// editor's language server, for the model to fix.
type Diagnostic struct {
	Path    string // as reported, relative or absolute
	Line    int    // 1-based; 0 when unknown
	Column  int    // 1-based; 0 when unknown
	Message string
	Source  string // the tool that reported it, when known
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Path)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Column > 0 {
			fmt.Fprintf(&b, ":%d", d.Column)
		}
	}
	b.WriteString(": ")
	if d.Source != "" {
		b.WriteString(d.Source + ": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// diagLine matches "path:line[:col]: message", the form of go vet, the Go
// compiler, gcc, clang, eslint's unix format, mypy and many others.
var diagLine = regexp.MustCompile(`^(?:vet: )?([^\s:][^:]*?):(\d+)(?::(\d+))?:\s*(.*)$`)

// ParseDiagnostics reads compiler or linter output in the
// "path:line[:col]: message" form. Lines that continue a message (indented)
// are appended to it; package headers ("# pkg") and other lines are skipped.
func ParseDiagnostics(r io.Reader) ([]Diagnostic, error) {
	var ds []Diagnostic
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := diagLine.FindStringSubmatch(line); m != nil {
			ln, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			ds = append(ds, Diagnostic{Path: m[1], Line: ln, Column: col, Message: m[4]})
			continue
		}
		if len(ds) > 0 && (strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "    ")) && strings.TrimSpace(line) != "" {
			last := &ds[len(ds)-1]
			last.Message += "\n" + strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("patch: reading diagnostics: %w", err)
	}
	return ds, nil
}
