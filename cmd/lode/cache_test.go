package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
