package rewrite

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/eventually"
)

// zetaRegion is the editable region of testdata/zeta.txtar with the edit
// the model should predict (Z added to Sub's literal).
const zetaRegion = "}\n\nfunc Add(a, b Point) Point {\n\treturn Point{X: a.X + b.X, Y: a.Y + b.Y, Z: a.Z + b.Z}\n}\n\nfunc Sub(a, b Point) Point {\n\treturn Point{X: a.X - b.X, Y: a.Y - b.Y, Z: a.Z - b.Z}\n}\n"

// predictAnswer runs zeta.txtar's input through a Predictor whose model
// answers answer with the finish reason finish.
func predictAnswer(t testing.TB, answer, finish string) []nextedit.Edit {
	sc := loadScenario(t, "testdata/zeta.txtar")
	var m llm.Model = &llmtest.Model{Text: answer}
	if finish != "" {
		m = finishModel{m.(*llmtest.Model), finish}
	}
	p := New(Options{Model: m, Format: FormatZeta, SyntaxCheck: true})
	edits, err := p.Predict(context.Background(), sc.in)
	if err != nil {
		t.Fatal(err)
	}
	return edits
}

// TestAnswers feeds well-formed, sloppy and malformed answers: the
// sloppy ones still give the one edit, the malformed ones none, and none
// crashes.
func TestAnswers(t *testing.T) {
	region := strings.TrimSuffix(zetaRegion, "\n")
	marked := markStart + "\n" + region + "\n" + markEnd
	unchanged := strings.Replace(region, ", Z: a.Z - b.Z", "", 1)
	tests := []struct {
		name, answer, finish string
		want                 int
	}{
		{"markers in a fence", "```calc/calc.go\n" + marked + "\n```", "", 1},
		{"end marker eaten by the stop sequence", "```calc/calc.go\n" + markStart + "\n" + region + "\n", "", 1},
		{"no end marker, closing fence", "```calc/calc.go\n" + markStart + "\n" + region + "\n```\nsome words", "", 1},
		{"text after the end marker", marked + "\n```\n\nI added Z to Sub.", "", 1},
		{"a fenced block between prose", "Sure:\n```go\n" + region + "\n```\nDone.", "", 1},
		{"an unclosed fence", "```go\n" + region + "\n", "", 1},
		{"the excerpt rewritten whole", "```go\npackage calc\n\n// Point is a point in the plane.\ntype Point struct {\n\tX, Y, Z int\n" + region + "\n```", "", 1},
		{"crlf answer", strings.ReplaceAll(marked, "\n", "\r\n"), "", 1},
		{"cursor marker kept", strings.Replace(marked, "b.Z}", "b.Z}"+markCursor, 1), "", 1},
		{"an end-of-text token", marked + "<|endoftext|>", "", 1},
		{"empty", "", "", 0},
		{"blank", "  \n\n", "", 0},
		{"prose", "I cannot predict the next edit here.", "", 0},
		{"binary", "\x00\x01\xff\xfe```", "", 0},
		{"cut by max_tokens", marked, "length", 0},
		{"a second region", markStart + "\n" + region + "\n" + markStart + "\n", "", 0},
		{"unchanged", markStart + "\n" + unchanged + "\n" + markEnd, "", 0},
		{"white space only", markStart + "\n" + strings.ReplaceAll(unchanged, "\t", "    ") + "\n" + markEnd, "", 0},
		{"most of the region deleted", markStart + "\n}\n" + markEnd, "", 0},
		{"a syntax error", markStart + "\n" + strings.Replace(region, "a.Z - b.Z}", "a.Z - (b.Z}", 1) + "\n" + markEnd, "", 0},
		{"rambling", markStart + "\n" + region + strings.Repeat("\nx := 1", 200) + "\n" + markEnd, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edits := predictAnswer(t, tc.answer, tc.finish)
			if len(edits) != tc.want {
				t.Fatalf("%d edits %+v, want %d", len(edits), edits, tc.want)
			}
			if tc.want == 1 && (edits[0].NewText != ", Z: a.Z - b.Z" || edits[0].Start != edits[0].End || edits[0].Kind != nextedit.KindModel) {
				t.Errorf("edit %+v, want %q inserted", edits[0], ", Z: a.Z - b.Z")
			}
		})
	}
}

