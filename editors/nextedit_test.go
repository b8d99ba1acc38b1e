package editors_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestVSCodeNextEdits checks the VS Code extension's next-edit suggestions
// in code-server driven by Playwright, with the embedded model and lode
// behind the hold proxy (lode.path names it): greeting renamed at its declaration, the
// suggestion shows at its use in the same file (the old name struck
// through, the new one after it); Tab selects it, Tab applies it, and the
// next edit, in main.go, is hinted at the cursor; Tab opens main.go at it,
// Tab applies it there; Esc dismisses a suggestion and Tab then indents;
// an answer delivered after the document changed (kept back by the proxy)
// is not shown. Screenshots of each state are kept in the artifacts
// folder.
func TestVSCodeNextEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; skipped with -short")
	}
	entry, err := codeServerEntry()
	need(t, "code-server", err)
	browser, err := chromium()
	need(t, "Chromium", err)
	_, err = exec.LookPath("npm")
	need(t, "npm", err)
	node, err := exec.LookPath("node")
	need(t, "node", err)

	bin := lodeBinary(t)
	ws := nextEditWorkspace(t)
	art := artifacts(t)
	vsix := buildVSIX(t, bin)
	npmInstalled(t, repoFile(t, "vscode/e2e"))

	hold := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	// VS Code's defaults, but for the suggestion widget and inline
	// completions, which would take Tab and Esc (the keybindings leave them
	// to those when they show) at moments the script cannot foresee.
	settings := map[string]any{
		"workbench.startupEditor":                          "none",
		"workbench.welcomePage.walkthroughs.openOnInstall": false,
		"workbench.tips.enabled":                           false,
		"workbench.colorTheme":                             "Default Dark Modern",
		"security.workspace.trust.enabled":                 false,
		"telemetry.telemetryLevel":                         "off",
		"extensions.autoCheckUpdates":                      false,
		"extensions.autoUpdate":                            false,
		"update.mode":                                      "none",
		"editor.quickSuggestions":                          map[string]any{"other": "off", "comments": "off", "strings": "off"},
		"editor.inlineSuggest.enabled":                     false,
		"lode.serverArgs":                                  []string{"--log", filepath.Join(art, "lode.log")},
		"lode.log.level":                                   "debug",
		"lode.provider":                                    "embedded",
		"lode.path":                                        holdProxyScript(t, bin, hold),
	}
	url, _ := startVSCode(t, vsCodeSetup{
		node: node, entry: entry, vsix: vsix, ws: ws, art: art,
		settings: settings,
		path:     pathWithoutLode(),
	})

	pw := exec.Command(node, repoFile(t, "vscode/e2e/nextedit.js"))
	pw.Env = append(os.Environ(), "URL="+url, "READY=lode: embedded", "HOLD=http://"+hold, "SHOTS="+art, "CHROMIUM="+browser)
	out, err := run(t, 4*time.Minute, pw)
	t.Logf("Playwright:\n%s", out)
	if err != nil {
		logFile(t, "lode log", filepath.Join(art, "lode.log"))
		t.Fatalf("VS Code next-edit check failed: %v", err)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatal("Playwright exited 0 without PASS")
	}
}
