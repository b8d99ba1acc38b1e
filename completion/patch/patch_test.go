package patch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
)

const goSrc = `package calc

// Add returns the sum of a and b.
func Add(a, b int) int {
	return a - b
}

func Twice(x int) int {
	return Add(x, x)
}
`

var goTarget = Target{Path: "calc/calc.go", Language: "go", Content: goSrc}

const fixBlock = "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"

// scripted returns a model answering the given texts in turn.
func scripted(answers ...string) *llmtest.Model {
	n := 0
	return &llmtest.Model{Answer: func(*llm.Request) (string, error) {
		if n >= len(answers) {
			return "", errors.New("scripted: no more answers")
		}
		n++
		return answers[n-1], nil
	}}
}

func TestSuggestValid(t *testing.T) {
	m := scripted(fixBlock)
	s := &Suggester{Model: m, Syntax: TreeSitter{}}
	res, err := s.Suggest(context.Background(), &Request{Instruction: "fix Add", Targets: []Target{goTarget}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Patch == nil || len(res.Attempts) != 1 {
		t.Fatalf("got patch %v after %d attempts (%v)", res.Patch, len(res.Attempts), res.Attempts)
	}
	want := "diff --git a/calc/calc.go b/calc/calc.go\n--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -2,7 +2,7 @@\n \n // Add returns the sum of a and b.\n func Add(a, b int) int {\n-\treturn a - b\n+\treturn a + b\n }\n \n func Twice(x int) int {\n"
	if res.Patch.Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", res.Patch.Diff, want)
	}
	call := m.Calls()[0]
	if call.Mode != llm.ModeChat || !strings.Contains(call.Messages[1].Content, "func Twice") || !strings.Contains(call.Messages[1].Content, "fix Add") {
		t.Errorf("prompt lacks the file or the instruction: %+v", call.Messages)
	}
}

func TestSuggestInvalidAnswers(t *testing.T) {
	breaks := "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n}\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"
	missing := "calc/calc.go\n<<<<<<< SEARCH\n\treturn a * b\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"
	tests := []struct {
		name    string
		answers []string
		valid   bool
		errs    []error // per attempt
	}{
		{name: "garbage twice", answers: []string{"As an AI, I cannot.", "\x00\x01 ~~~~"}, errs: []error{ErrNoEdits, ErrNoEdits}},
		{name: "does not apply, then garbage", answers: []string{missing, "sorry"}, errs: []error{ErrNotFound, ErrNoEdits}},
		{name: "breaks syntax twice", answers: []string{breaks, breaks}, errs: []error{ErrSyntax, ErrSyntax}},
		{name: "no change, then fixed", answers: []string{"```go\n" + goSrc + "```\n", fixBlock}, valid: true, errs: []error{ErrNoChange, nil}},
		{name: "breaks syntax, then fixed", answers: []string{breaks, fixBlock}, valid: true, errs: []error{ErrSyntax, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := scripted(tc.answers...)
			s := &Suggester{Model: m, Syntax: TreeSitter{}}
			res, err := s.Suggest(context.Background(), &Request{Instruction: "fix Add", Targets: []Target{goTarget}})
			if err != nil {
				t.Fatal(err)
			}
			if (res.Patch != nil) != tc.valid {
				t.Fatalf("patch = %v, want valid %v", res.Patch, tc.valid)
			}
			if len(res.Attempts) != len(tc.errs) {
				t.Fatalf("%d attempts, want %d", len(res.Attempts), len(tc.errs))
			}
			for i, want := range tc.errs {
				if got := res.Attempts[i].Err; (want == nil) != (got == nil) || want != nil && !errors.Is(got, want) {
					t.Errorf("attempt %d: err = %v, want %v", i+1, got, want)
				}
			}
			if len(tc.errs) == 2 {
				second := m.Calls()[1].Messages
				if last := second[len(second)-1]; last.Role != "user" || !strings.Contains(last.Content, "could not be used") {
					t.Errorf("the retry does not say why: %+v", last)
				}
			}
		})
	}
}

func TestSuggestVerify(t *testing.T) {
	wrong := "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\treturn b - a\n>>>>>>> REPLACE\n"
	m := scripted(wrong, fixBlock)
	var runs int
	s := &Suggester{Model: m, Verify: func(ctx context.Context, changes []FileChange) (string, error) {
		runs++
		if strings.Contains(changes[0].New, "a + b") {
			return "ok\n", nil
		}
		return "--- FAIL: TestAdd\n    Add(1, 2) = 1, want 3\n", errors.New("exit status 1")
	}}
	res, err := s.Suggest(context.Background(), &Request{Instruction: "fix Add", Targets: []Target{goTarget}})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 || len(res.Attempts) != 2 || res.Patch == nil || !strings.Contains(res.Patch.Diff, "+\treturn a + b") {
		t.Fatalf("runs %d, attempts %d, patch %v", runs, len(res.Attempts), res.Patch)
	}
	if !errors.Is(res.Attempts[0].Err, ErrVerify) || res.Attempts[0].Patch == nil {
		t.Errorf("first attempt: %+v", res.Attempts[0])
	}
	retry := m.Calls()[1].Messages
	if !strings.Contains(retry[len(retry)-1].Content, "Add(1, 2) = 1, want 3") {
		t.Errorf("the retry lacks the verification output: %q", retry[len(retry)-1].Content)
	}
}

func TestSuggestModelErrors(t *testing.T) {
	t.Run("unavailable", func(t *testing.T) {
		s := &Suggester{Model: &llmtest.Model{Err: fmt.Errorf("fake: %w", llm.ErrUnavailable)}}
		_, err := s.Suggest(context.Background(), &Request{Instruction: "x", Targets: []Target{goTarget}})
		if !errors.Is(err, llm.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
	})
	t.Run("never answers, timeout", func(t *testing.T) {
		m := &llmtest.Model{Delay: time.Hour, Text: fixBlock}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := (&Suggester{Model: m}).Suggest(ctx, &Request{Instruction: "x", Targets: []Target{goTarget}})
		if !errors.Is(err, context.DeadlineExceeded) || m.Canceled() != 1 {
			t.Fatalf("err = %v, canceled %d", err, m.Canceled())
		}
	})
	t.Run("never answers, cancelled", func(t *testing.T) {
		m := &llmtest.Model{Delay: time.Hour, Text: fixBlock}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := (&Suggester{Model: m}).Suggest(ctx, &Request{Instruction: "x", Targets: []Target{goTarget}})
		if !errors.Is(err, context.Canceled) || m.Canceled() != 1 {
			t.Fatalf("err = %v, canceled %d", err, m.Canceled())
		}
	})
}

func TestSuggestRedactsPrompt(t *testing.T) {
	m := scripted(fixBlock)
	s := &Suggester{Model: m, Redact: func(s string) string { return strings.ReplaceAll(s, "sum", "[REDACTED]") }}
	if _, err := s.Suggest(context.Background(), &Request{Instruction: "fix", Targets: []Target{goTarget}}); err != nil {
		t.Fatal(err)
	}
	if u := m.Calls()[0].Messages[1].Content; strings.Contains(u, "sum") || !strings.Contains(u, "[REDACTED]") {
		t.Errorf("prompt not redacted:\n%s", u)
	}
}

// TestDiffGitApply checks with git itself that produced diffs apply,
// including a file without a final newline and two files at once.
func TestDiffGitApply(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	changes := []FileChange{
		{Path: "calc/calc.go", Old: goSrc, New: strings.Replace(goSrc, "a - b", "a + b", 1)},
		{Path: "notes.txt", Old: "one\ntwo", New: "one\n2\nthree"},
	}
	for _, c := range changes {
		p := filepath.Join(dir, filepath.FromSlash(c.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c.Old), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	diff, err := Unified(changes)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(diff, changes); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"apply", "--check", "-"}, {"apply", "-"}} {
		cmd := exec.Command(git, args...)
		cmd.Dir, cmd.Stdin = dir, strings.NewReader(diff)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s\ndiff:\n%s", args, err, out, diff)
		}
	}
	for _, c := range changes {
		got, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.Path)))
		if string(got) != c.New {
			t.Errorf("%s after git apply = %q, want %q", c.Path, got, c.New)
		}
	}
}

