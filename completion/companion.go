package completion

import (
	"context"
	"time"

	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/internal/config"
)

// waitModel is cursor.wait when a request waits for its model call as
// long as the call lasts.
const waitModel time.Duration = -1

// patience returns how long a request waits for its model call before
// answering without it: the companion wait when the embedded companion
// can answer instead, the items wait when ranked tokens can (the shorter
// when both), else waitModel. (Complete does not wait at all for a model
// whose answers typically take longer.)
func patience(cfg *config.Completion, companion, predict bool) time.Duration {
	wait := waitModel
	if companion {
		wait = time.Duration(cfg.CompanionWaitMS) * time.Millisecond
	}
	if items := time.Duration(cfg.ItemsWaitMS) * time.Millisecond; predict && (wait == waitModel || items < wait) {
		wait = items
	}
	return wait
}

// late answers a request whose deadline passed while its model call goes
// on (kept by t for the next request): with the embedded companion's line
// when companion mode is on, else with no line. p is the prompt sent to
// the model, when this request wrote one.
func (e *Engine) late(ctx context.Context, t *ticket, c cursor, chk *checker, p *Prompt, timing Timing) (Result, error) {
	if !c.companion {
		return Result{Pending: true, Prompt: p, Timing: timing}, nil
	}
	lp := e.localPrompt(c)
	in := postprocess.Input{Prefix: c.doc[:c.off], Suffix: c.doc[c.off:], Mode: c.mode}
	start := time.Now()
	res, err := e.invoke(ctx, e.embedded, lp, in)
	timing.Model += time.Since(start)
	if p == nil {
		p = lp
	}
	switch {
	case ctx.Err() != nil:
		return Result{}, ctx.Err()
	case err != nil:
		e.log.Debug("completion: the embedded companion failed", "path", c.path, "err", err)
		return Result{Pending: true, Prompt: p, Err: err, Timing: timing}, nil
	case !e.ledger.latest(t):
		return Result{Skipped: Superseded, Prompt: p, Timing: timing}, nil
	}
	e.stats.companion.Add(1)
	res.source = "companion"
	r := e.finish(ctx, t, c, chk, res, res.texts, p, timing)
	r.Pending = true
	return r, nil
}
