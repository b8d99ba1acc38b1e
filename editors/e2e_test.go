// Package editors_test runs lode's editor clients end to end in the real
// editors: a headless Neovim (editors/nvim/test/e2e.lua) and VS Code
// (code-server in a headless Chromium driven by Playwright,
// editors/vscode/e2e/run.js), each talking to a freshly built `lode serve`
// that asks a fake OpenAI-compatible model server.
//
// A missing editor skips its test, unless LODE_E2E=1 (as in CI, .ci/run):
// then it fails. Artifacts (logs, screenshots) go to $LODE_E2E_ARTIFACTS,
// or a new folder under the system's temporary folder; each test logs
// where. $LODE_E2E_BIN tests that lode binary instead of building one.
package editors_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/testhome"
)

// What the fake model answers, and what the editors must show.
const (
	// completionReply is the fake model's completion after "fmt." in
	// mainGo; the ghost text is all of it.
	completionReply = `Println("hello from lode")`
	// explanationReply is the fake model's explanation of main.
	explanationReply = "LODE-E2E: main prints a friendly greeting on standard output."
	// The rewrite the editors ask for (Suggest fix on the greeting line,
	// with an instruction), the fake model's search/replace answer, and
	// the line it must give.
	instruction  = "greet the world"
	rewriteReply = "<<<<<<< SEARCH\n\tmsg := greeting(\"lode\")\n=======\n\tmsg := greeting(\"world\")\n>>>>>>> REPLACE\n"
	rewritten    = "\tmsg := greeting(\"world\")"
	// modelName is the model lode is configured with: a Qwen2.5-Coder
	// name, so that lode asks for completions in that family's
	// fill-in-the-middle format on /v1/completions and explanations on
	// /v1/chat/completions. The VS Code status bar shows it once the server
	// runs.
	modelName = "qwen2.5-coder-e2e"
)

// The workspace: main.go calls greeting, defined in greet.go, so that the
// context bundle for a cursor in main has something to show. Line 7
// (1-based) is where the editors type "fmt.".
const (
	mainGo   = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tmsg := greeting(\"lode\")\n\t\n\t_ = msg\n}\n"
	greetGo  = "package main\n\n// greeting returns the greeting for name.\nfunc greeting(name string) string {\n\treturn \"hello, \" + name\n}\n"
	typeLine = 7
)

// required reports whether missing tools fail the tests instead of
// skipping them.
func required() bool { return os.Getenv("LODE_E2E") == "1" }

// need skips or fails the test when what is missing.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if required() {
		t.Fatalf("LODE_E2E=1 but %s is missing: %v", what, err)
	}
	t.Skipf("%s is missing (%v); set LODE_E2E=1 to make this a failure", what, err)
}

// builtOnce is a file that the tests build once per test binary run.
type builtOnce struct {
	once sync.Once
	path string
	err  error
}

// get returns the file, named name in a new temporary folder, that build
// makes there on the first call; it fails the test when build fails.
func (b *builtOnce) get(t *testing.T, name string, build func(path string) error) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "lode-e2e-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, name)
		b.err = build(b.path)
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

var lodeBuilt builtOnce

// lodeBinary builds cmd/lode once per test binary run, unless
// $LODE_E2E_BIN names a lode binary to test instead.
func lodeBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("LODE_E2E_BIN"); bin != "" {
		return bin
	}
	return lodeBuilt.get(t, "lode", func(path string) error {
		cmd := exec.Command("go", "build", "-o", path, "github.com/lode-ls/lode/cmd/lode")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
		return nil
	})
}

// What the fake model answers in the other scenarios.
const (
	// selectedReply completes after the item "greeting" that the
	// suggestion widget selects when "gree" is typed.
	selectedReply = `("from the widget")`
	// candidateReplies answer an explicit request for several candidates.
	candidateA, candidateB, candidateC = `Println("first")`, `Printf("second")`, `Print("third")`
)

