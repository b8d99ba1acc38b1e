package server

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// configRecorder records the configurations the server publishes.
type configRecorder struct {
	mu   sync.Mutex
	cfgs []*config.Config
}

func (r *configRecorder) record(cfg *config.Config) {
	r.mu.Lock()
	r.cfgs = append(r.cfgs, cfg)
	r.mu.Unlock()
}

func (r *configRecorder) last() *config.Config {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cfgs) == 0 {
		return nil
	}
	return r.cfgs[len(r.cfgs)-1]
}

func TestSettingsLayers(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".lode.toml"), []byte("model = \"from-workspace\"\n[log]\nlevel = \"warn\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &configRecorder{}
	opts := testOptions(t)
	opts.OnConfig = rec.record
	caps := lsptest.DefaultCapabilities()
	caps.Workspace.Configuration = nil // no pull: initializationOptions and pushes only
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{
		Capabilities:          &caps,
		Folders:               []string{root},
		InitializationOptions: map[string]any{"completion": map[string]any{"enabled": false}},
	})
	cfg := rec.last()
	if cfg == nil || cfg.ModelID != "from-workspace" || cfg.Completion.Enabled || cfg.Log.Level != "warn" {
		t.Fatalf("after initialize: %v", cfg)
	}
	if got := cfg.Source("completion.enabled"); got != config.SourceEditor {
		t.Errorf("completion.enabled from %q", got)
	}

	// A push replaces the editor layer; the files stay.
	err := e.Notify(protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{
		Settings: []byte(`{"lode": {"model": "from-editor", "log": {"level": "debug"}}}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitFor("the pushed settings", func() bool { c := rec.last(); return c.ModelID == "from-editor" })
	if c := rec.last(); !c.Completion.Enabled || c.Log.Level != "debug" {
		t.Errorf("after push: enabled=%v level=%q", c.Completion.Enabled, c.Log.Level)
	}
}

func TestSettingsPullAndProblems(t *testing.T) {
	rec := &configRecorder{}
	opts := testOptions(t)
	opts.OnConfig = rec.record
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{
		Settings: map[string]any{"provider": "ollama", "completion": map[string]any{"enabled": "maybe"}},
	})
	e.WaitFor("the pulled settings", func() bool { c := rec.last(); return c != nil && c.Provider == "ollama" })
	reqs := e.Requests(protocol.MethodWorkspaceConfiguration)
	if len(reqs) != 1 || !strings.Contains(string(reqs[0].Params), `"section":"lode"`) {
		t.Fatalf("configuration requests: %v", reqs)
	}
	if !rec.last().Completion.Enabled {
		t.Errorf("a bad value replaced the default")
	}
	e.WaitFor("a warning", func() bool { return len(e.ShownMessages()) > 0 })
	msg := e.ShownMessages()[0]
	if msg.Type != protocol.MessageTypeWarning || !strings.Contains(msg.Message, `"completion.enabled"`) || !strings.Contains(msg.Message, "editor settings") {
		t.Errorf("warning %+v should name the key and the source", msg)
	}

	// didChangeConfiguration with null settings pulls again; the same
	// problem is not shown twice.
	e.SetSettings(map[string]any{"provider": "llamacpp", "completion": map[string]any{"enabled": "maybe"}})
	e.WaitFor("the second pull", func() bool { return rec.last().Provider == "llamacpp" })
	if n := len(e.ShownMessages()); n != 1 {
		t.Errorf("%d warnings shown, want the one", n)
	}
}

func TestLogLevelFollowsSettings(t *testing.T) {
	e, _ := lsptest.Connect(t, serveWith(testOptions(t)), lsptest.Options{
		InitializationOptions: map[string]any{"log": map[string]any{"level": "error"}},
		Settings:              map[string]any{"log": map[string]any{"level": "error"}},
	})
	if err := e.Call("test/show", &map[string]string{"Message": "quiet"}, nil); err != nil {
		t.Fatal(err)
	}
	e.SetSettings(map[string]any{"log": map[string]any{"level": "debug"}})
	// The pull is asynchronous: keep asking until debug records arrive.
	e.WaitFor("debug records", func() bool {
		if err := e.Call("test/show", &map[string]string{"Message": "loud"}, nil); err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, m := range e.LogMessages() {
			msgs = append(msgs, m.Message)
		}
		return slices.Contains(msgs, "debug loud")
	})
	for _, m := range e.LogMessages() {
		if strings.Contains(m.Message, "quiet") {
			t.Errorf("info record sent at level error: %q", m.Message)
		}
	}
}

type folderRecorder struct {
	mu     sync.Mutex
	events []string
}

func (f *folderRecorder) AddFolder(ctx context.Context, path string) {
	f.mu.Lock()
	f.events = append(f.events, "+"+path)
	f.mu.Unlock()
}

func (f *folderRecorder) RemoveFolder(path string) {
	f.mu.Lock()
	f.events = append(f.events, "-"+path)
	f.mu.Unlock()
}

func (f *folderRecorder) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.events, " ")
}

func TestWorkspaceFolders(t *testing.T) {
	fr := &folderRecorder{}
	opts := testOptions(t)
	opts.Folders = fr
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{"/w/one", "/w/two"}})
	err := e.Notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{
		Event: protocol.WorkspaceFoldersChangeEvent{
			Added:   []protocol.WorkspaceFolder{{URI: lsptest.URI("/w/three"), Name: "three"}},
			Removed: []protocol.WorkspaceFolder{{URI: lsptest.URI("/w/one"), Name: "one"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Notifications are applied in order: a request after them sees them.
	if _, _, err := contentAt(t, e, "/w/none", 0, 0); err == nil {
		t.Fatal("unexpected")
	}
	if got, want := fr.String(), "+/w/one +/w/two -/w/one +/w/three"; got != want {
		t.Errorf("folder events %q, want %q", got, want)
	}
}

// TestWorkspaceFoldersConfined: a client cannot make lode read the root
// or system directories, or, with workspace.allowed_roots set in the
// user's file, anything outside them.
func TestWorkspaceFoldersConfined(t *testing.T) {
	fr := &folderRecorder{}
	opts := testOptions(t)
	opts.Folders = fr
	project := t.TempDir()
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{"/", "/etc", project}})
	err := e.Notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{
		Event: protocol.WorkspaceFoldersChangeEvent{
			Added: []protocol.WorkspaceFolder{{URI: lsptest.URI("/usr/lib"), Name: "lib"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitFor("three warnings", func() bool { return len(e.ShownMessages()) >= 3 })
	if got, want := fr.String(), "+"+project; got != want {
		t.Errorf("folders added %q, want %q", got, want)
	}
	for _, m := range e.ShownMessages() {
		if m.Type != protocol.MessageTypeWarning || !strings.Contains(m.Message, "refused") {
			t.Errorf("message %+v", m)
		}
	}

	dir := t.TempDir()
	allowed := filepath.Join(dir, "allowed")
	user := filepath.Join(dir, "config.toml")
	os.WriteFile(user, []byte("[workspace]\nallowed_roots = [\""+allowed+"\"]\n"), 0o600)
	fr = &folderRecorder{}
	opts = testOptions(t)
	opts.Folders = fr
	opts.Config.UserFile = user
	inside := filepath.Join(allowed, "proj")
	os.MkdirAll(inside, 0o755)
	e, _ = lsptest.Connect(t, serveWith(opts), lsptest.Options{Folders: []string{project, inside}})
	e.WaitFor("a warning", func() bool { return len(e.ShownMessages()) >= 1 })
	if got, want := fr.String(), "+"+inside; got != want {
		t.Errorf("with allowed_roots, folders added %q, want %q", got, want)
	}
}