func TestCheckRejects(t *testing.T) {
	c := FileChange{Path: "a.txt", Old: "1\n2\n3\n", New: "1\ntwo\n3\n"}
	diff, err := Unified([]FileChange{c})
	if err != nil {
		t.Fatal(err)
	}
	stale := c
	stale.Old = "1\nzwei\n3\n"
	if err := Check(diff, []FileChange{stale}); err == nil {
		t.Error("Check accepted a diff against content it does not fit")
	}
	other := c
	other.New = "1\ntwo\nthree\n"
	if err := Check(diff, []FileChange{other}); err == nil {
		t.Error("Check accepted a diff whose result differs")
	}
}

func TestSuggestRedactsSecretsByDefault(t *testing.T) {
	const key = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	src := "package cfg\n\nconst token = \"" + key + "\"\n\nfunc Twice(x int) int { return x + x }\n"
	m := scripted("no idea", "still no idea")
	res, err := (&Suggester{Model: m}).Suggest(context.Background(), &Request{Instruction: "fix", Targets: []Target{{Path: "cfg.go", Content: src}}})
	if err != nil || res.Patch != nil {
		t.Fatalf("patch %v, err %v", res.Patch, err)
	}
	for _, c := range m.Calls() {
		for _, msg := range c.Messages {
			if strings.Contains(msg.Content, key) {
				t.Fatalf("the key reached the model in a %s message", msg.Role)
			}
		}
	}
}

