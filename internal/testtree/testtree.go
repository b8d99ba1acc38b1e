// Package testtree writes the files a test works on: a workspace given
// as a map of slash-separated names to contents, or one file at a time.
// Folders are made as the files need them.
//
// Package testtree depends on the standard library only; only tests
// import it.
package testtree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// New writes files into a new temporary folder, removed when the test
// ends, and returns the folder.
func New(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, files)
	return dir
}

// Write writes files under dir: each name is a slash-separated path below
// dir, and a name ending in "/" is an empty folder.
func Write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(name)), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		File(t, dir, name, content)
	}
}

// File writes content to the file name (a slash-separated path below
// dir), making its folders, and returns the file's path.
func File(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
