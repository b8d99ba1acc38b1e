package explain

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/eventually"
)

const calcGo = `package calc

import "strings"

// Parse reads a sum such as "1+2" and returns its value.
// It returns an error for an empty input.
func Parse(s string) (int, error) {
	if s == "" {
		return 0, errEmpty
	}
	total := 0
	for _, part := range strings.Split(s, "+") {
		total = add(total, atoi(part)) // "add(" in a comment is no call
	}
	return total, nil
}

func add(a, b int) int { return a + b }
`

// fakeLookup is a workspace index of two definitions and one caller.
type fakeLookup struct{}

func (fakeLookup) Definitions(_ context.Context, name string) []retrieve.Snippet {
	switch name {
	case "add":
		return []retrieve.Snippet{{Path: "/ws/calc/calc.go", StartLine: 17, EndLine: 17, Text: "func add(a, b int) int { return a + b }"}}
	case "atoi":
		return []retrieve.Snippet{{Path: "/ws/calc/conv.go", StartLine: 4, EndLine: 7, Text: "// atoi converts s, ignoring errors.\nfunc atoi(s string) int {\n\tn, _ := strconv.Atoi(s)\n\treturn n\n}"}}
	}
	return nil
}

func (fakeLookup) Callers(_ context.Context, name string) []retrieve.Snippet {
	if name == "Parse" {
		return []retrieve.Snippet{{Path: "/ws/main.go", StartLine: 9, EndLine: 11, Text: "func main() {\n\tv, err := calc.Parse(os.Args[1])\n}"}}
	}
	return nil
}

func target(off int) Target {
	return Target{Path: "/ws/calc/calc.go", Language: "go", Content: calcGo, Start: off, End: off}
}

