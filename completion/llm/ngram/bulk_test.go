package ngram

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/syntax"
)

// incrementalTable builds the table of streams the way the model does, one
// addAll per stream.
func incrementalTable(order int, streams [][]uint32) *table {
	t := newTable(order)
	for _, s := range streams {
		t.addAll(s, 1)
	}
	return t
}

// gramOf returns the n-gram of node id, first token first.
func gramOf(t *table, id uint32) []uint32 {
	var g []uint32
	for ; id != 0; id = t.at(id).parent {
		g = append(g, t.at(id).tok)
	}
	slices.Reverse(g)
	return g
}

// findGram returns the node of n-gram g, found through child, or none.
func findGram(t *table, g []uint32) uint32 {
	id := uint32(0)
	for _, tok := range g {
		if id = t.child(id, tok); id == none {
			break
		}
	}
	return id
}

// followerList returns what followers yields for node, all of them, and
// only the even tokens.
func followerList(t *table, node uint32) (all, even []uint32) {
	t.followers(node, 1<<30, 1<<30, nil, func(tok uint32) { all = append(all, tok) })
	keep := func(tok uint32) bool { return tok%2 == 0 }
	t.followers(node, 1<<30, 1<<30, keep, func(tok uint32) { even = append(even, tok) })
	return all, even
}

// diffTables returns the first difference between table got and table
// want, built incrementally from the same n-grams, or nil.
func diffTables(want, got *table) error {
	if got.order != want.order || got.nodes() != want.nodes() || len(got.slots) != len(want.slots) || got.shift != want.shift {
		return fmt.Errorf("order %d, %d nodes, %d slots (shift %d); want %d, %d, %d (%d)",
			got.order, got.nodes(), len(got.slots), got.shift, want.order, want.nodes(), len(want.slots), want.shift)
	}
	for id := range want.len {
		g := gramOf(want, id)
		gid := findGram(got, g)
		if gid == none {
			return fmt.Errorf("n-gram %v missing", g)
		}
		w, n := want.at(id), got.at(gid)
		if n.count != w.count || n.kids != w.kids {
			return fmt.Errorf("n-gram %v: count %d kids %d, want %d and %d", g, n.count, n.kids, w.count, w.kids)
		}
		wantAll, wantEven := followerList(want, id)
		all, even := followerList(got, gid)
		if !slices.Equal(all, wantAll) || !slices.Equal(even, wantEven) {
			return fmt.Errorf("followers of %v: %v (even %v), want %v (%v)", g, all, even, wantAll, wantEven)
		}
	}
	return checkLinks(got)
}

// checkLinks checks the structure of t on its own: every node is found in
// the hash under its parent and token, and every child, and no other node,
// is on its parent's chain, whose live nodes are the parent's kids.
func checkLinks(t *table) error {
	if 4*int(t.len) > 3*len(t.slots) {
		return fmt.Errorf("%d nodes in %d slots", t.len, len(t.slots))
	}
	children := make([]int, t.len)
	for id := uint32(1); id < t.len; id++ {
		n := t.at(id)
		if got := t.child(n.parent, n.tok); got != id {
			return fmt.Errorf("node %d (%v): child(%d, %d) = %d", id, gramOf(t, id), n.parent, n.tok, got)
		}
		children[n.parent]++
	}
	for id := range t.len {
		chained, live := 0, uint32(0)
		for c := t.at(id).first; c != none; c = t.at(c).next {
			if t.at(c).parent != id {
				return fmt.Errorf("node %d on the chain of %d, its parent is %d", c, id, t.at(c).parent)
			}
			if chained++; chained > children[id] {
				return fmt.Errorf("chain of node %d longer than its %d children", id, children[id])
			}
			if t.at(c).count > 0 {
				live++
			}
		}
		if chained != children[id] || live != t.at(id).kids {
			return fmt.Errorf("node %d: %d chained (%d live), want %d (%d kids)", id, chained, live, children[id], t.at(id).kids)
		}
	}
	return nil
}

