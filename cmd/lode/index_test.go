package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestIndexCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("HOME", dir)
	ws := filepath.Join(dir, "ws")
	files := map[string]string{
		"a.go":             "package a\n\n// F does f.\nfunc F() int { return 1 }\n\ntype T struct{ X int }\n",
		"b.py":             "def g():\n    return 2\n",
		"testdata/skip.go": "package skip\n\nfunc Skipped() {}\n",
		"notes.txt":        "plain words\n",
		".gitignore":       "ignored.go\n",
		"ignored.go":       "package a\n\nfunc Ignored() {}\n",
	}
	for name, content := range files {
		p := filepath.Join(ws, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := runIndex(context.Background(), []string{"-exclude", "testdata", "-compare", ws}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		`bare tree-sitter parse: 2 files`,
		`cache: none yet`,
		`index: 4 files \(4 indexed, 0 unchanged`, // a.go, b.py, notes.txt, .gitignore
		`symbols: 4,`,                             // F, T, X, g
		`peak memory \(RSS\): `,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := runIndex(context.Background(), []string{"-exclude", "testdata", ws}, &out, &errb); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{`cache: loaded `, `\(0 indexed, 4 unchanged`} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("warm run lacks %q:\n%s", want, out.String())
		}
	}
	if code := runIndex(context.Background(), []string{"-bogus"}, &out, &errb); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}