func TestLocateGoFunction(t *testing.T) {
	s, err := Locate(context.Background(), "/ws/calc/calc.go", "go", calcGo, strings.Index(calcGo, "total := 0"), strings.Index(calcGo, "total := 0"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != "function" || s.Name != "Parse" || s.Signature != "func Parse(s string) (int, error)" || s.StartLine != 6 || s.EndLine != 15 {
		t.Errorf("subject = %s %q %q lines %d-%d", s.Kind, s.Name, s.Signature, s.StartLine, s.EndLine)
	}
	if !strings.Contains(s.Doc, "returns an error for an empty input") {
		t.Errorf("doc = %q", s.Doc)
	}
	var calls []string
	for _, c := range s.Calls {
		calls = append(calls, c.Qualified)
	}
	if diff := cmp.Diff([]string{"strings.Split", "add", "atoi"}, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	want := []Line{{Line: 7, Text: `if s == "" {`}, {Line: 11, Text: `for _, part := range strings.Split(s, "+") {`}}
	if diff := cmp.Diff(want, s.Branches); diff != "" {
		t.Errorf("branches (-want +got):\n%s", diff)
	}
	if len(s.Returns) != 2 || s.Returns[1].Text != "return total, nil" {
		t.Errorf("returns = %+v", s.Returns)
	}
}

func TestLocateSelectionAndText(t *testing.T) {
	start := strings.Index(calcGo, "total := 0")
	s, err := Locate(context.Background(), "/ws/calc/calc.go", "go", calcGo, start+3, start+20)
	if err != nil {
		t.Fatal(err)
	}
	if s.Title() != "selection in Parse" || !strings.HasPrefix(s.Code, "\ttotal := 0\n") {
		t.Errorf("selection: %q, code %q", s.Title(), s.Code)
	}
	txt := "step one\nif ready then go(now)\nreturn home\n"
	s, err = Locate(context.Background(), "/ws/notes.unknown", "", txt, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != "file" || len(s.Branches) != 1 || len(s.Returns) != 1 || len(s.Calls) != 1 || s.Calls[0].Name != "go" {
		t.Errorf("text subject: %+v", s)
	}
	big := strings.Repeat("x\n", maxWholeFileLines+5)
	if _, err := Locate(context.Background(), "/ws/big.unknown", "", big, 3, 3); !errors.Is(err, ErrNothing) {
		t.Errorf("big file without selection: err = %v", err)
	}
}

func TestExplainGroundedAndCached(t *testing.T) {
	m := &llmtest.Model{Name: "fake-chat", Text: "Parses a sum.\n\nIt splits on `+` and adds with `add`."}
	e := New(m, Options{Lookup: fakeLookup{}})
	var steps []int
	ex, err := e.Explain(context.Background(), target(strings.Index(calcGo, "total")), func(_ string, p int) { steps = append(steps, p) })
	if err != nil {
		t.Fatal(err)
	}
	if ex.Structural || ex.Cached || !strings.Contains(ex.Markdown, "It splits on `+`") || !strings.HasPrefix(ex.Markdown, "### function Parse (calc.go:7-16)") {
		t.Errorf("explanation:\n%s", ex.Markdown)
	}
	if len(steps) == 0 || steps[len(steps)-1] != 100 {
		t.Errorf("progress = %v", steps)
	}
	prompt := m.Calls()[0].Messages[1].Content
	for _, want := range []string{"func atoi(s string) int", "calc.Parse(os.Args[1])", "returns an error for an empty input", "total = add(total"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt)
		}
	}
	if strings.Count(prompt, "func add(a, b int)") != 1 {
		t.Errorf("add's definition should appear once (it is outside Parse):\n%s", prompt)
	}

	again, err := e.Explain(context.Background(), target(strings.Index(calcGo, "return total")), nil)
	if err != nil || !again.Cached || len(m.Calls()) != 1 {
		t.Fatalf("second explanation: cached %v, calls %d, err %v", again.Cached, len(m.Calls()), err)
	}
	changed := target(strings.Index(calcGo, "total"))
	changed.Content = strings.Replace(calcGo, "total := 0", "total := 1", 1)
	if ex, err := e.Explain(context.Background(), changed, nil); err != nil || ex.Cached || len(m.Calls()) != 2 {
		t.Fatalf("after an edit: cached %v, calls %d, err %v", ex.Cached, len(m.Calls()), err)
	}
}

// predictor stands for the embedded model: it ranks tokens, it does not chat.
type predictor struct{ llmtest.Model }

func (p *predictor) PredictNext(context.Context, *llm.Request, int) ([]llm.Prediction, error) {
	return nil, nil
}

func TestExplainStructural(t *testing.T) {
	p := &predictor{}
	e := New(p, Options{Lookup: fakeLookup{}})
	ex, err := e.Explain(context.Background(), target(strings.Index(calcGo, "total")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ex.Structural || len(p.Calls()) != 0 {
		t.Fatalf("structural %v, model calls %d", ex.Structural, len(p.Calls()))
	}
	for _, want := range []string{
		"_Structural explanation",
		"func Parse(s string) (int, error)",
		"> // It returns an error for an empty input.",
		"**Called from**\n\n- main.go:11: `v, err := calc.Parse(os.Args[1])`",
		"- `atoi` (line 13): defined at calc/conv.go:5, `func atoi(s string) int`",
		"- `strings.Split` (line 12)\n",
		"- line 8: `if s == \"\" {`",
		"- line 15: `return total, nil`",
	} {
		if !strings.Contains(ex.Markdown, want) {
			t.Errorf("structural explanation lacks %q:\n%s", want, ex.Markdown)
		}
	}
	fb, err := New(nil, Options{}).Fallback(context.Background(), target(0), "The model could not be reached")
	if err != nil || !strings.Contains(fb.Markdown, "The model could not be reached.") {
		t.Errorf("fallback: %v\n%s", err, fb.Markdown)
	}
}

func TestExplainFailures(t *testing.T) {
	t.Run("empty answer", func(t *testing.T) {
		_, err := New(&llmtest.Model{Text: "  \n"}, Options{}).Explain(context.Background(), target(200), nil)
		if !errors.Is(err, llm.ErrBadResponse) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unavailable", func(t *testing.T) {
		_, err := New(&llmtest.Model{Err: llm.ErrUnavailable}, Options{}).Explain(context.Background(), target(200), nil)
		if !errors.Is(err, llm.ErrUnavailable) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("never answers", func(t *testing.T) {
		m := &llmtest.Model{Delay: time.Hour}
		// The deadline passes once the model is called.
		ctx := deadlineCtx{Context: context.Background(), passed: make(chan struct{})}
		errc := make(chan error, 1)
		go func() {
			_, err := New(m, Options{}).Explain(ctx, target(200), nil)
			errc <- err
		}()
		eventually.True(t, func() bool { return len(m.Calls()) > 0 }, "the model was not called")
		close(ctx.passed)
		if err := <-errc; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		eventually.True(t, func() bool { return m.Canceled() == 1 }, "the model call was not cancelled")
	})
}

func TestExplainSharesConcurrentCalls(t *testing.T) {
	m := &llmtest.Model{Text: "Adds.", Delay: 50 * time.Millisecond}
	e := New(m, Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := e.Explain(context.Background(), target(200), nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(m.Calls()); n != 1 {
		t.Errorf("%d model calls for 4 identical requests", n)
	}
}

func TestExplainRedacts(t *testing.T) {
	m := &llmtest.Model{Text: "ok"}
	e := New(m, Options{Redact: func(s string) string { return strings.ReplaceAll(s, "errEmpty", "[REDACTED]") }})
	if _, err := e.Explain(context.Background(), target(200), nil); err != nil {
		t.Fatal(err)
	}
	if p := m.Calls()[0].Messages[1].Content; strings.Contains(p, "errEmpty") {
		t.Errorf("prompt not redacted:\n%s", p)
	}
}

func TestExplainRedactsSecretsByDefault(t *testing.T) {
	const key = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	src := "package cfg\n\nfunc Client() *http.Client {\n\tapiKey := \"" + key + "\"\n\treturn newClient(apiKey)\n}\n"
	m := &llmtest.Model{Text: "Builds a client."}
	if _, err := New(m, Options{}).Explain(context.Background(), Target{Path: "/ws/cfg.go", Content: src, Start: 40, End: 40}, nil); err != nil {
		t.Fatal(err)
	}
	if p := m.Calls()[0].Messages[1].Content; strings.Contains(p, key) || !strings.Contains(p, "newClient(apiKey)") {
		t.Errorf("the key reached the model, or the code did not:\n%s", p)
	}
}

func TestStructuralPython(t *testing.T) {
	src := `import json


def load(path):
    """Read the settings at path; an empty dict when missing."""
    if not os.path.exists(path):
        return {}
    elif path.endswith(".json"):
        with open(path) as f:
            return json.load(f)
    raise ValueError("unknown format: " + path)
`
	s, err := Locate(context.Background(), "/ws/settings.py", "python", src, strings.Index(src, "elif"), strings.Index(src, "elif"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != "function" || s.Name != "load" || !strings.Contains(s.Doc, "Read the settings") {
		t.Errorf("subject: %s %q doc %q", s.Kind, s.Name, s.Doc)
	}
	md := Structural(s, nil, "")
	for _, want := range []string{"`os.path.exists` (line 6)", "`json.load` (line 10)", "- line 8: `elif path.endswith(\".json\"):`", "- line 11: `raise ValueError(\"unknown format: \" + path)`", "- line 7: `return {}`"} {
		if !strings.Contains(md, want) {
			t.Errorf("structural explanation lacks %q:\n%s", want, md)
		}
	}
}

// deadlineCtx is a context whose deadline passes when the test closes
// passed.
type deadlineCtx struct {
	context.Context
	passed chan struct{}
}

func (c deadlineCtx) Deadline() (time.Time, bool) { return time.Now().Add(time.Hour), true }
func (c deadlineCtx) Done() <-chan struct{}       { return c.passed }
func (c deadlineCtx) Err() error {
	select {
	case <-c.passed:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
