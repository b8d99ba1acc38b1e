package completion

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/eventually"
)

// received waits for ch's outcome.
func received(t *testing.T, ch <-chan outcome, what string) outcome {
	t.Helper()
	var o outcome
	eventually.True(t, func() bool {
		select {
		case o = <-ch:
			return true
		default:
			return false
		}
	}, "%s: no answer", what)
	return o
}

func TestEditedAnswersOlderVersionsAndKeepsTheirCall(t *testing.T) {
	g := newGated(`Println("x")`)
	e := newEngine(t, Options{Config: testConfig(), Model: g})
	req := at(goDoc, "fmt.")
	req.Version = 1
	first := async(e, context.Background(), req)
	<-g.started
	// The editor typed "Pr": the first request's answer would be stale.
	e.Edited(req.Path, 2)
	if o := received(t, first, "request of the edited version"); o.err != nil || o.res.Skipped != Superseded || len(o.res.Items) != 0 {
		t.Fatalf("request of the edited version: %+v, %v; want empty, superseded", o.res, o.err)
	}
	// Its call goes on, for the next request, which typed ahead of it.
	next := at(strings.Replace(goDoc, "fmt.", "fmt.Pr", 1), "fmt.Pr")
	next.Version = 2
	second := async(e, context.Background(), next)
	waitBegun(t, e, 2)
	g.open()
	o := received(t, second, "next request")
	if len(o.res.Items) != 1 || o.res.Items[0].Insert != `intln("x")` || o.res.Source != "in-flight" {
		t.Fatalf("next request: %+v, %v", o.res, o.err)
	}
	if n, c := g.calls.Load(), g.canceled.Load(); n != 1 || c != 0 {
		t.Errorf("model calls = %d, canceled = %d; want 1 call, not canceled", n, c)
	}
}

func TestEditedAnswersALateRequestAtOnce(t *testing.T) {
	m := &llmtest.Model{Name: "m", FIM: true, Text: `Println("x")`}
	e := newEngine(t, Options{Config: testConfig(), Model: m})
	e.Edited("/w/main.go", 3)
	// A request that arrives after the edit of a version it does not have.
	req := at(goDoc, "fmt.")
	req.Version = 2
	res, err := e.Complete(context.Background(), req)
	if err != nil || res.Skipped != Superseded || len(res.Items) != 0 {
		t.Fatalf("request of an edited version: %+v, %v; want empty, superseded", res, err)
	}
	if n := len(m.Calls()); n != 0 {
		t.Fatalf("model calls = %d, want 0", n)
	}
	req.Version = 3
	if res, err := e.Complete(context.Background(), req); err != nil || len(res.Items) != 1 {
		t.Fatalf("request of the edited version: %+v, %v", res, err)
	}
	// A closed document starts its versions again.
	e.Forget("/w/main.go")
	req.Version = 1
	req.Offset++ // not from the recent answers
	if res, err := e.Complete(context.Background(), req); err != nil || res.Skipped == Superseded {
		t.Fatalf("request after the document closed and opened again: %+v, %v", res, err)
	}
}

// stalled is a Retriever whose first search waits for its context to end
// (or for the test to end): a slow retrieval.
type stalled struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *stalled) Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	first := false
	s.once.Do(func() { first = true })
	if !first {
		return retrieve.Bundle{}, nil
	}
	close(s.started)
	select {
	case <-ctx.Done():
		return retrieve.Bundle{}, ctx.Err()
	case <-s.release:
		return retrieve.Bundle{}, nil
	}
}

func TestSupersededRequestStopsItsRetrieval(t *testing.T) {
	r := &stalled{started: make(chan struct{}), release: make(chan struct{})}
	m := &llmtest.Model{Name: "m", FIM: true, Text: "x := 1"}
	e := newEngine(t, Options{Config: testConfig(), Model: m, Retriever: r})
	t.Cleanup(func() { close(r.release) }) // before the engine's Close, should the test fail first
	first := async(e, context.Background(), at(goDoc, "fmt."))
	<-r.started
	// A newer request elsewhere: the first one's search is work for
	// nothing, and stops.
	other := strings.Replace(goDoc, "fmt.", "x := ", 1)
	second := async(e, context.Background(), at(other, "x := "))
	if o := received(t, first, "older request"); o.err != nil || o.res.Skipped != Superseded {
		t.Fatalf("older request: %+v, %v; want superseded", o.res, o.err)
	}
	if o := received(t, second, "newer request"); o.err != nil || len(o.res.Items) != 1 {
		t.Fatalf("newer request: %+v, %v", o.res, o.err)
	}
}
