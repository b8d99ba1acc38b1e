// Package nextedit predicts the user's next edits from their last ones:
// after a rename, an added argument or a changed pattern, the same change
// elsewhere. History keeps the recent edits as hunks; Infer turns the
// last hunk into a Change (a rename, an argument or parameter change, a
// repeated token change) whose Sites are the next edits; Engine answers a
// request for one document of a workspace.
//
// Package nextedit depends on context/workspace and context/syntax; it
// knows nothing of LSP and asks no model.
package nextedit

import (
	"context"
	"os"
	"path/filepath"
	"sort"

	"github.com/lode-ls/lode/context/workspace"
)

// Edit is one predicted edit: the text [Start, End) of the file at Path
// becomes NewText.
type Edit struct {
	Path       string
	Start, End int
	NewText    string
	Kind       string
	// Version is the version of the open document the offsets are in;
	// 0 when the file is not open (the offsets are in the file on disk).
	Version int32
	// Selection, when set, is the part of NewText the user is expected to
	// replace (a placeholder for a new parameter), as byte offsets.
	Selection *Span
}

// Request asks for the next edits after the last edit of a document.
type Request struct {
	Path    string
	Version int32 // the version the editor shows; another gets nothing
}

// Options configures an Engine; zero values take the defaults.
type Options struct {
	History HistoryOptions
	// Candidates returns workspace files that may use name (the index's
	// occurrences); nil searches only the edited document.
	Candidates func(name string) []string
	// MaxEdits bounds the answer; default 50. MaxFiles bounds the other
	// files read; default 20.
	MaxEdits, MaxFiles int
}

// Engine predicts next edits in a workspace. It follows the workspace's
// open documents from New on. It is safe for concurrent use.
type Engine struct {
	ws   *workspace.Workspace
	hist *History
	opts Options
}

// New returns an Engine that follows the open documents of ws.
func New(ws *workspace.Workspace, opts Options) *Engine {
	if opts.MaxEdits <= 0 {
		opts.MaxEdits = 50
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = 20
	}
	e := &Engine{ws: ws, hist: NewHistory(opts.History), opts: opts}
	ws.Subscribe(e.observe)
	return e
}

// History returns the engine's edit history.
func (e *Engine) History() *History { return e.hist }

// observe records an open document's new text, and forgets a closed one.
func (e *Engine) observe(ev workspace.Event) {
	doc, ok := e.ws.Document(ev.Path)
	switch {
	case ok && ev.Open:
		e.hist.Observe(doc.Path, doc.Version, doc.Text.String())
	case !ok:
		e.hist.Forget(ev.Path)
	}
}

// NextEdits returns the edits that follow from the last edit of the
// document, if the document is open at req.Version and is a workspace
// file lode may read. Edits in other files are in workspace files lode may
// read, never in ignored or secret ones.
func (e *Engine) NextEdits(ctx context.Context, req Request) ([]Edit, error) {
	doc, ok := e.ws.Document(req.Path)
	if !ok || doc.Version != req.Version || !e.readable(req.Path) {
		return nil, nil
	}
	h, after, ok := e.hist.Last(req.Path, req.Version)
	if !ok {
		return nil, nil
	}
	before := after[:h.Start] + h.Old + after[h.Start+len(h.New):]
	c := Infer(ctx, req.Path, doc.LanguageID, before, after, h)
	if c == nil || c.Pending && !e.confirm(ctx, c, req.Path) {
		return nil, ctx.Err()
	}
	skip := Span{h.Start, h.Start + len(h.New)}
	edits := c.Sites(req.Path, after, c.Scope, skip, true)
	for i := range edits {
		edits[i].Version = req.Version
	}
	if c.Elsewhere(len(edits)) {
		edits = append(edits, e.elsewhere(ctx, c, req.Path)...)
	}
	if len(edits) > e.opts.MaxEdits {
		edits = edits[:e.opts.MaxEdits]
	}
	return edits, ctx.Err()
}

// elsewhere applies c to the other workspace files that may use its name
// or, for a change without one, to the files beside path.
func (e *Engine) elsewhere(ctx context.Context, c *Change, path string) []Edit {
	var paths []string
	switch {
	case c.Name == "":
		paths = siblings(path)
	case e.opts.Candidates != nil:
		paths = e.opts.Candidates(c.Name)
	}
	sort.Strings(paths)
	var out []Edit
	read := 0
	for _, p := range paths {
		if p == path || !c.Reaches(path, p) || !e.readable(p) || ctx.Err() != nil || read == e.opts.MaxFiles {
			continue
		}
		var version int32
		if d, ok := e.ws.Document(p); ok {
			version = d.Version
		}
		src, err := e.ws.ReadFile(p)
		if err != nil {
			continue
		}
		read++
		for _, ed := range c.Sites(p, string(src), Span{0, len(src)}, Span{-1, -1}, false) {
			ed.Version = version
			out = append(out, ed)
		}
	}
	return out
}

// confirm reports whether a pending rename holds: no other file names the
// new name and one declares the old.
func (e *Engine) confirm(ctx context.Context, c *Change, path string) bool {
	if e.opts.Candidates == nil {
		return false
	}
	for _, p := range e.opts.Candidates(c.New) {
		if p != path && e.readable(p) {
			return false
		}
	}
	paths := e.opts.Candidates(c.Name)
	sort.Strings(paths)
	read := 0
	for _, p := range paths {
		if p == path || !c.Reaches(path, p) || !e.readable(p) || ctx.Err() != nil || read == e.opts.MaxFiles {
			continue
		}
		src, err := e.ws.ReadFile(p)
		if err != nil {
			continue
		}
		read++
		if c.Declares(p, string(src)) {
			return true
		}
	}
	return false
}

// siblings returns the files of path's directory with its extension.
func siblings(path string) []string {
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range ents {
		if d.Type().IsRegular() && filepath.Ext(d.Name()) == filepath.Ext(path) {
			out = append(out, filepath.Join(filepath.Dir(path), d.Name()))
		}
	}
	return out
}

// readable reports whether path is a workspace file lode may read: inside
// a workspace folder, not ignored, not secret.
func (e *Engine) readable(path string) bool {
	path = filepath.Clean(path)
	for _, f := range e.ws.Folders() {
		if rel, err := filepath.Rel(f, path); err == nil && rel != "." && filepath.IsLocal(rel) {
			return e.ws.Allowed(path)
		}
	}
	return false
}
