package memo

import (
	"strings"
	"sync"
	"testing"
)

func TestGet(t *testing.T) {
	m := New[int](2)
	calls := map[string]int{}
	f := func(s string) int { calls[s]++; return len(s) }
	for _, s := range []string{"a", "bb", "a", "bb"} {
		if got := m.Get(s, f); got != len(s) {
			t.Errorf("Get(%q) = %d, want %d", s, got, len(s))
		}
	}
	if calls["a"] != 1 || calls["bb"] != 1 {
		t.Errorf("f ran %v, want once a string", calls)
	}
	m.Get("ccc", f) // full: forgets a and bb
	m.Get("a", f)
	if calls["a"] != 2 || len(m.m) != 2 {
		t.Errorf("after the memo filled up: f ran %v, %d held; want a again and 2 held", calls, len(m.m))
	}
}

func TestGetConcurrent(t *testing.T) {
	m := New[string](16)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				s := strings.Repeat("x", (i+j)%20)
				if got := m.Get(s, strings.ToUpper); got != strings.ToUpper(s) {
					t.Errorf("Get(%q) = %q", s, got)
				}
			}
		})
	}
	wg.Wait()
}
