package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

// benchFiles returns the Go files of a few standard library packages: a
// corpus every machine has.
func benchFiles(b *testing.B) []File {
	b.Helper()
	root := filepath.Join(runtime.GOROOT(), "src")
	var files []File
	for _, pkg := range []string{"net/http", "go/types", "strings"} {
		matches, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil {
				continue
			}
			files = append(files, File{Path: m, Size: fi.Size(), ModTime: fi.ModTime(), Read: func() ([]byte, error) { return os.ReadFile(m) }})
		}
	}
	if len(files) == 0 {
		b.Skip("no standard library sources")
	}
	return files
}

// BenchmarkBareParse is the baseline of BenchmarkBuild: read and parse the
// same files with tree-sitter alone, as many workers.
func BenchmarkBareParse(b *testing.B) {
	files := benchFiles(b)
	lang := syntax.ByName("go")
	cpu := cpuTime()
	for b.Loop() {
		parallel(files, func(f File) {
			src, _ := f.Read()
			t, err := syntax.Parse(context.Background(), lang, src)
			if err != nil {
				b.Fatal(err)
			}
			t.Close()
		})
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(files)), "files")
}

func parallel(files []File, fn func(File)) {
	jobs := make(chan File)
	done := make(chan bool)
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for f := range jobs {
				fn(f)
			}
			done <- true
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	for range runtime.GOMAXPROCS(0) {
		<-done
	}
}

// BenchmarkBuild is a cold index of the files of BenchmarkBareParse.
func BenchmarkBuild(b *testing.B) {
	files := benchFiles(b)
	cpu := cpuTime()
	var accounted, lines int
	for b.Loop() {
		x := New()
		if _, err := x.Build(context.Background(), files, 0, nil); err != nil {
			b.Fatal(err)
		}
		accounted, lines = int(x.Bytes()), 0
		for _, p := range x.Files() {
			f, _ := x.File(p)
			lines += f.Lines
		}
		x.Close()
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(files)), "files")
	b.ReportMetric(float64(accounted)/float64(lines), "accounted-B/line") // sizes memory.index_mb
}

// BenchmarkLoad is a warm start: load the cache and check every file.
func BenchmarkLoad(b *testing.B) {
	files := benchFiles(b)
	x := New()
	defer x.Close()
	if _, err := x.Build(context.Background(), files, 0, nil); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "x.idx")
	if err := x.Save(path); err != nil {
		b.Fatal(err)
	}
	cpu := cpuTime()
	for b.Loop() {
		y, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if res, err := y.Build(context.Background(), files, 0, nil); err != nil || res.Indexed != 0 {
			b.Fatal(res, err)
		}
	}
	reportCPU(b, cpu)
}

// bigFile returns a Go file of about n lines.
func bigFile(n int) []byte {
	var sb strings.Builder
	sb.WriteString("package big\n\nimport \"fmt\"\n\n")
	for i := 0; sb.Len() == 0 || strings.Count(sb.String(), "\n") < n; i++ {
		fmt.Fprintf(&sb, "// F%d prints its argument.\nfunc F%d(x int) int {\n\ty := x * %d\n\tif y > 10 {\n\t\tfmt.Println(\"big\", y)\n\t}\n\treturn y + len(\"s%d\")\n}\n\n", i, i, i, i)
	}
	return []byte(sb.String())
}

// BenchmarkUpdate5000 re-indexes a 5,000-line file after a one-character
// edit in its middle, as Update does for an open document.
func BenchmarkUpdate5000(b *testing.B) {
	benchUpdate(b, func(src []byte) func(i int) []byte {
		mid := middle(src, '*')
		return func(i int) []byte {
			next := append([]byte(nil), src...)
			next[mid+2] = byte('1' + i%9) // the multiplier's first digit
			return next
		}
	})
}

// BenchmarkBM25 ranks the chunks of the corpus for a query of code.
func BenchmarkBM25(b *testing.B) {
	benchQuery(b, func(x *Index, q string) []Hit { return x.BM25(q, 10, nil) })
}

// BenchmarkSimilar ranks 20-line windows by Jaccard for the same query.
func BenchmarkSimilar(b *testing.B) {
	benchQuery(b, func(x *Index, q string) []Hit { return x.Similar(q, 20, 10, nil) })
}

// benchQuery indexes the corpus and times search on a query of code.
func benchQuery(b *testing.B, search func(x *Index, q string) []Hit) {
	files := benchFiles(b)
	x := New()
	defer x.Close()
	if _, err := x.Build(context.Background(), files, 0, nil); err != nil {
		b.Fatal(err)
	}
	q := "req.Header.Get(\"Content-Type\") resp.StatusCode err != nil return"
	cpu := cpuTime()
	for b.Loop() {
		if len(search(x, q)) == 0 {
			b.Fatal("no hits")
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkUpdate5000Newline is BenchmarkUpdate5000 with an edit that adds
// or removes a line (pressing Enter), which shifts every later chunk.
func BenchmarkUpdate5000Newline(b *testing.B) {
	benchUpdate(b, func(src []byte) func(i int) []byte {
		mid := middle(src, '\n')
		with := append(append(append([]byte(nil), src[:mid]...), '\n'), src[mid:]...)
		return func(i int) []byte {
			if i%2 == 0 {
				return with
			}
			return src
		}
	})
}

// benchUpdate indexes a 5,000-line file, then times Update with the
// versions that edits(file) returns for the iterations 0, 1, 2...
func benchUpdate(b *testing.B, edits func(src []byte) func(i int) []byte) {
	x := New()
	defer x.Close()
	lang := syntax.ByName("go")
	src := bigFile(5000)
	ctx := context.Background()
	if err := x.Update(ctx, "/big.go", lang, src); err != nil {
		b.Fatal(err)
	}
	next := edits(src)
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		if err := x.Update(ctx, "/big.go", lang, next(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCPU(b, cpu)
}

// middle returns the offset of the first c from the middle of src on.
func middle(src []byte, c byte) int {
	mid := len(src) / 2
	for mid < len(src) && src[mid] != c {
		mid++
	}
	return mid
}
