package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

func completeCmd(ctx context.Context, args []string, stdout, stderr *bytes.Buffer) int {
	return runComplete(ctx, append([]string{"-config", "-"}, args...), stdout, stderr)
}

func TestCompleteCLI(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "calc.Add(3, 4))\n}"})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	use := "package main\n\nimport \"example.com/calc\"\n\nfunc seven() int {\n\treturn ()\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "use.go"), []byte(use), 0o644); err != nil {
		t.Fatal(err)
	}
	// Line 6 is "\treturn ()": complete inside the parentheses.
	code, out, errs := runCLI(t, completeCmd, "-show-prompt", "use.go:6:10")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.HasSuffix(out, "## completion\ncalc.Add(3, 4)\n") {
		t.Errorf("output does not end with the completion (closing paren not duplicated):\n%s", out)
	}
	if !strings.Contains(out, "# mode line") || !strings.Contains(out, "func seven() int {\n\treturn (") {
		t.Errorf("--show-prompt lacks the mode or the prefix:\n%s", out)
	}
	if srv.Count() != 1 {
		t.Errorf("model calls = %d", srv.Count())
	}
}

func TestCompleteCLIFailures(t *testing.T) {
	t.Run("unreachable", func(t *testing.T) {
		cliWorkspace(t, llmtest.RefusedURL(t)+"/v1", "[completion]\nfallback_embedded = false\n")
		code, _, errs := runCLI(t, completeCmd, "-no-context", "main.go:6:10")
		if code != exitUnavailable || !strings.Contains(errs, "unavailable") {
			t.Errorf("exit %d, stderr:\n%s", code, errs)
		}
	})
	t.Run("bad position", func(t *testing.T) {
		cliWorkspace(t, "http://127.0.0.1:1/v1", "")
		if code, _, _ := runCLI(t, completeCmd, "main.go:99:1"); code != exitUsage {
			t.Errorf("exit %d, want %d", code, exitUsage)
		}
	})
	t.Run("automatic policy", func(t *testing.T) {
		srv := llmtest.NewServer(t)
		cliWorkspace(t, srv.URL+"/v1", "")
		code, _, errs := runCLI(t, completeCmd, "-auto", "-no-context", "main.go:6:5") // inside "println"
		if code != exitFailed || !strings.Contains(errs, "middle of an identifier") || srv.Count() != 0 {
			t.Errorf("exit %d, calls %d, stderr:\n%s", code, srv.Count(), errs)
		}
	})
}
