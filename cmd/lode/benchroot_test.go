package main

import (
	"go/build"
	"io"
	"io/fs"
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
	from := filepath.Join(build.Default.GOROOT, "src")
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		to := filepath.Join(root, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		return copyFile(p, to)
	})
	if err == nil {
		err = os.WriteFile(done, nil, 0o644)
	}
	if err != nil {
		b.Fatalf("copying the standard library: %v", err)
	}
	return root
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
