package completion

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/eventually"
)

// ranker is a fake embedded model that also ranks next tokens.
type ranker struct {
	*llmtest.Model
	preds []llm.Prediction

	mu   sync.Mutex
	reqs []llm.Request
}

var _ llm.Predictor = (*ranker)(nil)

func (r *ranker) PredictNext(ctx context.Context, req *llm.Request, n int) ([]llm.Prediction, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, *req)
	r.mu.Unlock()
	return r.preds[:min(n, len(r.preds))], nil
}

func (r *ranker) requests() []llm.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]llm.Request(nil), r.reqs...)
}

func newRanker(line string, preds ...llm.Prediction) *ranker {
	return &ranker{Model: &llmtest.Model{Name: "fake-ngram", FIM: true, Text: line}, preds: preds}
}

// printPreds are the ranked tokens after "fmt.Pr": two that extend it,
// and three to leave out (not extending it, equal to it, repeated).
var printPreds = []llm.Prediction{
	{Text: "Println", Score: 0.5}, {Text: "Sprint", Score: 0.2}, {Text: "Printf", Score: 0.15},
	{Text: "Pr", Score: 0.1}, {Text: "Println", Score: 0.05},
}

func itemsAt(doc, mark string) Request {
	req := at(doc, mark)
	req.Surface, req.Predict = "items", true
	return req
}

// insertsOf returns the items' kinds and inserts, for messages and
// comparisons.
func insertsOf(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Kind.String()+":"+it.Insert)
	}
	return out
}

func TestPredictedItemsAfterTheLine(t *testing.T) {
	doc := strings.Replace(goDoc, "fmt.", "fmt.Pr", 1)
	tests := []struct {
		name     string
		model    llm.Model
		embedded llm.Model
		want     []string
		detail   string // the model named by the token items
	}{
		{"the model ranks", newRanker(`intln("x")`, printPreds...), nil,
			[]string{`line:intln("x")`, "member:intln", "member:intf"}, "fake-ngram"},
		{"the companion ranks", &llmtest.Model{Name: "remote", FIM: true, Text: `intln("x")`}, newRanker("", printPreds...),
			[]string{`line:intln("x")`, "member:intln", "member:intf"}, "fake-ngram"},
		{"nobody ranks", &llmtest.Model{Name: "remote", FIM: true, Text: `intln("x")`}, nil,
			[]string{`line:intln("x")`}, ""},
		{"a token equal to the line is left out", newRanker("intln", printPreds...), nil,
			[]string{"line:intln", "member:intf"}, "fake-ngram"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t, Options{Config: testConfig(), Model: tc.model, Embedded: tc.embedded})
			res, err := e.Complete(context.Background(), itemsAt(doc, "fmt.Pr"))
			if err != nil {
				t.Fatal(err)
			}
			if got := insertsOf(res.Items); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("items = %q, want %q", got, tc.want)
			}
			start := strings.Index(doc, "fmt.Pr") + len("fmt.")
			for _, it := range res.Items[1:] {
				if it.Start != start || it.End != start+2 || it.Text != "Pr"+it.Insert || it.FilterText != it.Text {
					t.Errorf("token item %+v does not replace the word typed (%d-%d)", it, start, start+2)
				}
				if it.Model != tc.detail || it.ID != "" || it.Score <= 0 {
					t.Errorf("token item %+v: want model %q, no ID, a score", it, tc.detail)
				}
			}
			if len(res.Items) > 1 && res.Items[1].Score < res.Items[len(res.Items)-1].Score {
				t.Errorf("token items not in rank order: %+v", res.Items[1:])
			}
		})
	}
}

func TestPredictorRequest(t *testing.T) {
	r := newRanker("", printPreds...)
	cfg := testConfig()
	cfg.NextTokens = 2
	e := newEngine(t, Options{Config: cfg, Model: r})
	doc := strings.Replace(goDoc, "fmt.", "fmt.Pr", 1)
	res, _ := e.Complete(context.Background(), itemsAt(doc, "fmt.Pr"))
	reqs := r.requests()
	if len(reqs) != 1 {
		t.Fatalf("predictor asked %d times", len(reqs))
	}
	req := reqs[0]
	off := strings.Index(doc, "fmt.Pr") + len("fmt.Pr")
	if req.Prompt != doc[:off] || req.Suffix != doc[off:] || req.Path != "/w/main.go" || req.Language != "go" {
		t.Errorf("predictor request = %+v", req)
	}
	// n = 2 asks for Println and Sprint; only Println extends "Pr".
	if got := insertsOf(res.Items); strings.Join(got, " ") != "member:intln" {
		t.Errorf("items = %q", got)
	}
	// The inline surface does not ask for ranked tokens, nor does a
	// configuration that turns them off.
	e.Complete(context.Background(), at(doc, "fmt.Pr"))
	cfg.NextTokens = 0
	e.SetConfig(cfg)
	e.Complete(context.Background(), itemsAt(doc, "fmt.Pr"))
	if n := len(r.requests()); n != 1 {
		t.Errorf("predictor asked %d times, want 1", n)
	}
}

