package nextedit

import (
	"strings"
	"sync"
)

// Hunk is one edit the user made to a document: Old, at byte offset Start
// of the text before it, became New. Keystrokes that touch the same region
// are one hunk.
type Hunk struct {
	Path     string
	Start    int
	Old, New string
	Version  int32 // the document's version once the hunk was made
	// Line is the zero-based line of Start; Head and Tail are the rest of
	// the first and last lines the hunk touches, before Start and after
	// its end (the same before and after it), so that the hunk reads as
	// whole lines in a diff: Head+Old+Tail became Head+New+Tail.
	Line       int
	Head, Tail string
}

// HistoryOptions bounds a History; zero values take the defaults.
type HistoryOptions struct {
	PerDocument int // hunks kept per document; default 8
	Workspace   int // hunks kept across the workspace; default 32
}

// History keeps the recent hunks, per document and across the workspace,
// in memory. A document's hunks are dropped when it is closed. It is safe
// for concurrent use; Observe and Forget are cheap enough to run on the
// goroutine that applies the editor's changes.
type History struct {
	opts HistoryOptions

	mu     sync.Mutex
	docs   map[string]*docHistory
	recent []Hunk // across the workspace, oldest first
}

// docHistory is what History knows of one open document.
type docHistory struct {
	text    string
	version int32
	hunks   []Hunk // oldest first; the last may still grow
	base    string // the text before the last hunk began
	rs, re  int    // the last hunk's region of text
	open    bool   // the last hunk may still grow
}

// NewHistory returns an empty History.
func NewHistory(opts HistoryOptions) *History {
	if opts.PerDocument <= 0 {
		opts.PerDocument = 8
	}
	if opts.Workspace <= 0 {
		opts.Workspace = 32
	}
	return &History{opts: opts, docs: make(map[string]*docHistory)}
}

// Observe records that the document at path now reads text, at version.
// The first observation of a document is its baseline and makes no hunk.
func (h *History) Observe(path string, version int32, text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.docs[path]
	if d == nil {
		h.docs[path] = &docHistory{text: text, version: version}
		return
	}
	if d.text == text {
		d.version = version
		return
	}
	start, oldEnd, newEnd := diffBounds(d.text, text)
	grew := false
	if n := len(d.hunks); n > 0 && d.open && start <= d.re && oldEnd >= d.rs {
		grew = true
		// The change grows the last hunk: its region takes the change in,
		// and what lies outside the region is as it was in base.
		rs, re := min(d.rs, start), newEnd
		if d.re > oldEnd {
			re = d.re + newEnd - oldEnd
		}
		tail := len(text) - re
		d.hunks[n-1] = lines(Hunk{Path: path, Start: rs, Old: strings.Clone(d.base[rs : len(d.base)-tail]), New: strings.Clone(text[rs:re]), Version: version}, text, re)
		d.rs, d.re = rs, re
		if d.hunks[n-1].Old == d.hunks[n-1].New {
			d.hunks = d.hunks[:n-1] // typed and undone: nothing happened
			d.open = false
			if r := len(h.recent); r > 0 && h.recent[r-1].Path == path {
				h.recent = h.recent[:r-1]
			}
		}
	} else {
		d.base = d.text
		d.hunks = append(d.hunks, lines(Hunk{Path: path, Start: start, Old: strings.Clone(d.text[start:oldEnd]), New: strings.Clone(text[start:newEnd]), Version: version}, text, newEnd))
		d.rs, d.re, d.open = start, newEnd, true
		if len(d.hunks) > h.opts.PerDocument {
			d.hunks = d.hunks[len(d.hunks)-h.opts.PerDocument:]
		}
	}
	d.text, d.version = text, version
	if n := len(d.hunks); n > 0 && d.open {
		h.push(d.hunks[n-1], grew)
	}
}

// A hunk's texts are copies (Old, New, Head and Tail): a slice of the
// document's text would keep that version of it, however large, as long
// as the hunk is kept.

// maxLineContext bounds Head and Tail: a minified file's line is not
// worth keeping whole.
const maxLineContext = 256

// lines fills in where the hunk h lies in text, the document it made,
// where its new text ends at end.
func lines(h Hunk, text string, end int) Hunk {
	h.Line = strings.Count(text[:h.Start], "\n")
	head := text[strings.LastIndexByte(text[:h.Start], '\n')+1 : h.Start]
	tail := text[end:]
	if i := strings.IndexByte(tail, '\n'); i >= 0 {
		tail = tail[:i]
	}
	h.Head = strings.Clone(head[len(head)-min(len(head), maxLineContext):])
	h.Tail = strings.Clone(tail[:min(len(tail), maxLineContext)])
	return h
}

// push records hk as the workspace's latest hunk, replacing the previous
// one of its document when hk grew it. h.mu is held.
func (h *History) push(hk Hunk, grew bool) {
	if n := len(h.recent); n > 0 && grew && h.recent[n-1].Path == hk.Path {
		h.recent[n-1] = hk
		return
	}
	h.recent = append(h.recent, hk)
	if len(h.recent) > h.opts.Workspace {
		h.recent = h.recent[len(h.recent)-h.opts.Workspace:]
	}
}

// Forget drops what History knows of the document at path (closed).
func (h *History) Forget(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.docs, path)
	kept := h.recent[:0]
	for _, x := range h.recent {
		if x.Path != path {
			kept = append(kept, x)
		}
	}
	clear(h.recent[len(kept):])
	h.recent = kept
}

// Last returns the latest hunk of the document at path and the text it
// made, if the document is at version.
func (h *History) Last(path string, version int32) (Hunk, string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.docs[path]
	if d == nil || d.version != version || len(d.hunks) == 0 {
		return Hunk{}, "", false
	}
	return d.hunks[len(d.hunks)-1], d.text, true
}

// Document returns the document's recent hunks, oldest first.
func (h *History) Document(path string) []Hunk {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d := h.docs[path]; d != nil {
		return append([]Hunk(nil), d.hunks...)
	}
	return nil
}

// Recent returns the workspace's recent hunks, oldest first.
func (h *History) Recent() []Hunk {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Hunk(nil), h.recent...)
}

// diffBounds returns the region where a and b differ: a[start:aEnd] became
// b[start:bEnd].
func diffBounds(a, b string) (start, aEnd, bEnd int) {
	// Whole chunks first (a string comparison is a vector compare): a
	// keystroke in a large document costs microseconds, not a byte loop
	// over all of it.
	const chunk = 256
	n := min(len(a), len(b))
	for start+chunk <= n && a[start:start+chunk] == b[start:start+chunk] {
		start += chunk
	}
	for start < n && a[start] == b[start] {
		start++
	}
	aEnd, bEnd = len(a), len(b)
	for aEnd-chunk >= start && bEnd-chunk >= start && a[aEnd-chunk:aEnd] == b[bEnd-chunk:bEnd] {
		aEnd -= chunk
		bEnd -= chunk
	}
	for aEnd > start && bEnd > start && a[aEnd-1] == b[bEnd-1] {
		aEnd--
		bEnd--
	}
	return start, aEnd, bEnd
}
