package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/testtree"
)

// postScanLinks creates, after the first scan, a symlink to a directory
// outside the workspace, a symlink back to the root, and a symlink to a
// file outside; it returns them.
func postScanLinks(t *testing.T, root, outside string) (out, loop, outFile string) {
	t.Helper()
	out, loop, outFile = filepath.Join(root, "out"), filepath.Join(root, "loop"), filepath.Join(root, "passwd.go")
	for link, target := range map[string]string{out: outside, loop: root, outFile: filepath.Join(outside, "passwd.go")} {
		if err := os.Symlink(target, link); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
	}
	return out, loop, outFile
}

// confinedEvent reports an event for a path that is not a file of the
// workspace by its real name.
func confinedEvent(root, outside string, e Event) bool {
	return strings.HasPrefix(e.Path, outside) || strings.Contains(e.Path, "/out/") ||
		strings.Contains(e.Path, "/loop/") || strings.HasSuffix(e.Path, "passwd.go")
}

// TestWatchSymlinksAfterScan: lode's own watcher never follows a symlink
// created after the first scan, to outside the workspace or back to it.
func TestWatchSymlinksAfterScan(t *testing.T) {
	outside := t.TempDir()
	testtree.Write(t, outside, map[string]string{"passwd.go": "root:x:0:0", "nsswitch.conf": "passwd: files", "sub/pg.go": "password=hunter2"})
	w, root := newTestWorkspace(t, map[string]string{"a.go": "package a", "sub/b.go": "package sub"})
	if _, err := w.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	events := make(collector, 100)
	w.Subscribe(func(e Event) { events <- e })
	w.Watch(context.Background(), nil)
	defer w.StopWatching()

	out, loop, outFile := postScanLinks(t, root, outside)
	// The sentinel sorts after the links: once it is reported, anything the
	// links would have caused has been reported too.
	sentinel := filepath.Join(root, "zz.go")
	os.WriteFile(sentinel, []byte("package a"), 0o644)
	var seen []Event
	for e := range events {
		seen = append(seen, e)
		if e.Path == sentinel {
			break
		}
	}
	for _, e := range seen {
		if confinedEvent(root, outside, e) {
			t.Errorf("event through a symlink: %+v", e)
		}
	}
	// A write inside the outside directory is not seen either, nor can the
	// files be read through the links.
	for _, p := range []string{filepath.Join(out, "passwd.go"), filepath.Join(out, "sub", "pg.go"), filepath.Join(loop, "a.go"), outFile} {
		if data, err := w.ReadFile(p); err == nil {
			t.Errorf("ReadFile(%s) = %q", p, data)
		}
	}
	// A directory replaced by a symlink to outside: its files are forgotten.
	if err := os.Rename(filepath.Join(root, "sub"), filepath.Join(outside, "moved")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "moved"), filepath.Join(root, "sub")); err != nil {
		t.Fatal(err)
	}
	events.await(t, filepath.Join(root, "sub", "b.go"), Deleted)
	if w.Allowed(filepath.Join(root, "sub", "b.go")) {
		t.Error("a file under a directory replaced by a symlink is allowed")
	}
}

// TestApplyWatchedSymlinks: the same, when the editor reports the changes
// (workspace/didChangeWatchedFiles), including files under the links.
func TestApplyWatchedSymlinks(t *testing.T) {
	outside := t.TempDir()
	testtree.Write(t, outside, map[string]string{"passwd.go": "root:x:0:0", "sub/pg.go": "password=hunter2"})
	w, root := newTestWorkspace(t, map[string]string{"a.go": "package a"})
	if _, err := w.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []Event
	w.Subscribe(func(e Event) { got = append(got, e) })
	out, loop, outFile := postScanLinks(t, root, outside)
	w.ApplyWatched(context.Background(), []Event{
		{Path: out, Kind: Changed},
		{Path: filepath.Join(out, "passwd.go"), Kind: Changed},
		{Path: filepath.Join(out, "sub", "pg.go"), Kind: Changed},
		{Path: loop, Kind: Changed},
		{Path: filepath.Join(loop, "a.go"), Kind: Changed},
		{Path: outFile, Kind: Changed},
	})
	if len(got) != 0 {
		t.Errorf("events through symlinks: %v", got)
	}
	// A rescan (after an overflow, or polling) does not follow them either.
	w.rescan(context.Background())
	for _, e := range got {
		if confinedEvent(root, outside, e) {
			t.Errorf("rescan event through a symlink: %+v", e)
		}
	}
}

// TestOutsideDocument: a document outside every folder is read while it is
// open and forgotten when it is closed; its disk file is never read.
func TestOutsideDocument(t *testing.T) {
	outside := t.TempDir()
	p := filepath.Join(outside, "notes.go")
	testtree.Write(t, outside, map[string]string{"notes.go": "on disk"})
	w, _ := newTestWorkspace(t, map[string]string{"a.go": "package a"})
	var got []Event
	w.Subscribe(func(e Event) { got = append(got, e) })
	if data, err := w.ReadFile(p); err == nil {
		t.Errorf("ReadFile(outside, never opened) = %q", data)
	}
	w.Open(&Document{Path: p, Version: 1, Text: text.New("in the editor")})
	if data, err := w.ReadFile(p); err != nil || string(data) != "in the editor" {
		t.Errorf("ReadFile(outside, open) = %q, %v", data, err)
	}
	w.Close(p)
	if data, err := w.ReadFile(p); err == nil {
		t.Errorf("ReadFile(outside, closed) = %q: re-read from disk", data)
	}
	if last := got[len(got)-1]; last != (Event{Path: p, Kind: Deleted}) {
		t.Errorf("closing an outside document reported %+v, want it deleted", last)
	}
}