func TestPredictionsDespiteTheTriggerPolicy(t *testing.T) {
	r := newRanker("never", llm.Prediction{Text: "b", Score: 0.4}, llm.Prediction{Text: "nil", Score: 0.3})
	e := newEngine(t, Options{Config: testConfig(), Model: r})
	// The rest of the line is more than closing punctuation: no line
	// candidate, but the ranked arguments.
	doc := "package p\n\nfunc f() { g(a, , c) }\n"
	res, err := e.Complete(context.Background(), itemsAt(doc, "g(a, "))
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != SkipMidLine || res.Source != "predictor" {
		t.Errorf("skipped %q, source %q", res.Skipped, res.Source)
	}
	if got := insertsOf(res.Items); strings.Join(got, " ") != "identifier:b keyword:nil" {
		t.Errorf("items = %q", got)
	}
	if n := len(r.Calls()); n != 0 {
		t.Errorf("line model called %d times", n)
	}
}

func TestGuessKind(t *testing.T) {
	golang, python := syntax.ByName("go"), syntax.ByName("python")
	if golang == nil || python == nil {
		t.Fatal("go or python grammar missing")
	}
	tests := []struct {
		lang         *syntax.Language
		before, word string
		want         Kind
	}{
		{golang, "\tfmt.", "Println", KindMember},
		{golang, "\tp->", "next", KindMember},
		{golang, "\tstd::", "vector", KindMember},
		{golang, "\tx := ", "func", KindKeyword},
		{golang, "\t", "return", KindKeyword},
		{golang, "\tx := ", "count", KindIdentifier},
		{golang, "\tx := ", "42", KindValue},
		{golang, "\timport ", `"fmt"`, KindValue},
		{golang, "\tf(xs", "...", KindIdentifier},
		{golang, "\tf(xs..", "x", KindIdentifier},
		{python, "    ", "def", KindKeyword},
		{python, "    x = ", "self", KindIdentifier},
		{nil, "\t", "return", KindIdentifier},
	}
	for _, tc := range tests {
		if got := guessKind(tc.lang, tc.before, tc.word); got != tc.want {
			t.Errorf("guessKind(%v, %q, %q) = %v, want %v", tc.lang, tc.before, tc.word, got, tc.want)
		}
	}
}

func TestItemsDoNotWaitForASlowModel(t *testing.T) {
	g := newGated(`intln("remote")`)
	cfg := testConfig()
	cfg.ItemsWaitMS = 0 // the items do not wait for the line at all
	e := newEngine(t, Options{Config: cfg, Model: g, Embedded: newRanker("", printPreds...)})
	doc := strings.Replace(goDoc, "fmt.", "fmt.Pr", 1)
	res, err := e.Complete(context.Background(), itemsAt(doc, "fmt.Pr"))
	if err != nil {
		t.Fatal(err)
	}
	if got := insertsOf(res.Items); strings.Join(got, " ") != "member:intln member:intf" || !res.Pending || res.Source != "predictor" {
		t.Fatalf("items = %q, pending %v, source %q", got, res.Pending, res.Source)
	}
	// The call goes on; once it answers, the next request (the user typed
	// "i") takes its line over, with no second call.
	g.open()
	cfg.ItemsWaitMS = int(time.Hour / time.Millisecond)
	e.SetConfig(cfg)
	typed := strings.Replace(goDoc, "fmt.", "fmt.Pri", 1)
	res, err = e.Complete(context.Background(), itemsAt(typed, "fmt.Pri"))
	if err != nil {
		t.Fatal(err)
	}
	if got := insertsOf(res.Items); strings.Join(got, " ") != `line:ntln("remote") member:ntln member:ntf` || res.Source != "in-flight" {
		t.Errorf("items = %q from %q", got, res.Source)
	}
	if n, c := g.calls.Load(), g.canceled.Load(); n != 1 || c != 0 {
		t.Errorf("model calls = %d, canceled = %d; want 1, 0", n, c)
	}
}

