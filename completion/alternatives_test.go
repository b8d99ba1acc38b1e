package completion

import (
	"context"
	"fmt"
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
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/config"
)

// ranked is a fake model that answers, like the embedded model, up to
// Request.N of its texts, best first. It has cheap alternatives
// (llm.Alternator) when cheap is set.
type ranked struct {
	texts []string
	cheap bool

	askedMu sync.Mutex
	asked   []int // Request.N of each call
}

func (m *ranked) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	m.askedMu.Lock()
	m.asked = append(m.asked, req.N)
	m.askedMu.Unlock()
	resp := &llm.Response{Model: "ranked"}
	for _, s := range m.texts[:min(max(req.N, 1), len(m.texts))] {
		resp.Choices = append(resp.Choices, llm.Choice{Text: s, FinishReason: "stop"})
	}
	return resp, nil
}

func (m *ranked) calls() []int {
	m.askedMu.Lock()
	defer m.askedMu.Unlock()
	return slices.Clone(m.asked)
}

// alternator is a ranked model with cheap alternatives.
type alternator struct{ ranked }

func (m *alternator) CheapAlternatives() bool { return true }

var _ llm.Alternator = (*alternator)(nil)

// TestSyntaxCheckOffersAnAlternative checks that when the syntax check
// drops a model's best line, the next best line it keeps is offered,
// from the same call, and only from a model whose alternatives are cheap.
func TestSyntaxCheckOffersAnAlternative(t *testing.T) {
	const doc = "package main\n\nfunc main() {\n\tx := 1\n\t\n}\n"
	tests := []struct {
		name  string
		model llm.Model
		check bool
		texts []string
		want  []string // the items' Insert
		asked int      // the call's Request.N
		// beside: model is the embedded model beside a server that is
		// "unavailable" or "slow" (the companion answers first); "": the
		// only model
		beside string
	}{
		{"the best breaks the syntax: the next that does not", &alternator{}, true, []string{") +", "x++", "x--"}, []string{"x++"}, checkAlternatives, ""},
		{"the best passes: it alone", &alternator{}, true, []string{"x++", "x--"}, []string{"x++"}, checkAlternatives, ""},
		{"none passes: nothing", &alternator{}, true, []string{") +", "}}}", "]"}, nil, checkAlternatives, ""},
		{"check off: one asked, as it is", &alternator{}, false, []string{") +", "x++"}, []string{") +"}, 1, ""},
		{"a server model: one asked, no alternative", &ranked{}, true, []string{") +", "x++"}, nil, 1, ""},
		{"the embedded model for an unavailable server: the next", &alternator{}, true, []string{") +", "x++"}, []string{"x++"}, checkAlternatives, "unavailable"},
		{"the embedded companion of a slow server: the next", &alternator{}, true, []string{") +", "x++"}, []string{"x++"}, checkAlternatives, "slow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m *ranked
			switch x := tc.model.(type) {
			case *alternator:
				m = &x.ranked
			case *ranked:
				m = x
			}
			m.texts = tc.texts
			cfg := testConfig()
			cfg.SyntaxCheck = tc.check
			opts := Options{Config: cfg, Model: tc.model}
			switch tc.beside {
			case "unavailable":
				opts.Model = &llmtest.Model{Name: "m", FIM: true, Err: fmt.Errorf("x: %w", llm.ErrUnavailable)}
				opts.Embedded = tc.model
			case "slow": // it never answers: the companion answers at once
				cfg.Companion, cfg.CompanionWaitMS = true, 0
				opts.Config, opts.Model, opts.Embedded = cfg, newGated("x--"), tc.model
			}
			e := newEngine(t, opts)
			res, err := e.Complete(context.Background(), Request{Path: "/w/main.go", Text: text.New(doc), Offset: len(doc) - len("\n}\n"), Surface: "inline"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range res.Items {
				got = append(got, it.Insert)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("items %q (skipped %q), want %q", got, res.Skipped, tc.want)
			}
			if calls := m.calls(); !slices.Equal(calls, []int{tc.asked}) {
				t.Errorf("model asked for %v candidates, want one call for %d", calls, tc.asked)
			}
		})
	}
}

// BenchmarkEngineAlternatives measures requests answered by the embedded
// model with the syntax check on, at the start of the lines of a large Go
// file cut there (the document being written), side by side: with the
// model's alternatives ("alternatives", as shipped) and without them
// ("one"). The model learned the file's package, the file excepted. The
// metrics are the request's wall time (p50, p99) and the share of
// requests answered with a line.
func BenchmarkEngineAlternatives(b *testing.B) {
	dir := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	target := filepath.Join(dir, "server.go")
	src, err := os.ReadFile(target)
	if err != nil {
		b.Skip(err)
	}
	m := ngram.New(ngram.Options{})
	b.Cleanup(func() { m.Close() })
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if f == target || strings.HasSuffix(f, "_test.go") {
			continue
		}
		if s, err := os.ReadFile(f); err == nil {
			m.Learn(f, syntax.ByName("go"), s, nil)
		}
	}
	m.Flush()
	var starts []int // cursor offsets: after the indentation of lines worth completing
	for _, l := range evalLines(string(src)) {
		starts = append(starts, l.off)
	}
	for _, name := range []string{"one", "alternatives"} {
		b.Run(name, func(b *testing.B) {
			model := llm.Model(m)
			if name == "one" {
				model = struct { // m but for llm.Alternator
					llm.Model
					llm.FIMer
					llm.Namer
				}{m, m, m}
			}
			e := newEngine(b, Options{Config: config.Default().Completion, Model: model})
			var took []time.Duration
			offered := 0
			for i := 0; b.Loop(); i++ {
				off := starts[(i*7)%len(starts)]
				start := time.Now()
				res, err := e.Complete(context.Background(), Request{Path: "/w/server.go", Text: text.New(string(src[:off])), Offset: off,
					Trigger: Invoked, Candidates: 1, Surface: "inline"})
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Items) > 0 {
					offered++
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(offered)/float64(len(took)), "offered")
		})
	}
}
