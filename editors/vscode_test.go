package editors_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lode-ls/lode/internal/testhome"
)

// codeServerEntry finds code-server's entry.js: $CODE_SERVER_HOME (as
// .ci/install-code-server.sh installs it), else its default folder.
func codeServerEntry() (string, error) {
	home := os.Getenv("CODE_SERVER_HOME")
	if home == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		home = filepath.Join(cache, "lode-e2e", "code-server")
	}
	entry := filepath.Join(home, "node_modules", "code-server", "out", "node", "entry.js")
	if _, err := os.Stat(entry); err != nil {
		return "", fmt.Errorf("%w (install it with .ci/install-code-server.sh, or set CODE_SERVER_HOME)", err)
	}
	return entry, nil
}

// chromium finds the browser Playwright drives: $CHROMIUM, else Debian's.
func chromium() (string, error) {
	if c := os.Getenv("CHROMIUM"); c != "" {
		return c, nil
	}
	return exec.LookPath("chromium")
}

// npmInstalled runs `npm ci` in dir unless its node_modules exists.
func npmInstalled(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := run(t, 5*time.Minute, cmd); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}

var vsixBuilt builtOnce

// buildVSIX packages editors/vscode for this machine with lode inside
// (scripts/package.mjs, as make vscode does), once per test binary run,
// and returns the .vsix.
func buildVSIX(t *testing.T, lode string) string {
	t.Helper()
	dir := repoFile(t, "vscode")
	npmInstalled(t, dir)
	return vsixBuilt.get(t, "lode.vsix", func(path string) error {
		cmd := exec.Command("node", "scripts/package.mjs", "--lode", lode, "--out", path)
		cmd.Dir = dir
		if log, err := run(t, 3*time.Minute, cmd); err != nil {
			return fmt.Errorf("packaging the extension: %v\n%s", err, log)
		}
		return nil
	})
}

// pathWithoutLode is $PATH without the folders that hold a lode: the
// extension must find the one it bundles.
func pathWithoutLode() string {
	var keep []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "lode")); err != nil {
			keep = append(keep, dir)
		}
	}
	return strings.Join(keep, string(filepath.ListSeparator))
}

