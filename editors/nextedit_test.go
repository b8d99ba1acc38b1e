package editors_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The next-edit workspace: greet.go declares greeting and uses it in
// welcome; main.go uses it too. The tests rename greeting at its
// declaration and expect lode (lode/nextEdits, embedded model, no model
// server) to propose the same rename at both uses.
const (
	nextMainGo  = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(greeting(\"lode\"))\n}\n"
	nextGreetGo = "package main\n\n// greeting returns the greeting for name.\nfunc greeting(name string) string {\n\treturn \"hello, \" + name\n}\n\nfunc welcome() string { return greeting(\"all\") }\n"
)

func nextEditWorkspace(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":   "module example.com/hello\n\ngo 1.22\n",
		"main.go":  nextMainGo,
		"greet.go": nextGreetGo,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestNeovimNextEdits checks lode.nvim's next-edit suggestions in a
// headless Neovim with lode on PATH and the embedded model: greeting
// renamed at its declaration, the suggestion shows at its use in the same
// file (struck text, the new name as virtual text, a sign); <Tab> jumps
// there, <Tab> accepts, and the next edit, in main.go, is hinted at the
// cursor; <Tab> opens main.go at it, <Tab> accepts it; <Esc> dismisses a
// suggestion; an answer that arrives after the buffer changed is not
// shown; with nothing suggested <Tab> keeps its meaning.
func TestNeovimNextEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; skipped with -short")
	}
	nvim, err := exec.LookPath("nvim")
	need(t, "Neovim (nvim)", err)
	bin := lodeBinary(t)
	ws := nextEditWorkspace(t)
	art := artifacts(t)

	out, lodeLog := filepath.Join(art, "nvim-report.txt"), filepath.Join(art, "lode.log")
	path, _ := lodeOnPath(t, bin, lodeLog)
	xdg := t.TempDir()
	cmd := exec.Command(nvim, "--headless", "--clean", "-n", "-i", "NONE",
		"-c", "luafile "+repoFile(t, "nvim/test/nextedit.lua"))
	cmd.Dir = ws
	cmd.Env = append(os.Environ(),
		"PATH="+path,
		"LODE_PROVIDER=embedded",
		"LODE_E2E_PLUGIN="+repoFile(t, "nvim"),
		"LODE_E2E_OUT="+out,
		"LODE_E2E_SHOTS="+art,
		"XDG_CONFIG_HOME="+xdg, "XDG_DATA_HOME="+xdg, "XDG_STATE_HOME="+xdg, "XDG_CACHE_HOME="+xdg,
	)
	output, err := run(t, 3*time.Minute, cmd)
	logFile(t, "Neovim report", out)
	if err != nil {
		t.Logf("nvim output:\n%s", output)
		logFile(t, "lode log", lodeLog)
		t.Fatalf("Neovim next-edit check failed: %v", err)
	}
	report, _ := os.ReadFile(out)
	if !bytes.Contains(report, []byte("PASS")) {
		t.Fatalf("Neovim exited 0 without a PASS report")
	}
}
