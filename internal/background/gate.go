// Package background makes lode's background work (indexing, learning the
// embedded model, saves) give way to requests: a request in flight holds
// the work back between two of its units, so that on a busy machine the
// CPU goes to what the user waits for.
//
// The main type is Gate. Package background depends on the standard
// library alone; the packages that do background work take its Wait as a
// plain function, and the language server calls Begin through an
// interface of its own.
package background

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultHold is how long a request holds background work back when
// Options.Hold is zero: longer than a request's own work before the model
// call (retrieval, prompt), shorter than a model's answer, during which
// the CPU is free again.
const DefaultHold = 150 * time.Millisecond

// Options configure a Gate.
type Options struct {
	// Hold is how long after its start a request in flight holds
	// background work back; a request that lasts longer (it waits for a
	// model) lets it go on. Zero means DefaultHold; a negative Hold holds
	// it for as long as the request lasts.
	Hold time.Duration
	// Nice, when positive, is the priority (as nice(1) counts it) of the
	// threads of background work: a goroutine that calls Wait is locked
	// to its thread, which runs at Nice from then on (Linux only; a
	// goroutine that ends takes its thread with it). Zero leaves
	// priorities alone.
	Nice int
}

// Gate lets background work wait for the requests in flight. The zero
// value is not usable; a nil *Gate never holds anything back. It is safe
// for concurrent use.
type Gate struct {
	hold time.Duration
	nice int

	mu       sync.Mutex
	inFlight map[uint64]time.Time // start of each request in flight, by id
	next     uint64
	changed  chan struct{} // closed (and replaced) when a request ends

	// busy counts the requests in flight, so that Wait, which a parse
	// calls every few hundred steps, answers without the lock when none is.
	busy   atomic.Int64
	yields atomic.Int64
}

// New returns a Gate.
func New(opts Options) *Gate {
	if opts.Hold == 0 {
		opts.Hold = DefaultHold
	}
	return &Gate{hold: opts.Hold, nice: opts.Nice, inFlight: make(map[uint64]time.Time), changed: make(chan struct{})}
}

// Begin records a request in flight until end is called (once).
func (g *Gate) Begin() (end func()) {
	g.mu.Lock()
	id := g.next
	g.next++
	g.inFlight[id] = time.Now()
	g.busy.Add(1)
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			delete(g.inFlight, id)
			g.busy.Add(-1)
			close(g.changed)
			g.changed = make(chan struct{})
			g.mu.Unlock()
		})
	}
}

// Wait returns once no request started less than Hold ago is in flight,
// or with ctx's error when ctx is done first. Background work calls it
// before each unit of work (a file to index, a file to learn).
func (g *Gate) Wait(ctx context.Context) error {
	if g == nil {
		return ctx.Err()
	}
	if g.nice > 0 {
		lower(g.nice)
	}
	if g.busy.Load() == 0 {
		return ctx.Err()
	}
	yielded := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.mu.Lock()
		var youngest time.Time
		for _, start := range g.inFlight {
			if start.After(youngest) {
				youngest = start
			}
		}
		changed := g.changed
		g.mu.Unlock()
		var timer *time.Timer
		var timeout <-chan time.Time
		switch {
		case youngest.IsZero():
			return nil
		case g.hold > 0:
			left := time.Until(youngest.Add(g.hold))
			if left <= 0 {
				return nil
			}
			timer = time.NewTimer(left)
			timeout = timer.C
		}
		if !yielded {
			yielded = true
			g.yields.Add(1)
		}
		select {
		case <-changed:
		case <-timeout:
		case <-ctx.Done():
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// WaitFor is Wait returning after d at the latest (with nil, as when
// the requests let go). Work that calls it between every two small pieces
// (a table build does, thousands of times a second) costs nothing more
// than a load when no request is in flight: it makes a timer only when it
// has to wait.
func (g *Gate) WaitFor(ctx context.Context, d time.Duration) error {
	if !g.Busy() {
		return ctx.Err()
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	_ = g.Wait(wctx)
	return ctx.Err()
}

// Busy reports whether a request is in flight.
func (g *Gate) Busy() bool {
	return g != nil && g.busy.Load() > 0
}

// Yields returns how many times Wait held background work back.
func (g *Gate) Yields() int64 {
	if g == nil {
		return 0
	}
	return g.yields.Load()
}
