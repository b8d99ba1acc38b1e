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
	root := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skip("no GOROOT sources")
	}
	w := New()
	if err := w.AddFolder(root); err != nil {
		b.Fatal(err)
	}
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
