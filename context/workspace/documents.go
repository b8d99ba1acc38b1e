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
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

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

// Large reports whether doc gets the cheap path of a document too big to
// work on whole: over the size limit (Options.MaxFileSize), binary, or
// minified. Such a document is neither indexed nor learned, never parsed
// whole, and a request on it reads a Window around its cursor. These are
// the rules a file on disk obeys (ReadFile refuses it), applied to the
// editor's text, which may be unsaved and may be of any size.
func (w *Workspace) Large(doc *Document) bool {
	return w.checkDocument(doc) != nil
}

// LargeContent is Large for content that is not an open document (a
// command's file, read whole).
func (w *Workspace) LargeContent(content string) bool {
	return w.checkContent("", content) != nil
}

// checkDocument returns why doc may not be read whole (ErrTooLarge,
// ErrBinary), or nil.
func (w *Workspace) checkDocument(doc *Document) error {
	return w.checkContent(doc.Path, doc.Text.String())
}

func (w *Workspace) checkContent(path, s string) error {
	switch {
	case int64(len(s)) > w.options().maxFileSize():
		return fmt.Errorf("%w: %s (open, %d bytes)", ErrTooLarge, path, len(s))
	case strings.IndexByte(s[:min(len(s), binarySample)], 0) >= 0:
		return fmt.Errorf("%w: %s (open)", ErrBinary, path)
	case minified(s):
		return fmt.Errorf("%w: %s (open, minified)", ErrTooLarge, path)
	}
	return nil
}

// readDocument returns the content of an open document, under the rules
// of files on disk.
func (w *Workspace) readDocument(doc *Document) ([]byte, error) {
	if err := w.checkDocument(doc); err != nil {
		return nil, err
	}
	return []byte(doc.Text.String()), nil
}

const (
	// binarySample is how much of a file's start is searched for the
	// NUL byte that tells binary content.
	binarySample = 8000
	// minifiedSample is how much of a text is read to tell minified code
	// (a bundle, generated data on one line); minifiedLine is the average
	// line length, in bytes, above which it is. Hand-written code
	// averages under 40; a sample on a single line is minified.
	minifiedSample = 64 << 10
	minifiedLine   = 400
)

// minified reports whether s looks minified: its lines, over its first
// minifiedSample bytes, average more than minifiedLine bytes. A text
// shorter than a few such lines is never minified: it costs nothing to
// work on whole.
func minified(s string) bool {
	if len(s) < 4*minifiedLine {
		return false
	}
	sample := s[:min(len(s), minifiedSample)]
	return len(sample) > minifiedLine*(strings.Count(sample, "\n")+1)
}

// Window sizes: a request on a Large document reads windowBefore bytes
// before its cursor and windowAfter after it, to the enclosing line
// boundaries, and the window's ends move in steps of windowStep.
const (
	windowBefore = 48 << 10
	windowAfter  = 16 << 10
	windowStep   = 16 << 10
	// windowSnap is how far a window's end moves to reach a line
	// boundary; past it (a minified line) the window cuts the line.
	windowSnap = 4 << 10
)

// Window returns the part of s around byte offset off that a request on
// a Large document works on, and the offset in s where it starts. Its
// ends are fixed by the text before its start and after its end alone, on
// a grid of windowStep bytes counted from each end of s: typing at the
// cursor leaves them in place, so that the window's next version differs
// from the last one by the edit alone (an incremental reparse, a cache
// that types through). It cuts on line boundaries where they are near,
// else on rune boundaries. The window is a copy: what keeps it does not
// keep s.
func Window(s string, off int) (window string, base int) {
	off = max(0, min(off, len(s)))
	start := max(0, (off-windowBefore)/windowStep*windowStep)
	tail := max(0, (len(s)-off-windowAfter)/windowStep*windowStep)
	end := len(s) - tail
	if start > 0 {
		if i := strings.IndexByte(s[start:min(off, start+windowSnap)], '\n'); i >= 0 {
			start += i + 1
		}
		for start < off && !utf8.RuneStart(s[start]) {
			start++
		}
	}
	if end < len(s) {
		if i := strings.LastIndexByte(s[max(off, end-windowSnap):end], '\n'); i >= 0 {
			end = max(off, end-windowSnap) + i + 1
		}
		for end > off && !utf8.RuneStart(s[end]) {
			end--
		}
	}
	return strings.Clone(s[start:end]), start
}
