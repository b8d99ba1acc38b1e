// Package nextedit predicts the user's next edits from their last ones:
// after a rename, an added argument or a changed pattern, the same change
// elsewhere. History keeps the recent edits as hunks; Infer turns the
// last hunk into a Change (a rename, an argument or parameter change, a
// repeated token change) whose Sites are the next edits; Engine answers a
// request for one document of a workspace, beside a Model predictor when
// one is set (package completion/nextedit/rewrite asks a language model).
//
// Package nextedit depends on context/workspace and context/syntax; it
// knows nothing of LSP and asks no model itself.
package nextedit

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"

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
	// Cursor is the byte offset of the cursor in that version; the model
	// predictor rewrites the region around it. Negative: no cursor, no
	// model.
	Cursor int
}

// KindModel is the Kind of an edit a model predicted (see Model).
const KindModel = "model"

// Model predicts the next edits with a language model, from the recent
// edits and the region around the cursor; package
// completion/nextedit/rewrite provides one. Its edits are in the document
// of the input, at its version. Predict returns when ctx is cancelled,
// having aborted its model call.
type Model interface {
	Predict(ctx context.Context, in ModelInput) ([]Edit, error)
}

// ModelInput is what a Model predicts from.
type ModelInput struct {
	Path, LanguageID string
	Version          int32
	Text             string
	Cursor           int
	// Recent are the workspace's recent hunks, oldest first, only of
	// files lode may read.
	Recent []Hunk
}

// Options configures an Engine; zero values take the defaults.
type Options struct {
	History HistoryOptions
	// Candidates returns workspace files that may use name (the index's
	// occurrences); nil searches only the edited document.
	Candidates func(name string) []string
	// MaxEdits bounds the answer; default DefaultMaxEdits. MaxFiles
	// bounds the other files read; default DefaultMaxFiles.
	MaxEdits, MaxFiles int
}

// The defaults of Options.
const (
	DefaultMaxEdits = 50
	// DefaultMaxFiles lets a change of the language's spelling reach a
	// directory of a few dozen files; what it costs is reading and
	// lexing them.
	DefaultMaxFiles = 50
)

// Engine predicts next edits in a workspace. It follows the workspace's
// open documents from New on. It is safe for concurrent use.
type Engine struct {
	ws    *workspace.Workspace
	hist  *History
	lexes lexCache // the tokens of the texts asked about last
	opts  Options
	model atomic.Pointer[modelBox] // nil: offline only
}

// modelBox holds a Model for an atomic pointer.
type modelBox struct{ m Model }

// New returns an Engine that follows the open documents of ws.
func New(ws *workspace.Workspace, opts Options) *Engine {
	if opts.MaxEdits <= 0 {
		opts.MaxEdits = DefaultMaxEdits
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	e := &Engine{ws: ws, hist: NewHistory(opts.History), opts: opts}
	ws.Subscribe(e.observe)
	return e
}

// SetModel sets the model predictor of later requests; nil leaves the
// engine offline.
func (e *Engine) SetModel(m Model) {
	if m == nil {
		e.model.Store(nil)
		return
	}
	e.model.Store(&modelBox{m})
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
		e.lexes.forget(ev.Path)
	}
}

// NextEdits returns the edits that follow from the last edit of the
// document, if the document is open at req.Version and is a workspace
// file lode may read. Edits in other files are in workspace files lode may
// read, never in ignored or secret ones. With a model predictor (see
// SetModel), the model rewrites the region around the cursor meanwhile:
// its edits follow the offline ones, less those that overlap them. A
// model that fails adds nothing; the error is the offline one.
func (e *Engine) NextEdits(ctx context.Context, req Request) ([]Edit, error) {
	doc, ok := e.ws.Document(req.Path)
	if !ok || doc.Version != req.Version || !e.readable(req.Path) {
		return nil, nil
	}
	var predicted chan []Edit
	if box := e.model.Load(); box != nil && req.Cursor >= 0 && req.Cursor <= doc.Text.Len() {
		text, base := e.window(doc, doc.Text.String(), req.Cursor)
		in := ModelInput{Path: req.Path, LanguageID: doc.LanguageID, Version: req.Version, Text: text, Cursor: req.Cursor - base}
		for _, h := range e.hist.Recent() {
			if h.Path == req.Path || e.readable(h.Path) {
				in.Recent = append(in.Recent, h)
			}
		}
		if len(in.Recent) > 0 {
			predicted = make(chan []Edit, 1)
			go func() { // joined below, before NextEdits returns
				edits, _ := box.m.Predict(ctx, in)
				predicted <- moved(edits, base)
			}()
		}
	}
	edits, err := e.offline(ctx, req, doc)
	if predicted != nil {
		edits = merge(edits, <-predicted, req.Version, e.opts.MaxEdits)
	}
	if err == nil {
		err = ctx.Err()
	}
	return edits, err
}

// merge appends to offline the model's edits that overlap none of them,
// at version, within max edits.
func merge(offline, model []Edit, version int32, max int) []Edit {
	for _, m := range model {
		if len(offline) >= max {
			break
		}
		overlaps := false
		for _, o := range offline {
			if o.Path == m.Path && o.Start <= m.End && m.Start <= o.End {
				overlaps = true
				break
			}
		}
		if !overlaps {
			m.Version = version
			offline = append(offline, m)
		}
	}
	return offline
}

// offline returns the edits inferred, without a model, from the last
// edit of doc.
func (e *Engine) offline(ctx context.Context, req Request, doc *workspace.Document) ([]Edit, error) {
	h, after, ok := e.hist.Last(req.Path, req.Version)
	if !ok {
		return nil, nil
	}
	after, h, base, ok := e.hunkWindow(doc, after, h)
	if !ok {
		return nil, nil
	}
	before, bt, at := e.lexes.texts(req.Path, after, h)
	c := inferLexed(ctx, req.Path, doc.LanguageID, before, after, bt, at, h)
	if c != nil && c.Pending && !e.confirm(ctx, c, req.Path) {
		c = c.Otherwise
	}
	if c == nil {
		return nil, ctx.Err()
	}
	skip := Span{h.Start, h.Start + len(h.New)}
	edits := moved(c.Sites(req.Path, after, c.Scope, skip, true), base)
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
