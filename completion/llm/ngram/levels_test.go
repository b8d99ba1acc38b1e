package ngram

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/eventually"
)

// TestLevelsBehindRequests checks where the levels of a document just
// opened are built: beside the requests when the model answers them
// (Options.Pause never called), behind them when it only helps a server
// model (the build waits at Pause, as a server's gate holds it while a
// request is in flight, and is cached once let go).
func TestLevelsBehindRequests(t *testing.T) {
	src := []byte(strings.Repeat("func f(a, b int) int {\n\treturn a + b\n}\n\n", 50))
	for _, answering := range []bool{true, false} {
		held := make(chan struct{})
		var pauses atomic.Int64
		m := New(Options{Pause: func() {
			pauses.Add(1)
			<-held
		}})
		m.SetAnswering(answering)
		if err := m.Learn("/w/p/a.go", syntax.ByName("go"), src, nil); err != nil {
			t.Fatal(err)
		}
		cached := func() bool {
			m.cacheMu.Lock()
			defer m.cacheMu.Unlock()
			return m.dirTables.get(dirKey{"go", "/w/p"}.String()) != nil && m.fileTabs.get("/w/p/a.go") != nil
		}
		m.PrepareSoon("go", "/w/p/a.go")
		if answering {
			eventually.True(t, cached, "answering: the levels were not built")
			if n := pauses.Load(); n != 0 {
				t.Errorf("answering: the levels' builds paused %d times", n)
			}
		} else {
			eventually.True(t, func() bool { return pauses.Load() > 0 }, "helping: the levels' builds never paused")
			if cached() {
				t.Error("helping: the levels were built while held")
			}
			close(held)
			eventually.True(t, cached, "helping: the levels were not built once let go")
		}
		if answering {
			close(held)
		}
		m.Close()
	}
}
