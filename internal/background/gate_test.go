package background

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lode-ls/lode/internal/eventually"
)

func TestWaitWithoutRequests(t *testing.T) {
	g := New(Options{Hold: -1})
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g.Yields() != 0 {
		t.Fatalf("yields = %d, want 0", g.Yields())
	}
	var none *Gate
	if err := none.Wait(context.Background()); err != nil || none.Busy() {
		t.Fatalf("nil gate: %v, busy %v", err, none.Busy())
	}
}

// TestWaitHoldsWhileRequestInFlight: with an unbounded hold, background
// work waits for the request to end, whatever it takes.
func TestWaitHoldsWhileRequestInFlight(t *testing.T) {
	g := New(Options{Hold: -1})
	end := g.Begin()
	if !g.Busy() {
		t.Fatal("not busy during a request")
	}
	done := make(chan error, 1)
	go func() { done <- g.Wait(context.Background()) }()
	eventually.True(t, func() bool { return g.Yields() == 1 }, "Wait never yielded")
	select {
	case err := <-done:
		t.Fatalf("Wait returned (%v) while a request was in flight", err)
	default:
	}
	second := g.Begin()
	end()
	end() // harmless
	select {
	case err := <-done:
		t.Fatalf("Wait returned (%v) while a second request was in flight", err)
	default:
	}
	second()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g.Busy() {
		t.Fatal("busy after every request ended")
	}
}

func TestWaitCancelled(t *testing.T) {
	g := New(Options{Hold: -1})
	defer g.Begin()()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Wait(ctx) }()
	eventually.True(t, func() bool { return g.Yields() == 1 }, "Wait never yielded")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
}

// TestWaitHoldExpires: a request that lasts past the hold (it waits for a
// model) lets background work go on.
func TestWaitHoldExpires(t *testing.T) {
	g := New(Options{Hold: time.Millisecond})
	defer g.Begin()()
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g.Yields() != 1 {
		t.Fatalf("yields = %d, want 1", g.Yields())
	}
}

// TestWaitFor checks WaitFor: without a request in flight it returns at
// once and allocates nothing (table builds call it between every two
// pieces of their work); with one, it waits until the request ends, or
// until d has passed, with nil either way.
func TestWaitFor(t *testing.T) {
	g := New(Options{Hold: -1})
	ctx := context.Background()
	if allocs := testing.AllocsPerRun(100, func() { _ = g.WaitFor(ctx, time.Hour) }); allocs != 0 {
		t.Errorf("WaitFor with nothing in flight: %.0f allocations, want 0", allocs)
	}
	end := g.Begin()
	done := make(chan error, 1)
	go func() { done <- g.WaitFor(ctx, time.Hour) }()
	eventually.True(t, func() bool { return g.Yields() == 1 }, "WaitFor never yielded")
	select {
	case err := <-done:
		t.Fatalf("WaitFor returned (%v) while a request was in flight", err)
	default:
	}
	end()
	if err := <-done; err != nil {
		t.Fatalf("WaitFor after the request ended: %v", err)
	}
	defer g.Begin()()
	if err := g.WaitFor(ctx, time.Nanosecond); err != nil {
		t.Fatalf("WaitFor past d: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.WaitFor(cancelled, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitFor with its context done: %v, want context.Canceled", err)
	}
}