// companionEngine completes with a remote model that waits for the test
// and an embedded companion that answers at once.
func companionEngine(t testing.TB, wait int) (*Engine, *gated, *llmtest.Model) {
	g := newGated(`Println("remote")`)
	local := &llmtest.Model{Name: "embedded", FIM: true, Text: `Print("local")`}
	cfg := testConfig()
	cfg.Companion, cfg.CompanionWaitMS = true, wait
	return newEngine(t, Options{Config: cfg, Model: g, Embedded: local}), g, local
}

func TestCompanionAnswersFirst(t *testing.T) {
	e, g, local := companionEngine(t, 20)
	res, err := e.Complete(context.Background(), at(goDoc, "fmt."))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Insert != `Print("local")` || res.Source != "companion" || !res.Pending {
		t.Fatalf("first answer: %+v", res)
	}
	if res.Items[0].Model != "embedded" {
		t.Errorf("companion item names model %q", res.Items[0].Model)
	}
	// Typing through the companion's line while the server works: from
	// the cache, the server's call still running.
	doc, off := goDoc, strings.Index(goDoc, "fmt.")+len("fmt.")
	for _, ch := range "Pr" {
		doc, off = doc[:off]+string(ch)+doc[off:], off+1
		res, _ = e.Complete(context.Background(), Request{Path: "/w/main.go", Text: text.New(doc), Offset: off, Surface: "inline"})
		if len(res.Items) != 1 || res.Source != "type-through" || res.Items[0].Text != `Print("local")` {
			t.Fatalf("typing %q: %+v", string(ch), res)
		}
	}
	// The server answers: the next keystroke shows its line.
	g.open()
	waitKept(t, e, "inline\x00/w/main.go")
	cfg := *e.config()
	cfg.CompanionWaitMS = int(time.Hour / time.Millisecond)
	e.SetConfig(cfg)
	doc, off = doc[:off]+"i"+doc[off:], off+1
	res, _ = e.Complete(context.Background(), Request{Path: "/w/main.go", Text: text.New(doc), Offset: off, Surface: "inline"})
	if len(res.Items) != 1 || res.Items[0].Insert != `ntln("remote")` || res.Source != "in-flight" || res.Pending {
		t.Fatalf("after the server answered: %+v", res)
	}
	if n, c, l := g.calls.Load(), g.canceled.Load(), len(local.Calls()); n != 1 || c != 0 || l != 1 {
		t.Errorf("server calls %d (canceled %d), companion calls %d; want 1 (0), 1", n, c, l)
	}
	if s := e.Stats(); s.Companion != 1 || s.TypeThrough != 2 || s.Reused != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestCompanionCallAbortedWhenTheUserMovesOn(t *testing.T) {
	e, g, _ := companionEngine(t, 10)
	if res, _ := e.Complete(context.Background(), at(goDoc, "fmt.")); res.Source != "companion" {
		t.Fatalf("first answer: %+v", res)
	}
	// Elsewhere in the document: the server's answer is of no use now.
	other := strings.Replace(goDoc, "fmt.", "x := ", 1)
	ch := async(e, context.Background(), at(other, "x := "))
	eventually.True(t, func() bool { return g.canceled.Load() == 1 }, "the kept server call was not aborted")
	if o := <-ch; o.res.Source != "companion" {
		t.Errorf("second answer: %+v", o.res)
	}
	g.open()
}

func TestCompanionWaitsForTheModel(t *testing.T) {
	tests := []struct {
		name      string
		companion bool
		trigger   Trigger
	}{
		{"companion off", false, Automatic},
		{"explicit invocation", true, Invoked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, g, local := companionEngine(t, 0) // a companion would answer at once
			cfg := *e.config()
			cfg.Companion = tc.companion
			e.SetConfig(cfg)
			req := at(goDoc, "fmt.")
			req.Trigger = tc.trigger
			ch := async(e, context.Background(), req)
			<-g.started
			g.open()
			if o := <-ch; len(o.res.Items) != 1 || o.res.Source != "model" || o.res.Pending {
				t.Errorf("got %+v", o.res)
			}
			if n := len(local.Calls()); n != 0 {
				t.Errorf("companion called %d times", n)
			}
		})
	}
}

