package server

import (
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// window returns the text a request at byte offset off of doc works on,
// and the offset in doc where that text starts: doc's whole text, or for
// a large document (over the size limit, binary or minified; see
// workspace.Large) a window around off, so that no request parses, scans
// or copies all of it.
func (s *Server) window(doc *workspace.Document, off int) (*text.Text, int) {
	if !s.ws.Large(doc) {
		return doc.Text, 0
	}
	w, base := workspace.Window(doc.Text.String(), off)
	return text.New(w), base
}

// Foreground is told of every request while it runs, so that background
// work (indexing, learning, saves) gives way to it; background.Gate is
// one (Options.Foreground).
type Foreground interface {
	Begin() (end func())
}