// fake is the fake model server with its controls.
type fake struct {
	*llmtest.Server
	completions atomic.Int64 // completion requests (not explanations, not model lists)
	delayMS     atomic.Int64 // added before each completion's answer
}

// fakeModel starts the fake model server: completions get completionReply
// (selectedReply after "greeting", three candidates when several are
// asked for); chat requests get rewriteReply when they ask for
// search/replace blocks (patches), else explanationReply.
func fakeModel(t *testing.T) *fake {
	f := &fake{Server: llmtest.NewServer(t)}
	f.SetModels(modelName)
	f.ReplyFunc(func(r llmtest.Request) llmtest.Reply {
		switch {
		case !strings.HasSuffix(r.Path, "/chat/completions"):
			f.completions.Add(1)
			delay := time.Duration(f.delayMS.Load()) * time.Millisecond
			body := r.JSON()
			prompt, _ := body["prompt"].(string)
			if n, _ := body["n"].(float64); n > 1 {
				return llmtest.Reply{Text: candidateA, More: []string{candidateB, candidateC}, Delay: delay}
			}
			if strings.Contains(prompt, "\tgreeting<|fim_suffix|>") {
				return llmtest.Reply{Text: selectedReply, Delay: delay}
			}
			return llmtest.Reply{Text: completionReply, Delay: delay}
		case bytes.Contains(r.Body, []byte("SEARCH")):
			return llmtest.Reply{Text: rewriteReply}
		}
		return llmtest.Reply{Text: explanationReply}
	})
	return f
}

// modelEnv configures lode for the fake model through the environment.
func modelEnv(s *fake) []string {
	return []string{
		"LODE_PROVIDER=openai",
		"LODE_BASE_URL=" + s.URL + "/v1",
		"LODE_MODEL=" + modelName,
		"LODE_API_KEY=x",
	}
}

// workspace writes the Go module of mainGo and greetGo and returns its
// folder.
func workspace(t *testing.T) string { return goModule(t, mainGo, greetGo) }

// goModule writes a Go module of main.go and greet.go, with these texts,
// and returns its folder.
func goModule(t *testing.T, main, greet string) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":   "module example.com/hello\n\ngo 1.22\n",
		"main.go":  main,
		"greet.go": greet,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// artifacts returns a kept folder for the test's logs and screenshots.
func artifacts(t *testing.T) string {
	root := os.Getenv("LODE_E2E_ARTIFACTS")
	if root == "" {
		root = filepath.Join(os.TempDir(), "lode-e2e-artifacts")
	}
	dir := filepath.Join(root, time.Now().Format("20060102-150405")+"-"+t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("artifacts (logs, screenshots): %s", dir)
	return dir
}

// logFile logs the file's content, if any, under a title.
func logFile(t *testing.T, title, path string) {
	data, err := os.ReadFile(path)
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return
	}
	const max = 8000
	if len(data) > max {
		data = append([]byte("…"), data[len(data)-max:]...)
	}
	t.Logf("%s (%s):\n%s", title, path, data)
}

// run runs cmd with a deadline and returns its combined output.
func run(t *testing.T, timeout time.Duration, cmd *exec.Cmd) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Dir, c.Env = cmd.Dir, cmd.Env
	c.WaitDelay = 5 * time.Second
	out, err := c.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", timeout, err)
	}
	return out, err
}

