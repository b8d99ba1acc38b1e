package session

import (
	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// Window returns the text a command at byte offset off of a file's content
// works on, and off in it: the content whole, or, for content over
// context.max_file_size or minified (workspace.Large), a window around
// off, as the server reads a large open document; narrowed is then
// true, and nothing of the content may be learned or indexed.
func (s *Session) Window(content *text.Text, off int) (_ *text.Text, _ int, narrowed bool) {
	if !s.ws.LargeContent(content.String()) {
		return content, off, false
	}
	w, base := workspace.Window(content.String(), off)
	return text.New(w), off - base, true
}

// ExplainTarget returns t narrowed to a window around its start when its
// content is over context.max_file_size or minified (as Window).
func (s *Session) ExplainTarget(t explain.Target) explain.Target {
	if !s.ws.LargeContent(t.Content) {
		return t
	}
	return t.Narrow()
}
