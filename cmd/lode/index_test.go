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
	run := func(args ...string) string {
		t.Helper()
		out.Reset()
		if code := runIndex(context.Background(), append(args, ws), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}
	expect := func(output string, patterns ...string) {
		t.Helper()
		for _, p := range patterns {
			if !regexp.MustCompile(p).MatchString(output) {
				t.Errorf("output lacks %q:\n%s", p, output)
			}
		}
	}
	// a.go, b.py, notes.txt and .gitignore; F, T, X and g.
	expect(run("-exclude", "testdata", "-compare"),
		`bare tree-sitter parse: 2 files`, `index/bare: wall [0-9.]+x`,
		`index: 4 files \(4 indexed, 0 unchanged`, `symbols: 4,`, `peak memory \(RSS\): `)
	expect(run("-exclude", "testdata"), `cache: none yet`, `\(4 indexed, 0 unchanged`, `cache: saved`)
	expect(run("-exclude", "testdata"), `cache: loaded `, `\(0 indexed, 4 unchanged`, `ready in `)
	if code := runIndex(context.Background(), []string{"-bogus"}, &out, &errb); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}
