package session

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// ContextQuery asks for the context bundle of a cursor in a file, as lode
// context does.
type ContextQuery struct {
	Path      string
	Line, Col int // one-based; Col in bytes
	// Budget is the bundle's in tokens; 0 is context.budget.
	Budget int
	// PrefixLines and SuffixLines are the lines before and after the
	// cursor that the prompt holds: snippets there are dropped.
	PrefixLines, SuffixLines int
	// Time bounds the search itself, as a completion's budget does; 0
	// waits for every source.
	Time time.Duration
}

// ContextAt reads the file, waits for the index and returns the bundle a
// completion at the cursor gets, and how long the retrieval itself took.
// A secret file, a file refused by ReadSource and a line out of range are
// input errors (ErrInput).
func (s *Session) ContextAt(ctx context.Context, q ContextQuery) (retrieve.Bundle, time.Duration, error) {
	if workspace.IsSecretFile(q.Path) {
		return retrieve.Bundle{}, 0, InputError("%s holds secrets: no context is built from it", q.Path)
	}
	data, err := ReadSource(q.Path, s.Config().Context.MaxFileSize, false)
	if err != nil {
		return retrieve.Bundle{}, 0, err
	}
	doc := text.New(string(data))
	if q.Line < 1 || q.Line > doc.LineCount() {
		return retrieve.Bundle{}, 0, InputError("line %d out of range (1-%d)", q.Line, doc.LineCount())
	}
	offset := min(doc.LineStart(q.Line-1)+q.Col-1, doc.LineEnd(q.Line-1))
	if err := s.Wait(ctx); err != nil {
		return retrieve.Bundle{}, 0, err
	}
	if q.Budget <= 0 {
		q.Budget = s.Config().Context.Budget
	}
	s.PreloadDependencies(ctx, q.Path)
	line0 := q.Line - 1
	req := retrieve.Request{
		Path: q.Path, Content: doc.String(), Offset: offset, Budget: q.Budget,
		PrefixStart: doc.LineStart(max(0, line0-q.PrefixLines)),
		SuffixEnd:   doc.LineEnd(min(doc.LineCount()-1, line0+q.SuffixLines)),
	}
	start := time.Now()
	if q.Time > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, q.Time)
		defer cancel()
	}
	b, err := s.Retrieve(ctx, req)
	return b, time.Since(start), err
}

// CompleteQuery asks for the inline completion at a cursor in a file, as
// lode complete does.
type CompleteQuery struct {
	Path       string
	Line, Col  int // one-based; Col in bytes
	Trigger    completion.Trigger
	Candidates int
	// Replay completes as if the rest of the line after the cursor were
	// not written yet.
	Replay bool
	// Timeout, when positive, replaces completion.timeout_ms.
	Timeout time.Duration
	// Warn is told why the workspace gives no context (its indexing
	// failed); the completion goes on without it.
	Warn func(error)
}

// FileCompletion is the answer to a CompleteQuery.
type FileCompletion struct {
	completion.Result
	// Text is what was completed: the file (less the rest of the line with
	// Replay), or a window of it when it is large (Window). Offset is the
	// cursor in Text.
	Text   *text.Text
	Offset int
	// Written is, with Replay, what the file has after the cursor on its
	// line.
	Written string
}

// CompleteAt reads the file and completes at the cursor as the server
// would: a server model sits behind the session's circuit breaker, so
// that when it fails the embedded model answers. A model that failed only
// after its budget (a hang) is asked once more, which the breaker, now
// open, answers from the embedded model at once, as the server's next
// request would be. A file ReadSource refuses and a line out of range are
// input errors (ErrInput).
func (s *Session) CompleteAt(ctx context.Context, q CompleteQuery) (*FileCompletion, error) {
	data, err := ReadSource(q.Path, 0, false) // over context.max_file_size: read in a window
	if err != nil {
		return nil, err
	}
	doc := text.New(string(data))
	if q.Line < 1 || q.Line > doc.LineCount() {
		return nil, InputError("line %d out of range (1-%d)", q.Line, doc.LineCount())
	}
	off := min(doc.LineStart(q.Line-1)+max(q.Col, 1)-1, doc.LineEnd(q.Line-1))
	fc := &FileCompletion{}
	if q.Replay {
		fc.Written = doc.String()[off:doc.LineEnd(q.Line-1)]
		doc = text.New(doc.String()[:off] + doc.String()[doc.LineEnd(q.Line-1):])
	}
	doc, off, narrowed := s.Window(doc, off)
	fc.Text, fc.Offset = doc, off
	if q.Timeout > 0 {
		cfg := *s.Config()
		cfg.Completion.TimeoutMS = int(q.Timeout.Milliseconds())
		s.Configure(&cfg)
	}
	if err := s.Wait(ctx); err != nil && q.Warn != nil {
		q.Warn(err)
	}
	if s.opts.NoIndex {
		s.LearnNear(ctx, q.Path)
	}
	if q.Replay && !narrowed {
		s.LearnDocument(q.Path, doc.String())
	} else {
		s.Prepare(q.Path)
	}
	s.PreloadDependencies(ctx, q.Path)
	req := completion.Request{Path: q.Path, Text: doc, Offset: off, Trigger: q.Trigger, Candidates: q.Candidates}
	fc.Result, err = s.Complete(ctx, req)
	if err == nil && fc.Err != nil && ModelFault(fc.Err) && s.Config().Completion.Fallback {
		fc.Result, err = s.Complete(ctx, req)
	}
	return fc, err
}

// ExplainAt returns the target of an explanation of content, the file at
// path, at a place a command names: line (and col, in bytes; else the
// line's first non-blank byte), or the lines line to endLine, all
// one-based and zero when absent (line zero: the whole file). A large
// file is narrowed to a window around the target (ExplainTarget). A line
// out of range is an input error (ErrInput).
func (s *Session) ExplainAt(path, content string, line, col, endLine int) (explain.Target, error) {
	t := explain.Target{Path: path, Content: content}
	if line == 0 {
		return s.ExplainTarget(t), nil
	}
	doc := text.New(content)
	if line > doc.LineCount() || endLine > doc.LineCount() {
		return t, InputError("line %d out of range (1-%d)", max(line, endLine), doc.LineCount())
	}
	switch {
	case endLine > 0:
		t.Start, t.End = doc.LineStart(line-1), doc.LineEnd(endLine-1)
	case col > 0:
		off, err := doc.Offset(text.Position{Line: line - 1, Character: col - 1}, text.UTF8)
		if err != nil {
			return t, err
		}
		t.Start, t.End = off, off
	default:
		l := doc.Line(line - 1)
		off := doc.LineStart(line-1) + len(l) - len(strings.TrimLeft(l, " \t"))
		t.Start, t.End = off, off
	}
	return s.ExplainTarget(t), nil
}

// ExplainOnce explains t with e (Explainer, or Structural) within
// explain.timeout, as a command does. When the model fails (ModelFault),
// the explanation is the structural one, saying why, and modelErr is the
// model's failure; the fallback's own time is not bounded.
func (s *Session) ExplainOnce(ctx context.Context, e *explain.Explainer, t explain.Target) (ex *explain.Explanation, modelErr, err error) {
	mctx := ctx
	if d := s.Config().Explain.Timeout; d > 0 {
		var cancel context.CancelFunc
		mctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	ex, err = e.Explain(mctx, t, nil)
	if err == nil || !ModelFault(err) {
		return ex, nil, err
	}
	ex, ferr := e.Fallback(context.WithoutCancel(ctx), t, fmt.Sprintf("The model failed (%v)", err))
	return ex, err, ferr
}
