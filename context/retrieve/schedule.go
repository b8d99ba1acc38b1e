package retrieve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// source is one of the ranked lists a bundle is fused from.
type source struct {
	reason Reason
	// also are the other reasons its candidates carry, cut with it.
	also   []Reason
	weight float64 // in the fusion
	run    func(r *Retriever, req Request, a *analysis) []candidate
}

// sources are the ranked lists in priority order: under a time budget
// they run one after the other in this order, so that what is cut is what
// matters least. The enclosing scopes come first of all, from the
// analysis of the document the others start from.
var sources = []source{
	{reason: ReasonDefinition, also: []Reason{ReasonImport}, weight: 1, run: (*Retriever).definitions},
	{reason: ReasonSimilar, weight: 0.5, run: (*Retriever).similar},
	{reason: ReasonRecentEdit, weight: 0.4, run: func(r *Retriever, _ Request, _ *analysis) []candidate { return r.recentEdits() }},
}

// found is what a request's sources found: the analysis (nil when even
// it did not finish), the lists of the sources that finished, a prefix
// of sources, and what was cut.
type found struct {
	a     *analysis
	lists [][]candidate
	cut   []Cut
}

// gather runs the analysis and then the sources, in priority order. With
// no deadline on ctx they all run here. With one, they run on a goroutine
// of the Retriever's, and at the deadline gather returns what finished;
// the source running then finishes in the background (the sources do not
// stop halfway) and its list is dropped, and the goroutine ends before
// the next one would start. A cancellation returns ctx's error.
func (r *Retriever) gather(ctx context.Context, req Request) (*found, error) {
	deadline, timed := ctx.Deadline()
	if !timed {
		f := &found{}
		r.collect(ctx, req, f, nil)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return f, nil
	}
	budget := time.Until(deadline)
	var mu sync.Mutex
	shared := &found{}
	done := make(chan struct{})
	r.work.Go(func() {
		defer close(done)
		r.collect(ctx, req, shared, &mu)
	})
	select {
	case <-done:
	case <-ctx.Done():
	}
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		return nil, err
	}
	mu.Lock()
	f := &found{a: shared.a, lists: shared.lists[:len(shared.lists):len(shared.lists)]}
	mu.Unlock()
	if n := len(f.lists); n < len(sources) || f.a == nil {
		why := fmt.Sprintf("not finished within the time budget (%s)", budget.Round(100*time.Microsecond))
		if f.a == nil {
			f.cut = append(f.cut, Cut{Source: ReasonEnclosing, Why: why})
		}
		for _, s := range sources[n:] {
			f.cut = append(f.cut, Cut{Source: s.reason, Why: why})
			for _, also := range s.also {
				f.cut = append(f.cut, Cut{Source: also, Why: why})
			}
		}
	}
	return f, nil
}

// collect fills f with the analysis, then with each source's list as it
// finishes, stopping when ctx is done. mu, when set, guards f.
func (r *Retriever) collect(ctx context.Context, req Request, f *found, mu *sync.Mutex) {
	lock := func() {
		if mu != nil {
			mu.Lock()
		}
	}
	unlock := func() {
		if mu != nil {
			mu.Unlock()
		}
	}
	a, err := r.analyze(ctx, req)
	if err != nil {
		return
	}
	// An ignored document's own text goes no further than the prompt's
	// window: none of it becomes a snippet.
	a.ownHidden = !r.ws.Allowed(req.Path)
	lock()
	f.a = a
	unlock()
	for _, s := range sources {
		if ctx.Err() != nil {
			return
		}
		l := s.run(r, req, a)
		lock()
		f.lists = append(f.lists, l)
		unlock()
	}
}
