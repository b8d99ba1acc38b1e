package completion

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/eventually"
)

// gated is a fake model whose calls wait until the test opens the gate
// (or the call is cancelled), so that tests order events without sleeps.
type gated struct {
	answer  func(req *llm.Request) (string, error)
	gate    chan struct{}
	started chan *llm.Request

	calls, canceled, inflight, peak atomic.Int32
}

func newGated(answer string) *gated {
	return &gated{
		answer:  func(*llm.Request) (string, error) { return answer, nil },
		gate:    make(chan struct{}),
		started: make(chan *llm.Request, 64),
	}
}

func (g *gated) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	g.calls.Add(1)
	n := g.inflight.Add(1)
	defer g.inflight.Add(-1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	g.started <- req
	select {
	case <-g.gate:
	case <-ctx.Done():
		g.canceled.Add(1)
		return nil, ctx.Err()
	}
	s, err := g.answer(req)
	if err != nil {
		return nil, err
	}
	return &llm.Response{Model: "gated", Choices: []llm.Choice{{Text: s}}}, nil
}

func (g *gated) open() { close(g.gate) }

func testConfig() config.Completion {
	c := waitBudgets(config.Default().Completion)
	c.SyntaxCheck = false
	return c
}

// waitBudgets sets the time budgets that tests do not test to wait: the
// context search and the ranked tokens, and the waits for the model
// before answering without it (companion, items) to an hour. The tests
// that meet a budget set it.
func waitBudgets(c config.Completion) config.Completion {
	c.RetrieveMaxMS, c.PredictMS = -1, -1
	hour := int(time.Hour / time.Millisecond)
	c.CompanionWaitMS, c.ItemsWaitMS = hour, hour
	return c
}

const goDoc = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.\n}\n"

// at returns a request at the end of the first occurrence of mark.
func at(doc, mark string) Request {
	return Request{Path: "/w/main.go", Text: text.New(doc), Offset: strings.Index(doc, mark) + len(mark), Surface: "inline"}
}

// waitBegun waits until the engine has registered n requests.
func waitBegun(t *testing.T, e *Engine, n uint64) {
	t.Helper()
	eventually.True(t, func() bool {
		e.ledger.mu.Lock()
		defer e.ledger.mu.Unlock()
		return e.ledger.seq >= n
	}, "request %d not registered", n)
}

type outcome struct {
	res Result
	err error
}

func async(e *Engine, ctx context.Context, req Request) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		r, err := e.Complete(ctx, req)
		ch <- outcome{r, err}
	}()
	return ch
}

// calling returns an engine over a gated model answering answer, and the
// outcome of its request for the completion after "fmt." in goDoc, whose
// model call has started and waits at the gate.
func calling(t *testing.T, answer string) (*Engine, *gated, <-chan outcome) {
	t.Helper()
	g := newGated(answer)
	e := newEngine(t, Options{Config: testConfig(), Model: g})
	ch := async(e, context.Background(), at(goDoc, "fmt."))
	<-g.started
	return e, g, ch
}

func TestLatestWinsAbortsOlderCall(t *testing.T) {
	e, g, first := calling(t, `Println("x")`)
	// A request elsewhere in the document: not a type-ahead of the first.
	other := strings.Replace(goDoc, "fmt.", "x := ", 1)
	second := async(e, context.Background(), at(other, "x := "))
	o := <-first
	if o.err != nil || o.res.Skipped != Superseded || len(o.res.Items) != 0 {
		t.Fatalf("older request: got %+v, %v; want empty, superseded", o.res, o.err)
	}
	<-g.started
	eventually.True(t, func() bool { return g.canceled.Load() == 1 }, "older model call not aborted (canceled=%d)", g.canceled.Load())
	g.open()
	o = <-second
	if len(o.res.Items) != 1 || o.res.Items[0].Insert != `Println("x")` {
		t.Fatalf("newer request: got %+v", o.res)
	}
	if s := e.Stats(); s.Aborted != 1 || s.ModelCalls != 2 {
		t.Errorf("stats = %+v, want 1 aborted of 2 calls", s)
	}
}

