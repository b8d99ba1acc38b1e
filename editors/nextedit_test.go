package editors_test

import (
	"fmt"
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
	nextGreetGo = "package main\n\n// It says hello to name.\nfunc greeting(name string) string {\n\treturn \"hello, \" + name\n}\n\nfunc welcome() string { return greeting(\"all\") }\n"
)

func nextEditWorkspace(t *testing.T) string { return goModule(t, nextMainGo, nextGreetGo) }

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

	lodeLog := filepath.Join(art, "lode.log")
	path, _ := lodeOnPath(t, bin, lodeLog)
	env := []string{"PATH=" + path, "LODE_PROVIDER=embedded"}
	if err := runNeovim(t, nvim, "nvim/test/nextedit.lua", ws, art, lodeLog, 3*time.Minute, env); err != nil {
		t.Fatalf("Neovim next-edit check failed: %v", err)
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
	entry, browser, node := vscodeTools(t)

	bin := lodeBinary(t)
	ws := nextEditWorkspace(t)
	art := artifacts(t)
	vsix := buildVSIX(t, bin)
	npmInstalled(t, repoFile(t, "vscode/e2e"))

	hold := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	// VS Code's defaults, but for the suggestion widget and inline
	// completions, which would take Tab and Esc (the keybindings leave them
	// to those when they show) at moments the script cannot foresee.
	settings := quietSettings(filepath.Join(art, "lode.log"))
	settings["editor.quickSuggestions"] = map[string]any{"other": "off", "comments": "off", "strings": "off"}
	settings["editor.inlineSuggest.enabled"] = false
	settings["lode.provider"] = "embedded"
	settings["lode.path"] = holdProxyScript(t, bin, hold)
	url, _ := startVSCode(t, vsCodeSetup{
		node: node, entry: entry, vsix: vsix, ws: ws, art: art,
		settings: settings,
		path:     pathWithoutLode(),
	})

	env := []string{"URL=" + url, "READY=lode: embedded", "HOLD=http://" + hold, "SHOTS=" + art, "CHROMIUM=" + browser}
	if err := runPlaywright(t, node, "vscode/e2e/nextedit.js", art, 4*time.Minute, env); err != nil {
		t.Fatalf("VS Code next-edit check failed: %v", err)
	}
}