func repoFile(t *testing.T, rel string) string {
	abs, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// lodeOnPath puts a lode on PATH, as the README asks users to: a script
// that notes each start in the returned file, adds --log logFile to
// `lode serve`, and runs bin. It returns the PATH and the starts file.
func lodeOnPath(t *testing.T, bin, logFile string) (path, starts string) {
	dir := t.TempDir()
	starts = filepath.Join(dir, "starts")
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %q\nif [ \"$1\" = serve ]; then exec %q \"$@\" --log %q; fi\nexec %q \"$@\"\n",
		starts, bin, logFile, bin)
	if err := os.WriteFile(filepath.Join(dir, "lode"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir + string(filepath.ListSeparator) + pathWithoutLode(), starts
}

// runNeovim runs script (a path under editors/) in a headless Neovim in
// the workspace ws, with env added to its environment and lode.nvim's
// folder, the report file (art/nvim-report.txt) and the artifacts folder
// given as LODE_E2E_PLUGIN, LODE_E2E_OUT and LODE_E2E_SHOTS. It logs the
// report, and when the script fails Neovim's output and lode's log
// (lodeLog). It returns an error unless Neovim exits 0 with a PASS report.
func runNeovim(t *testing.T, nvim, script, ws, art, lodeLog string, timeout time.Duration, env []string) error {
	t.Helper()
	out := filepath.Join(art, "nvim-report.txt")
	xdg := testhome.ConfigDir(t) // Neovim's own state stays out of the workspace and the home folder
	cmd := exec.Command(nvim, "--headless", "--clean", "-n", "-i", "NONE", "-c", "luafile "+repoFile(t, script))
	cmd.Dir = ws
	cmd.Env = append(append(os.Environ(), env...),
		"LODE_E2E_PLUGIN="+repoFile(t, "nvim"),
		"LODE_E2E_OUT="+out,
		"LODE_E2E_SHOTS="+art,
		"XDG_CONFIG_HOME="+xdg, "XDG_DATA_HOME="+xdg, "XDG_STATE_HOME="+xdg, "XDG_CACHE_HOME="+xdg,
	)
	output, err := run(t, timeout, cmd)
	logFile(t, "Neovim report", out)
	if err != nil {
		t.Logf("nvim output:\n%s", output)
		logFile(t, "lode log", lodeLog)
		return err
	}
	if report, _ := os.ReadFile(out); !bytes.Contains(report, []byte("PASS")) {
		return fmt.Errorf("Neovim exited 0 without a PASS report")
	}
	return nil
}

// TestNeovim checks lode.nvim in a headless Neovim with lode on PATH: one
// server per root, ghost text at the cursor, the accept mappings (whole,
// word, line), cycling candidates, the Tab fallback with keys typed
// ahead, the status for a statusline, :Lode toggle, :LodeExplain in a
// float, a previewed :LodeSuggest, :checkhealth lode.
func TestNeovim(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; skipped with -short")
	}
	nvim, err := exec.LookPath("nvim")
	need(t, "Neovim (nvim)", err)
	_, err = exec.LookPath("curl")
	need(t, "curl", err)
	bin := lodeBinary(t)
	model := fakeModel(t)
	ws := workspace(t)
	art := artifacts(t)

	lodeLog := filepath.Join(art, "lode.log")
	path, starts := lodeOnPath(t, bin, lodeLog)
	env := append(modelEnv(model),
		"PATH="+path,
		"LODE_E2E_LINE="+strconv.Itoa(typeLine),
		"LODE_E2E_GHOST="+completionReply,
		"LODE_E2E_EXPLAIN="+explanationReply,
		"LODE_E2E_INSTRUCTION="+instruction,
		"LODE_E2E_REWRITTEN="+rewritten,
		"LODE_E2E_MODEL="+modelName,
		"LODE_E2E_CANDIDATES="+strings.Join([]string{candidateA, candidateB, candidateC}, "\n"),
		"LODE_E2E_CONTROL="+control(t, model),
	)
	if err := runNeovim(t, nvim, "nvim/test/e2e.lua", ws, art, lodeLog, 4*time.Minute, env); err != nil {
		t.Fatalf("Neovim end-to-end check failed: %v (model requests: %d)", err, model.Count())
	}
	data, _ := os.ReadFile(starts)
	if n := strings.Count(string(data), "serve"); n != 1 {
		t.Errorf("Neovim started lode serve %d times for one root, want once:\n%s", n, data)
	}
}
