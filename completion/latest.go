package completion

import "strings"

// maxTypeAhead bounds how far, in bytes, typing may run ahead of a shown
// completion or an in-flight call and still be answered from it.
const maxTypeAhead = 256

// maxWaitAhead bounds how far, in bytes, typing may run ahead of a call
// still in flight for the request to wait for that call rather than make
// its own: an answer that must begin with all of it is unlikely (people
// type a few characters while a model thinks; more is a paste or a burst
// of edits), and waiting for it delays the request's own call. A call
// that has answered is looked at up to maxTypeAhead: that costs nothing.
const maxWaitAhead = 32

// Forget drops what the engine remembers of a closed document; requests
// still running for it are answered empty.
func (e *Engine) Forget(path string) {
	e.ledger.forget(path)
	e.trees.forget(path)
}

// Edited tells the engine that the document at path was edited to
// version: its requests of older versions are answered empty at once
// (Superseded), as their answers would be stale; the model calls they
// started go on for the next request of the document to take over.
// Requests of an older version that come later are answered so too. The
// caller passes the documents' versions in Request.Version.
func (e *Engine) Edited(path string, version int32) {
	e.ledger.edited(path, version)
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
