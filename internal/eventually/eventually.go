// Package eventually is the one way lode's tests wait for something that
// another goroutine makes true (an index updated, a call aborted, a
// reparse finished): they poll a condition with a growing pause, and fail
// only when it stays false far longer than any machine, however loaded,
// would take. Tests never sleep a fixed time to let something happen, and
// never assert how long it took: timing belongs to benchmarks.
//
// Package eventually depends on the standard library only; only tests
// import it.
package eventually

import (
	"testing"
	"time"
)

// Timeout is how long True polls before it fails the test, unless the
// test's own deadline (go test -timeout) comes sooner.
const Timeout = 60 * time.Second

// True calls cond until it returns true. It fails t (t.Fatalf, with msg
// and args) when cond is still false after Timeout or near the test's
// deadline, whichever comes first. cond runs on the test's goroutine.
func True(t testing.TB, cond func() bool, msg string, args ...any) {
	t.Helper()
	end := time.Now().Add(Timeout)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			// Leave the last seconds to report the failure and clean up.
			if dl = dl.Add(-5 * time.Second); dl.Before(end) {
				end = dl
			}
		}
	}
	pause := 100 * time.Microsecond
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("eventually: "+msg, args...)
			return
		}
		time.Sleep(pause)
		pause = min(2*pause, 20*time.Millisecond)
	}
}
