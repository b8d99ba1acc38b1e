package ngram

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/eventually"
)

// heldModel returns a model whose PauseFor holds background work as a
// server's gate does while a request is in flight, until held is closed,
// and the count of its calls.
func heldModel(held chan struct{}) (*Model, *atomic.Int64) {
	pauses := new(atomic.Int64)
	m := New(Options{PauseFor: func(d time.Duration) {
		pauses.Add(1)
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-held:
		case <-timer.C:
		}
	}})
	return m, pauses
}

// TestLevelsBehindRequests checks where the levels of a document just
// opened are built: beside the requests when the model answers them
// (never paused), behind them when it only helps a server model (the
// build waits at PauseFor, as a server's gate holds it while a request is
// in flight, and is cached once let go), and that a request asking for
// them lets the build go on while the gate still holds it.
func TestLevelsBehindRequests(t *testing.T) {
	src := []byte(strings.Repeat("func f(a, b int) int {\n\treturn a + b\n}\n\n", 50))
	for _, tc := range []struct {
		name      string
		answering bool
		asked     bool // a request asks for the levels while held
	}{
		{"answering", true, false},
		{"helping", false, false},
		{"helping, asked for", false, true},
	} {
		held := make(chan struct{})
		m, pauses := heldModel(held)
		m.SetAnswering(tc.answering)
		if err := m.Learn("/w/p/a.go", syntax.ByName("go"), src, nil); err != nil {
			t.Fatal(err)
		}
		cached := func() bool {
			m.cacheMu.Lock()
			defer m.cacheMu.Unlock()
			return m.dirTables.get(dirKey{"go", "/w/p"}.String()) != nil && m.fileTabs.get("/w/p/a.go") != nil
		}
		m.PrepareSoon("go", "/w/p/a.go")
		switch {
		case tc.answering:
			eventually.True(t, cached, "%s: the levels were not built", tc.name)
			if n := pauses.Load(); n != 0 {
				t.Errorf("%s: the levels' builds paused %d times", tc.name, n)
			}
		case !tc.asked:
			eventually.True(t, func() bool { return pauses.Load() > 0 }, "%s: the levels' builds never paused", tc.name)
			if cached() {
				t.Errorf("%s: the levels were built while held", tc.name)
			}
			close(held)
			eventually.True(t, cached, "%s: the levels were not built once let go", tc.name)
		default:
			// Never let go: a request asks for the levels.
			eventually.True(t, func() bool { return pauses.Load() > 0 }, "%s: the levels' builds never paused", tc.name)
			if cached() {
				t.Errorf("%s: the levels were built while held", tc.name)
			}
			m.mu.RLock()
			m.scorer("go", "/w/p/a.go", nil, false)
			m.mu.RUnlock()
			eventually.True(t, cached, "%s: the levels were not built once a request asked for them", tc.name)
		}
		if tc.answering || tc.asked {
			close(held)
		}
		m.Close()
	}
}

// TestHeldLevelsGiveWayToANewerDocument checks that the levels of a
// document, held behind the requests, are dropped when another document
// is opened before they could be built, unless a request asked for them,
// and that the newer document's are built once let go.
func TestHeldLevelsGiveWayToANewerDocument(t *testing.T) {
	src := []byte(strings.Repeat("func f(a, b int) int {\n\treturn a + b\n}\n\n", 50))
	for _, asked := range []bool{false, true} {
		held := make(chan struct{})
		m, pauses := heldModel(held)
		m.SetAnswering(false)
		for _, p := range []string{"/w/p/a.go", "/w/q/b.go"} {
			if err := m.Learn(p, syntax.ByName("go"), src, nil); err != nil {
				t.Fatal(err)
			}
		}
		levels := func(dir, path string) (cached, building bool) {
			m.cacheMu.Lock()
			defer m.cacheMu.Unlock()
			d, f := dirKey{"go", dir}.String(), path
			_, bd := m.building[d]
			_, bf := m.building[f]
			return m.dirTables.get(d) != nil && m.fileTabs.get(f) != nil, bd || bf
		}
		m.PrepareSoon("go", "/w/p/a.go")
		eventually.True(t, func() bool { return pauses.Load() > 0 }, "asked %v: the first document's builds never paused", asked)
		if asked {
			m.mu.RLock()
			m.scorer("go", "/w/p/a.go", nil, false)
			m.mu.RUnlock()
			eventually.True(t, func() bool { c, _ := levels("/w/p", "/w/p/a.go"); return c },
				"asked %v: the first document's levels were not built once asked for", asked)
		}
		m.PrepareSoon("go", "/w/q/b.go")
		if !asked {
			eventually.True(t, func() bool { _, b := levels("/w/p", "/w/p/a.go"); return !b },
				"the first document's held builds went on after another document was opened")
		}
		if c, b := levels("/w/q", "/w/q/b.go"); c || !b {
			t.Errorf("asked %v: the newer document's levels: cached %v, building %v; want held", asked, c, b)
		}
		close(held)
		eventually.True(t, func() bool { c, _ := levels("/w/q", "/w/q/b.go"); return c },
			"asked %v: the newer document's levels were not built once let go", asked)
		if c, _ := levels("/w/p", "/w/p/a.go"); c != asked {
			t.Errorf("asked %v: the first document's levels cached: %v", asked, c)
		}
		m.Close()
	}
}