func TestTypeThroughMakesNoModelCall(t *testing.T) {
	const want = `Println("hello, world")` // 23 characters
	m := &llmtest.Model{Name: "m", FIM: true, Text: want}
	e := newEngine(t, Options{Config: testConfig(), Model: m})
	doc := goDoc
	res, err := e.Complete(context.Background(), at(doc, "fmt."))
	if err != nil || len(res.Items) != 1 || res.Items[0].Insert != want {
		t.Fatalf("first request: %+v, %v", res, err)
	}
	id := res.Items[0].ID
	off := strings.Index(doc, "fmt.") + len("fmt.")
	for i := 1; i <= 20; i++ {
		doc = doc[:off] + want[i-1:i] + doc[off:]
		off++
		req := Request{Path: "/w/main.go", Text: text.New(doc), Offset: off, Surface: "inline"}
		res, err := e.Complete(context.Background(), req)
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("after typing %q: %+v, %v", want[:i], res, err)
		}
		it := res.Items[0]
		if it.Insert != want[i:] || res.Source != "type-through" || it.ID != id {
			t.Fatalf("after typing %q: insert %q source %q id %q", want[:i], it.Insert, res.Source, it.ID)
		}
		if got := doc[it.Start:it.End] + it.Insert; got != it.Text {
			t.Fatalf("item text %q does not replace its range (%q + %q)", it.Text, doc[it.Start:it.End], it.Insert)
		}
	}
	if n := len(m.Calls()); n != 1 {
		t.Errorf("model calls = %d, want 1 (typing through makes none)", n)
	}
	// Typing something else is a new request.
	doc = doc[:off] + "#" + doc[off:]
	res, _ = e.Complete(context.Background(), Request{Path: "/w/main.go", Text: text.New(doc), Offset: off + 1, Trigger: Invoked, Surface: "inline"})
	if res.Source == "type-through" {
		t.Errorf("a diverging character was answered from the cache")
	}
}

func TestReuseInFlightCall(t *testing.T) {
	e, g, first := calling(t, `Println("x")`)
	typed := strings.Replace(goDoc, "fmt.", "fmt.Pr", 1)
	second := async(e, context.Background(), at(typed, "fmt.Pr"))
	if o := <-first; o.res.Skipped != Superseded {
		t.Fatalf("older request: %+v", o.res)
	}
	g.open()
	o := <-second
	if len(o.res.Items) != 1 || o.res.Items[0].Insert != `intln("x")` || o.res.Source != "in-flight" {
		t.Fatalf("newer request: %+v", o.res)
	}
	if o.res.Items[0].Text != `Println("x")` || o.res.Items[0].FilterText != `Println("x")` {
		t.Errorf("item replaces the word typed so far: text %q", o.res.Items[0].Text)
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("model calls = %d, want 1", n)
	}
}

func TestIdenticalPromptsShareOneCall(t *testing.T) {
	g := newGated(`Println("x")`)
	e := newEngine(t, Options{Config: testConfig(), Model: g})
	inline := at(goDoc, "fmt.")
	items := inline
	items.Surface = "items"
	a := async(e, context.Background(), inline)
	b := async(e, context.Background(), items)
	<-g.started
	// Both requests are registered once one of them waits on the call.
	eventually.True(t, func() bool { return e.Stats().Deduped == 1 }, "the second request did not join the call")
	g.open()
	for _, ch := range []<-chan outcome{a, b} {
		if o := <-ch; len(o.res.Items) != 1 {
			t.Fatalf("got %+v, %v", o.res, o.err)
		}
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("model calls = %d, want 1", n)
	}
	// The same prompt again is answered from the recent answers.
	if r, _ := e.Complete(context.Background(), inline); r.Source != "cache" && r.Source != "type-through" {
		t.Errorf("repeated request source = %q", r.Source)
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("model calls after a repeat = %d, want 1", n)
	}
}

