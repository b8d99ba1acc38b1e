package retrieve

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/deps"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
)

// BenchmarkRetrieveDeps measures Retrieve at seeded-random cursors of
// lode's own Go files (a module with dependencies in the module cache),
// without the dependencies' surface and with it (every package the
// files import read first, as after their first use), side by side. It
// reports the median and 99th percentile of the wall time of the
// requests in a document already parsed.
func BenchmarkRetrieveDeps(b *testing.B) {
	if testing.Short() {
		b.Skip("indexes lode's module")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		b.Fatal(err)
	}
	ix := index.New()
	ictx, stop := context.WithCancel(context.Background())
	ir := StartIndexing(ictx, ws, ix, IndexOptions{})
	_, err = ir.Wait(ictx)
	stop()
	<-ir.Stopped()
	if err != nil {
		b.Fatal(err)
	}
	reqs := benchRequests(b, ix, 50, 20)
	surface := deps.New(root, deps.Options{})
	defer surface.Close()
	for _, f := range ix.Files() {
		if fi, ok := ix.File(f); ok && fi.Language == "go" {
			var paths []string
			for _, imp := range fi.Imports {
				paths = append(paths, imp.Path)
			}
			surface.PreloadPaths(context.Background(), paths)
		}
	}
	for _, withDeps := range []bool{false, true} {
		name := "deps=off"
		if withDeps {
			name = "deps=on"
		}
		b.Run(name, func(b *testing.B) {
			r := New(ws, ix, tokens.New(), Options{})
			defer r.Close()
			if withDeps {
				r.SetDependencies(surface)
			}
			var wall []time.Duration
			ctx := context.Background()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for i := 0; b.Loop(); i++ {
				req := reqs[i%len(reqs)]
				start := time.Now()
				if _, err := r.Retrieve(ctx, req); err != nil {
					b.Fatal(err)
				}
				if i%len(reqs) > 0 && reqs[i%len(reqs)-1].Path == req.Path {
					wall = append(wall, time.Since(start))
				}
			}
			if len(wall) > 0 {
				slices.Sort(wall)
				b.ReportMetric(float64(wall[len(wall)/2].Microseconds()), "p50-wall-µs")
				b.ReportMetric(float64(wall[len(wall)*99/100].Microseconds()), "p99-wall-µs")
			}
		})
	}
}
