package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestServeSymlinksAfterScan: symlinks made after lode indexed the
// workspace, to a directory outside it and back to its root, bring
// nothing into lode/context, while a new file beside them does.
func TestServeSymlinksAfterScan(t *testing.T) {
	bin := lodeBinary(t)
	dir, outside := t.TempDir(), t.TempDir()
	const main = "package main\n\nfunc main() {\n\toutsideSecret()\n\tinsideFresh()\n}\n"
	mainPath := filepath.Join(dir, "main.go")
	os.WriteFile(mainPath, []byte(main), 0o600)
	os.WriteFile(filepath.Join(outside, "secret.go"), []byte("package main\n\nfunc outsideSecret() { dbPassword := \"hunter2\" }\n"), 0o600)
	var stderr syncBuffer
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return binaryServeEnv(bin, &stderr, []string{"XDG_CACHE_HOME=" + t.TempDir()})(ctx, rwc)
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{Folders: []string{dir}, Timeout: time.Minute})
	e.Open(mainPath, "go", main)
	contextText := func() (string, []snippet) {
		var bundle struct {
			Snippets []snippet `json:"snippets"`
		}
		if err := e.Call("lode/context", map[string]any{
			"textDocument": protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
			"position":     protocol.Position{Line: 4, Character: 1},
		}, &bundle); err != nil {
			t.Fatalf("lode/context: %v", err)
		}
		return bundleText(bundle.Snippets), bundle.Snippets
	}
	e.WaitFor("the first index", func() bool {
		_, snippets := contextText()
		return len(snippets) > 0 || strings.Contains(stderr.String(), "files=")
	})

	for link, target := range map[string]string{"out": outside, "loop": dir} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
	}
	// Written after the links: once its definition is in context, the
	// watcher has handled the links too.
	os.WriteFile(filepath.Join(dir, "zz.go"), []byte("package main\n\nfunc insideFresh() {}\n"), 0o600)
	var snippets []snippet
	e.WaitFor("the new file in context", func() bool {
		var text string
		text, snippets = contextText()
		return strings.Contains(text, "func insideFresh")
	})
	for _, s := range snippets {
		if strings.Contains(s.Text, "hunter2") || strings.Contains(s.Path, "/out/") || strings.Contains(s.Path, "/loop/") ||
			strings.HasPrefix(s.Path, outside) {
			t.Errorf("lode/context holds %s through a symlink:\n%s", s.Path, s.Text)
		}
	}
	if code, err := e.Shutdown(); err != nil || code != 0 {
		t.Fatalf("shutdown: %d, %v", code, err)
	}
}