// FuzzAnswer checks that no answer crashes the parse and the diff, and
// that every edit lies in the editable region of the document.
func FuzzAnswer(f *testing.F) {
	region := strings.TrimSuffix(zetaRegion, "\n")
	f.Add(markStart + "\n" + region + "\n" + markEnd)
	f.Add("```go\n" + region + "\n```")
	f.Add("```\n" + markStart + "é\n\r\n" + markEnd)
	f.Add("<|editable_region_start|><|user_cursor_is_here|>")
	sc := loadScenario(f, "testdata/zeta.txtar")
	f.Fuzz(func(t *testing.T, answer string) {
		p := New(Options{Model: &llmtest.Model{Text: answer}, Format: FormatZeta})
		x := p.excerpt(sc.in)
		edits, _ := p.Predict(context.Background(), sc.in)
		for _, e := range edits {
			if e.Start < x.rs || e.End > x.re || e.Start > e.End {
				t.Fatalf("edit %+v outside the region [%d, %d)", e, x.rs, x.re)
			}
		}
	})
}

// TestParseTrimsExcerpt: an answer that repeats the excerpt's lines
// around the region reads as the region alone, so the lines it repeats
// are not inserted again.
func TestParseTrimsExcerpt(t *testing.T) {
	sc := loadScenario(t, "testdata/zeta.txtar")
	p := New(Options{Model: &llmtest.Model{}, Format: FormatZeta})
	x := p.excerpt(sc.in)
	region := strings.TrimSuffix(zetaRegion, "\n")
	answer := "```go\n" + markBOF + "\npackage calc\n\n// Point is a point in the plane.\ntype Point struct {\n\tX, Y, Z int\n" + region + "\n```"
	lines, ok := parse(answer, x)
	if !ok || strings.Join(lines, "\n") != region {
		t.Errorf("parse = %q, %v; want the region alone:\n%s", strings.Join(lines, "\n"), ok, region)
	}
}

// namesFunc is a completion.Names that declares every name but Missing.
type namesFunc struct{}

func (namesFunc) Names(ctx context.Context, path, content string) func(qualifier, name string) (bool, bool) {
	return func(qualifier, name string) (bool, bool) { return name != "Missing", true }
}

// TestGrounding drops an edit that calls a name declared nowhere and
// keeps one that does not, unless grounding is off.
func TestGrounding(t *testing.T) {
	sc := loadScenario(t, "testdata/zeta.txtar")
	region := strings.TrimSuffix(zetaRegion, "\n")
	invented := strings.Replace(region, "Z: a.Z - b.Z", "Z: geom.Missing(a, b)", 1)
	for _, tc := range []struct {
		mode, region string
		want         int
	}{{"cut", region, 1}, {"cut", invented, 0}, {"drop", invented, 0}, {"off", invented, 1}} {
		p := New(Options{Model: &llmtest.Model{Text: markStart + "\n" + tc.region + "\n" + markEnd}, Format: FormatZeta, Names: namesFunc{}, Grounding: tc.mode})
		edits, err := p.Predict(context.Background(), sc.in)
		if err != nil || len(edits) != tc.want {
			t.Errorf("grounding %s: %d edits %+v (%v), want %d", tc.mode, len(edits), edits, err, tc.want)
		}
	}
}

