package completion

import (
	"strings"
	"testing"
)

// TestNoWaitFarAhead checks which call a request that typed ahead of the
// previous request's call takes over: one still in flight only when it
// typed little (an answer that must begin with a paste or a burst of
// edits is unlikely, and waiting for it delays the request's own call);
// one that has answered up to maxTypeAhead.
func TestNoWaitFarAhead(t *testing.T) {
	const doc = "package p\n\nfunc f() {\n\tfmt.\n}\n"
	off := strings.Index(doc, "fmt.") + len("fmt.")
	for _, tc := range []struct {
		typed    int
		finished bool
		adopt    bool
	}{
		{3, false, true},
		{maxWaitAhead, false, true},
		{maxWaitAhead + 1, false, false},
		{maxWaitAhead + 1, true, true},
	} {
		l := newLedger(8, func() {})
		first, _ := l.begin("inline\x00/w/p.go", doc, off, 1, func() {})
		f := &flight{key: "k", doc: doc, off: off, done: make(chan struct{}), refs: 1, cancel: func() {}}
		if tc.finished {
			f.res = flightResult{texts: []string{"Println()"}}
			close(f.done)
		}
		first.held = f
		ahead := strings.Repeat("x", tc.typed)
		next, _ := l.begin("inline\x00/w/p.go", doc[:off]+ahead+doc[off:], off+tc.typed, 2, func() {})
		if got := next.adopt != nil; got != tc.adopt {
			t.Errorf("typed %d ahead of a call finished %v: taken over %v, want %v", tc.typed, tc.finished, got, tc.adopt)
		}
	}
}