// control serves the fake model's controls to the Playwright script:
// /count (completion requests so far), /delay?ms=N (added before each
// completion's answer) and /stop (the model server goes away).
func control(t *testing.T, model *fake) string {
	mux := http.NewServeMux()
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, model.completions.Load())
	})
	mux.HandleFunc("/delay", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		model.delayMS.Store(int64(ms))
	})
	mux.HandleFunc("/stop", func(w http.ResponseWriter, r *http.Request) {
		model.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// vscodeSettings are the user settings of the fresh profile: nothing that
// takes focus, VS Code's defaults otherwise (the suggestion widget opens as
// it does for everyone), no lode.path (the extension finds the lode it
// bundles), and lode configured for the fake model through its VS Code
// settings (so that their forwarding is tested too).
func vscodeSettings(logFile string, model *fake) map[string]any {
	settings := quietSettings(logFile)
	settings["lode.provider"] = "openai"
	settings["lode.base_url"] = model.URL + "/v1"
	settings["lode.model"] = modelName
	return settings
}

// quietSettings are VS Code's defaults but for what takes focus or goes
// online (the start page, tips, walkthroughs, workspace trust, telemetry,
// updates), with lode's debug log in logFile.
func quietSettings(logFile string) map[string]any {
	return map[string]any{
		"workbench.startupEditor":                          "none",
		"workbench.welcomePage.walkthroughs.openOnInstall": false,
		"workbench.tips.enabled":                           false,
		"workbench.colorTheme":                             "Default Dark Modern",
		"security.workspace.trust.enabled":                 false,
		"telemetry.telemetryLevel":                         "off",
		"extensions.autoCheckUpdates":                      false,
		"extensions.autoUpdate":                            false,
		"update.mode":                                      "none",
		"lode.serverArgs":                                  []string{"--log", logFile},
		"lode.log.level":                                   "debug",
	}
}

// vscodeTools finds what the VS Code tests need (code-server's entry.js,
// Chromium, npm and node), skipping or failing the test (see need) when
// one is missing.
func vscodeTools(t *testing.T) (entry, browser, node string) {
	t.Helper()
	entry, err := codeServerEntry()
	need(t, "code-server", err)
	browser, err = chromium()
	need(t, "Chromium", err)
	_, err = exec.LookPath("npm")
	need(t, "npm", err)
	node, err = exec.LookPath("node")
	need(t, "node", err)
	return entry, browser, node
}

// runPlaywright runs script (a path under editors/) with node and env
// added to its environment, and logs its output, and lode's log
// (art/lode.log) when it fails. It returns an error unless the script
// exits 0 and prints PASS.
func runPlaywright(t *testing.T, node, script, art string, timeout time.Duration, env []string) error {
	t.Helper()
	pw := exec.Command(node, repoFile(t, script))
	pw.Env = append(os.Environ(), env...)
	out, err := run(t, timeout, pw)
	t.Logf("Playwright:\n%s", out)
	if err != nil {
		logFile(t, "lode log", filepath.Join(art, "lode.log"))
		return err
	}
	if !strings.Contains(string(out), "PASS") {
		return fmt.Errorf("Playwright exited 0 without PASS")
	}
	return nil
}

// TestVSCode checks the VS Code extension in code-server driven by
// Playwright, with VS Code's default settings and no lode.path (the
// extension starts the lode its package bundles; PATH has none): the
// status item names the model; ghost text shows with the suggestion widget
// open and one Tab takes it; ghost text after "fmt." and Tab; an explicit
// request (Alt+\) gives candidates that Alt+] cycles through; Explain, Show
// context, Suggest fix (through its diff preview); lode: Toggle completion
// stops the model requests; with the model server stopped the status says
// "unreachable, using embedded"; the Settings UI switches the provider.
// It reports the keystroke-to-ghost latency (p50 of 20) with the fake
// server answering after 200 ms and with the embedded model. Screenshots
// of each state are kept in the artifacts folder.
func TestVSCode(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; skipped with -short")
	}
	entry, browser, node := vscodeTools(t)

	bin := lodeBinary(t)
	model := fakeModel(t)
	ws := workspace(t)
	art := artifacts(t)
	vsix := buildVSIX(t, bin)
	npmInstalled(t, repoFile(t, "vscode/e2e"))

	// The model is configured in the VS Code settings only: the ghost text
	// can come from the fake model only if they reach lode.
	url, settingsFile := startVSCode(t, vsCodeSetup{
		node: node, entry: entry, vsix: vsix, ws: ws, art: art,
		settings: vscodeSettings(filepath.Join(art, "lode.log"), model),
		path:     pathWithoutLode(),
	})

	env := []string{
		"URL=" + url, "FILE=main.go", "LINE=" + strconv.Itoa(typeLine), "TYPED=fmt.",
		"READY=lode: " + modelName, "GHOST=" + completionReply, "EXPLAIN=" + explanationReply,
		"SELECTED_TYPED=gree", "SELECTED_ITEM=greeting", "SELECTED_GHOST=" + selectedReply,
		"CANDIDATES=" + strings.Join([]string{candidateA, candidateB, candidateC}, "\n"),
		"CONTROL=" + control(t, model), "SETTINGS=" + settingsFile,
		"CONTEXT_FILE=greet.go", "INSTRUCTION=" + instruction, "REWRITTEN=" + rewritten,
		"SHOTS=" + art, "CHROMIUM=" + browser}
	if err := runPlaywright(t, node, "vscode/e2e/run.js", art, 6*time.Minute, env); err != nil {
		t.Fatalf("VS Code end-to-end check failed: %v (model requests: %d)", err, model.Count())
	}
}

// vsCodeSetup is what startVSCode needs: node and code-server's entry.js,
// the .vsix to install, the workspace, the artifacts folder, the user
// settings and the PATH the extension sees.
type vsCodeSetup struct {
	node, entry, vsix, ws, art string
	settings                   map[string]any
	path                       string
}

// startVSCode installs the extension in a fresh code-server profile,
// starts code-server on the workspace (stopped when the test ends, its
// extension logs then copied to the artifacts) and returns its URL and
// the user settings file.
func startVSCode(t *testing.T, s vsCodeSetup) (url, settingsFile string) {
	t.Helper()
	state := t.TempDir()
	ud, ext, home := filepath.Join(state, "user-data"), filepath.Join(state, "extensions"), filepath.Join(state, "home")
	for _, d := range []string{filepath.Join(ud, "User"), ext, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	testhome.TelemetryOff(t, home) // lode runs the go command with this XDG_CONFIG_HOME
	data, _ := json.MarshalIndent(s.settings, "", "  ")
	settingsFile = filepath.Join(ud, "User", "settings.json")
	if err := os.WriteFile(settingsFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home, "XDG_CACHE_HOME="+home,
		"PATH="+s.path)
	csArgs := []string{s.entry, "--config", "/dev/null", "--user-data-dir", ud, "--extensions-dir", ext}

	install := exec.Command(s.node, append(csArgs, "--install-extension", s.vsix)...)
	install.Env = env
	if out, err := run(t, 2*time.Minute, install); err != nil {
		t.Fatalf("installing the extension: %v\n%s", err, out)
	}

	port := freePort(t)
	url = fmt.Sprintf("http://127.0.0.1:%d/", port)
	csLog, err := os.Create(filepath.Join(s.art, "code-server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cs := exec.Command(s.node, append(csArgs, "--auth", "none", "--bind-addr", fmt.Sprintf("127.0.0.1:%d", port),
		"--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", s.ws)...)
	cs.Env, cs.Stdout, cs.Stderr = env, csLog, csLog
	cs.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cs.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cs.Process.Pid, syscall.SIGTERM)
		cs.Wait()
		csLog.Close()
		logExtensionLogs(t, ud, s.art)
	})
	if err := waitHealthy(url+"healthz", time.Minute); err != nil {
		logFile(t, "code-server log", csLog.Name())
		t.Fatal(err)
	}
	return url, settingsFile
}

func waitHealthy(url string, timeout time.Duration) error {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("code-server not healthy at %s after %v", url, timeout)
}

// logExtensionLogs copies the extension host's logs (lode's output channel
// among them) into the artifacts and logs lode's.
func logExtensionLogs(t *testing.T, ud, art string) {
	filepath.WalkDir(filepath.Join(ud, "logs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".log") || !strings.Contains(path, "exthost") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		name := strings.ReplaceAll(strings.TrimPrefix(path, filepath.Join(ud, "logs")+"/"), "/", "_")
		dst := filepath.Join(art, "vscode-"+name)
		if err := os.WriteFile(dst, data, 0o644); err != nil && !errors.Is(err, fs.ErrExist) {
			t.Log(err)
		}
		if strings.Contains(path, "lode") {
			logFile(t, "VS Code output channel lode", dst)
		}
		return nil
	})
}
