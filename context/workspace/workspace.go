package workspace

import (
	"sync"
	"time"
)

// EventKind says what happened to a file.
type EventKind int

const (
	Changed EventKind = iota // created or modified
	Deleted
)

// Event reports that the content of a file may have changed.
type Event struct {
	Path string
	Kind EventKind
	Open bool // the event comes from an open document
}

// Workspace is the set of workspace folders and open documents. It is safe
// for concurrent use.
type Workspace struct {
	docs documents

	subsMu sync.Mutex
	subs   []func(Event)

	foldersMu sync.RWMutex
	folders   []string // absolute, cleaned; real (symlinks resolved) in realRoots
	realRoots []string
	opts      Options

	// ignoreMu guards the patterns read from each directory's ignore
	// files, keyed by absolute directory; nil means "read, none".
	ignoreMu sync.Mutex
	ignore   map[string]patterns

	// filesMu guards the files found by the last scan and the watcher,
	// which the watcher and the poller diff against.
	filesMu sync.Mutex
	files   map[string]fileStat

	watchMu sync.Mutex
	watch   *watcher
}

// fileStat is what a scan remembers of a file to notice a change.
type fileStat struct {
	size    int64
	modTime time.Time
}

// New returns an empty Workspace.
func New() *Workspace {
	return &Workspace{
		docs:   documents{open: make(map[string]*Document)},
		ignore: make(map[string]patterns),
		files:  make(map[string]fileStat),
	}
}

// Subscribe registers f to be called, synchronously and in order, after
// each change. f must not block.
func (w *Workspace) Subscribe(f func(Event)) {
	w.subsMu.Lock()
	w.subs = append(w.subs, f)
	w.subsMu.Unlock()
}

func (w *Workspace) notify(e Event) {
	w.subsMu.Lock()
	subs := w.subs
	w.subsMu.Unlock()
	for _, f := range subs {
		f(e)
	}
}
