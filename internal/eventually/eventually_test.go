package eventually

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestTrueWaitsForTheCondition(t *testing.T) {
	var n atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 5 {
			n.Add(1)
			time.Sleep(time.Millisecond)
		}
	}()
	True(t, func() bool { return n.Load() == 5 }, "n is %d", n.Load())
	<-done
}

// fake records a failure instead of ending the test, with a deadline
// that is already near.
type fake struct {
	testing.TB
	failed bool
	dl     time.Time
}

func (f *fake) Helper()                     {}
func (f *fake) Fatalf(string, ...any)       { f.failed = true }
func (f *fake) Deadline() (time.Time, bool) { return f.dl, true }

func TestTrueFailsAtTheDeadline(t *testing.T) {
	f := &fake{dl: time.Now().Add(5 * time.Second)} // the last 5s are left for reporting: no time at all
	calls := 0
	True(f, func() bool { calls++; return false }, "never")
	if !f.failed || calls == 0 {
		t.Errorf("failed %v after %d calls, want a failure after at least one call", f.failed, calls)
	}
}
