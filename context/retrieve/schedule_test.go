package retrieve

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/internal/eventually"
)

// budgetCtx is a context whose deadline the test decides: it is done
// when passed is closed, with the error a deadline gives.
type budgetCtx struct {
	context.Context
	passed chan struct{}
}

func (c budgetCtx) Deadline() (time.Time, bool) { return time.Now().Add(time.Hour), true }
func (c budgetCtx) Done() <-chan struct{}       { return c.passed }
func (c budgetCtx) Err() error {
	select {
	case <-c.passed:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// TestDeadlineCutsLateSourcesAlone checks that a time budget that runs
// out while a source is still running leaves out that source and the
// ones after it, keeps what the earlier ones found, and says so.
func TestDeadlineCutsLateSourcesAlone(t *testing.T) {
	r, _, _, root := setup(t)
	started, release := make(chan struct{}), make(chan struct{})
	saved := sources[1]
	sources[1].run = func(r *Retriever, req Request, a *analysis) []candidate {
		close(started)
		<-release // the similar-code source runs past the deadline
		return saved.run(r, req, a)
	}
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }); sources[1] = saved })

	ctx := budgetCtx{Context: context.Background(), passed: make(chan struct{})}
	req := at(t, root, "shop/cart.go", "return money.Format", 1024)
	type answer struct {
		b   Bundle
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		b, err := r.Retrieve(ctx, req)
		ch <- answer{b, err}
	}()
	<-started
	close(ctx.passed)
	var a answer
	select {
	case a = <-ch:
	case <-time.After(eventually.Timeout):
		t.Fatal("Retrieve waited for a source past its deadline")
	}
	once.Do(func() { close(release) })
	if a.err != nil {
		t.Fatal(a.err)
	}
	if find(a.b, "money/money.go", ReasonImport, "Format") == nil {
		t.Errorf("the definitions, found before the deadline, are not in the bundle: %+v", a.b.Snippets)
	}
	if len(a.b.Snippets) == 0 || a.b.Snippets[0].Reason != ReasonEnclosing {
		t.Errorf("the enclosing signature is not first: %+v", a.b.Snippets)
	}
	var cut []Reason
	for _, c := range a.b.Cut {
		if c.Why == "" {
			t.Errorf("cut %s without a reason", c.Source)
		}
		cut = append(cut, c.Source)
	}
	if want := []Reason{ReasonSimilar, ReasonRecentEdit}; !slices.Equal(cut, want) {
		t.Errorf("cut %v, want %v", cut, want)
	}
	for _, s := range a.b.Snippets {
		if s.Reason == ReasonSimilar || s.Reason == ReasonRecentEdit {
			t.Errorf("snippet of a cut source: %+v", s)
		}
	}
}

// TestCancelReturnsNothing checks that a cancellation, unlike a
// deadline, returns an error and no bundle.
func TestCancelReturnsNothing(t *testing.T) {
	r, _, _, root := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	cancel()
	b, err := r.Retrieve(ctx, at(t, root, "shop/cart.go", "return money.Format", 1024))
	if !errors.Is(err, context.Canceled) || len(b.Snippets) != 0 {
		t.Errorf("cancelled: %d snippets, err %v; want none and context.Canceled", len(b.Snippets), err)
	}
}

// TestNoDeadlineCutsNothing checks that a bundle without a time budget
// runs every source.
func TestNoDeadlineCutsNothing(t *testing.T) {
	r, _, _, root := setup(t)
	b, err := r.Retrieve(context.Background(), at(t, root, "shop/cart.go", "return money.Format", 1024))
	if err != nil || len(b.Cut) != 0 {
		t.Errorf("cut %v, err %v; want nothing cut", b.Cut, err)
	}
}