// waitKept waits until the call that the latest request of key kept has
// answered.
func waitKept(t *testing.T, e *Engine, key string) {
	t.Helper()
	eventually.True(t, func() bool {
		l := e.ledger
		l.mu.Lock()
		defer l.mu.Unlock()
		st := l.docs[key]
		return st != nil && st.t != nil && st.t.held != nil && st.t.held.finished()
	}, "the kept call did not answer")
}

// oracle is a fake model that knows the file being typed: it answers the
// rest of the cursor's line (its first cut bytes when cut > 0) after
// delay.
type oracle struct {
	target string
	delay  time.Duration
	cut    int
}

func (o *oracle) SupportsFIM() bool { return true }

func (o *oracle) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	select {
	case <-time.After(o.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	k := len(o.target)
	for k > 0 && !strings.HasSuffix(req.Prompt, o.target[:k]) {
		k--
	}
	rest := lineRest(o.target, k)
	if o.cut > 0 {
		rest = rest[:min(o.cut, len(rest))]
	}
	return &llm.Response{Choices: []llm.Choice{{Text: rest}}}, nil
}

func lineRest(s string, k int) string {
	line, _, _ := strings.Cut(s[k:], "\n")
	return line
}

// TestCompanionTypingShowsNothingStale types a file at a steady pace,
// each keystroke an automatic request that does not wait for the previous
// one, with a slow server and an instant but weaker companion: every line
// answered must continue the document it was asked for.
func TestCompanionTypingShowsNothingStale(t *testing.T) {
	if testing.Short() {
		t.Skip("types for about two seconds")
	}
	const target = "func sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n"
	cfg := testConfig()
	cfg.Companion, cfg.CompanionWaitMS = true, 15
	e := newEngine(t, Options{Config: cfg, Model: &oracle{target: target, delay: 80 * time.Millisecond},
		Embedded: &oracle{target: target, cut: 4}})
	type sent struct {
		k  int
		ch <-chan outcome
	}
	var all []sent
	for k := 1; k <= len(target); k++ {
		req := Request{Path: "/w/sim.go", Text: text.New(target[:k]), Offset: k, Surface: "inline"}
		all = append(all, sent{k, async(e, context.Background(), req)})
		time.Sleep(25 * time.Millisecond)
	}
	shown, stale := map[string]int{}, 0
	for _, s := range all {
		o := <-s.ch
		if o.err != nil {
			t.Fatalf("keystroke %d: %v", s.k, o.err)
		}
		for _, it := range o.res.Items {
			shown[o.res.Source]++
			if it.Insert == "" || !strings.HasPrefix(lineRest(target, s.k), it.Insert) {
				stale++
				t.Errorf("after %q: shown %q (%s), which does not continue the line %q",
					target[:s.k], it.Insert, o.res.Source, lineRest(target, s.k))
			}
		}
	}
	st := e.Stats()
	t.Logf("shown by source %v; stats %+v", shown, st)
	if shown["companion"] == 0 || shown["in-flight"]+shown["model"]+shown["cache"] == 0 {
		t.Errorf("want answers from both the companion and the server: %v", shown)
	}
	if stale != 0 {
		t.Errorf("%d stale completions shown", stale)
	}
}

func TestNoWaitForAModelKnownToBeSlow(t *testing.T) {
	for _, companion := range []bool{false, true} {
		g := newGated(`intln("remote")`)
		cfg := testConfig()
		// Waits longer than any test: a request that waited would not
		// return before the gate opens, after it.
		hour := int(time.Hour / time.Millisecond)
		cfg.ItemsWaitMS, cfg.Companion, cfg.CompanionWaitMS = hour, companion, hour
		e := newEngine(t, Options{Config: cfg, Model: g, Embedded: newRanker(`intf("local")`, printPreds...)})
		e.model.observe(2 * time.Hour) // its answers take longer than the waits
		doc := strings.Replace(goDoc, "fmt.", "fmt.Pr", 1)
		res, err := e.Complete(context.Background(), itemsAt(doc, "fmt.Pr"))
		if err != nil || !res.Pending || len(res.Items) == 0 {
			t.Errorf("companion %v: %+v, %v; want an answer at once", companion, res, err)
		}
		if companion && res.Items[0].Insert != `intf("local")` {
			t.Errorf("companion answer = %q", insertsOf(res.Items))
		}
		g.open()
	}
}

func TestTypicalAnswerTime(t *testing.T) {
	var pv provider
	if pv.slowerThan(0) {
		t.Error("slow before any answer")
	}
	pv.observe(100 * time.Millisecond)
	if !pv.slowerThan(99*time.Millisecond) || pv.slowerThan(100*time.Millisecond) {
		t.Errorf("after one answer: typical %v", time.Duration(pv.typical.Load()))
	}
	for range 20 {
		pv.observe(10 * time.Millisecond)
	}
	if pv.slowerThan(12 * time.Millisecond) {
		t.Errorf("after 20 fast answers: typical %v", time.Duration(pv.typical.Load()))
	}
}

// BenchmarkSlowServer measures what a user of a slow server waits for
// with the embedded model beside it: completion items (ranked tokens) and
// companion inline answers, on a large Go file completed line after line,
// with a server known to take a second (so neither waits for it) and an
// instant fake embedded model. Every request aborts the previous
// request's server call (another line: latest wins). inline-nocheck
// turns the syntax check off, to show its share.
func BenchmarkSlowServer(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skip(err)
	}
	lines := strings.Split(string(src), "\n")
	for _, name := range []string{"items", "inline", "inline-nocheck"} {
		surface, _, _ := strings.Cut(name, "-")
		b.Run(name, func(b *testing.B) {
			cfg := config.Default().Completion
			cfg.Companion = surface == "inline"
			cfg.SyntaxCheck = name != "inline-nocheck"
			remote := &llmtest.Model{Name: "remote", FIM: true, Text: "x", Delay: time.Second}
			local := newRanker("", printPreds...)
			e := newEngine(b, Options{Config: cfg, Model: remote, Embedded: local, Tokens: tokens.New()})
			e.model.observe(time.Second)
			var took []time.Duration
			i := 0
			for b.Loop() {
				for {
					i = (i + 1) % len(lines)
					if l := strings.TrimSpace(lines[i]); len(l) > 12 && !strings.HasPrefix(l, "//") {
						break
					}
				}
				l := lines[i]
				n := len(l) - len(strings.TrimLeft(l, "\t")) + len(strings.TrimSpace(l))/2
				local.Text = l[n:]
				doc := strings.Join(lines[:i], "\n") + "\n" + l[:n] + "\n" + strings.Join(lines[i+1:], "\n")
				req := Request{Path: "/w/server.go", Text: text.New(doc), Offset: len(strings.Join(lines[:i], "\n")) + 1 + n,
					Surface: surface, Predict: surface == "items"}
				start := time.Now()
				res, err := e.Complete(context.Background(), req)
				took = append(took, time.Since(start))
				if err != nil || !res.Pending {
					b.Fatalf("%+v, %v", res, err)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

func TestCloseAbortsKeptCalls(t *testing.T) {
	e, g, _ := companionEngine(t, 10)
	if res, _ := e.Complete(context.Background(), at(goDoc, "fmt.")); !res.Pending {
		t.Fatalf("first answer: %+v", res)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if g.canceled.Load() != 1 || g.inflight.Load() != 0 {
		t.Error("the kept server call outlived the engine")
	}
}

// TestCloseWaitsForCalls checks that Close aborts a call a request still
// waits for and returns once it has ended: the request answers empty.
func TestCloseWaitsForCalls(t *testing.T) {
	e, g, ch := calling(t, "x")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if n := g.inflight.Load(); n != 0 {
		t.Errorf("%d calls still running after Close", n)
	}
	if o := <-ch; o.err != nil || len(o.res.Items) != 0 {
		t.Errorf("the waiting request got %+v, %v; want an empty answer", o.res, o.err)
	}
}

func TestPatience(t *testing.T) {
	cfg := testConfig()
	cfg.CompanionWaitMS, cfg.ItemsWaitMS = 150, 40
	tests := []struct {
		companion, predict bool
		want               time.Duration
	}{
		{false, false, waitModel},
		{true, false, 150 * time.Millisecond},
		{false, true, 40 * time.Millisecond},
		{true, true, 40 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := patience(&cfg, tc.companion, tc.predict); got != tc.want {
			t.Errorf("patience(companion %v, predict %v) = %v, want %v", tc.companion, tc.predict, got, tc.want)
		}
	}
	cfg.ItemsWaitMS = 0 // items that never wait
	if got := patience(&cfg, true, true); got != 0 {
		t.Errorf("with items_wait_ms 0: %v", got)
	}
}
