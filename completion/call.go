package completion

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/postprocess"
)

// provider is one model with its concurrency limit.
type provider struct {
	model llm.Model
	name  string
	sem   chan struct{} // one token per call in flight
	// typical is a moving average of the model's answer times, in
	// nanoseconds (0 before the first answer).
	typical atomic.Int64
}

// observe adds the time of an answer to the moving average.
func (pv *provider) observe(d time.Duration) {
	for {
		old := pv.typical.Load()
		avg := int64(d)
		if old > 0 {
			avg = old + (int64(d)-old)/4
		}
		if pv.typical.CompareAndSwap(old, avg) {
			return
		}
	}
}

// slowerThan reports whether the model typically answers after d.
func (pv *provider) slowerThan(d time.Duration) bool {
	return pv.typicalTime() > d
}

// typicalTime returns the moving average of the model's answer times, 0
// before the first answer.
func (pv *provider) typicalTime() time.Duration {
	return time.Duration(pv.typical.Load())
}

func newProvider(m llm.Model, name string, n int) *provider {
	return &provider{model: m, name: name, sem: make(chan struct{}, max(n, 1))}
}

// builder writes the prompt of a request again, with another token budget
// or as a chat prompt, for the retries the model's errors ask for.
type builder func(ctx context.Context, budget int, chat bool) (*Prompt, error)

