// Package workspace is lode's view of the files it works on: the documents
// the editor has open (with their versions), the files on disk under the
// workspace folders, the rules that keep ignored and secret files out, and
// the watcher that keeps it current.
//
// The main types are Workspace, Document and File. Package workspace
// depends on context/text and the standard library (plus fsnotify for the
// watcher); it knows nothing of LSP.
package workspace

import (
	"sync"

	"github.com/lode-ls/lode/context/text"
)

// Document is one open document at one version. It is immutable.
type Document struct {
	Path       string // absolute, cleaned file path
	LanguageID string // as the editor named it; may be empty
	Version    int32
	Text       *text.Text
}

// documents is the set of open documents, keyed by path.
type documents struct {
	mu   sync.RWMutex
	open map[string]*Document
}

// Open records an opened document, replacing any earlier one at path.
func (w *Workspace) Open(doc *Document) {
	w.docs.mu.Lock()
	w.docs.open[doc.Path] = doc
	w.docs.mu.Unlock()
	w.notify(Event{Path: doc.Path, Kind: Changed, Open: true})
}

// Update replaces the open document at doc.Path.
func (w *Workspace) Update(doc *Document) {
	w.Open(doc)
}

// Close forgets the open document at path; the disk file takes over,
// unless it is outside every workspace folder: then it is forgotten
// (subscribers see it deleted).
func (w *Workspace) Close(path string) {
	w.docs.mu.Lock()
	delete(w.docs.open, path)
	w.docs.mu.Unlock()
	kind := Changed
	if w.folderOf(path) == "" {
		kind = Deleted
	}
	w.notify(Event{Path: path, Kind: kind})
}

// Document returns the open document at path.
func (w *Workspace) Document(path string) (*Document, bool) {
	w.docs.mu.RLock()
	defer w.docs.mu.RUnlock()
	d, ok := w.docs.open[path]
	return d, ok
}

// OpenDocuments returns the open documents, in no particular order.
func (w *Workspace) OpenDocuments() []*Document {
	w.docs.mu.RLock()
	defer w.docs.mu.RUnlock()
	out := make([]*Document, 0, len(w.docs.open))
	for _, d := range w.docs.open {
		out = append(out, d)
	}
	return out
}
