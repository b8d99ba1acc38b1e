package nextedit

import "github.com/lode-ls/lode/context/workspace"

// window returns the part of text, the document doc at its version, that
// a request around byte offset off works on, and where it starts in
// text: text whole, or for a large document (over the size limit, or
// minified: workspace.Large) a window around off (workspace.Window), as
// inline completions read one, so that no request lexes, parses or
// copies all of it.
func (e *Engine) window(doc *workspace.Document, text string, off int) (string, int) {
	if !e.ws.Large(doc) {
		return text, 0
	}
	return workspace.Window(text, off)
}

// hunkWindow returns the window of text, the document doc, around the
// hunk h that made it, and h in the window's offsets; ok is false when
// the hunk does not lie inside the window whole (a paste larger than
// it): such a hunk is not inferred from.
func (e *Engine) hunkWindow(doc *workspace.Document, text string, h Hunk) (string, Hunk, int, bool) {
	w, base := e.window(doc, text, h.Start)
	h.Start -= base
	if h.Start < 0 || h.Start+len(h.New) > len(w) {
		return "", Hunk{}, 0, false
	}
	return w, h, base, true
}

// moved returns edits moved by base bytes (from a window's offsets to its
// document's).
func moved(edits []Edit, base int) []Edit {
	for i := range edits {
		edits[i].Start += base
		edits[i].End += base
	}
	return edits
}
