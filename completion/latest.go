package completion

import (
	"strings"
	"time"
)

// maxTypeAhead bounds how far, in bytes, typing may run ahead of a shown
// completion or an in-flight call and still be answered from it.
const maxTypeAhead = 256

// docState is what the engine remembers of one document, guarded by
// Engine.mu.
type docState struct {
	t *ticket // the latest request

	text string // document and cursor of the latest request
	off  int

	shown *shown // the items last answered, for type-through
}

// shown is a set of items answered for one document state.
type shown struct {
	path     string
	text     string
	off      int
	items    []Item
	at       time.Time
	prompt   string // hash, for the feedback log
	timing   Timing
	accepted bool // guarded by Engine.mu
}

// ticket is one request's registration as the latest of its document.
type ticket struct {
	seq  uint64
	key  string        // surface and path
	done chan struct{} // closed when superseded
	held *flight       // the call this request holds a reference to; guarded by Engine.mu
	// keep is set when the request answered without waiting for held: the
	// reference stays, for the next request to take over (see begin),
	// instead of being dropped when the request ends. Guarded by Engine.mu.
	keep bool

	deleted bool    // the request follows a deletion at the cursor
	typed   string  // text typed since adopt's prompt was written, when adopt is set
	adopt   *flight // the previous request's call, handed over to this request
	through string  // text typed since shown was answered
	shown   *shown  // the previous items, when this request typed through them
}

// begin registers a request for key (surface and path) as the latest
// one. The previous request is answered empty; its model call is handed
// over to this request when this one only typed ahead of the document the
// call's prompt was written for (and the call is running, or answered
// after the previous request stopped waiting for it); else its reference
// is dropped here and now, which aborts the call at once unless another
// request shares it.
func (e *Engine) begin(key, doc string, off int) *ticket {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	t := &ticket{seq: e.seq, key: key, done: make(chan struct{})}
	st := e.docs[key]
	if st == nil {
		st = &docState{}
		e.docs[key] = st
	}
	if prev := st.t; prev != nil {
		close(prev.done)
		t.deleted = deletedAt(st.text, st.off, doc, off)
		if f := prev.held; f != nil {
			prev.held = nil
			if typed, ok := typedAhead(f.doc, f.off, doc, off); ok && f.answered() {
				t.typed, t.adopt, t.held = typed, f, f
			} else {
				e.releaseLocked(f)
			}
		}
	}
	if sh := st.shown; sh != nil {
		if typed, ok := typedAhead(sh.text, sh.off, doc, off); ok && sh.match(typed) {
			t.through, t.shown = typed, sh
		} else {
			if !sh.accepted {
				e.feedback.event("rejected", sh, "", time.Since(sh.at))
			}
			st.shown = nil
		}
	}
	st.t, st.text, st.off = t, doc, off
	return t
}

// end drops the call reference t still holds, unless t keeps it.
func (e *Engine) end(t *ticket) {
	e.mu.Lock()
	if f := t.held; f != nil && !t.keep {
		t.held = nil
		e.releaseLocked(f)
	}
	e.mu.Unlock()
}

// keep makes t keep its reference to f when it ends, for the next
// request of the document to take over. It reports false when a newer
// request took the reference already (t is superseded).
func (e *Engine) keep(t *ticket, f *flight) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t.held != f || f == nil {
		return false
	}
	t.keep = true
	return true
}

// latest reports whether t is still the latest request of its document.
func (e *Engine) latest(t *ticket) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.latestLocked(t)
}

func (e *Engine) latestLocked(t *ticket) bool {
	st := e.docs[t.key]
	return st != nil && st.t == t
}

// setShown records the items answered to t.
func (e *Engine) setShown(t *ticket, sh *shown) {
	e.mu.Lock()
	if st := e.docs[t.key]; st != nil && st.t == t {
		st.shown = sh
	}
	e.mu.Unlock()
}

// Forget drops what the engine remembers of a closed document; requests
// still running for it are answered empty.
func (e *Engine) Forget(path string) {
	e.mu.Lock()
	for key, st := range e.docs {
		if _, p, _ := strings.Cut(key, "\x00"); p != path {
			continue
		}
		if st.t != nil {
			close(st.t.done)
			if f := st.t.held; f != nil {
				st.t.held = nil
				e.releaseLocked(f)
			}
		}
		delete(e.docs, key)
	}
	e.mu.Unlock()
	e.trees.forget(path)
}

// typedAhead reports whether the document new, with its cursor at newOff,
// is the document old with text typed at its cursor oldOff, and returns
// that text. Equal states type "" ahead.
func typedAhead(old string, oldOff int, new string, newOff int) (string, bool) {
	n := newOff - oldOff
	if n < 0 || n > maxTypeAhead || len(new)-len(old) != n || oldOff > len(old) || newOff > len(new) {
		return "", false
	}
	if new[:oldOff] != old[:oldOff] || new[newOff:] != old[oldOff:] {
		return "", false
	}
	return new[oldOff:newOff], true
}

// deletedAt reports whether new is old with text before the cursor
// deleted (a backspace).
func deletedAt(old string, oldOff int, new string, newOff int) bool {
	n := oldOff - newOff
	if n <= 0 || len(old)-len(new) != n || oldOff > len(old) || newOff > len(new) {
		return false
	}
	return new[:newOff] == old[:newOff] && new[newOff:] == old[oldOff:]
}

// match reports whether some shown item goes on past typed.
func (sh *shown) match(typed string) bool {
	for _, it := range sh.items {
		if len(it.Insert) > len(typed) && strings.HasPrefix(it.Insert, typed) {
			return true
		}
	}
	return false
}

// through returns the shown items that go on past typed, for a request at
// off of doc: the rest of each, with the same IDs.
func (sh *shown) through(typed, doc string, off int) []Item {
	var out []Item
	start := wordStart(doc, off)
	for _, it := range sh.items {
		if len(it.Insert) <= len(typed) || !strings.HasPrefix(it.Insert, typed) {
			continue
		}
		it.Insert = it.Insert[len(typed):]
		it.Start, it.End = start, off
		it.Text = doc[start:off] + it.Insert
		it.FilterText = firstLine(it.Text)
		out = append(out, it)
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