// randomStreams returns n streams of up to maxLen tokens in 1..vocab,
// with some empty and some of length one.
func randomStreams(r *rand.Rand, n, maxLen, vocab int) [][]uint32 {
	streams := make([][]uint32, n)
	for i := range streams {
		size := r.IntN(maxLen + 1)
		switch i % 7 {
		case 3:
			size = 0
		case 5:
			size = 1
		}
		for range size {
			// Skewed, as code is: small ids are frequent.
			streams[i] = append(streams[i], 1+uint32(r.IntN(1+r.IntN(vocab))))
		}
	}
	return streams
}

// checkBulk checks that build (buildTable or a variant) counts streams as
// the incremental build does, and that both stay the same under the same
// later changes.
func checkBulk(t *testing.T, r *rand.Rand, order int, streams [][]uint32, vocab int, build func(int, [][]uint32) *table) {
	t.Helper()
	want, got := incrementalTable(order, streams), build(order, streams)
	if err := diffTables(want, got); err != nil {
		t.Fatalf("built: %v", err)
	}
	for step := range 6 {
		var s []uint32
		delta := 1
		switch {
		case step%2 == 1 && len(streams) > 0:
			s, delta = streams[r.IntN(len(streams))], -1
		case step == 4:
			s, delta = []uint32{1, 2, 3, 1, 2, 3}, -1 // maybe never added
		default:
			s = randomStreams(r, 1, 40, vocab)[0]
		}
		want.addAll(s, delta)
		got.addAll(s, delta)
		if err := diffTables(want, got); err != nil {
			t.Fatalf("after addAll(%v, %d): %v", s, delta, err)
		}
	}
}

// bulkCases are the random inputs of TestBulkRandom and TestBulkParallel:
// streams streams of up to maxLen tokens in 1..vocab.
var bulkCases = []struct {
	name                   string
	order                  int
	streams, maxLen, vocab int
}{
	{"nothing", 3, 0, 0, 2},
	{"empty streams", 4, 5, 0, 2},
	{"one token", 2, 1, 1, 2},
	{"bigrams of two tokens", 2, 20, 30, 2},
	{"order 3", 3, 10, 50, 3},
	{"order 6", 6, 30, 80, 4},
	{"max order", maxOrder, 30, 100, 3},
	{"max order, larger vocab", maxOrder, 40, 200, 50},
	{"many short streams", 5, 300, 6, 3},
	{"past the first rehash", 6, 50, 400, 8},
	{"radix sorts", 3, 3, 20000, 3000},
}

// buildNow is buildTable as a request calls it: nothing to pause for.
func buildNow(order int, streams [][]uint32) *table { return buildTable(order, streams, pace{}) }

func TestBulkRandom(t *testing.T) {
	for _, tc := range bulkCases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.order), uint64(tc.streams)))
			for range 3 {
				checkBulk(t, r, tc.order, randomStreams(r, tc.streams, tc.maxLen, tc.vocab), tc.vocab, buildNow)
			}
		})
	}
}

func TestBulkRepeats(t *testing.T) {
	same := slices.Repeat([]uint32{7}, 3000)
	cycle := slices.Repeat([]uint32{1, 2, 3}, 500)
	sparse := []uint32{1 << 30, 5, 1 << 30, 5, 1<<31 + 1}
	r := rand.New(rand.NewPCG(1, 2))
	checkBulk(t, r, maxOrder, [][]uint32{same, cycle, same[:5]}, 3, buildNow)
	checkBulk(t, r, 4, [][]uint32{sparse, sparse[:3], nil}, 3, buildNow)
}