func TestSecretsSurviveAnEchoedLine(t *testing.T) {
	const key = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	src := "package cfg\n\nconst token = \"" + key + "\"\n\nfunc Twice(x int) int { return x + x }\n"
	target := Target{Path: "cfg.go", Content: src, StartLine: 3, EndLine: 5}
	echo := "```go\nconst token = \"[REDACTED]\"\n\nfunc Twice(x int) int { return 2 * x }\n```\n"
	res, err := (&Suggester{Model: scripted(echo)}).Suggest(context.Background(), &Request{Instruction: "multiply", Targets: []Target{target}})
	if err != nil || res.Patch == nil {
		t.Fatalf("patch %v, err %v, attempts %+v", res.Patch, err, res.Attempts)
	}
	if got := res.Patch.Changes[0].New; !strings.Contains(got, key) || !strings.Contains(got, "return 2 * x") {
		t.Errorf("patched:\n%s", got)
	}
	if strings.Contains(res.Patch.Diff, "REDACTED") || strings.Contains(res.Patch.Diff, "-const token") {
		t.Errorf("the diff touches the secret's line:\n%s", res.Patch.Diff)
	}
	overwrite := "```go\nconst token = \"[REDACTED]\" // rotated\n\nfunc Twice(x int) int { return 2 * x }\n```\n"
	res, err = (&Suggester{Model: scripted(overwrite, overwrite)}).Suggest(context.Background(), &Request{Instruction: "multiply", Targets: []Target{target}})
	if err != nil || res.Patch != nil || !errors.Is(res.Attempts[0].Err, ErrSecret) {
		t.Errorf("a patch writing the placeholder over the secret: patch %v, err %v, attempts %+v", res.Patch, err, res.Attempts)
	}
}

func TestSearchThroughRedactedLine(t *testing.T) {
	const key = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	src := "package cfg\n\nconst token = \"" + key + "\"\nconst retries = 1\n"
	block := "cfg.go\n<<<<<<< SEARCH\nconst token = \"[REDACTED]\"\nconst retries = 1\n=======\nconst token = \"[REDACTED]\"\nconst retries = 3\n>>>>>>> REPLACE\n"
	res, err := (&Suggester{Model: scripted(block)}).Suggest(context.Background(), &Request{Instruction: "retry more", Targets: []Target{{Path: "cfg.go", Content: src}}})
	if err != nil || res.Patch == nil {
		t.Fatalf("patch %v, err %v, attempts %+v", res.Patch, err, res.Attempts)
	}
	if want := strings.Replace(src, "retries = 1", "retries = 3", 1); res.Patch.Changes[0].New != want {
		t.Errorf("patched:\n%s", res.Patch.Changes[0].New)
	}
}
