package main

import (
	"go/build"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// benchStdlib returns a copy of the Go standard library's sources made
// outside the system directories, which lode refuses as a workspace
// folder (workspace.CheckFolder): once per machine and Go version, under
// the temporary directory, and kept for the next runs.
func benchStdlib(b *testing.B) string {
	dir := filepath.Join(os.TempDir(), "lode-bench-"+runtime.Version())
	root := filepath.Join(dir, "src")
	done := filepath.Join(dir, "copied")
	if _, err := os.Stat(done); err == nil {
		return root
	}
	os.RemoveAll(dir)
	// The standard library holds no symbolic links; CopyFS would refuse one.
	err := os.CopyFS(root, os.DirFS(filepath.Join(build.Default.GOROOT, "src")))
	if err == nil {
		err = os.WriteFile(done, nil, 0o644)
	}
	if err != nil {
		b.Fatalf("copying the standard library: %v", err)
	}
	return root
}
