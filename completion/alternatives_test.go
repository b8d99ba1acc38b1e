package completion

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/text"
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
	}{
		{"the best breaks the syntax: the next that does not", &alternator{}, true, []string{") +", "x++", "x--"}, []string{"x++"}, checkAlternatives},
		{"the best passes: it alone", &alternator{}, true, []string{"x++", "x--"}, []string{"x++"}, checkAlternatives},
		{"none passes: nothing", &alternator{}, true, []string{") +", "}}}", "]"}, nil, checkAlternatives},
		{"check off: one asked, as it is", &alternator{}, false, []string{") +", "x++"}, []string{") +"}, 1},
		{"a server model: one asked, no alternative", &ranked{}, true, []string{") +", "x++"}, nil, 1},
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
			e := newEngine(t, Options{Config: cfg, Model: tc.model})
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
