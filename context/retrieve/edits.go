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
// function leaves one range, not one per keystroke.
type edits struct {
	max int

	mu      sync.Mutex
	content map[string]string // each open document's last content
	ranges  []edit            // oldest first
}

func newEdits(max int) *edits {
	return &edits{max: max, content: make(map[string]string)}
}

// observe records the new content of an open document.
func (e *edits) observe(path, now string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	old, seen := e.content[path]
	e.content[path] = now
	if !seen || old == now {
		return // opening a document is not an edit
	}
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
	delete(e.content, path)
	e.mu.Unlock()
}

// forget drops what is known of path.
func (e *edits) forget(path string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.content, path)
	e.ranges = slices.DeleteFunc(e.ranges, func(r edit) bool { return r.path == path })
}

// list returns the edited ranges, newest first.
func (e *edits) list() []edit {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := slices.Clone(e.ranges)
	slices.Reverse(out)
	return out
}

// files returns the documents edited recently.
func (e *edits) files() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
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
