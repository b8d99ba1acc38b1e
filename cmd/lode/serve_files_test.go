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

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestServeCacheProblems: a corrupt index cache is reported to the user
// (once) and rebuilt, a temporary file a killed save left is removed at
// start, and a cache directory that cannot be written is reported once.
func TestServeCacheProblems(t *testing.T) {
	bin := lodeBinary(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o600)
	serveIn := func(cache string, stderr *syncBuffer) lsptest.ServeFunc {
		return func(ctx context.Context, rwc io.ReadWriteCloser) int {
			return binaryServeEnv(bin, stderr, []string{"XDG_CACHE_HOME=" + cache})(ctx, rwc)
		}
	}

	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	idx, err := index.CachePath(dir)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(idx), 0o700)
	os.WriteFile(idx, []byte("LODEIDX\nnot an index at all"), 0o600)
	stale := filepath.Join(filepath.Dir(idx), "."+filepath.Base(idx)+"-123456")
	os.WriteFile(stale, make([]byte, 2<<20), 0o600)

	var stderr syncBuffer
	e, _ := lsptest.Connect(t, serveIn(cache, &stderr), lsptest.Options{Folders: []string{dir}})
	e.WaitFor("a warning about the corrupt cache", func() bool { return shown(e, "could not be used") == 1 })
	e.WaitFor("the index saved again", func() bool {
		_, err := index.Load(idx)
		return err == nil
	})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the temporary file of a killed save is still there: %v", err)
	}
	if code, err := e.Shutdown(); err != nil || code != 0 {
		t.Fatalf("shutdown: %d, %v", code, err)
	}

	// The index's cache directory is a file: nothing can be saved.
	blocked := t.TempDir()
	os.MkdirAll(filepath.Join(blocked, "lode"), 0o700)
	os.WriteFile(filepath.Join(blocked, "lode", "index"), nil, 0o600)
	e, _ = lsptest.Connect(t, serveIn(blocked, &stderr), lsptest.Options{Folders: []string{dir}})
	e.WaitFor("a warning about the unwritable cache", func() bool { return shown(e, "cannot save the index") == 1 })
	if code, err := e.Shutdown(); err != nil || code != 0 {
		t.Fatalf("shutdown: %d, %v", code, err)
	}
	if n := shown(e, "cannot save the index"); n != 1 {
		t.Errorf("the unwritable cache was reported %d times, want once", n)
	}
}

// shown counts the messages shown to the user that contain s.
func shown(e *lsptest.Editor, s string) int {
	n := 0
	for _, m := range e.ShownMessages() {
		if strings.Contains(m.Message, s) {
			n++
		}
	}
	return n
}

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