// TestDebounceCallsOnlyForTheLast types three characters: the first two
// requests wait out a debounce longer than any test, and are superseded
// during it; the last, with a short debounce, calls the model.
func TestDebounceCallsOnlyForTheLast(t *testing.T) {
	m := &llmtest.Model{Name: "m", FIM: true, Text: "x"}
	cfg := testConfig()
	cfg.DebounceMS = int(time.Hour / time.Millisecond)
	e := newEngine(t, Options{Config: cfg, Model: m})
	var chans []<-chan outcome
	doc := goDoc
	off := strings.Index(doc, "fmt.") + len("fmt.")
	for i, c := range "Pri" {
		if i == 2 {
			cfg.DebounceMS = 1
			e.SetConfig(cfg)
		}
		doc = doc[:off] + string(c) + doc[off:]
		off++
		chans = append(chans, async(e, context.Background(), Request{Path: "/w/main.go", Text: text.New(doc), Offset: off, Surface: "inline"}))
		waitBegun(t, e, uint64(i+1))
	}
	for i, ch := range chans {
		o := <-ch
		if i < len(chans)-1 && o.res.Skipped != Superseded {
			t.Errorf("request %d: %+v, want superseded", i, o.res)
		}
	}
	if n := len(m.Calls()); n != 1 {
		t.Errorf("model calls = %d, want 1", n)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	g := newGated("x")
	cfg := testConfig()
	cfg.MaxConcurrent = 1
	e := newEngine(t, Options{Config: cfg, Model: g})
	var wg sync.WaitGroup
	for i := range 3 {
		req := at(goDoc, "fmt.")
		req.Path = fmt.Sprintf("/w/f%d.go", i)
		wg.Go(func() { e.Complete(context.Background(), req) })
	}
	<-g.started
	// The three calls are started: two of them wait for the first.
	eventually.True(t, func() bool {
		e.ledger.mu.Lock()
		defer e.ledger.mu.Unlock()
		return len(e.ledger.flights) == 3
	}, "three calls did not start")
	g.open()
	wg.Wait()
	if p := g.peak.Load(); p != 1 {
		t.Errorf("peak concurrent calls = %d, want 1", p)
	}
	if n := g.calls.Load(); n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
}

func TestCancelReturnsErrorAndAborts(t *testing.T) {
	g := newGated("x")
	e := newEngine(t, Options{Config: testConfig(), Model: g})
	ctx, cancel := context.WithCancel(context.Background())
	ch := async(e, ctx, at(goDoc, "fmt."))
	<-g.started
	cancel()
	if o := <-ch; !errors.Is(o.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", o.err)
	}
	eventually.True(t, func() bool { return g.canceled.Load() == 1 }, "model call not aborted")
}

func TestFallbacks(t *testing.T) {
	tests := []struct {
		name     string
		fail     func(req *llm.Request) error
		embedded bool
		want     string
		source   string
	}{
		{"no FIM goes to chat", func(r *llm.Request) error {
			if r.Mode != llm.ModeChat {
				return fmt.Errorf("x: %w", llm.ErrNoFIM)
			}
			return nil
		}, false, `Println("x")`, "model"},
		{"context too long halves the budget", func(r *llm.Request) error {
			if len(r.Prompt) > 60 {
				return fmt.Errorf("x: %w", llm.ErrContextTooLong)
			}
			return nil
		}, false, `Println("x")`, "model"},
		{"unavailable goes to the embedded model", func(*llm.Request) error {
			return fmt.Errorf("x: %w", llm.ErrUnavailable)
		}, true, "Sprint()", "fallback"},
		{"unavailable without embedded is empty", func(*llm.Request) error {
			return fmt.Errorf("x: %w", llm.ErrUnavailable)
		}, false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &llmtest.Model{Name: "m", FIM: true}
			m.Answer = func(r *llm.Request) (string, error) {
				if err := tc.fail(r); err != nil {
					return "", err
				}
				return `Println("x")`, nil
			}
			cfg := testConfig()
			cfg.Budget = 40
			opts := Options{Config: cfg, Model: m}
			if tc.embedded {
				opts.Embedded = &llmtest.Model{Name: "embedded", FIM: true, Text: "Sprint()"}
			}
			e := newEngine(t, opts)
			res, err := e.Complete(context.Background(), at(goDoc, "fmt."))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(res.Items) > 0 {
				got = res.Items[0].Insert
			}
			if got != tc.want || res.Source != tc.source && tc.want != "" {
				t.Errorf("got %q from %q, want %q from %q", got, res.Source, tc.want, tc.source)
			}
		})
	}
}

func TestFeedbackLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fb", "feedback.jsonl")
	cfg := testConfig()
	cfg.FeedbackLog = path
	m := &llmtest.Model{Name: "m", FIM: true, Text: `Println("x")`}
	e := newEngine(t, Options{Config: cfg, Model: m})
	res, _ := e.Complete(context.Background(), at(goDoc, "fmt."))
	if !e.Accept(res.Items[0].ID) {
		t.Fatal("Accept: unknown ID")
	}
	if e.Accept("nope") {
		t.Error("Accept of an unknown ID succeeded")
	}
	// A new completion elsewhere, never accepted, then replaced: rejected.
	other := strings.Replace(goDoc, "fmt.", "x := ", 1)
	e.Complete(context.Background(), at(other, "x := "))
	e.Complete(context.Background(), at(goDoc, "package "))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev FeedbackEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Prompt == "" || ev.Path != "/w/main.go" {
			t.Errorf("event without prompt hash or path: %s", sc.Text())
		}
		if strings.Contains(sc.Text(), "Println") {
			t.Errorf("feedback log holds code: %s", sc.Text())
		}
		events = append(events, ev.Event)
	}
	want := "shown accepted shown rejected"
	if got := strings.Join(events, " "); !strings.HasPrefix(got, want) {
		t.Errorf("events = %q, want prefix %q", got, want)
	}
}

func TestFeedbackOffByDefault(t *testing.T) {
	if config.Default().Completion.FeedbackLog != "" {
		t.Error("feedback log is on by default")
	}
}

