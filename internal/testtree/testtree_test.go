package testtree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := New(t, map[string]string{"a.go": "package a\n", "sub/deep/b.go": "package b\n", "empty/": ""})
	for name, want := range map[string]string{"a.go": "package a\n", "sub/deep/b.go": "package b\n"} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "empty")); err != nil || !fi.IsDir() {
		t.Errorf("empty/ is not a folder: %v", err)
	}
	p := File(t, dir, "sub/c.go", "package c\n")
	if got, err := os.ReadFile(p); err != nil || string(got) != "package c\n" || p != filepath.Join(dir, "sub", "c.go") {
		t.Errorf("File wrote %s = %q, %v", p, got, err)
	}
}
