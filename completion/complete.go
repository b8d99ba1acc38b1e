package completion

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/syntax"
)

// Complete answers one completion request. A request superseded by a newer
// one for the same document is answered with an empty Result (Skipped is
// Superseded). When ctx is cancelled, Complete returns ctx's error and the
// model call is aborted unless another request still waits for it; every
// other failure is logged and answered with an empty Result.
func (e *Engine) Complete(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	cfg := e.config()
	if !cfg.Enabled || req.Text == nil {
		return Result{Skipped: SkipDisabled}, nil
	}
	if why, ok := secretFile(req.Path); ok {
		return Result{Skipped: why}, nil
	}
	doc := req.Text.String()
	off := max(0, min(req.Offset, len(doc)))
	// The request's own work stops when it is superseded (stop); the
	// caller's ctx still decides whether its call is abandoned.
	work, stop := context.WithCancel(ctx)
	defer stop()
	t, rejected := e.ledger.begin(req.Surface+"\x00"+req.Path, doc, off, req.Version, stop)
	if t == nil {
		return Result{Skipped: SkipClosed}, nil
	}
	defer e.ledger.over(t)
	if !e.ledger.latest(t) {
		return Result{Skipped: Superseded}, nil // of a version already edited
	}
	if rejected != nil {
		e.feedback.event("rejected", rejected, "", time.Since(rejected.at))
	}

	lang := syntax.Detect(req.LanguageID, req.Path)
	c := cursor{path: req.Path, lang: req.LanguageID, doc: doc, off: off, mode: modeFor(doc[:off], doc[off:]), n: 1}
	if lang != nil {
		c.lang = lang.Name
	}
	if req.Trigger == Invoked {
		c.n = cfg.Candidates
		if req.Candidates > 0 {
			c.n = min(req.Candidates, cfg.Candidates)
		}
	}
	var preds <-chan []Item
	if req.Predict && e.predictor != nil && cfg.NextTokens > 0 {
		preds = e.predict(work, c, lang, cfg.NextTokens)
	}
	// An explicit invocation waits for the server: nothing would show its
	// answer later, as the next keystroke does for automatic requests.
	c.companion = cfg.Companion && e.embedded != nil && req.Trigger == Automatic
	c.wait = patience(cfg, c.companion, preds != nil)
	if c.wait > 0 && e.model.slowerThan(c.wait) {
		c.wait = 0 // waiting would only delay the answer the model is not going to give in time
	}
	res, err := e.lines(work, t, c, lang, req, start)
	if err != nil && ctx.Err() == nil && work.Err() != nil {
		res, err = Result{Skipped: Superseded}, nil // stopped midway
	}
	if preds == nil || err != nil || res.Skipped == Superseded {
		return res, err
	}
	if tokens := predictions(ctx, preds); len(tokens) > 0 {
		e.stats.predicted.Add(1)
		res.Items = withPredictions(res.Items, tokens)
		if res.Source == "" {
			res.Source = "predictor"
		}
	}
	return res, nil
}

// lines answers the line candidates of a request: from the call of an
// earlier request it typed ahead of, from the completion on screen, or
// from a model call of its own.
func (e *Engine) lines(ctx context.Context, t *ticket, c cursor, lang *syntax.Language, req Request, start time.Time) (Result, error) {
	chk := newChecker(&e.trees, lang, req.Path, c.doc, c.off)
	defer chk.close()
	var deadline time.Time
	if c.wait != waitModel {
		deadline = start.Add(c.wait)
	}
	// A call that answered after its request stopped waiting for it
	// (companion, items) comes before the completion on screen: it is the
	// answer the user was waiting for.
	if t.adopt != nil && t.adopt.finished() {
		if r, done, err := e.reuse(ctx, t, c, chk, start, time.Time{}); done {
			return r, err
		}
	}
	// A request for several candidates asks the model: the completion on
	// screen is one candidate, and cycling would show only it.
	if t.shown != nil && c.n == 1 {
		if items := t.shown.through(t.through, c.doc, c.off); len(items) > 0 {
			if t.adopt != nil {
				e.ledger.keep(t, t.adopt) // still running: for the next keystroke
			}
			e.stats.typeThrough.Add(1)
			return Result{Items: items, Source: "type-through", Timing: Timing{Gather: time.Since(start)}}, nil
		}
	}
	if t.adopt != nil {
		if r, done, err := e.reuse(ctx, t, c, chk, start, deadline); done {
			return r, err
		}
	}
	return e.fresh(ctx, t, c, chk, req, start, deadline)
}

