package completion

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/syntax"
)

// syntaxEval names the Go packages TestEvalSyntaxCheck measures the syntax
// self-check on, e.g. -syntaxeval=$(go env GOROOT)/src/bufio,$(go env GOROOT)/src/strconv.
var syntaxEval = flag.String("syntaxeval", "", "comma-separated Go package directories to measure the syntax self-check on")

// syntaxEvalTrain, when set, is a tree the embedded model learns (its Go
// files outside the -syntaxeval packages) before TestEvalSyntaxCheck
// measures the check on the embedded model's own completions as well.
var syntaxEvalTrain = flag.String("syntaxeval-train", "", "a tree to train the embedded model on (outside the -syntaxeval packages), to measure its completions too")

// TestEvalSyntaxCheck measures the syntax self-check at the start of
// seeded-random lines of real Go files, in two documents: the whole file
// with the line removed ("full"), and the file cut at the cursor, its
// closing braces not written yet ("eof"). Each position is completed with
// the real line (a good completion: is it offered, and whole?) and with
// three broken variants of it (a line cut short, a bracket or quote
// dropped, a stray closer: do they reach the user while adding a syntax
// error?). A shown completion adds an error when the full file with it in
// place of the real line has more errors than the real file.
//
// It measures the shipped checker; to compare with another version of the
// checker, run this file against that version.
func TestEvalSyntaxCheck(t *testing.T) {
	if *syntaxEval == "" {
		t.Skip("measures only with -syntaxeval=DIRS")
	}
	lang := syntax.ByName("go")
	rng := rand.New(rand.NewPCG(1, 2))
	type tally struct{ good, offered, exact, bad, badShown, badAdding int }
	res := map[string]*tally{}
	for _, setting := range []string{"full", "eof", "embedded-full", "embedded-eof"} {
		for _, check := range []string{"off", "on"} {
			res[setting+"/"+check] = &tally{}
		}
	}
	ctx := context.Background()
	model := syntaxEvalModel(t, lang)
	for _, dir := range strings.Split(*syntaxEval, ",") {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		var lines []evalLine
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, evalLines(string(src))...)
		}
		rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		for _, l := range lines[:min(80, len(lines))] {
			truth := errorsOf(t, lang, l.src)
			adds := func(c string) bool {
				return errorsOf(t, lang, l.src[:l.off]+c+l.src[l.end:]) > truth
			}
			for _, setting := range []string{"full", "eof"} {
				doc := l.src[:l.off] + l.src[l.end:]
				if setting == "eof" {
					doc = l.src[:l.off]
				}
				for _, check := range []string{"off", "on"} {
					ts := &trees{}
					chk := newChecker(ts, lang, "a.go", doc, l.off)
					in := postprocess.Input{Prefix: doc[:l.off], Suffix: doc[l.off:], Mode: modeFor(doc[:l.off], doc[l.off:])}
					if check == "on" {
						in.Check, in.Base = chk.check(ctx), chk.base(ctx)
					}
					tl := res[setting+"/"+check]
					in.Text = l.line
					got := postprocess.Process(in)
					tl.good++
					if got != "" {
						tl.offered++
					}
					if got == l.line {
						tl.exact++
					}
					if model != nil {
						got := embeddedAnswer(model, in, check == "on")
						te := res["embedded-"+setting+"/"+check]
						te.good++
						if got != "" {
							te.offered++
							if adds(got) {
								te.badShown++ // shown, and adding an error below
								te.badAdding++
							}
						}
						if got == l.line {
							te.exact++
						}
					}
					for _, bad := range brokenLines(l.line, rng) {
						in.Text = bad
						got := postprocess.Process(in)
						tl.bad++
						if got != "" {
							tl.badShown++
							if adds(got) {
								tl.badAdding++
							}
						}
					}
					chk.close()
					ts.close()
				}
			}
		}
	}
	for _, k := range []string{"embedded-full/off", "embedded-full/on", "embedded-eof/off", "embedded-eof/on"} {
		if tl := res[k]; tl.good > 0 {
			fmt.Printf("%-17s embedded completions %4d: offered %.3f, whole line %.3f, offered and adding an error %.3f\n",
				k, tl.good, ratio(tl.offered, tl.good), ratio(tl.exact, tl.good), ratio(tl.badAdding, tl.good))
		}
	}
	for _, k := range []string{"full/off", "full/on", "eof/off", "eof/on"} {
		tl := res[k]
		fmt.Printf("%-9s real lines %4d: offered %.3f, whole %.3f | broken lines %4d: shown %.3f, shown and adding an error %.3f\n",
			k, tl.good, ratio(tl.offered, tl.good), ratio(tl.exact, tl.good), tl.bad, ratio(tl.badShown, tl.bad), ratio(tl.badAdding, tl.bad))
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// evalLine is a line of src to complete: the cursor at off, after the
// indentation; the real text line, which ends at end (before the newline).
type evalLine struct {
	src       string
	off, end  int
	line      string
	lineStart int
}

// evalLines returns the lines of src worth completing: not blank, not
// comments, not a lone closing brace.
func evalLines(src string) []evalLine {
	var out []evalLine
	start := 0
	for start < len(src) {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		raw := src[start:end]
		body := strings.TrimLeft(raw, " \t")
		if len(body) > 2 && !strings.HasPrefix(body, "//") && strings.Trim(body, "}) ") != "" {
			out = append(out, evalLine{src: src, off: end - len(body), end: end, line: body, lineStart: start})
		}
		start = end + 1
	}
	return out
}

// brokenLines returns three broken variants of line: cut in the middle,
// one bracket or quote dropped, and a stray ')' added.
func brokenLines(line string, rng *rand.Rand) []string {
	var out []string
	if len(line) > 4 {
		out = append(out, line[:1+rng.IntN(len(line)-2)])
	}
	var marks []int
	for i := range len(line) {
		if strings.IndexByte("()[]{}\"", line[i]) >= 0 {
			marks = append(marks, i)
		}
	}
	if len(marks) > 0 {
		i := marks[rng.IntN(len(marks))]
		out = append(out, line[:i]+line[i+1:])
	}
	i := rng.IntN(len(line) + 1)
	out = append(out, line[:i]+")"+line[i:])
	return out
}

func errorsOf(t *testing.T, lang *syntax.Language, src string) int {
	tr, err := syntax.Parse(context.Background(), lang, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	return tr.ErrorCount()
}

// syntaxEvalModel returns the embedded model trained on the Go files of
// -syntaxeval-train outside the -syntaxeval packages (and their tests,
// testdata and generated files), or nil without that flag.
func syntaxEvalModel(t *testing.T, lang *syntax.Language) *ngram.Model {
	if *syntaxEvalTrain == "" {
		return nil
	}
	held := map[string]bool{}
	for _, d := range strings.Split(*syntaxEval, ",") {
		if abs, err := filepath.Abs(d); err == nil {
			held[abs] = true
		}
	}
	m := ngram.New(ngram.Options{})
	t.Cleanup(func() { m.Close() })
	n := 0
	filepath.WalkDir(*syntaxEvalTrain, func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go"):
			return nil
		}
		if abs, _ := filepath.Abs(filepath.Dir(p)); held[abs] {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil || strings.Contains(string(src[:min(len(src), 1024)]), "Code generated") {
			return nil
		}
		if err := m.Learn(p, lang, src, nil); err == nil {
			n++
		}
		return nil
	})
	m.Flush()
	t.Logf("embedded model: learned %d files of %s", n, *syntaxEvalTrain)
	return m
}

// embeddedAnswer is the embedded model's completion offered at the
// cursor of in, as the engine asks for it (with alternatives when the
// syntax check is on) and post-processes it; "" when none is.
func embeddedAnswer(m *ngram.Model, in postprocess.Input, check bool) string {
	resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: in.Prefix, Suffix: in.Suffix,
		Path: "a.go", Language: "go", N: asked(m, 1, check)})
	if err != nil {
		return ""
	}
	var texts []string
	for _, c := range resp.Choices {
		texts = append(texts, c.Text)
	}
	for ins := range offered(in, texts) {
		return ins
	}
	return ""
}
