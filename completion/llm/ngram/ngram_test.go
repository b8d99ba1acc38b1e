package ngram

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/syntax"
)

func lexString(t *testing.T, lang, src string, whole bool) []string {
	t.Helper()
	tree, err := syntax.Parse(context.Background(), syntax.ByName(lang), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	var out []string
	for _, l := range lex(tree, whole) {
		s := string(l.text([]byte(src)))
		if l.space {
			s = "_" + s
		}
		out = append(out, s)
	}
	return out
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, lang, src string
		whole           bool
		want            string // tokens joined by |, "_" marks a space before
	}{
		{"go statements", "go", "package p\n\n// doc\nfunc f(a, b int) {\n\tx := \"s t\" + `r\nr` // c\n\treturn\n}\n", true,
			"package|_p|\n|func|_f|(|a|,|_b|_int|)|_{|\n|x|_:=|_\"s t\"|_+|_`r\nr`|\n|return|\n|}|\n"},
		{"go prefix keeps no final newline", "go", "package p\nvar x = y.", false,
			"package|_p|\n|var|_x|_=|_y|."},
		{"go prefix ending a line", "go", "package p\nvar x = 1\n\t", false,
			"package|_p|\n|var|_x|_=|_1|\n"},
		{"python", "python", "def f(x):\n    return x  # c\n", true,
			"def|_f|(|x|)|:|\n|return|_x|\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(lexString(t, tc.lang, tc.src, tc.whole), "|")
			if got != tc.want {
				t.Errorf("lex:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestTableCounts(t *testing.T) {
	tb := newTable(3)
	a, b, c := uint32(1), uint32(2), uint32(3)
	stream := []uint32{a, b, a, b, c}
	tb.addAll(stream, 1)
	count := func(toks ...uint32) uint32 {
		n := uint32(0)
		for _, tok := range toks {
			n = tb.child(n, tok)
			if n == none {
				return 0
			}
		}
		return tb.at(n).count
	}
	checks := []struct {
		gram []uint32
		want uint32
	}{
		{[]uint32{a}, 2}, {[]uint32{b}, 2}, {[]uint32{c}, 1},
		{[]uint32{a, b}, 2}, {[]uint32{b, a}, 1}, {[]uint32{b, c}, 1},
		{[]uint32{a, b, a}, 1}, {[]uint32{a, b, c}, 1}, {[]uint32{c, a}, 0},
	}
	for _, ck := range checks {
		if got := count(ck.gram...); got != ck.want {
			t.Errorf("count%v = %d, want %d", ck.gram, got, ck.want)
		}
	}
	if tb.at(0).count != 5 || tb.at(0).kids != 3 {
		t.Errorf("root count %d kids %d, want 5 and 3", tb.at(0).count, tb.at(0).kids)
	}
	if ab := tb.child(tb.child(0, a), b); tb.at(ab).kids != 2 {
		t.Errorf("kids(a b) = %d, want 2 (a, c)", tb.at(ab).kids)
	}
	tb.addAll(stream, -1)
	for id := range tb.len {
		if tb.at(id).count != 0 || tb.at(id).kids != 0 {
			t.Fatalf("node %d after removal: count %d kids %d", id, tb.at(id).count, tb.at(id).kids)
		}
	}
	tb.addAll(stream, 1)
	if got := count(a, b); got != 2 {
		t.Errorf("count(a b) after re-adding = %d, want 2", got)
	}
}

const fileA = `package shop

import "fmt"

func Total(items []Item) (int, error) {
	sum := 0
	for _, it := range items {
		if it.Price < 0 {
			return 0, fmt.Errorf("negative price %d", it.Price)
		}
		sum += it.Price
	}
	return sum, nil
}
`

const fileB = `package shop

import "fmt"

func Print(items []Item) error {
	for _, it := range items {
		if err := check(it); err != nil {
			return err
		}
		fmt.Println(it.Name, it.Price)
	}
	return nil
}

func check(it Item) error {
	if it.Name == "" {
		return fmt.Errorf("no name")
	}
	fmt.Println(it.Name)
	return nil
}
`

func goLang() *syntax.Language { return syntax.ByName("go") }

func trained(t testing.TB, files map[string]string) *Model {
	t.Helper()
	m := newModel(t, Options{})
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := m.Learn(p, goLang(), []byte(files[p]), nil); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// probAfter is the mixed probability of next after prefix at path.
func probAfter(m *Model, path, prefix, next string) float64 {
	var p float64
	m.withQuery(context.Background(), &llm.Request{Prompt: prefix, Path: path, Language: "go"}, func(q *query) {
		p, _ = q.s.prob(q.ov.id([]byte(next), classIdent))
	})
	return p
}

func TestLearnForget(t *testing.T) {
	only := trained(t, map[string]string{"/w/a.go": fileA})
	both := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	// Both files loop with "for _, it := range"; a name (not a keyword)
	// would bring in the chance of a new name, which b.go changes too.
	prefix, next := "package x\nfunc f() {\n\tfor _, it := ", "range"
	pOnly := probAfter(only, "/x/new.go", prefix, next)
	pBoth := probAfter(both, "/x/new.go", prefix, next)
	if !(pBoth > pOnly) {
		t.Fatalf("learning b.go did not raise P(range | for _, it :=): %g -> %g", pOnly, pBoth)
	}
	both.Forget("/w/b.go")
	if got := probAfter(both, "/x/new.go", prefix, next); got != pOnly {
		t.Errorf("after Forget, P = %g, want %g as if b.go was never learned", got, pOnly)
	}
	// Learning a path again replaces its counts.
	both.Learn("/w/a.go", goLang(), []byte(fileA), nil)
	if got := probAfter(both, "/x/new.go", prefix, next); got != pOnly {
		t.Errorf("after re-learning a.go, P = %g, want %g", got, pOnly)
	}
	if st := both.Stats(); st.Files != 1 || st.Tokens == 0 {
		t.Errorf("Stats = %+v, want 1 file", st)
	}
}

func TestPredictNext(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	// Build the directory level now: otherwise the first requests run
	// without it while it is built in the background, and the ranking
	// depends on the timing.
	m.Prepare("go", "/w/c.go")
	tests := []struct {
		name, prefix string
		want         string // the top prediction
		none         bool   // no prediction at all
	}{
		{"member after dot", "package shop\nfunc g() {\n\tfmt.", "Println", false},
		{"typed part of a word", "package shop\nfunc g() {\n\tfmt.Err", "Errorf", false},
		{"keyword", "package shop\nfunc g(it Item) error {\n\tif err := check(it); err != nil {\n\t\t", "return", false},
		{"inside a comment", "package shop\n// see fmt.", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			preds, err := m.PredictNext(context.Background(), &llm.Request{Prompt: tc.prefix, Path: "/w/c.go", Language: "go"}, 5)
			if err != nil {
				t.Fatal(err)
			}
			if tc.none {
				if len(preds) != 0 {
					t.Errorf("got %v, want nothing", preds)
				}
				return
			}
			if len(preds) == 0 || preds[0].Text != tc.want {
				t.Fatalf("got %v, want %q first", preds, tc.want)
			}
			for _, p := range preds {
				if !isWord(p.Text) && p.Text[0] != '"' {
					t.Errorf("punctuation %q among completion items", p.Text)
				}
				if p.Score <= 0 || p.Score > 1 {
					t.Errorf("score %g of %q out of (0, 1]", p.Score, p.Text)
				}
			}
		})
	}
}

func TestComplete(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	m.Prepare("go", "/w/c.go") // the levels a background build would add mid-test
	tests := []struct {
		name, prefix, suffix string
		want                 []string // acceptable answers; nil: no choice
	}{
		{"rest of line", "package shop\nfunc g(it Item) error {\n\tif err := check(it); err ", "\n}\n",
			[]string{"!= nil {"}},
		{"rest of word and line", "package shop\nfunc g(it Item) error {\n\tfor _, it := ran", "\n}\n",
			[]string{"ge items {"}},
		{"suffix not repeated", "package shop\nfunc g(it Item) {\n\tfmt.Println(", ")\n}\n",
			[]string{"it.Name"}},
		{"nothing rather than noise", "package shop\nfunc g() {\n\tzq := ", "\n}\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: tc.prefix, Suffix: tc.suffix,
				Path: "/w/c.go", Language: "go"})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Model != Name {
				t.Errorf("model %q, want %q", resp.Model, Name)
			}
			if tc.want == nil {
				if len(resp.Choices) != 0 {
					t.Errorf("got %q, want no choice", resp.Text())
				}
				return
			}
			if !slices.Contains(tc.want, resp.Text()) {
				t.Errorf("got %q, want one of %q", resp.Text(), tc.want)
			}
		})
	}
	if _, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeChat}); err == nil {
		t.Error("a chat request succeeded; want an error wrapping llm.ErrUnavailable")
	}
}

