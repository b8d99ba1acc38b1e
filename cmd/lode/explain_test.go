package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

func explainCmd(ctx context.Context, args []string, stdout, stderr *bytes.Buffer) int {
	return runExplain(ctx, append([]string{"-config", "-"}, args...), stdout, stderr)
}

func TestExplainCLI(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "`Add` subtracts, despite its doc comment."})
	cliWorkspace(t, srv.URL+"/v1", "")
	code, out, errs := runCLI(t, explainCmd, "calc/calc.go:5")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.HasPrefix(out, "### function Add (calc.go:4-6)") || !strings.Contains(out, "subtracts, despite its doc comment") {
		t.Errorf("markdown:\n%s", out)
	}
	body := string(srv.Last(t).Body)
	if !strings.Contains(body, "calc.Add(1, 2)") || !strings.Contains(body, "Add returns the sum of a and b.") {
		t.Errorf("the request lacks the caller or the doc comment:\n%s", body)
	}
}

func TestExplainCLIStructural(t *testing.T) {
	srv := llmtest.NewServer(t)
	cliWorkspace(t, srv.URL+"/v1", "")
	code, out, errs := runCLI(t, explainCmd, "-structural", "calc/calc.go:4:6")
	if code != exitOK || srv.Count() != 0 {
		t.Fatalf("exit %d, model calls %d, stderr:\n%s", code, srv.Count(), errs)
	}
	for _, want := range []string{"_Structural explanation", "func Add(a, b int) int", "- main.go:6: `println(calc.Add(1, 2))`", "- line 5: `return a - b`"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestExplainCLIFailures(t *testing.T) {
	t.Run("unreachable falls back", func(t *testing.T) {
		cliWorkspace(t, llmtest.RefusedURL(t)+"/v1", "")
		code, out, errs := runCLI(t, explainCmd, "calc/calc.go:5")
		if code != exitUnavailable || !strings.Contains(out, "_Structural explanation") || !strings.Contains(out, "The model failed") {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errs)
		}
	})
	t.Run("never answers", func(t *testing.T) {
		srv := llmtest.NewServer(t)
		srv.Reply(llmtest.Reply{Hang: true})
		cliWorkspace(t, srv.URL+"/v1", "[explain]\ntimeout = \"300ms\"\n")
		code, out, errs := runCLI(t, explainCmd, "calc/calc.go:5")
		if code != exitUnavailable || !strings.Contains(out, "_Structural explanation") {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errs)
		}
	})
	t.Run("usage", func(t *testing.T) {
		cliWorkspace(t, llmtest.RefusedURL(t)+"/v1", "")
		for _, args := range [][]string{{}, {"a.go", "b.go"}, {"missing.go:3"}, {"calc/calc.go:99"}, {"calc/calc.go:3-2"}} {
			if code, _, errs := runCLI(t, explainCmd, args...); code != exitUsage {
				t.Errorf("%q: exit %d; stderr:\n%s", args, code, errs)
			}
		}
	})
}

func TestParseLocation(t *testing.T) {
	for arg, want := range map[string]location{
		"a.go":         {path: "a.go"},
		"a.go:3":       {path: "a.go", line: 3},
		"a.go:3:7":     {path: "a.go", line: 3, col: 7},
		"a.go:3-9":     {path: "a.go", line: 3, endLine: 9},
		"dir:x/a.go:2": {path: "dir:x/a.go", line: 2},
	} {
		got, err := parseLocation(arg)
		if err != nil || got != want {
			t.Errorf("parseLocation(%q) = %+v, %v; want %+v", arg, got, err, want)
		}
	}
	for _, bad := range []string{"a.go:0", "a.go:3:0", "a.go:5-4"} {
		if _, err := parseLocation(bad); err == nil {
			t.Errorf("parseLocation(%q) succeeded", bad)
		}
	}
}
