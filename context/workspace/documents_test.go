package workspace

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/text"
)

// TestOpenDocumentRules: an open document obeys the size and binary rules
// of files on disk, unsaved or not, and a minified one counts as too
// large.
func TestOpenDocumentRules(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{"small.go": "package a\n"})
	w.SetOptions(Options{MaxFileSize: 8 << 10})
	code := strings.Repeat("x := f(y)\n", 100)
	for _, tc := range []struct {
		name, file, content string
		want                error
	}{
		{"small, on disk", "small.go", code, nil},
		{"small, unsaved", "new.go", code, nil},
		{"over the limit, on disk", "small.go", strings.Repeat(code, 10), ErrTooLarge},
		{"over the limit, unsaved", "unsaved.go", strings.Repeat(code, 10), ErrTooLarge},
		{"binary", "new.go", "package a\x00\x01", ErrBinary},
		{"minified", "bundle.js", strings.Repeat("var a=1;", 800), ErrTooLarge},
		{"one long line, short", "line.js", strings.Repeat("a", 1000), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := &Document{Path: filepath.Join(root, tc.file), Text: text.New(tc.content)}
			w.Open(doc)
			defer w.Close(doc.Path)
			data, err := w.ReadFile(doc.Path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ReadFile: %v, want %v", err, tc.want)
			}
			if tc.want == nil && string(data) != tc.content {
				t.Fatalf("ReadFile read %d bytes, want the document's %d", len(data), len(tc.content))
			}
			if got := w.Large(doc); got != (tc.want != nil) {
				t.Fatalf("Large = %v", got)
			}
		})
	}
}

// TestWindow: a window holds the cursor, stays small, starts and ends on
// line boundaries where there are any, and keeps its ends when the user
// types at the cursor.
func TestWindow(t *testing.T) {
	var b strings.Builder
	for i := range 20000 {
		b.WriteString("line " + strings.Repeat("é", i%7) + " of code\n")
	}
	s := b.String()
	for _, off := range []int{0, 10, len(s) / 3, len(s) / 2, len(s) - 5, len(s)} {
		w, base := Window(s, off)
		if base > off || base+len(w) < off || s[base:base+len(w)] != w {
			t.Fatalf("off %d: window [%d, %d) misses the cursor", off, base, base+len(w))
		}
		if len(w) > windowBefore+windowAfter+2*windowStep {
			t.Fatalf("off %d: window of %d bytes", off, len(w))
		}
		if base > 0 && s[base-1] != '\n' || base+len(w) < len(s) && !strings.HasSuffix(w, "\n") {
			t.Fatalf("off %d: window [%d, %d) cuts a line", off, base, base+len(w))
		}
		// Type at the cursor: the window grows by the typed text alone.
		typed := s[:off] + "abc" + s[off:]
		w2, base2 := Window(typed, off+3)
		if base2 != base || w2 != w[:off-base]+"abc"+w[off-base:] {
			t.Fatalf("off %d: typing moved the window from [%d, +%d) to [%d, +%d)", off, base, len(w), base2, len(w2))
		}
	}
	// A minified line is cut on a rune boundary.
	line := strings.Repeat("é", 100000)
	w, base := Window(line, len(line)/2)
	if !strings.HasPrefix(line[base:], w) || len(w) == 0 || w[0] == 0xA9 || len(w) > windowBefore+windowAfter+2*windowStep {
		t.Fatalf("minified line: window of %d bytes at %d", len(w), base)
	}
}
