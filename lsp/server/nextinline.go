package server

import (
	"strings"
	"sync/atomic"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/workspace"
)

// nextAnswer is the last lode/nextEdits answer: the edits of the
// requested document, in its offsets at version.
type nextAnswer struct {
	path    string
	version int32
	edits   []nextedit.Edit
}

// lastNext holds the last lode/nextEdits answer of a session, for an
// inline completion on the line of one of its edits.
type lastNext struct{ p atomic.Pointer[nextAnswer] }

// remember keeps the edits of the document at path and version from an
// answer.
func (l *lastNext) remember(path string, version int32, edits []nextedit.Edit) {
	a := &nextAnswer{path: path, version: version}
	for _, e := range edits {
		if e.Path == path && e.Version == version {
			a.edits = append(a.edits, e)
		}
	}
	l.p.Store(a)
}

// nextEditInline returns the edit of the last lode/nextEdits answer for
// this version of doc that lies on the cursor's line (off), nearest the
// cursor, as an inline completion whose range spans the edit and the
// cursor; none when there is no such edit.
func (s *Server) nextEditInline(doc *workspace.Document, off int) []protocol.InlineCompletionItem {
	a := s.lastNext.p.Load()
	if a == nil || a.path != doc.Path || a.version != doc.Version || off > doc.Text.Len() {
		return nil
	}
	line := doc.Text.LineOf(off)
	ls, le := doc.Text.LineStart(line), doc.Text.LineEnd(line)
	var best *nextedit.Edit
	for i := range a.edits {
		e := &a.edits[i]
		if e.Start < ls || e.End > le || e.Start > e.End || strings.ContainsAny(e.NewText, "\r\n") {
			continue
		}
		if best == nil || abs(e.Start-off) < abs(best.Start-off) {
			best = e
		}
	}
	if best == nil {
		return nil
	}
	src := doc.Text.String()
	lo, hi := min(off, best.Start), max(off, best.End)
	insert := src[lo:best.Start] + best.NewText + src[best.End:hi]
	r := s.Range(doc, lo, hi)
	filter := src[lo:off]
	return []protocol.InlineCompletionItem{{InsertText: protocol.String(insert), FilterText: &filter, Range: &r}}
}