// FuzzExcerpt cuts the region around any cursor of any document and
// reads back an answer that repeats it: no crash, and no edits.
func FuzzExcerpt(f *testing.F) {
	f.Add("", 0)
	f.Add("x", 1)
	f.Add("\n\n\n", 2)
	f.Add("a\r\nb\r\nc", 4)
	f.Add("package a\n\nfunc f() {}\n", 12)
	f.Add("héllo\nwörld\n", 3)
	f.Fuzz(func(t *testing.T, doc string, cursor int) {
		if cursor < 0 || cursor > len(doc) {
			return
		}
		var prompt string
		m := &llmtest.Model{Answer: func(req *llm.Request) (string, error) {
			prompt = req.Prompt
			i := strings.Index(prompt, markStart+"\n")
			j := strings.LastIndex(prompt, markEnd)
			if i < 0 || j < i {
				return "", nil
			}
			return strings.ReplaceAll(prompt[i:j], markCursor, "") + markEnd, nil
		}}
		p := New(Options{Model: m, Format: FormatZeta, RegionLines: 3, ExcerptLines: 2})
		in := nextedit.ModelInput{Path: "/w/a.go", LanguageID: "go", Text: doc, Cursor: cursor,
			Recent: []nextedit.Hunk{{Path: "/w/a.go", Old: "x", New: doc[:min(len(doc), 3)]}}}
		edits, err := p.Predict(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(edits) != 0 {
			t.Errorf("the region repeated unchanged gave edits %+v (prompt %q)", edits, prompt)
		}
	})
}

// TestReparse runs requests through one Predictor, the document changing
// between them: the syntax check of each, on a tree reparsed from the
// last one, judges as a fresh parse does; Close leaves nothing running.
func TestReparse(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sc := loadScenario(t, "testdata/zeta.txtar")
	region := strings.TrimSuffix(zetaRegion, "\n")
	good := markStart + "\n" + region + "\n" + markEnd
	broken := markStart + "\n" + strings.Replace(region, "a.Z - b.Z}", "a.Z - (b.Z}", 1) + "\n" + markEnd
	answers := []string{good, broken, good, broken}
	i := 0
	m := &llmtest.Model{Answer: func(*llm.Request) (string, error) { i++; return answers[i-1], nil }}
	p := New(Options{Model: m, Format: FormatZeta, SyntaxCheck: true})
	in := sc.in
	for k, want := range []int{1, 0, 1, 0} {
		in.Text = "// edit " + strings.Repeat("x", k) + "\n" + sc.in.Text
		in.Cursor = sc.in.Cursor + len(in.Text) - len(sc.in.Text)
		edits, err := p.Predict(context.Background(), in)
		if err != nil || len(edits) != want {
			t.Errorf("request %d: %d edits %+v (%v), want %d", k, len(edits), edits, err, want)
		}
	}
	p.Close()
}

// fakeTrees hands out a fresh parse of each text asked for, as a
// Retriever hands out its tree, and records the texts.
type fakeTrees struct {
	mu    sync.Mutex
	asked []string
}

func (f *fakeTrees) Tree(ctx context.Context, path string, lang *syntax.Language, doc string) *syntax.Tree {
	f.mu.Lock()
	f.asked = append(f.asked, doc)
	f.mu.Unlock()
	t, err := syntax.Parse(ctx, lang, []byte(doc))
	if err != nil {
		return nil
	}
	return t
}

// noContext is a Retriever that finds nothing.
type noContext struct{}

func (noContext) Retrieve(context.Context, retrieve.Request) (retrieve.Bundle, error) {
	return retrieve.Bundle{}, nil
}

// TestSharedTree checks that the syntax check takes the tree another
// reader has of the request's text (Options.Trees) instead of parsing
// the document itself, judges with it as with its own, and closes it;
// and that without a context search it reparses its own (nothing else
// parsed the text).
func TestSharedTree(t *testing.T) {
	sc := loadScenario(t, "testdata/zeta.txtar")
	region := strings.TrimSuffix(zetaRegion, "\n")
	good := markStart + "\n" + region + "\n" + markEnd
	broken := markStart + "\n" + strings.Replace(region, "a.Z - b.Z}", "a.Z - (b.Z}", 1) + "\n" + markEnd
	for _, tc := range []struct {
		name   string
		budget int
		shared bool
	}{
		{"with context", 0, true},
		{"without context", -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answers := []string{good, broken, good}
			i := 0
			m := &llmtest.Model{Answer: func(*llm.Request) (string, error) { i++; return answers[i-1], nil }}
			trees := &fakeTrees{}
			open := syntax.OpenTrees()
			p := New(Options{Model: m, Format: FormatZeta, SyntaxCheck: true, Trees: trees, Retriever: noContext{}, ContextBudget: tc.budget})
			in := sc.in
			var texts []string
			for k, want := range []int{1, 0, 1} {
				in.Text = "// edit " + strings.Repeat("x", k) + "\n" + sc.in.Text
				in.Cursor = sc.in.Cursor + len(in.Text) - len(sc.in.Text)
				texts = append(texts, in.Text)
				edits, err := p.Predict(context.Background(), in)
				if err != nil || len(edits) != want {
					t.Errorf("request %d: %d edits %+v (%v), want %d", k, len(edits), edits, err, want)
				}
			}
			p.Close()
			if !tc.shared {
				texts = nil
			}
			if !slices.Equal(trees.asked, texts) {
				t.Errorf("the shared trees were asked for %d texts, want %d", len(trees.asked), len(texts))
			}
			if n := syntax.OpenTrees(); n != open {
				t.Errorf("%d trees left open", n-open)
			}
		})
	}
}

