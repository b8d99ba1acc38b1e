package workspace

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkScan walks the Go standard library with every rule applied.
func BenchmarkScan(b *testing.B) {
	w := goroot(b)
	var n int
	for b.Loop() {
		files, err := w.Scan(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		n = len(files)
	}
	b.ReportMetric(float64(n), "files")
}

// BenchmarkAllowed checks every file of the Go standard library as ReadFile
// does before reading it (rules, symlinks resolved, confinement).
func BenchmarkAllowed(b *testing.B) {
	w := goroot(b)
	files, err := w.Scan(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, f := range files {
			if !w.Allowed(f.Path) {
				b.Fatalf("%s not allowed", f.Path)
			}
		}
	}
	b.ReportMetric(float64(len(files)), "files")
}

// goroot returns a workspace of the Go standard library's sources.
func goroot(b *testing.B) *Workspace {
	root := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skip("no GOROOT sources")
	}
	w := New()
	if err := w.AddFolder(root); err != nil {
		b.Fatal(err)
	}
	return w
}
