package retrieve

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
)

var (
	stdOnce sync.Once
	stdWS   *workspace.Workspace
	stdIx   *index.Index
	stdErr  error
)

// stdlib returns the Go standard library's workspace and index, loaded
// from the user's cache when `lode index`, `lode context` or an earlier
// run saved it (so only the first run pays the cold build).
func stdlib(b *testing.B) (*workspace.Workspace, *index.Index) {
	root := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skip("no GOROOT sources")
	}
	stdOnce.Do(func() {
		stdWS = workspace.New()
		if stdErr = stdWS.AddFolder(root); stdErr != nil {
			return
		}
		ix, cache, _ := OpenIndex(root)
		// Only the cold build: the indexer stops once it is done, so that
		// no goroutine outlives the benchmarks.
		ctx, cancel := context.WithCancel(context.Background())
		ir := StartIndexing(ctx, stdWS, ix, IndexOptions{CachePath: cache})
		_, stdErr = ir.Wait(context.Background())
		cancel()
		<-ir.Stopped()
		stdIx = ix
	})
	if stdErr != nil {
		b.Fatal(stdErr)
	}
	return stdWS, stdIx
}

// BenchmarkRetrieve measures one Retrieve at seeded-random cursors of 100
// standard library files, 20 cursors a file as when a user works in one
// (2,000 distinct requests; more iterations repeat them), with a 1024-token
// budget and a prompt window of 60 lines before and 20
// after the cursor. It reports the median and 99th percentile of the wall
// time and of the CPU time of the thread (Retrieve runs on one goroutine,
// locked to its thread here; a loaded machine does not inflate it), over
// the requests in a document already parsed, and apart the wall time of
// the first request in each document, which parses it.
func BenchmarkRetrieve(b *testing.B) {
	if testing.Short() {
		b.Skip("builds an index of the standard library")
	}
	ws, ix := stdlib(b)
	r := New(ws, ix, tokens.New(), Options{})
	defer r.Close()
	reqs := benchRequests(b, ix, 100, 20)
	var wall, cpu, cold []time.Duration
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := reqs[i%len(reqs)]
		start, startCPU := time.Now(), threadCPU()
		if _, err := r.Retrieve(ctx, req); err != nil {
			b.Fatal(err)
		}
		if i%len(reqs) > 0 && reqs[i%len(reqs)-1].Path == req.Path {
			wall = append(wall, time.Since(start))
			cpu = append(cpu, threadCPU()-startCPU)
		} else {
			cold = append(cold, time.Since(start)) // the document's first parse
		}
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"wall", wall}, {"cpu", cpu}, {"cold-wall", cold}} {
		if len(m.d) == 0 {
			continue
		}
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2].Microseconds()), "p50-"+m.name+"-µs")
		b.ReportMetric(float64(m.d[len(m.d)*99/100].Microseconds()), "p99-"+m.name+"-µs")
	}
}

// benchRequests draws files and cursor positions with a fixed seed.
func benchRequests(b *testing.B, ix *index.Index, files, perFile int) []Request {
	rng := rand.New(rand.NewPCG(1, 2))
	var paths []string
	for _, p := range ix.Files() {
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			paths = append(paths, p)
		}
	}
	var reqs []Request
	for len(reqs) < files*perFile {
		path := paths[rng.IntN(len(paths))]
		data, err := os.ReadFile(path)
		if err != nil || len(data) < 2000 {
			continue
		}
		doc := text.New(string(data))
		for range perFile {
			line := doc.LineOf(rng.IntN(doc.Len()))
			reqs = append(reqs, Request{Path: path, Content: doc.String(), Offset: doc.LineStart(line), Budget: 1024,
				PrefixStart: doc.LineStart(line - 60), SuffixEnd: doc.LineStart(line + 20)})
		}
	}
	return reqs
}
