package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/testhome"
	"github.com/lode-ls/lode/internal/testtree"
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

// TestCompleteEmbeddedLargeWorkspace completes with the embedded model in
// a workspace larger than the model counts file by file: after one large
// file (first in path order, so first indexed), the cold index leaves every
// count to the bulk flush at its end. The completion must come from what
// the rest of the workspace taught it: the document, in a directory of its
// own, never names "parts". It holds the half-typed line itself, as a
// buffer learned while the user paused would.
func TestCompleteEmbeddedLargeWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a 100,000-token workspace")
	}
	dir := t.TempDir()
	write := func(name, src string) { testtree.File(t, dir, name, src) }
	var big strings.Builder
	big.WriteString("package big\n")
	for k := range 6000 {
		fmt.Fprintf(&big, "\nfunc f%d(x int) int { return x*%d + 1 }\n", k, k)
	}
	write("a_big/big.go", big.String())
	for i := range 100 {
		write(fmt.Sprintf("pkg%d/p.go", i), fmt.Sprintf("package pkg%d\n\nimport \"strings\"\n\nfunc join%d(parts []string) string {\n\treturn strings.Join(parts, \", \")\n}\n", i, i))
	}
	write(".lode.toml", "provider = \"embedded\"\n")
	write("app/main.go", "package main\n\nimport \"strings\"\n\nfunc label(items []string) string {\n\treturn strings.\n}\n")
	for _, env := range []string{"LODE_PROVIDER", "LODE_BASE_URL", "LODE_MODEL"} {
		t.Setenv(env, "")
	}
	t.Setenv("XDG_CONFIG_HOME", testhome.ConfigDir(t))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Chdir(dir)
	// Line 6 is "\treturn strings.": complete after the dot.
	code, out, errs := runCLI(t, completeCmd, "app/main.go:6:17")
	if code != exitOK {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if want := `Join(parts, ", ")`; !strings.Contains(out, want) {
		t.Errorf("completion %q, want %q", out, want)
	}
}