// fresh answers the line candidates of a request with a model call of its
// own, when the trigger policy lets it.
func (e *Engine) fresh(ctx context.Context, t *ticket, c cursor, chk *checker, req Request, start, deadline time.Time) (Result, error) {
	cfg := e.config()
	if req.Trigger == Automatic {
		why := policy(cfg, c.doc[:c.off], c.doc[c.off:], req.Deleted || t.deleted,
			func() bool { return chk.inComment(ctx) }, func() bool { return chk.inString(ctx) })
		if why != "" {
			return Result{Skipped: why}, nil
		}
		if d := time.Duration(cfg.DebounceMS) * time.Millisecond; d > 0 {
			if r, ok, err := e.debounce(ctx, t, d); !ok {
				return r, err
			}
			if !deadline.IsZero() {
				deadline = deadline.Add(d)
			}
		}
	}
	build := func(ctx context.Context, budget int, chat bool) (*Prompt, error) {
		return e.buildPrompt(ctx, c, budget, chat || e.noFIM.Load())
	}
	p, err := build(ctx, cfg.Budget, false)
	if err != nil {
		return Result{}, err
	}
	if cfg.SyntaxCheck && (c.wait != 0 || c.companion) {
		// Parse while the model works; not for a request that answers
		// without waiting (its line comes from a later request), unless
		// the companion's line is to be checked. Not before the prompt
		// is built either: on a loaded machine the parse of a document
		// broken at the cursor (tree-sitter's error recovery can take
		// tens of milliseconds) would take the CPU from the retrieval
		// the model call waits for.
		chk.start(ctx)
	}
	if !e.ledger.latest(t) {
		return Result{Skipped: Superseded, Prompt: p}, nil
	}
	in := postprocess.Input{Prefix: c.doc[:c.off], Suffix: c.doc[c.off:], Mode: c.mode}
	timing := Timing{Gather: time.Since(start)}
	res, err := e.call(ctx, t, c, p, in, build, deadline)
	timing.Model = time.Since(start) - timing.Gather
	switch {
	case errors.Is(err, errSuperseded):
		return Result{Skipped: Superseded, Prompt: p, Timing: timing}, nil
	case errors.Is(err, errLate):
		return e.late(ctx, t, c, chk, p, timing)
	case ctx.Err() != nil:
		return Result{}, ctx.Err()
	case err != nil:
		e.log.Debug("completion: model call failed", "path", req.Path, "err", err)
		return Result{Prompt: p, Err: err, Timing: timing}, nil
	}
	if res.prompt != nil {
		p = res.prompt
	}
	return e.finish(ctx, t, c, chk, res, res.texts, p, timing), nil
}

// reuse answers from the call of the previous request, which t typed
// ahead of, when the model's answer begins with what was typed. done is
// false when the request must go on to a call of its own. A non-zero
// deadline bounds the wait, as for call.
func (e *Engine) reuse(ctx context.Context, t *ticket, c cursor, chk *checker, start, deadline time.Time) (r Result, done bool, err error) {
	f := t.adopt
	t.adopt = nil
	gather := time.Since(start)
	res, err := e.wait(ctx, t, f, deadline)
	switch {
	case errors.Is(err, errSuperseded):
		return Result{Skipped: Superseded}, true, nil
	case errors.Is(err, errLate):
		r, err := e.late(ctx, t, c, chk, nil, Timing{Gather: gather, Model: time.Since(start) - gather})
		return r, true, err
	case ctx.Err() != nil:
		return Result{}, true, ctx.Err()
	case err != nil:
		return Result{}, false, nil
	}
	var texts []string
	for _, s := range res.texts {
		if rest, ok := strings.CutPrefix(s, t.typed); ok && strings.TrimSpace(rest) != "" {
			texts = append(texts, rest)
		}
	}
	if len(texts) == 0 {
		return Result{}, false, nil
	}
	e.stats.reused.Add(1)
	res.source = "in-flight"
	timing := Timing{Gather: gather, Model: time.Since(start) - gather}
	if e.config().SyntaxCheck {
		chk.start(ctx)
	}
	return e.finish(ctx, t, c, chk, res, texts, res.prompt, timing), true, nil
}

// debounce waits d unless a newer request or a cancellation comes first;
// ok is false when the request must end with r and err.
func (e *Engine) debounce(ctx context.Context, t *ticket, d time.Duration) (r Result, ok bool, err error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return Result{}, true, nil
	case <-t.done:
		return Result{Skipped: Superseded}, false, nil
	case <-ctx.Done():
		return Result{}, false, ctx.Err()
	}
}

// finish post-processes the model's texts into items and records them as
// shown.
func (e *Engine) finish(ctx context.Context, t *ticket, c cursor, chk *checker, res flightResult, texts []string, p *Prompt, timing Timing) Result {
	postStart := time.Now()
	in := postprocess.Input{Prefix: c.doc[:c.off], Suffix: c.doc[c.off:], Mode: c.mode, Chat: res.chat}
	if e.config().SyntaxCheck && chk != nil {
		in.Check = chk.check(ctx)
		in.Base = chk.base(ctx)
	}
	start := wordStart(c.doc, c.off)
	var items []Item
	var checks []GroundCheck
	declared := e.groundLookup(ctx, c)
	seen := map[string]bool{}
	for ins := range offered(in, texts) {
		var g GroundCheck
		if ins, g = Ground(declared, e.config().Grounding, c.lang, c.doc, c.off, ins); ins == "" || seen[ins] {
			continue
		}
		checks = append(checks, g)
		seen[ins] = true
		text := c.doc[start:c.off] + ins
		items = append(items, Item{
			ID: e.newID(t.seq, len(items)), Text: text, Start: start, End: c.off, Insert: ins,
			FilterText: firstLine(text), Model: res.model, Mode: c.mode,
		})
		if len(items) == c.n {
			break // the texts after are alternatives, not to be checked
		}
	}
	timing.Post = time.Since(postStart)
	items, checks = groundedFirst(items, checks)
	r := Result{Items: items, Source: res.source, Prompt: p, Timing: timing, Grounding: checks}
	if len(items) > 0 {
		sh := &shown{path: c.path, text: c.doc, off: c.off, items: items, at: time.Now(), timing: timing}
		if p != nil && p.Request != nil {
			sh.prompt = requestKey(p.Request)
		}
		e.ledger.show(t, sh)
		e.feedback.event("shown", sh, "", 0)
	}
	return r
}
