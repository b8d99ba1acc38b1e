package retrieve

import (
	"slices"
	"strings"
	"sync"

	"github.com/lode-ls/lode/context/text"
)

// edit is a range of lines changed recently in an open document.
type edit struct {
	path        string
	first, last int // zero-based, inclusive, in the document's latest content
}

// edits remembers the latest edited ranges of open documents. An edit next
// to the previous one in the same document extends it, so typing a
// function leaves one range, not one per keystroke. Edits are compared
// when the ranges are asked for, not as they come: a burst of keystrokes
// costs one comparison of the document, not one per keystroke, and none on
// the path of the editor's notifications.
type edits struct {
	max int

	mu      sync.Mutex
	content map[string]string // each open document's content as last compared
	pending map[string]string // its newer content, not compared yet
	order   []string          // the paths in pending, by their latest change
	ranges  []edit            // oldest first
	diffs   int               // comparisons made, for tests
}

func newEdits(max int) *edits {
	return &edits{max: max, content: make(map[string]string), pending: make(map[string]string)}
}

// observe records the new content of an open document.
func (e *edits) observe(path, now string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, seen := e.content[path]; !seen {
		e.content[path] = now // opening a document is not an edit
		return
	}
	e.pending[path] = now
	e.order = append(slices.DeleteFunc(e.order, func(p string) bool { return p == path }), path)
}

// compareLocked compares the pending contents with the last ones, in the
// order they changed, and records the changed ranges. e.mu is held.
func (e *edits) compareLocked() {
	for _, path := range e.order {
		e.compare(path, e.pending[path])
	}
	clear(e.pending)
	e.order = e.order[:0]
}

func (e *edits) compare(path, now string) {
	old := e.content[path]
	e.content[path] = now
	if old == now {
		return
	}
	e.diffs++
	first, last, delta := changedLines(old, now)
	// Earlier ranges below the change move with it.
	for i := range e.ranges {
		if r := &e.ranges[i]; r.path == path && r.first > last {
			r.first += delta
			r.last += delta
		}
	}
	if n := len(e.ranges); n > 0 {
		if r := &e.ranges[n-1]; r.path == path && first <= r.last+2 && last >= r.first-2 {
			r.first, r.last = min(r.first, first), max(r.last+max(delta, 0), last)
			return
		}
	}
	e.ranges = append(e.ranges, edit{path: path, first: first, last: last})
	if len(e.ranges) > e.max {
		e.ranges = slices.Delete(e.ranges, 0, len(e.ranges)-e.max)
	}
}

// closed drops the content kept for a document that was closed; its
// ranges stay.
func (e *edits) closed(path string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.compareLocked()
	delete(e.content, path)
}

// forget drops what is known of path.
func (e *edits) forget(path string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.compareLocked()
	delete(e.content, path)
	e.ranges = slices.DeleteFunc(e.ranges, func(r edit) bool { return r.path == path })
}

// list returns the edited ranges, newest first.
func (e *edits) list() []edit {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.compareLocked()
	out := slices.Clone(e.ranges)
	slices.Reverse(out)
	return out
}

// files returns the documents edited recently.
func (e *edits) files() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.compareLocked()
	var out []string
	for _, r := range e.ranges {
		if !slices.Contains(out, r.path) {
			out = append(out, r.path)
		}
	}
	return out
}

// changedLines returns the lines of now that differ from old (between
// their common prefix and suffix) and how many lines now has more.
func changedLines(old, now string) (first, last, delta int) {
	c := text.Diff(old, now)
	first, last = c.StartPoint.Row, c.NewEndPoint.Row
	if span := now[c.StartByte:c.NewEndByte]; strings.HasSuffix(span, "\n") {
		last = max(first, last-1) // an inserted line ends on its own line
	}
	delta = strings.Count(now, "\n") - strings.Count(old, "\n")
	return first, last, delta
}
