package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/testhome"
	"github.com/lode-ls/lode/internal/testtree"
)

const calcSrc = `package calc

// Add returns the sum of a and b.
func Add(a, b int) int {
	return a - b
}
`

const mainSrc = `package main

import "example.com/calc"

func main() {
	println(calc.Add(1, 2))
}
`

const (
	fixAnswer     = "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"
	wrongAnswer   = "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\treturn b - a\n>>>>>>> REPLACE\n"
	missingAnswer = "calc/calc.go\n<<<<<<< SEARCH\n\treturn a * b\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"
	brokenAnswer  = "calc/calc.go\n<<<<<<< SEARCH\n\treturn a - b\n}\n=======\n\treturn a + b\n>>>>>>> REPLACE\n"
)

// cliWorkspace makes a workspace with calc/calc.go and main.go, whose
// model is the fake server at url, and makes it the working directory.
func cliWorkspace(t *testing.T, url, extraConfig string) string {
	dir := testtree.New(t, map[string]string{
		"calc/calc.go": calcSrc,
		"main.go":      mainSrc,
		".lode.toml":   "provider = \"openai\"\nbase_url = \"" + url + "\"\nmodel = \"fake-coder\"\n" + extraConfig,
	})
	for _, env := range []string{"LODE_PROVIDER", "LODE_BASE_URL", "LODE_MODEL", "LODE_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"} {
		t.Setenv(env, "")
	}
	t.Setenv("XDG_CONFIG_HOME", testhome.ConfigDir(t))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Chdir(dir)
	return dir
}

func runCLI(t *testing.T, f func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) int, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := f(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func suggest(ctx context.Context, args []string, stdout, stderr *bytes.Buffer) int {
	return runSuggest(ctx, append([]string{"-config", "-"}, args...), stdout, stderr)
}

func TestSuggestPrintsADiffGitApplies(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "Here is the fix:\n```go\n" + fixAnswer + "```\n"})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	code, out, errs := runCLI(t, suggest, "-m", "make Add add", "calc/calc.go:4-6")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, "-\treturn a - b\n+\treturn a + b\n") || !strings.HasPrefix(out, "diff --git a/calc/calc.go b/calc/calc.go\n") {
		t.Errorf("diff:\n%s", out)
	}
	body := string(srv.Last(t).Body)
	if !strings.Contains(body, "make Add add") || !strings.Contains(body, "calc.Add(1, 2)") {
		t.Errorf("the request lacks the instruction or the caller from main.go:\n%s", body)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command(git, "apply", "--check", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply --check: %v\n%s", err, b)
	}
}

func TestSuggestInvalidAnswers(t *testing.T) {
	tests := []struct {
		name    string
		replies []llmtest.Reply
		want    string // in stderr
		code    int
	}{
		// A malformed answer is a model fault (exit 3), whatever came before.
		{"garbage", []llmtest.Reply{{Text: "I am not sure what you mean."}, {Body: "{not json"}}, "attempt 1: patch: the answer holds no edit", exitUnavailable},
		{"does not apply", []llmtest.Reply{{Text: missingAnswer}, {Text: missingAnswer}}, "search text not found", exitFailed},
		{"breaks syntax", []llmtest.Reply{{Text: brokenAnswer}, {Text: brokenAnswer}}, "adds syntax errors", exitFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.NewServer(t)
			srv.Enqueue(tc.replies...)
			cliWorkspace(t, srv.URL+"/v1", "")
			code, out, errs := runCLI(t, suggest, "-m", "fix Add", "calc/calc.go")
			if code != tc.code || out != "" || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
			}
		})
	}
}

func TestSuggestModelUnreachable(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		cliWorkspace(t, llmtest.RefusedURL(t)+"/v1", "")
		code, out, errs := runCLI(t, suggest, "-m", "fix", "calc/calc.go")
		if code != exitUnavailable || out != "" {
			t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
		}
	})
	t.Run("never answers", func(t *testing.T) {
		srv := llmtest.NewServer(t)
		srv.Reply(llmtest.Reply{Hang: true})
		cliWorkspace(t, srv.URL+"/v1", "[explain]\ntimeout = \"300ms\"\n")
		code, out, errs := runCLI(t, suggest, "-m", "fix", "calc/calc.go")
		if code != exitUnavailable || out != "" {
			t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
		}
	})
}

