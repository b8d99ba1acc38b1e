package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long a burst of events gathers before it is handled.
const debounce = 50 * time.Millisecond

// Variables so that tests can force and speed up the polling fallback.
var (
	pollInterval = 5 * time.Second // the fallback when inotify is unavailable
	newNotifier  = fsnotify.NewWatcher
)

// watcher follows changes on disk, through fsnotify or, failing that, by
// polling.
type watcher struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Watch starts following changes to the files of the workspace folders on
// disk, through a recursive fsnotify watcher (one watch per directory), and
// reports them to subscribers. When the system refuses watches (inotify
// limits), warn is called once and the workspace polls every few seconds
// instead; Watch never fails for that reason. Call it after Scan; it
// returns once the watches are in place (which takes a walk of the
// folders) and replaces a running watcher. The watcher stops when ctx is
// done or at StopWatching.
//
// Servers whose client watches files itself (LSP didChangeWatchedFiles with
// dynamic registration) call ApplyWatched instead.
func (w *Workspace) Watch(ctx context.Context, warn func(msg string)) {
	w.StopWatching()
	ctx, cancel := context.WithCancel(ctx)
	wt := &watcher{cancel: cancel, done: make(chan struct{})}
	w.watchMu.Lock()
	w.watch = wt
	w.watchMu.Unlock()
	if warn == nil {
		warn = func(string) {}
	}
	fw, err := w.startNotify(ctx)
	go func() {
		defer close(wt.done)
		if err == nil {
			err = w.notifyLoop(ctx, fw)
		}
		if err != nil && ctx.Err() == nil {
			warn(fmt.Sprintf("lode: file watcher unavailable (%v); polling every %s instead. "+
				"On Linux, raise fs.inotify.max_user_watches to watch instead.", err, pollInterval))
			w.pollLoop(ctx)
		}
	}()
}

// StopWatching stops the watcher started by Watch and waits for it.
func (w *Workspace) StopWatching() {
	w.watchMu.Lock()
	wt := w.watch
	w.watch = nil
	w.watchMu.Unlock()
	if wt != nil {
		wt.cancel()
		<-wt.done
	}
}

// startNotify creates the fsnotify watcher with a watch on every
// directory that a scan enters.
func (w *Workspace) startNotify(ctx context.Context) (*fsnotify.Watcher, error) {
	fw, err := newNotifier()
	if err != nil {
		return nil, err
	}
	for _, root := range w.Folders() {
		for _, dir := range w.walkDirs(ctx, root, root) {
			// Other errors mean the directory went away meanwhile.
			if err := fw.Add(dir); err != nil && isLimit(err) {
				fw.Close()
				return nil, err
			}
		}
	}
	return fw, nil
}

// notifyLoop runs the fsnotify watcher until ctx is done, and closes it.
// It returns an error when watching becomes impossible, so that the caller
// polls instead.
func (w *Workspace) notifyLoop(ctx context.Context, fw *fsnotify.Watcher) error {
	defer fw.Close()
	pending := make(map[string]fsnotify.Op)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			if len(pending) == 0 {
				timer.Reset(debounce)
			}
			pending[ev.Name] |= ev.Op
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.rescan(ctx)
				clear(pending)
			}
		case <-timer.C:
			if err := w.handleNotify(ctx, fw, pending); err != nil {
				return err
			}
			clear(pending)
		}
	}
}

// handleNotify applies a debounced batch of fsnotify events.
func (w *Workspace) handleNotify(ctx context.Context, fw *fsnotify.Watcher, pending map[string]fsnotify.Op) error {
	paths := make([]string, 0, len(pending))
	for p := range pending {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		op := pending[p]
		if w.forgetPatterns(p) {
			w.rescan(ctx)
			return nil
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil || op.Has(fsnotify.Remove) && !op.Has(fsnotify.Create):
			w.removeUnder(p)
		case fi.IsDir():
			root := w.folderOf(p)
			if root == "" || w.excludedDir(p) || w.ignored(root, p, true) {
				continue
			}
			if !w.confinedDir(root, p) {
				w.removeUnder(p) // a symlink now, or under one: never followed
				continue
			}
			// A new directory: watch it and everything below, then
			// report the files already in it (they may predate the watch).
			for _, dir := range w.walkDirs(ctx, root, p) {
				if err := fw.Add(dir); err != nil && isLimit(err) {
					return err
				}
			}
			w.addUnder(ctx, root, p)
		case op.Has(fsnotify.Create) || op.Has(fsnotify.Write):
			w.fileChanged(p, fi)
		}
	}
	return nil
}

