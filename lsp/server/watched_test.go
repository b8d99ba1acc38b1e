package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// watchRecorder is a FolderWatcher that leaves watching to the client and
// adds folders to the workspace.
type watchRecorder struct {
	ws     *workspace.Workspace
	mu     sync.Mutex
	events []string
}

func (w *watchRecorder) SetClientWatching(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if on {
		w.events = append(w.events, "client")
	} else {
		w.events = append(w.events, "self")
	}
}

func (w *watchRecorder) AddFolder(ctx context.Context, path string) {
	w.mu.Lock()
	w.events = append(w.events, "+"+filepath.Base(path))
	w.mu.Unlock()
	w.ws.AddFolder(path)
}

func (w *watchRecorder) RemoveFolder(path string) {}

func (w *watchRecorder) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.events, " ")
}

func TestClientWatchedFiles(t *testing.T) {
	root := t.TempDir()
	ws := workspace.New()
	rec := &watchRecorder{ws: ws}
	var changedMu sync.Mutex
	var changed []string
	ws.Subscribe(func(ev workspace.Event) {
		changedMu.Lock()
		changed = append(changed, ev.Path)
		changedMu.Unlock()
	})
	opts := testOptions(t)
	opts.Workspace, opts.Folders = ws, rec
	caps := lsptest.DefaultCapabilities()
	caps.Workspace.DidChangeWatchedFiles = &protocol.DidChangeWatchedFilesClientCapabilities{DynamicRegistration: ptr(true)}
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Capabilities: &caps, Folders: []string{root}})

	if got, want := rec.String(), "client +"+filepath.Base(root); got != want {
		t.Errorf("watcher calls %q, want %q", got, want)
	}
	e.WaitFor("the registration", func() bool { return len(e.Requests(protocol.MethodClientRegisterCapability)) > 0 })
	reg := string(e.Requests(protocol.MethodClientRegisterCapability)[0].Params)
	if !strings.Contains(reg, `"method":"workspace/didChangeWatchedFiles"`) || !strings.Contains(reg, `"globPattern":"**/*"`) {
		t.Errorf("registration %s", reg)
	}

	path := filepath.Join(root, "new.go")
	if err := os.WriteFile(path, []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := e.Notify(protocol.MethodWorkspaceDidChangeWatchedFiles, &protocol.DidChangeWatchedFilesParams{
		Changes: []protocol.FileEvent{{URI: lsptest.URI(path), Type: protocol.FileChangeTypeCreated}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitFor("the workspace event", func() bool {
		changedMu.Lock()
		defer changedMu.Unlock()
		for _, p := range changed {
			if p == path {
				return true
			}
		}
		return false
	})
}