func TestForgetAnswersPendingEmpty(t *testing.T) {
	e, g, ch := calling(t, "x")
	e.Forget("/w/main.go")
	if o := <-ch; o.res.Skipped != Superseded || len(o.res.Items) != 0 {
		t.Fatalf("pending request after Forget: %+v", o.res)
	}
	eventually.True(t, func() bool { return g.canceled.Load() == 1 }, "model call of a closed document not aborted")
}

// BenchmarkEngine measures the engine alone (no server, no workspace
// context) on a large Go file with an instant model: the time before the
// model call (policy, windows, prompt) and after it (post-processing with
// the syntax check by incremental reparse).
func BenchmarkEngine(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skip(err)
	}
	lines := strings.Split(string(src), "\n")
	m := &llmtest.Model{Name: "m", FIM: true}
	e := newEngine(b, Options{Config: config.Default().Completion, Model: m, Tokens: tokens.New()})
	var gather, post []time.Duration
	rng := rand.New(rand.NewPCG(1, 2))
	i := rng.IntN(len(lines))
	for b.Loop() {
		// The next line worth completing, cut in its middle, as when one
		// works down a file; the model answers the cut part.
		var n int
		for {
			i = (i + 1) % len(lines)
			if l := strings.TrimSpace(lines[i]); len(l) > 12 && !strings.HasPrefix(l, "//") {
				break
			}
		}
		l := lines[i]
		n = len(l) - len(strings.TrimLeft(l, "\t")) + len(strings.TrimSpace(l))/2
		doc := strings.Join(lines[:i], "\n") + "\n" + l[:n] + "\n" + strings.Join(lines[i+1:], "\n")
		m.Text = l[n:]
		res, err := e.Complete(context.Background(), Request{Path: "/w/server.go", Text: text.New(doc), Offset: len(strings.Join(lines[:i], "\n")) + 1 + n, Trigger: Invoked})
		if err != nil {
			b.Fatal(err)
		}
		gather = append(gather, res.Timing.Gather)
		post = append(post, res.Timing.Post)
	}
	for _, x := range []struct {
		name string
		d    []time.Duration
	}{{"gather", gather}, {"post", post}} {
		slices.Sort(x.d)
		b.ReportMetric(float64(x.d[len(x.d)/2].Microseconds())/1000, x.name+"-p50-ms")
		b.ReportMetric(float64(x.d[len(x.d)*99/100].Microseconds())/1000, x.name+"-p99-ms")
	}
}

func TestRetrieveBudget(t *testing.T) {
	cfg := testConfig()
	cfg.RetrieveShare, cfg.RetrieveMinMS, cfg.RetrieveMaxMS = 20, 30, 150
	ms := time.Millisecond
	tests := []struct {
		typical, want time.Duration
	}{
		{0, 150 * ms},       // not known yet: the upper bound
		{300 * ms, 60 * ms}, // a fifth of the model's time
		{5 * ms, 30 * ms},   // the embedded model: the lower bound
		{10 * time.Second, 150 * ms},
	}
	for _, tc := range tests {
		if got := retrieveBudget(&cfg, tc.typical); got != tc.want {
			t.Errorf("retrieveBudget(%v) = %v, want %v", tc.typical, got, tc.want)
		}
	}
	cfg.RetrieveMaxMS = -1
	if got := retrieveBudget(&cfg, 300*ms); got != waitModel {
		t.Errorf("with retrieve_max_ms -1: %v, want no deadline", got)
	}
}

// TestRetrievalUnderItsBudget checks that the retriever gets the budget
// as its context's deadline (none when it is waited for), and that the
// sources it cut reach the prompt.
func TestRetrievalUnderItsBudget(t *testing.T) {
	for _, wait := range []bool{false, true} {
		var timed bool
		cut := []retrieve.Cut{{Source: retrieve.ReasonSimilar, Why: "late"}}
		r := RetrieverFunc(func(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
			_, timed = ctx.Deadline()
			return retrieve.Bundle{Budget: req.Budget, Cut: cut}, nil
		})
		cfg := testConfig()
		cfg.RetrieveMaxMS = 150
		if wait {
			cfg.RetrieveMaxMS = -1
		}
		m := &llmtest.Model{Name: "m", FIM: true, Text: "x"}
		e := newEngine(t, Options{Config: cfg, Model: m, Retriever: r})
		res, err := e.Complete(context.Background(), at(goDoc, "fmt."))
		if err != nil || res.Prompt == nil {
			t.Fatalf("%+v, %v", res, err)
		}
		if timed == wait {
			t.Errorf("retrieve_max_ms %d: deadline %v", cfg.RetrieveMaxMS, timed)
		}
		if !slices.Equal(res.Prompt.Cut, cut) {
			t.Errorf("prompt cut %v, want %v", res.Prompt.Cut, cut)
		}
	}
}
