package ngram

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

// dirtyPools fills the pools with memory whose every byte is set, as
// recycled memory of other tables would be.
func dirtyPools() {
	for range 64 {
		p := new([pageSize]node)
		for i := range p {
			p[i] = node{parent: 3, tok: 5, count: 7, kids: 9, first: 11, next: 13}
		}
		nodePages.Put(p)
	}
	for n := 1 << 10; n <= 1<<16; n *= 2 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = 17
		}
		slotPools[log2(n)].Put(&s)
	}
	for range 4 {
		toks, occ := make([]uint32, 1<<16), make([]uint64, 1<<16)
		for i := range toks {
			toks[i], occ[i] = 19, 23
		}
		putBuf(&tokBufs, toks)
		putBuf(&occBufs, occ)
	}
}

// TestBuildsOnRecycledMemory checks that a table built on recycled memory
// (pages, slots and a builder's buffers holding another table's data)
// counts exactly what the incremental build counts, with one goroutine and
// with several.
func TestBuildsOnRecycledMemory(t *testing.T) {
	for _, workers := range []int{1, 3} {
		build := func(order int, streams [][]uint32) *table {
			dirtyPools()
			return buildTableP(order, streams, crew{workers: workers})
		}
		for _, tc := range bulkCases {
			t.Run(fmt.Sprintf("%d/%s", workers, tc.name), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(tc.order), 99))
				checkBulk(t, r, tc.order, randomStreams(r, tc.streams, tc.maxLen, tc.vocab), tc.vocab, build)
			})
		}
	}
	// An incremental table grows into recycled pages and slots.
	dirtyPools()
	r := rand.New(rand.NewPCG(1, 98))
	streams := randomStreams(r, 40, 300, 20)
	got := newTable(6)
	for _, s := range streams {
		got.addAll(s, 1)
	}
	if err := checkLinks(got); err != nil {
		t.Fatalf("incremental table on recycled memory: %v", err)
	}
	if err := diffTables(buildNow(6, streams), got); err != nil {
		t.Fatalf("incremental table on recycled memory: %v", err)
	}
}

// TestRetiredLevelsWaitForReaders checks that a level dropped from the
// caches (here the oldest directory level, when one more directory is
// asked for) is recycled only when no prediction can be reading it: not
// while the read lock is held, and at the first reclaim after.
func TestRetiredLevelsWaitForReaders(t *testing.T) {
	m := New(Options{})
	defer m.Close()
	src := []byte(strings.Repeat("func f(a, b int) int {\n\treturn a + b\n}\n\n", 20))
	var paths []string
	for i := range 9 { // one directory more than the cache keeps
		p := fmt.Sprintf("/w/p%d/a.go", i)
		if err := m.Learn(p, syntax.ByName("go"), src, nil); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	m.Prepare("go", paths[0])
	m.cacheMu.Lock()
	first := m.dirTables.get(dirKey{"go", "/w/p0"}.String())
	m.cacheMu.Unlock()
	if first == nil {
		t.Fatal("Prepare did not cache the directory level")
	}
	m.mu.RLock() // a prediction reading the level
	for _, p := range paths[1:] {
		m.dirTable("go", p, needNow)
	}
	m.cacheMu.Lock()
	retired := len(m.retired)
	m.cacheMu.Unlock()
	if retired != 1 {
		t.Fatalf("%d levels retired, want the 1 dropped", retired)
	}
	m.reclaim()
	if first.len == 0 || first.pages == nil {
		m.mu.RUnlock()
		t.Fatal("a level was recycled while a prediction could be reading it")
	}
	m.mu.RUnlock()
	m.reclaim()
	if first.pages != nil || first.slots != nil {
		t.Error("the dropped level was not recycled once no prediction could read it")
	}
	m.cacheMu.Lock()
	defer m.cacheMu.Unlock()
	if len(m.retired) != 0 {
		t.Errorf("%d levels still retired after reclaim", len(m.retired))
	}
}

// TestRetiredAreBounded checks that levels retired while predictions keep
// the write lock busy are not kept without bound: past maxRetired, the
// oldest are left to the collector.
func TestRetiredAreBounded(t *testing.T) {
	m := New(Options{})
	defer m.Close()
	m.mu.RLock() // a prediction in flight: nothing can be reclaimed
	var newest *table
	for range 3 * maxRetired {
		newest = buildNow(3, [][]uint32{{1, 2, 3}})
		m.cacheMu.Lock()
		m.retire(newest)
		m.cacheMu.Unlock()
		m.reclaim()
	}
	m.mu.RUnlock()
	m.cacheMu.Lock()
	n, last := len(m.retired), m.retired[len(m.retired)-1]
	m.cacheMu.Unlock()
	if n > maxRetired || last != newest {
		t.Errorf("%d levels retired (the newest last: %v), want at most %d", n, last == newest, maxRetired)
	}
}