func TestSuggestVerifyRetriesOnce(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Enqueue(llmtest.Reply{Text: wrongAnswer}, llmtest.Reply{Text: fixAnswer})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	check := `grep -q "a + b" calc/calc.go || { echo "TestAdd: Add(1, 2) = -1, want 3"; exit 1; }`
	code, out, errs := runCLI(t, suggest, "calc/calc.go", "-m", "fix Add", "--verify", check, "--apply")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	for _, want := range []string{"attempt 1: patch: verification failed", "TestAdd: Add(1, 2) = -1, want 3", "attempt 2: valid patch", "applied to 1 file"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "+\treturn a + b") {
		t.Errorf("diff:\n%s", out)
	}
	if reqs := srv.Requests(); len(reqs) != 2 || !strings.Contains(string(reqs[1].Body), "want 3") {
		t.Errorf("the second request does not carry the verification output")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); !strings.Contains(string(got), "return a + b") {
		t.Errorf("--apply did not write the file:\n%s", got)
	}
}

func TestSuggestDiagnostics(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: fixAnswer})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	vet := "# example.com/calc\nvet: ./calc/calc.go:5:9: suspicious subtraction in Add\n"
	if err := os.WriteFile(filepath.Join(dir, "vet.txt"), []byte(vet), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, suggest, "--diagnostics", "vet.txt")
	if code != exitOK || !strings.Contains(out, "+\treturn a + b") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	if body := string(srv.Last(t).Body); !strings.Contains(body, "calc/calc.go:5:9: suspicious subtraction in Add") {
		t.Errorf("the request lacks the diagnostic:\n%s", body)
	}
}

func TestSuggestUsage(t *testing.T) {
	srv := llmtest.NewServer(t)
	cliWorkspace(t, srv.URL+"/v1", "")
	for _, args := range [][]string{
		{"calc/calc.go"},              // no instruction
		{"-m", "x"},                   // no file
		{"-m", "x", "missing.go"},     // no such file
		{"-m", "x", "calc/calc.go:0"}, // bad line
		{"-m", "x", "../outside.go"},  // outside the workspace
	} {
		if code, _, errs := runCLI(t, suggest, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, code, exitUsage, errs)
		}
	}
	t.Setenv("LODE_PROVIDER", "embedded")
	if code, _, errs := runCLI(t, suggest, "-m", "x", "calc/calc.go"); code != exitUsage || !strings.Contains(errs, "need a chat model") {
		t.Errorf("embedded model: exit %d; stderr:\n%s", code, errs)
	}
	if srv.Count() != 0 {
		t.Errorf("usage errors called the model %d times", srv.Count())
	}
}

func TestSuggestVerifyFailsTwice(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Enqueue(llmtest.Reply{Text: wrongAnswer}, llmtest.Reply{Text: wrongAnswer})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	code, out, errs := runCLI(t, suggest, "-m", "fix Add", "--apply", "--verify", "echo still wrong; exit 3", "calc/calc.go")
	if code != exitFailed || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	if strings.Count(errs, "verification failed") != 2 || strings.Count(errs, "\n  still wrong\n") != 2 {
		t.Errorf("both attempts are not reported:\n%s", errs)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); string(got) != calcSrc {
		t.Errorf("a failed patch was applied:\n%s", got)
	}
}

func TestSuggestDiagnosticsFromStdin(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: fixAnswer})
	cliWorkspace(t, srv.URL+"/v1", "")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = stdin })
	w.WriteString("calc/calc.go:5: Add subtracts\n")
	w.Close()
	if code, out, errs := runCLI(t, suggest, "--diagnostics", "-"); code != exitOK || !strings.Contains(out, "+\treturn a + b") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
}