func TestBulkSortByKey(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 3, 16, 17, radixMin - 1, radixMin, 1000, 5000} {
		for _, width := range []int{0, 1, 5, 9, 18, 32} {
			seg := make([]uint64, n)
			for i := range seg {
				key := r.Uint64() & (1<<width - 1)
				seg[i] = key<<32 | uint64(r.Uint32())
			}
			want := slices.Clone(seg)
			slices.Sort(want)
			sortByKey(seg, &scratch{tmp: make([]uint64, n)})
			if !slices.IsSortedFunc(seg, func(a, b uint64) int { return cmp.Compare(a>>32, b>>32) }) {
				t.Fatalf("%d keys of %d bits: not sorted by key", n, width)
			}
			got := slices.Clone(seg)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("%d keys of %d bits: elements changed", n, width)
			}
		}
	}
}

// lexFiles returns the tokens of the Go files of dir, up to n of them,
// interned in v.
func lexFiles(tb testing.TB, v *vocab, dir string, n int) [][]uint32 {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(paths) == 0 {
		tb.Skipf("no Go files in %s: %v", dir, err)
	}
	var streams [][]uint32
	for _, p := range paths[:min(n, len(paths))] {
		src, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		streams = append(streams, internFile(tb, v, src))
	}
	return streams
}

// internFile returns the tokens of Go source src, interned in v.
func internFile(tb testing.TB, v *vocab, src []byte) []uint32 {
	tree, err := syntax.Parse(context.Background(), goLang(), src)
	if err != nil {
		tb.Fatal(err)
	}
	defer tree.Close()
	var toks []uint32
	for _, l := range lex(tree, true) {
		toks = append(toks, v.intern(l.text(src), l.class))
	}
	return toks
}

func TestBulkGoFiles(t *testing.T) {
	v := newVocab()
	streams := lexFiles(t, v, filepath.Join(runtime.GOROOT(), "src", "bufio"), 4)
	r := rand.New(rand.NewPCG(3, 4))
	for _, order := range []int{2, 6, maxOrder} {
		checkBulk(t, r, order, streams, len(v.texts), buildNow)
	}
}

// TestBulkParallel checks buildTableP against the incremental build with
// several goroutines on small inputs, where buildTable would use one: the
// random cases, plus streams that make no node below the root's children,
// that cut the hash filling into chunks, that end the root's children at a
// page boundary, that renumber sparse tokens, and Go files. Each build
// pauses (as a background build gives way to requests), which must change
// nothing but be called.
func TestBulkParallel(t *testing.T) {
	cases := append(slices.Clone(bulkCases), []struct {
		name                   string
		order                  int
		streams, maxLen, vocab int
	}{
		{"single tokens", 3, 50, 1, 40},
		{"several chunks", maxOrder, 60, 400, 50},
	}...)
	aligned := make([]uint32, 1023) // with the root, 1024 nodes: a page
	for i := range aligned {
		aligned[i] = uint32(i + 1)
	}
	sparse := []uint32{1 << 30, 5, 1 << 30, 5, 1<<31 + 1}
	v := newVocab()
	goFiles := lexFiles(t, v, filepath.Join(runtime.GOROOT(), "src", "bufio"), 4)
	for _, workers := range []int{1, 2, 3, 8} {
		var pauses atomic.Int64
		pause := func() { pauses.Add(1) }
		build := func(order int, streams [][]uint32) *table {
			return buildTableP(order, streams, crew{workers: workers, pause: pause})
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%d/%s", workers, tc.name), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(tc.order), uint64(workers)))
				checkBulk(t, r, tc.order, randomStreams(r, tc.streams, tc.maxLen, tc.vocab), tc.vocab, build)
			})
		}
		t.Run(fmt.Sprintf("%d/fixed", workers), func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(workers)))
			checkBulk(t, r, 4, [][]uint32{aligned, aligned, {1, 2, 1, 2}}, 1023, build)
			checkBulk(t, r, 4, [][]uint32{sparse, sparse[:3], nil}, 3, build)
			checkBulk(t, r, maxOrder, goFiles, len(v.texts), build)
		})
		if pauses.Load() == 0 {
			t.Errorf("%d workers: the builds never paused", workers)
		}
	}
}