// requestKey identifies a request by everything that shapes the answer.
func requestKey(r *llm.Request) string {
	h := sha256.New()
	for _, s := range []string{r.Mode.String(), r.Model, r.Prompt, r.Suffix, r.Path, r.Language,
		strconv.Itoa(r.MaxTokens), strconv.FormatFloat(r.Temperature, 'g', -1, 64), strconv.Itoa(r.N),
		strings.Join(r.Stop, "\x00"), strconv.Itoa(r.Indent)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, m := range r.Messages {
		h.Write([]byte(m.Role + "\x00" + m.Content + "\x00"))
	}
	for _, s := range r.Extra {
		h.Write([]byte(s.Path + "\x00" + s.Text + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// call answers p, written for c: from the recent answers, by joining an
// identical call in flight, or by starting one. t holds a reference to the
// call while it waits, which the next request of the document takes over
// when it only typed ahead (see ledger). A non-zero deadline bounds the
// wait (see wait).
func (e *Engine) call(ctx context.Context, t *ticket, c cursor, p *Prompt, in postprocess.Input, build builder, deadline time.Time) (flightResult, error) {
	var fctx context.Context // the new call's, when join starts one
	newFlight := func() *flight {
		var cancel context.CancelFunc
		fctx, cancel = context.WithTimeout(context.Background(), time.Duration(e.config().TimeoutMS)*time.Millisecond)
		return &flight{doc: c.doc, off: c.off, prompt: p, build: build, in: in, cancel: cancel, done: make(chan struct{})}
	}
	run := func(f *flight) { e.run(fctx, f) }
	f, r, how, err := e.ledger.join(t, requestKey(p.Request), newFlight, run)
	switch {
	case err != nil:
		return flightResult{}, err
	case how == fromCache:
		e.stats.cached.Add(1)
		r.source = "cache"
		return r, nil
	case how == shared:
		e.stats.deduped.Add(1)
	}
	return e.wait(ctx, t, f, deadline)
}

// errLate ends the wait of a request whose deadline passed before its
// model call answered. The call goes on: the request's ticket keeps its
// reference, for the next request of the document to take over.
var errLate = errors.New("completion: the model is still answering")

// wait waits for f on behalf of t, then drops t's reference to it (unless
// a newer request took it over or dropped it already). When deadline is
// not zero and passes first, t keeps the reference and wait returns
// errLate.
func (e *Engine) wait(ctx context.Context, t *ticket, f *flight, deadline time.Time) (flightResult, error) {
	var late <-chan time.Time
	if !deadline.IsZero() {
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		late = timer.C
	}
	select {
	case <-f.done:
		// A newer request or Forget may have dropped t and, with it, the
		// call (which then ends cancelled): superseded wins.
		select {
		case <-t.done:
			e.ledger.end(t)
			return flightResult{}, errSuperseded
		default:
		}
	case <-t.done:
		e.ledger.end(t)
		return flightResult{}, errSuperseded
	case <-ctx.Done():
		e.ledger.end(t)
		return flightResult{}, ctx.Err()
	case <-late:
		if !f.finished() {
			if !e.ledger.keep(t, f) {
				return flightResult{}, errSuperseded
			}
			return flightResult{}, errLate
		}
	}
	e.ledger.end(t)
	return f.res, f.res.err
}

// run makes f's call and publishes its result.
func (e *Engine) run(ctx context.Context, f *flight) {
	start := time.Now()
	res := e.attempt(ctx, f)
	res.elapsed = time.Since(start)
	if res.err == nil && res.source == "model" {
		e.model.observe(res.elapsed)
	}
	e.ledger.publish(f, res)
}

// attempt calls the model for f, with the retries and fallbacks its
// errors ask for: a chat prompt when FIM is refused, a halved budget when
// the context is too long, the embedded model when the server is
// unavailable or rate limited.
func (e *Engine) attempt(ctx context.Context, f *flight) flightResult {
	p := f.prompt
	res, err := e.invoke(ctx, e.model, p, f.in)
	if errors.Is(err, llm.ErrNoFIM) && p.Request.Mode != llm.ModeChat {
		e.noFIM.Store(true)
		e.warnOnce(llm.ErrNoFIM, "completion: the model refused a fill-in-the-middle prompt; using chat prompts from now on", "model", e.model.name)
		if p, err = f.build(ctx, p.Budget, true); err == nil {
			res, err = e.invoke(ctx, e.model, p, f.in)
		}
	}
	if errors.Is(err, llm.ErrContextTooLong) {
		e.log.Debug("completion: context too long, retrying with half the budget", "budget", p.Budget)
		if p, err = f.build(ctx, p.Budget/2, p.Request.Mode == llm.ModeChat); err == nil {
			res, err = e.invoke(ctx, e.model, p, f.in)
		}
	}
	switch {
	case err == nil:
	case (errors.Is(err, llm.ErrUnavailable) || errors.Is(err, llm.ErrRateLimited)) && e.embedded != nil && e.config().Fallback:
		e.warnOnce(llm.ErrUnavailable, "completion: model unavailable, completing with the embedded model", "model", e.model.name, "err", err)
		e.stats.fallbacks.Add(1)
		ep := *f.prompt
		ep.Request = embeddedRequest(f.prompt, e.candidates(e.embedded, f.prompt.Request.N))
		if res, err = e.invoke(ctx, e.embedded, &ep, f.in); err == nil {
			res.source = "fallback"
			return res
		}
	case errors.Is(err, llm.ErrUnauthorized):
		e.warnOnce(llm.ErrUnauthorized, "completion: the model server refused the API key; check api_key or LODE_API_KEY", "model", e.model.name)
	case errors.Is(err, llm.ErrUnknownModel):
		e.warnOnce(llm.ErrUnknownModel, "completion: the server does not serve the configured model; check the model setting", "model", e.model.name)
	}
	if err != nil {
		return flightResult{err: err, prompt: p}
	}
	return res
}

// embeddedRequest asks the embedded model for n candidates: a plain FIM
// request with the windows around the cursor.
func embeddedRequest(p *Prompt, n int) *llm.Request {
	return &llm.Request{
		Mode: llm.ModeFIM, Prompt: p.Prefix, Suffix: p.Suffix,
		Path: p.Path, Language: p.Language,
		MaxTokens: p.Request.MaxTokens, N: n,
	}
}

// invoke makes one model call within the provider's concurrency limit,
// streaming when it can so as to stop as soon as the line or block is
// complete.
func (e *Engine) invoke(ctx context.Context, pv *provider, p *Prompt, in postprocess.Input) (flightResult, error) {
	select {
	case pv.sem <- struct{}{}:
	case <-ctx.Done():
		return flightResult{}, ctx.Err()
	}
	defer func() { <-pv.sem }()
	e.stats.calls.Add(1)
	req := p.Request
	chat := req.Mode == llm.ModeChat
	var resp *llm.Response
	var err error
	if s, ok := pv.model.(llm.Streamer); ok && e.config().Stream && req.N <= 1 && !chat {
		var b strings.Builder
		resp, err = s.Stream(ctx, req, func(delta string) bool {
			b.WriteString(delta)
			return !in.Done(b.String())
		})
	} else {
		resp, err = pv.model.Complete(ctx, req)
	}
	if err != nil {
		return flightResult{}, err
	}
	res := flightResult{model: resp.Model, chat: chat, source: "model", prompt: p}
	if res.model == "" {
		res.model = pv.name
	}
	for _, c := range resp.Choices {
		res.texts = append(res.texts, c.Text)
	}
	return res, nil
}