func TestUnknownLanguageAnswersEmpty(t *testing.T) {
	m := newModel(t, Options{})
	resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: "hello wor", Path: "notes.txt"})
	if err != nil || len(resp.Choices) != 0 {
		t.Errorf("plain text: got %v, %v; want an empty response", resp, err)
	}
}

func TestConcurrentLearnAndComplete(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 20 {
				path := fmt.Sprintf("/w/d%d/f%d.go", i, j%3)
				if err := m.Learn(path, goLang(), []byte(fileB), nil); err != nil {
					t.Error(err)
				}
				if j%5 == 0 {
					m.Forget(path)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for j := range 20 {
				req := &llm.Request{Mode: llm.ModeFIM, Prompt: fileB[:150+j*5], Path: fmt.Sprintf("/w/d%d/f0.go", i), Language: "go"}
				if _, err := m.Complete(context.Background(), req); err != nil {
					t.Error(err)
				}
				if _, err := m.PredictNext(context.Background(), req, 5); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestEvaluateBeatsBaselines(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA})
	r, err := m.Evaluate(context.Background(), []EvalFile{{Path: "/w/b.go", Lang: goLang(), Src: []byte(fileB)}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Files != 1 || r.Model.Tokens == 0 || r.Lines == 0 {
		t.Fatalf("result %+v: nothing measured", r)
	}
	if r.Model.MRR() <= r.Frequency.MRR() || r.Model.MRR() <= r.Recency.MRR() {
		t.Errorf("MRR %.3f does not beat the baselines (frequency %.3f, recency %.3f)",
			r.Model.MRR(), r.Frequency.MRR(), r.Recency.MRR())
	}
	if e := r.Model.Entropy(); e <= 0 || e > 20 {
		t.Errorf("entropy %.2f bits/token out of range", e)
	}
	if r.GapsRight*10 < r.Gaps*9 {
		t.Errorf("spacing right on %d of %d gaps, want 90%%", r.GapsRight, r.Gaps)
	}
	if st := m.Stats(); st.Files != 2 {
		t.Errorf("the held-out file was not learned after reading: %+v", st)
	}
}

func TestDirectoryLevelBuiltInBackground(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	cached := func() bool {
		m.cacheMu.Lock()
		defer m.cacheMu.Unlock()
		return m.dirTables.get(dirKey{"go", "/w"}.String()) != nil && m.fileTabs.get("/w/b.go") != nil
	}
	if cached() {
		t.Fatal("directory level cached before any request")
	}
	req := &llm.Request{Mode: llm.ModeFIM, Prompt: fileB[:120], Path: "/w/b.go", Language: "go"}
	if _, err := m.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	m.Close() // waits for the background builds
	if !cached() {
		t.Fatal("the directory and file levels were not built")
	}
	// Learning a file of the directory keeps the cached level up to date.
	m.Learn("/w/c.go", goLang(), []byte(fileA), nil)
	m.mu.RLock()
	got := m.dirTable("go", "/w/c.go", needAsked).at(0).count
	m.mu.RUnlock()
	if want := uint32(m.Stats().Tokens); got != want {
		t.Errorf("directory level counts %d tokens, want %d", got, want)
	}
}

// TestCompleteRepeatsTheDocument checks that where the project often uses
// a new name or literal (a fresh error message after "Fprintf(stderr,"),
// a line the document itself has written before is still completed
// whole: the document's levels know what follows, so the chance of a new
// token does not cut the line short.
func TestCompleteRepeatsTheDocument(t *testing.T) {
	files := map[string]string{}
	for i := range 20 {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\n", i)
		for j := range 5 {
			fmt.Fprintf(&b, "func f%d(err error) {\n\tfmt.Fprintf(os.Stderr, \"message %d of %d: %%v\\n\", err)\n}\n\n", j, j, i)
		}
		files[fmt.Sprintf("/w/p%d/p.go", i)] = b.String()
	}
	doc := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc a(err error) {\n\tfmt.Fprintf(os.Stderr, \"lode explain: %v\\n\", err)\n}\n\nfunc b(err error) {\n\tfmt.Fprintf(os.Stderr, \"lode explain: %v\\n\", err)\n}\n"
	files["/w/main/main.go"] = doc
	m := trained(t, files)
	m.Prepare("go", "/w/main/main.go")
	cut := strings.LastIndex(doc, "fmt.") + len("fmt.")
	resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: doc[:cut], Suffix: "\n}\n",
		Path: "/w/main/main.go", Language: "go"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `Fprintf(os.Stderr, "lode explain: %v\n", err)`; resp.Text() != want {
		t.Errorf("got %q, want %q", resp.Text(), want)
	}
}

// TestPredictNextPastItsDeadline checks that a deadline passed is a
// budget spent, not a cancellation: the model answers with what it has;
// a cancellation answers nothing.
func TestPredictNextPastItsDeadline(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	m.Prepare("go", "/w/c.go")
	req := &llm.Request{Prompt: "package shop\nfunc g() {\n\tfmt.", Path: "/w/c.go", Language: "go"}
	past, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	preds, err := m.PredictNext(past, req, 5)
	if err != nil || len(preds) == 0 || preds[0].Text != "Println" {
		t.Errorf("past the deadline: %v, %v; want Println first", preds, err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if preds, err := m.PredictNext(gone, req, 5); err == nil {
		t.Errorf("cancelled: %v, want an error", preds)
	}
}

// TestCompleteAlternatives checks that an alternative (Request.N > 1)
// clears the cut-off when it is likely enough given that the completions
// before it are ruled out, though not on its own, and that the first
// completion is judged alone.
func TestCompleteAlternatives(t *testing.T) {
	files := map[string]string{}
	for i := range 9 {
		call := "alpha(1)"
		if i >= 7 {
			call = "beta(2)"
		}
		files[fmt.Sprintf("/w/p/f%d.go", i)] = fmt.Sprintf("package p\n\nfunc f%d() {\n\tv := %s\n\tuse(v)\n}\n", i, call)
	}
	m := trained(t, files)
	const prefix = "package p\n\nfunc g() {\n\tv := "
	pa, pb := probAfter(m, "/w/q/g.go", prefix, "alpha"), probAfter(m, "/w/q/g.go", prefix, "beta")
	if min := m.opts.MinProb; pa < min || pb >= min || pb < min*(1-pa) {
		t.Fatalf("fixture: p(alpha) %.3f, p(beta) %.3f; want p(alpha) >= %.2f > p(beta) >= %.3f", pa, pb, min, min*(1-pa))
	}
	for _, tc := range []struct {
		n    int
		want []string
	}{
		{1, []string{"alpha(1)"}},
		{2, []string{"alpha(1)", "beta(2)"}},
		{3, []string{"alpha(1)", "beta(2)"}}, // nothing else was ever written there
	} {
		resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: prefix, Suffix: "\n}\n",
			Path: "/w/q/g.go", Language: "go", N: tc.n})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range resp.Choices {
			got = append(got, c.Text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("N=%d: got %q, want %q", tc.n, got, tc.want)
		}
	}
}