// BenchmarkBuildTable measures buildTable, with one goroutine and with
// GOMAXPROCS, beside the addAll loop it replaces, on the 1,500 files of
// BenchmarkTrain: bulk-s, par-s and addall-s are the seconds each takes
// (wall), the -cpu-s metrics the CPU seconds of the process meanwhile (all
// threads, the garbage collector's too), speedup and cpu-speedup the
// ratios of addall's to the single goroutine's, par-speedup that of the
// single goroutine's wall time to the parallel one's, and temp-B/token and
// par-temp-B/token what the builds allocate beyond the table they return.
func BenchmarkBuildTable(b *testing.B) {
	if testing.Short() {
		b.Skip("lexes part of the Go standard library")
	}
	streams, tokens := benchStreams(b)
	const order = 6
	var bulk, par, inc bulkRun
	for b.Loop() {
		// Each build starts from a collected heap, without another's table.
		nodes, count := bulk.measure(func() *table { return buildTableP(order, streams, crew{workers: 1}) })
		pnodes, pcount := par.measure(func() *table { return buildTableP(order, streams, crew{workers: runtime.GOMAXPROCS(0)}) })
		inodes, icount := inc.measure(func() *table { return incrementalTable(order, streams) })
		if nodes != inodes || count != icount || pnodes != inodes || pcount != icount {
			b.Fatalf("bulk: %d nodes, %d tokens; parallel: %d, %d; incremental: %d, %d",
				nodes, count, pnodes, pcount, inodes, icount)
		}
	}
	n := float64(b.N)
	b.ReportMetric(bulk.wall.Seconds()/n, "bulk-s")
	b.ReportMetric(bulk.cpu.Seconds()/n, "bulk-cpu-s")
	b.ReportMetric(par.wall.Seconds()/n, "par-s")
	b.ReportMetric(par.cpu.Seconds()/n, "par-cpu-s")
	b.ReportMetric(bulk.wall.Seconds()/par.wall.Seconds(), "par-speedup")
	b.ReportMetric(inc.wall.Seconds()/n, "addall-s")
	b.ReportMetric(inc.cpu.Seconds()/n, "addall-cpu-s")
	b.ReportMetric(inc.wall.Seconds()/bulk.wall.Seconds(), "speedup")
	b.ReportMetric(inc.cpu.Seconds()/bulk.cpu.Seconds(), "cpu-speedup")
	b.ReportMetric(float64(bulk.temp)/n/float64(tokens), "temp-B/token")
	b.ReportMetric(float64(par.temp)/n/float64(tokens), "par-temp-B/token")
}

// A bulkRun sums the measures of one way of building a table.
type bulkRun struct {
	wall, cpu time.Duration
	temp      uint64 // bytes allocated beyond the tables
}

// measure adds to r the measures of build, run on a collected heap, and
// returns the size of the table built.
func (r *bulkRun) measure(build func() *table) (nodes int, count uint32) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0, c0 := time.Now(), processCPU()
	t := build()
	r.wall, r.cpu = r.wall+time.Since(t0), r.cpu+processCPU()-c0
	runtime.ReadMemStats(&after)
	r.temp += after.TotalAlloc - before.TotalAlloc - uint64(t.bytes())
	return t.nodes(), t.at(0).count
}

// processCPU returns the CPU time of the process, all threads, or 0 when
// /proc/self/stat (Linux) does not tell it.
func processCPU() time.Duration {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// After the command, in parentheses: utime and stime are the 12th and
	// 13th fields, in ticks of 1/100 s.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	sys, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// benchStreams returns the tokens of the training files of BenchmarkTrain,
// interned in one vocab, and how many there are.
func benchStreams(b *testing.B) (streams [][]uint32, tokens int) {
	v := newVocab()
	_, srcs := benchCorpus()
	for _, src := range srcs {
		streams = append(streams, internFile(b, v, src))
	}
	for _, s := range streams {
		tokens += len(s)
	}
	return streams, tokens
}
