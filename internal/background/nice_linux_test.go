package background

import (
	"context"
	"syscall"
	"testing"
)

// TestWaitLowersThread: background work runs on a thread of lower
// priority once it has called Wait; other goroutines keep theirs.
func TestWaitLowersThread(t *testing.T) {
	base, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	want := max(20-base, 7)
	g := New(Options{Nice: 7})
	prio := make(chan int, 1)
	go func() {
		g.Wait(context.Background())
		// The kernel's getpriority answers 20 - nice.
		p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
		if err != nil {
			t.Error(err)
		}
		prio <- 20 - p
	}()
	if nice := <-prio; nice != want {
		t.Fatalf("background thread at nice %d, want %d", nice, want)
	}
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	if p != base {
		t.Fatalf("the test's own thread moved from nice %d to %d", 20-base, 20-p)
	}
}