// TestCloseDuringRelease checks that a request whose check is released
// after Close has begun closes both its own check and the one kept from
// the request before: none is left open.
func TestCloseDuringRelease(t *testing.T) {
	lang := syntax.ByName("go")
	src := "package p\n\nfunc f() {}\n"
	check := func() *completion.EditCheck {
		tr, err := syntax.Parse(context.Background(), lang, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return completion.EditCheckOf(src, tr)
	}
	open := syntax.OpenTrees()
	p := New(Options{Model: &llmtest.Model{}, SyntaxCheck: true})
	p.last = lastCheck{path: "/p.go", lang: "go", chk: check()} // the request before's
	pc := &pendingCheck{path: "/p.go", lang: "go", ch: make(chan *completion.EditCheck, 1)}
	p.release(pc) // the request's check is still being parsed
	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	eventually.True(t, func() bool {
		p.closeMu.Lock()
		defer p.closeMu.Unlock()
		return p.closed
	}, "Close never began")
	pc.ch <- check()
	<-closed
	if n := syntax.OpenTrees(); n != open {
		t.Errorf("%d trees left open", n-open)
	}
}

// allNames declares every name.
type allNames struct{}

func (allNames) Names(context.Context, string, string) func(string, string) (bool, bool) {
	return func(string, string) (bool, bool) { return true, true }
}

// TestCheckInsertionCopies checks that the grounding of an inserted
// edit reads the document as it is, without a copy of it.
func TestCheckInsertionCopies(t *testing.T) {
	doc := "package p\n\nfunc f() int {\n\treturn 1\n}\n" + strings.Repeat("// filler\n", 1<<15)
	at := strings.Index(doc, "return 1") + len("return 1")
	in := nextedit.ModelInput{Path: "/p.go", LanguageID: "go", Text: doc, Cursor: at}
	p := New(Options{Model: &llmtest.Model{}, Names: allNames{}, Grounding: completion.GroundDrop})
	edits := []nextedit.Edit{{Start: at, End: at, NewText: " + g()"}}
	var before, after runtime.MemStats
	const n = 5
	// The counter is the process's: the least of three rounds is this
	// code's, whatever else allocates meanwhile.
	per := ^uint64(0)
	for range 3 {
		runtime.ReadMemStats(&before)
		for range n {
			if got := p.check(context.Background(), in, edits, nil); len(got) != 1 {
				t.Fatalf("the edit was dropped: %+v", got)
			}
		}
		runtime.ReadMemStats(&after)
		per = min(per, (after.TotalAlloc-before.TotalAlloc)/n)
	}
	if per > uint64(len(doc))/2 {
		t.Errorf("checking an insertion allocated %d bytes, over half the document's %d", per, len(doc))
	}
}