// isLimit reports an error that means the system will not give more
// watches (inotify's max_user_watches or max_user_instances).
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// pollLoop rescans the folders periodically until ctx is done.
func (w *Workspace) pollLoop(ctx context.Context) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.rescan(ctx)
		}
	}
}

// walkDirs returns dir and the directories below it that a scan enters.
func (w *Workspace) walkDirs(ctx context.Context, root, dir string) []string {
	s := scanner{w: w, ctx: ctx, visited: make(map[string]bool)}
	s.dir(root, dir)
	return s.dirs
}

// rescan walks every folder again and reports what changed since the last
// scan: after an event overflow, a change of ignore rules, or a poll.
func (w *Workspace) rescan(ctx context.Context) {
	now := make(map[string]fileStat)
	for _, root := range w.Folders() {
		s := scanner{w: w, ctx: ctx, visited: make(map[string]bool)}
		if s.dir(root, root) != nil {
			return // cancelled: keep the old state
		}
		for _, f := range s.files {
			now[f.Path] = fileStat{f.Size, f.ModTime}
		}
	}
	var events []Event
	w.filesMu.Lock()
	for p, st := range now {
		if old, ok := w.files[p]; !ok || old != st {
			events = append(events, Event{Path: p, Kind: Changed})
		}
	}
	for p := range w.files {
		if _, ok := now[p]; !ok {
			events = append(events, Event{Path: p, Kind: Deleted})
		}
	}
	w.files = now
	w.filesMu.Unlock()
	slices.SortFunc(events, func(a, b Event) int { return strings.Compare(a.Path, b.Path) })
	for _, e := range events {
		w.notify(e)
	}
}

// addUnder reports the allowed files below a new directory.
func (w *Workspace) addUnder(ctx context.Context, root, dir string) {
	s := scanner{w: w, ctx: ctx, visited: make(map[string]bool)}
	s.dir(root, dir)
	for _, f := range s.files {
		w.filesMu.Lock()
		old, ok := w.files[f.Path]
		st := fileStat{f.Size, f.ModTime}
		w.files[f.Path] = st
		w.filesMu.Unlock()
		if !ok || old != st {
			w.notify(Event{Path: f.Path, Kind: Changed})
		}
	}
}

// removeUnder forgets path and, if it was a directory, every file below.
func (w *Workspace) removeUnder(path string) {
	w.forget(func(p string) bool { return within(path, p) })
}

// forget removes the known files for which gone is true, and tells the
// subscribers, in path order.
func (w *Workspace) forget(gone func(path string) bool) {
	var paths []string
	w.filesMu.Lock()
	for p := range w.files {
		if gone(p) {
			paths = append(paths, p)
			delete(w.files, p)
		}
	}
	w.filesMu.Unlock()
	slices.Sort(paths)
	for _, p := range paths {
		w.notify(Event{Path: p, Kind: Deleted})
	}
}

// fileChanged records a created or modified file, if it may be read.
func (w *Workspace) fileChanged(path string, fi os.FileInfo) {
	if !w.Allowed(path) {
		w.removeUnder(path) // it may have become ignored or too large
		return
	}
	w.filesMu.Lock()
	w.files[path] = fileStat{fi.Size(), fi.ModTime()}
	w.filesMu.Unlock()
	w.notify(Event{Path: path, Kind: Changed})
}

// ApplyWatched applies file events that the editor reported (LSP
// workspace/didChangeWatchedFiles), in order: events for ignored or
// secret files are dropped, a created directory is scanned, a changed
// ignore file triggers a rescan.
func (w *Workspace) ApplyWatched(ctx context.Context, events []Event) {
	for _, e := range events {
		p := filepath.Clean(e.Path)
		if w.forgetPatterns(p) {
			w.rescan(ctx)
			continue
		}
		fi, err := os.Stat(p)
		switch {
		case e.Kind == Deleted || err != nil:
			w.removeUnder(p)
		case fi.IsDir():
			root := w.folderOf(p)
			switch {
			case root == "" || w.excludedDir(p) || w.ignored(root, p, true):
			case !w.confinedDir(root, p):
				w.removeUnder(p) // a symlink now, or under one: never followed
			default:
				w.addUnder(ctx, root, p)
			}
		default:
			w.fileChanged(p, fi)
		}
	}
}
