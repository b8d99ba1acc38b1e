package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
)

// TestCommandsAgreeOnRootAndSettings runs complete, context, explain and
// suggest on the same file from /, from the project and from one of its
// subdirectories: each must find the same workspace root (the project
// holding .lode.toml, not the directory it was started from) and the
// settings of that root's .lode.toml.
func TestCommandsAgreeOnRootAndSettings(t *testing.T) {
	srv := llmtest.NewServer(t)
	// The search waits for every source (retrieve_max_ms = -1): this test
	// is about where the settings come from, not about the time budget.
	dir := cliWorkspace(t, srv.URL+"/v1", "[context]\nbudget = 100\n[completion]\nretrieve_max_ms = -1\n")
	// A sibling of the project with a file that would be found if the
	// root were taken from where the command runs.
	writeFile(t, filepath.Join(dir, "calc", "extra.go"), "package calc\n\n// Sub returns a minus b.\nfunc Sub(a, b int) int { return a - b }\n")
	calcFile := filepath.Join(dir, "calc", "calc.go")
	mainFile := filepath.Join(dir, "main.go")
	places := map[string]struct{ wd, calc, main string }{
		"from /":           {"/", calcFile, mainFile},
		"from the project": {dir, "calc/calc.go", "main.go"},
		"from a subfolder": {filepath.Join(dir, "calc"), "calc.go", "../main.go"},
	}
	for where, p := range places {
		t.Run(where, func(t *testing.T) {
			t.Chdir(p.wd)
			cli := func(args ...string) (int, string, string) {
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), args, &stdout, &stderr)
				return code, stdout.String(), stderr.String()
			}
			before := srv.Count()

			// context: the budget of .lode.toml, and the callee found in
			// calc/ from main.go.
			code, out, errs := cli("context", "--json", p.main+":6:19")
			var b retrieve.Bundle
			if code != exitOK || json.Unmarshal([]byte(out), &b) != nil {
				t.Fatalf("context: exit %d\n%s%s", code, out, errs)
			}
			if b.Budget != 100 {
				t.Errorf("context: budget %d, want .lode.toml's 100", b.Budget)
			}
			if !strings.Contains(fmt.Sprint(b.Snippets), filepath.Join(dir, "calc", "calc.go")) {
				t.Errorf("context: no snippet of calc/calc.go: %+v", b.Snippets)
			}

			// complete: the model of .lode.toml, and snippet paths relative
			// to the project root.
			srv.Reply(llmtest.Reply{Text: "1, 2))"}) // the rest of the line: shown as no completion (exit 1)
			code, out, errs = cli("complete", "--config", "-", "--show-prompt", p.main+":6:19")
			if code != exitFailed || srv.Count() != before+1 {
				t.Fatalf("complete: exit %d, %d model calls\n%s%s", code, srv.Count()-before, out, errs)
			}
			if !strings.Contains(out, "# context calc/calc.go:") {
				t.Errorf("complete: no context from calc/calc.go, named from the root:\n%s", out)
			}

			// explain: the model of .lode.toml, grounded in the caller
			// from main.go.
			srv.Reply(llmtest.Reply{Text: "Adds a and b."})
			code, out, errs = cli("explain", "--config", "-", p.calc+":4")
			if code != exitOK || !strings.Contains(out, "Adds a and b.") {
				t.Fatalf("explain: exit %d\n%s%s", code, out, errs)
			}
			if body := string(srv.Last(t).Body); !strings.Contains(body, "calc.Add(1, 2)") {
				t.Errorf("explain: the request lacks the caller from main.go:\n%s", body)
			}

			// suggest: a diff with paths from the project root.
			srv.Reply(llmtest.Reply{Text: "```go\n" + fixAnswer + "```\n"})
			code, out, errs = cli("suggest", "--config", "-", "-m", "make Add add", p.calc+":4-6")
			if code != exitOK || !strings.HasPrefix(out, "diff --git a/calc/calc.go b/calc/calc.go\n") {
				t.Errorf("suggest: exit %d\n%s%s", code, out, errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "calc", "extra.go")); err != nil {
		t.Fatal(err)
	}
}
