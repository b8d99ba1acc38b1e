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
	seq  uint64        // the latest request
	done chan struct{} // closed when a newer request supersedes the latest

	text string // document and cursor of the latest request
	off  int

	// flight is the model call of the latest request while it runs, for
	// the next request to reuse when it only typed ahead.
	flight *flight

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
	key  string          // surface and path
	done <-chan struct{} // closed when superseded

	deleted bool    // the request follows a deletion at the cursor
	typed   string  // text typed since the previous request, when adopt is set
	adopt   *flight // the previous request's call, referenced for this request
	through string  // text typed since shown was answered
	shown   *shown  // the previous items, when this request typed through them
}

// begin registers a request for key (surface and path) as the latest one: the previous
// request is answered empty, and its model call is handed over when this
// request only typed ahead of it (else its last reference goes and the
// call is aborted).
func (e *Engine) begin(key, doc string, off int) *ticket {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	t := &ticket{seq: e.seq, key: key}
	st := e.docs[key]
	if st == nil {
		st = &docState{}
		e.docs[key] = st
	}
	if st.done != nil {
		close(st.done)
	}
	done := make(chan struct{})
	st.done, t.done = done, done

	t.deleted = deletedAt(st.text, st.off, doc, off)
	if f := st.flight; f != nil && !f.finished() {
		if typed, ok := typedAhead(st.text, st.off, doc, off); ok {
			f.refs++
			t.typed, t.adopt = typed, f
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
	st.seq, st.text, st.off, st.flight = t.seq, doc, off, nil
	return t
}

// end forgets a request's adopted call reference.
func (e *Engine) end(t *ticket) {
	if t.adopt != nil {
		e.release(t.adopt)
		t.adopt = nil
	}
}

// latest reports whether t is still the latest request of its document.
func (e *Engine) latest(t *ticket) bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// setFlight records f as the call of t's document, if t is still the
// latest request there.
func (e *Engine) setFlight(t *ticket, f *flight) {
	e.mu.Lock()
	if st := e.docs[t.key]; st != nil && st.seq == t.seq {
		st.flight = f
	}
	e.mu.Unlock()
}

// setShown records the items answered to t.
func (e *Engine) setShown(t *ticket, sh *shown) {
	e.mu.Lock()
	if st := e.docs[t.key]; st != nil && st.seq == t.seq {
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
		if st.done != nil {
			close(st.done)
		}
		delete(e.docs, key)
	}
	e.mu.Unlock()
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
