package workspace

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/lode-ls/lode/internal/testtree"
)

// collector gathers events until the wanted one arrives.
type collector chan Event

func (c collector) await(t *testing.T, path string, kind EventKind) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-c:
			if e.Path == path && e.Kind == kind {
				return
			}
		case <-timeout:
			t.Fatalf("no event %v for %s", kind, path)
		}
	}
}

func (c collector) none(t *testing.T, path string) {
	t.Helper()
	timeout := time.After(300 * time.Millisecond)
	for {
		select {
		case e := <-c:
			if e.Path == path {
				t.Fatalf("unexpected event %+v", e)
			}
		case <-timeout:
			return
		}
	}
}

// scanned returns a workspace of files, scanned once, and its root.
func scanned(t *testing.T, files map[string]string) (*Workspace, string) {
	t.Helper()
	w, root := newTestWorkspace(t, files)
	if _, err := w.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return w, root
}

// watched returns the root of a scanned workspace of files that is
// watched until the test ends, the events it reports and the watcher's
// warnings.
func watched(t *testing.T, files map[string]string) (root string, events collector, warned <-chan string) {
	t.Helper()
	w, root := scanned(t, files)
	events = make(collector, 100)
	w.Subscribe(func(e Event) { events <- e })
	warn := make(chan string, 1)
	w.Watch(context.Background(), func(msg string) { warn <- msg })
	t.Cleanup(w.StopWatching)
	return root, events, warn
}

func TestWatch(t *testing.T) {
	root, events, warned := watched(t, map[string]string{"a.go": "package a", "sub/b.go": "package sub"})
	write := func(name, content string) string { return testtree.File(t, root, name, content) }
	events.await(t, write("c.go", "package a"), Changed)
	events.await(t, write("sub/b.go", "package sub // edited"), Changed)
	// A new directory tree: the files below it are reported too.
	events.await(t, write("new/deep/d.go", "package deep"), Changed)
	events.await(t, write("new/deep/e.go", "package deep"), Changed)
	// Ignored and secret files are not reported.
	events.none(t, write(".env", "TOKEN=1"))
	// Deleting a directory reports its files.
	if err := os.RemoveAll(filepath.Join(root, "sub")); err != nil {
		t.Fatal(err)
	}
	events.await(t, filepath.Join(root, "sub", "b.go"), Deleted)
	// A new ignore rule makes a known file go away.
	write(".gitignore", "c.go\n")
	events.await(t, filepath.Join(root, "c.go"), Deleted)
	select {
	case msg := <-warned:
		t.Logf("watcher fell back to polling: %s", msg)
	default:
	}
}

func TestRescanAfterOverflow(t *testing.T) {
	w, root := scanned(t, map[string]string{"a.go": "package a", "b.go": "package b"})
	var got []Event
	w.Subscribe(func(e Event) { got = append(got, e) })
	os.Remove(filepath.Join(root, "a.go"))
	os.WriteFile(filepath.Join(root, "c.go"), []byte("package c"), 0o644)
	w.rescan(context.Background()) // what an overflow or a poll does
	want := []Event{{Path: filepath.Join(root, "a.go"), Kind: Deleted}, {Path: filepath.Join(root, "c.go"), Kind: Changed}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("rescan events = %v, want %v", got, want)
	}
}

func TestApplyWatched(t *testing.T) {
	w, root := scanned(t, map[string]string{"a.go": "package a"})
	var got []Event
	w.Subscribe(func(e Event) { got = append(got, e) })
	testtree.Write(t, root, map[string]string{"pkg/x.go": "package pkg", "key.pem": "pem", "b.go": "package a"})
	os.Remove(filepath.Join(root, "a.go"))
	w.ApplyWatched(context.Background(), []Event{
		{Path: filepath.Join(root, "pkg"), Kind: Changed},
		{Path: filepath.Join(root, "key.pem"), Kind: Changed},
		{Path: filepath.Join(root, "b.go"), Kind: Changed},
		{Path: filepath.Join(root, "a.go"), Kind: Deleted},
	})
	want := []Event{
		{Path: filepath.Join(root, "pkg", "x.go"), Kind: Changed},
		{Path: filepath.Join(root, "b.go"), Kind: Changed},
		{Path: filepath.Join(root, "a.go"), Kind: Deleted},
	}
	if len(got) != len(want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestIsLimit(t *testing.T) {
	if !isLimit(&os.SyscallError{Syscall: "inotify_add_watch", Err: syscall.ENOSPC}) {
		t.Error("ENOSPC from inotify_add_watch is not a limit")
	}
	if isLimit(os.ErrNotExist) {
		t.Error("ErrNotExist is a limit")
	}
}

func TestWatchFallsBackToPolling(t *testing.T) {
	oldPoll, oldNew := pollInterval, newNotifier
	pollInterval = 20 * time.Millisecond
	newNotifier = func() (*fsnotify.Watcher, error) {
		return nil, &os.SyscallError{Syscall: "inotify_init1", Err: syscall.EMFILE}
	}
	// A cleanup, not a defer: the poller reads them until the watching
	// stops, in watched's cleanup, which runs first.
	t.Cleanup(func() { pollInterval, newNotifier = oldPoll, oldNew })

	root, events, warned := watched(t, map[string]string{"a.go": "package a"})
	select {
	case <-warned:
	case <-time.After(5 * time.Second):
		t.Fatal("no warning when the watcher is unavailable")
	}
	p := filepath.Join(root, "b.go")
	os.WriteFile(p, []byte("package a"), 0o644)
	events.await(t, p, Changed)
}
