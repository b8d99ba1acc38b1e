package ngram

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/syntax"
)

// benchModel is trained once on part of the Go standard library (the
// directories under $GOROOT/src/{net,crypto,go}, up to 1500 files) plus
// the files completed in the benchmarks, as an editor's index would have.
var (
	benchOnce  sync.Once
	benchM     *Model
	benchFiles map[string][]byte
)

func benchSetup(b *testing.B) {
	if testing.Short() {
		b.Skip("trains on the Go standard library")
	}
	benchOnce.Do(func() {
		root := filepath.Join(runtime.GOROOT(), "src")
		benchM = New(Options{})
		paths, srcs := benchCorpus()
		for i, p := range paths {
			benchM.Learn(p, goLang(), srcs[i], nil)
		}
		benchFiles = map[string][]byte{}
		for _, dir := range []string{"bufio", "strconv"} {
			paths, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
			for _, p := range paths {
				src, _ := os.ReadFile(p)
				benchFiles[p] = src
				benchM.Learn(p, goLang(), src, nil)
			}
		}
		benchM.Flush()
		// Build the directory and file levels up front, as the first
		// requests in a file would in the background.
		benchM.mu.RLock()
		for p := range benchFiles {
			benchM.dirTable("go", p, needNow)
			benchM.fileTable(p, needNow)
		}
		benchM.mu.RUnlock()
	})
}

// benchRequests returns n requests at spread positions of the files.
func benchRequests(n int) []*llm.Request {
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range benchFiles {
			if !yield(p) {
				return
			}
		}
	})
	var reqs []*llm.Request
	for i := range n {
		p := paths[i%len(paths)]
		src := benchFiles[p]
		pos := (i * 7919) % len(src)
		reqs = append(reqs, &llm.Request{Mode: llm.ModeFIM, Prompt: string(src[:pos]), Suffix: string(src[pos:]), Path: p, Language: "go"})
	}
	return reqs
}

// timeRequests runs do for b.N requests and reports the median and 99th
// percentile of their wall time and of their CPU time (the latter is what
// the request costs, apart from waiting on a loaded machine).
func timeRequests(b *testing.B, do func(i int) error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var wall, cpu []time.Duration
	for i := 0; b.Loop(); i++ {
		t0, c0 := time.Now(), threadCPU()
		if err := do(i); err != nil {
			b.Fatal(err)
		}
		wall = append(wall, time.Since(t0))
		cpu = append(cpu, threadCPU()-c0)
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"wall", wall}, {"cpu", cpu}} {
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2].Microseconds()), m.name+"-p50-µs")
		b.ReportMetric(float64(m.d[len(m.d)*99/100].Microseconds()), m.name+"-p99-µs")
	}
}

func BenchmarkComplete(b *testing.B) {
	benchSetup(b)
	reqs := benchRequests(997)
	timeRequests(b, func(i int) error {
		_, err := benchM.Complete(context.Background(), reqs[i%len(reqs)])
		return err
	})
}

func BenchmarkPredictNext(b *testing.B) {
	benchSetup(b)
	reqs := benchRequests(997)
	timeRequests(b, func(i int) error {
		_, err := benchM.PredictNext(context.Background(), reqs[i%len(reqs)], 20)
		return err
	})
}

// BenchmarkLearn measures learning one file from its tree, the cost added
// to indexing (the parse is the index's; it is not timed).
func BenchmarkLearn(b *testing.B) {
	benchSetup(b)
	p := filepath.Join(runtime.GOROOT(), "src", "bufio", "bufio.go")
	src := benchFiles[p]
	tree, err := syntax.Parse(context.Background(), goLang(), src)
	if err != nil {
		b.Fatal(err)
	}
	defer tree.Close()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if err := benchM.Learn(p, goLang(), src, tree); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrain measures learning the 1,500 training files of benchSetup,
// the final Flush included, beside tree-sitter's parse of the same files
// (single thread): the ratio the index pays for the model; lex-s is the
// part of learning spent collecting the tokens.
func BenchmarkTrain(b *testing.B) {
	if testing.Short() {
		b.Skip("trains on the Go standard library")
	}
	paths, srcs := benchCorpus()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var parse, learn, lexing time.Duration
	for b.Loop() {
		m := New(Options{})
		for i, path := range paths {
			t0 := time.Now()
			tree, err := syntax.Parse(context.Background(), goLang(), srcs[i])
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := m.Learn(path, goLang(), srcs[i], tree); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			lex(tree, true)
			lexing += time.Since(t2)
			tree.Close()
			parse += t1.Sub(t0)
			learn += t2.Sub(t1)
		}
		t0 := time.Now()
		m.Flush() // the bulk count Learn leaves for the end of a cold start
		learn += time.Since(t0)
	}
	b.ReportMetric(parse.Seconds()/float64(b.N), "parse-s")
	b.ReportMetric(learn.Seconds()/float64(b.N), "learn-s")
	b.ReportMetric(lexing.Seconds()/float64(b.N), "lex-s")
	b.ReportMetric(100*learn.Seconds()/parse.Seconds(), "learn-%-of-parse")
}

// benchCorpus returns the training set of the benchmarks: up to 1,500 Go
// files under $GOROOT/src/{net,crypto,go}, testdata left out.
func benchCorpus() (paths []string, srcs [][]byte) {
	root := filepath.Join(runtime.GOROOT(), "src")
	for _, dir := range []string{"net", "crypto", "go"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || len(paths) >= 1500 {
				return filepath.SkipDir
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if strings.HasSuffix(p, ".go") {
				if src, err := os.ReadFile(p); err == nil {
					paths, srcs = append(paths, p), append(srcs, src)
				}
			}
			return nil
		})
	}
	return paths, srcs
}
