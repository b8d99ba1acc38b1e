package ngram

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// stdFiles returns the Go files of a few standard library packages.
func stdFiles(t *testing.T, pkgs ...string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, pkg := range pkgs {
		paths, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", pkg, "*.go"))
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files[p] = src
		}
	}
	if len(files) == 0 {
		t.Skip("no Go standard library sources")
	}
	return files
}

// sameCounts fails unless got counts every n-gram of want with the same
// count and number of followers (n-grams counted zero times aside).
func sameCounts(t *testing.T, got, want *table) {
	t.Helper()
	if got.at(0).count != want.at(0).count || got.at(0).kids != want.at(0).kids {
		t.Fatalf("root: count %d kids %d, want %d and %d", got.at(0).count, got.at(0).kids, want.at(0).count, want.at(0).kids)
	}
	live := 0
	for id := uint32(1); id < want.len; id++ {
		n := want.at(id)
		if n.count == 0 {
			continue
		}
		live++
		var gram []uint32
		for x := id; x != 0; x = want.at(x).parent {
			gram = append([]uint32{want.at(x).tok}, gram...)
		}
		g := uint32(0)
		for _, tok := range gram {
			if g = got.child(g, tok); g == none {
				t.Fatalf("n-gram %v (count %d) missing", gram, n.count)
			}
		}
		if got.at(g).count != n.count || got.at(g).kids != n.kids {
			t.Fatalf("n-gram %v: count %d kids %d, want %d and %d", gram, got.at(g).count, got.at(g).kids, n.count, n.kids)
		}
	}
	gotLive := 0
	for id := uint32(1); id < got.len; id++ {
		if got.at(id).count > 0 {
			gotLive++
		}
	}
	if gotLive != live {
		t.Fatalf("%d live n-grams, want %d", gotLive, live)
	}
}

// reference counts the project streams of the files m holds, one by one.
func reference(m *Model) *table {
	t := newTable(m.opts.Order)
	for _, f := range m.files {
		t.addAll(f.projectToks(), 1)
	}
	return t
}

func TestFlushCountsInBulk(t *testing.T) {
	files := stdFiles(t, "bufio", "strconv", "sort", "encoding/json", "go/parser")
	m := newModel(t, Options{})
	for p, src := range files {
		if err := m.Learn(p, goLang(), src, nil); err != nil {
			t.Fatal(err)
		}
	}
	p := m.langs["go"]
	if p.pendingToks == 0 {
		t.Fatalf("nothing pending after learning %d files: the bulk path is not tested", len(files))
	}
	m.Flush()
	if p.pendingToks != 0 || len(p.pending) != 0 || len(p.counted) != len(files) {
		t.Fatalf("after Flush: %d pending, %d counted of %d files", len(p.pending), len(p.counted), len(files))
	}
	sameCounts(t, p.t, reference(m))

	// Now small next to the level, a file learned again is counted at once.
	some := filepath.Join(runtime.GOROOT(), "src", "sort", "sort.go")
	if err := m.Learn(some, goLang(), append(files[some], "\nfunc extra() int { return 42 }\n"...), nil); err != nil {
		t.Fatal(err)
	}
	m.Forget(filepath.Join(runtime.GOROOT(), "src", "bufio", "scan.go"))
	if p.pendingToks != 0 {
		t.Fatalf("%d tokens pending after an edit; want them counted at once", p.pendingToks)
	}
	sameCounts(t, p.t, reference(m))
}

// TestFlushWhileLearning changes the model between a flush's snapshot and
// the installing of its table, as Learn and Forget may while it builds.
func TestFlushWhileLearning(t *testing.T) {
	files := stdFiles(t, "bufio", "strconv", "sort", "encoding/json", "go/parser")
	m := newModel(t, Options{})
	for p, src := range files {
		m.Learn(p, goLang(), src, nil)
	}
	p := m.langs["go"]
	m.mu.Lock()
	snap := p.snapshot()
	m.mu.Unlock()
	if snap == nil {
		t.Fatal("no snapshot")
	}
	// Meanwhile: one file forgotten, one learned again, one new.
	root := filepath.Join(runtime.GOROOT(), "src")
	m.Forget(filepath.Join(root, "bufio", "bufio.go"))
	m.Learn(filepath.Join(root, "sort", "sort.go"), goLang(), []byte("package sort\n\nfunc Changed() {}\n"), nil)
	m.Learn("/new/x.go", goLang(), []byte("package x\n\nfunc New() int { return 1 }\n"), nil)
	if m.langs["go"].snapshot() != nil {
		t.Fatal("a second flush started while one is building")
	}

	built := buildProject(m.opts.Order, snap, nil)
	m.mu.Lock()
	p.install(built, snap)
	m.mu.Unlock()
	if p.flushing || len(p.pending) != 2 {
		t.Fatalf("after install: flushing %v, %d pending, want 2 (the files learned meanwhile)", p.flushing, len(p.pending))
	}
	m.Flush()
	if len(p.pending) != 0 || len(p.counted) != len(m.files) {
		t.Fatalf("after Flush: %d pending, %d counted of %d", len(p.pending), len(p.counted), len(m.files))
	}
	sameCounts(t, p.t, reference(m))
}
