// Package health keeps one model's health as a state: a circuit breaker
// around an llm.Model. Its main types are Model (the wrapper), Status and
// Options.
//
// While the model answers, Model passes every call through. The first call
// that fails in a way the next call would too (the server refused the
// connection or the key, timed out, answered 429 or 5xx, or sent what is
// not its wire format) marks the model down: from then on every call fails
// at once with an error wrapping llm.ErrUnavailable and the cause, making
// no call to the server, so that the caller answers from its fallback (the
// embedded model) without waiting. A background probe repeats the failed
// request with a growing backoff and marks the model up again when it
// answers. Each change of state is reported once through Options.OnChange:
// one user-facing message per episode, and the state the editors show.
//
// Package health depends on completion/llm and the standard library only.
package health

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lode-ls/lode/completion/llm"
)

// State is a model's health.
type State int

const (
	// Up: calls go to the model.
	Up State = iota
	// Down: calls fail at once; a probe runs in the background.
	Down
)

func (s State) String() string {
	if s == Down {
		return "down"
	}
	return "up"
}

// Status is a model's health at one moment.
type Status struct {
	State State
	// Err is the failure that marked the model down; nil while up.
	Err error
	// Since is when the state began.
	Since time.Time
	// Probes counts the probes made in this episode.
	Probes int
}

// Fault names the kind of failure that marked the model down, in words
// that say which setting or server to look at: "key" (401/403),
// "model" (the server does not serve it), "rate" (429), "unreachable"
// (refused, unresolvable, 5xx), "timeout", "response" (malformed or cut
// answer); "" while up.
func (s Status) Fault() string { return FaultOf(s.Err) }

// FaultOf classifies err as Status.Fault does.
func FaultOf(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, llm.ErrUnauthorized):
		return "key"
	case errors.Is(err, llm.ErrUnknownModel):
		return "model"
	case errors.Is(err, llm.ErrRateLimited):
		return "rate"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timeout"
	case errors.Is(err, llm.ErrBadResponse):
		return "response"
	}
	return "unreachable"
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// Options configure a Model. The zero Options work.
type Options struct {
	// Backoff is the wait before the first probe of an episode; it
	// doubles after each failed probe, up to MaxBackoff. A rate limit's
	// Retry-After, when longer, is waited instead. Defaults 1s and 8s:
	// a model that answers again is used again within about 10 s.
	Backoff, MaxBackoff time.Duration
	// ProbeTimeout bounds one probe; default 5s. A model that cannot
	// answer within the callers' own budget (completion.timeout_ms) is no
	// use to them: set it to that budget.
	ProbeTimeout time.Duration
	// OnChange, when set, is called with the new Status each time the
	// state changes, from the goroutine that noticed it; it must not block
	// nor call back into the Model's Complete.
	OnChange func(Status)
}

func (o Options) withDefaults() Options {
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff < o.Backoff {
		o.MaxBackoff = max(8*time.Second, o.Backoff)
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = 5 * time.Second
	}
	return o
}

// Model is an llm.Model with a circuit breaker. It also implements
// llm.Streamer (streaming through the model when it streams, else
// answering whole), llm.FIMer and llm.Namer, answering as the model does
// (false and "" when it does not implement them). It is safe for
// concurrent use; Close stops the probe and waits for it.
type Model struct {
	model llm.Model
	opts  Options

	// ctx is cancelled by Close; the probe runs under it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	status  Status
	probe   *llm.Request // the request that failed, repeated by the probe
	stream  bool         // it was streamed
	probing bool         // the probe goroutine runs
	closed  bool
}

var _ llm.StandIn = (*Model)(nil)

// New returns m behind a circuit breaker.
func New(m llm.Model, o Options) *Model {
	ctx, cancel := context.WithCancel(context.Background())
	return &Model{model: m, opts: o.withDefaults(), ctx: ctx, cancel: cancel, status: Status{Since: time.Now()}}
}

// Unwrap returns the model behind the breaker.
func (h *Model) Unwrap() llm.Model { return h.model }

// Status returns the current health.
func (h *Model) Status() Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.status
}

// DownError is the error of a call made while the model is down. It
// wraps llm.ErrUnavailable (fall back, do not retry at once) and the
// failure that marked the model down (errors.Is finds llm.ErrUnauthorized
// after a refused key).
type DownError struct {
	Err error
}

func (e *DownError) Error() string {
	return fmt.Sprintf("model down, not called until it answers again: %v", e.Err)
}

// Unwrap returns ErrUnavailable and the cause.
func (e *DownError) Unwrap() []error { return []error{llm.ErrUnavailable, e.Err} }

// Complete calls the model unless it is down.
func (h *Model) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if err := h.gate(); err != nil {
		return nil, err
	}
	resp, err := h.model.Complete(ctx, req)
	return resp, h.observe(ctx, req, false, err)
}

// Stream streams through the model unless it is down; a model that does
// not stream answers whole, in one piece.
func (h *Model) Stream(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	if err := h.gate(); err != nil {
		return nil, err
	}
	s, ok := h.model.(llm.Streamer)
	if !ok {
		resp, err := h.model.Complete(ctx, req)
		if err == nil {
			yield(resp.Text())
		}
		return resp, h.observe(ctx, req, false, err)
	}
	resp, err := s.Stream(ctx, req, yield)
	return resp, h.observe(ctx, req, true, err)
}

// SupportsFIM reports the model's answer, false when it does not say.
func (h *Model) SupportsFIM() bool {
	f, ok := h.model.(llm.FIMer)
	return ok && f.SupportsFIM()
}

// ModelName returns the model's name, "" when it has none.
func (h *Model) ModelName() string {
	if n, ok := h.model.(llm.Namer); ok {
		return n.ModelName()
	}
	return ""
}

// gate returns the error of a call made now: nil while up.
func (h *Model) gate() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.status.State == Down {
		return &DownError{Err: h.status.Err}
	}
	return nil
}

// Faulty reports whether err, returned by a call made with ctx, says the
// model is unhealthy rather than that the request was: a refused key or
// connection, an unknown model, a rate limit, a server error, a timeout,
// an answer that is not the wire format. A cancellation by the caller, a
// prompt too long or a refused fill-in-the-middle request are not.
func Faulty(ctx context.Context, err error) bool {
	switch {
	case err == nil, errors.Is(err, llm.ErrContextTooLong), errors.Is(err, llm.ErrNoFIM):
		return false
	case errors.Is(err, llm.ErrUnavailable), errors.Is(err, llm.ErrRateLimited),
		errors.Is(err, llm.ErrUnauthorized), errors.Is(err, llm.ErrUnknownModel),
		errors.Is(err, llm.ErrBadResponse):
		return true
	}
	// The caller's budget ran out while the model had not answered: a
	// server that hangs. A cancellation (latest wins) is not a fault.
	return errors.Is(err, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// observe records the outcome of a call and returns the error to give the
// caller: a fault marks the model down and is returned as a *DownError, so
// that the caller falls back at once, on this call too.
func (h *Model) observe(ctx context.Context, req *llm.Request, stream bool, err error) error {
	if !Faulty(ctx, err) {
		return err
	}
	h.mu.Lock()
	if h.closed || h.status.State == Down {
		h.mu.Unlock()
		return &DownError{Err: err}
	}
	probe := *req
	if probe.MaxTokens <= 0 || probe.MaxTokens > 16 {
		probe.MaxTokens = 16
	}
	probe.N = 1
	h.probe, h.stream = &probe, stream
	h.status = Status{State: Down, Err: err, Since: time.Now()}
	st := h.status
	if !h.probing {
		h.probing = true
		h.wg.Add(1)
		go h.run()
	}
	h.mu.Unlock()
	h.notify(st)
	return &DownError{Err: err}
}

func (h *Model) notify(st Status) {
	if h.opts.OnChange != nil {
		h.opts.OnChange(st)
	}
}

// run probes the model until it answers or the Model is closed.
func (h *Model) run() {
	defer h.wg.Done()
	wait := h.opts.Backoff
	for {
		h.mu.Lock()
		err := h.status.Err
		h.mu.Unlock()
		d := wait
		var rl *llm.RateLimitError
		if errors.As(err, &rl) && rl.RetryAfter > d {
			d = rl.RetryAfter
		}
		t := time.NewTimer(d)
		select {
		case <-h.ctx.Done():
			t.Stop()
			h.mu.Lock()
			h.probing = false
			h.mu.Unlock()
			return
		case <-t.C:
		}
		err = h.probeOnce()
		h.mu.Lock()
		if h.closed {
			h.probing = false
			h.mu.Unlock()
			return
		}
		h.status.Probes++
		if err == nil {
			h.status = Status{State: Up, Since: time.Now()}
			h.probing = false
			st := h.status
			h.mu.Unlock()
			h.notify(st)
			return
		}
		if Faulty(context.Background(), err) || errors.Is(err, context.DeadlineExceeded) {
			h.status.Err = err // the latest cause, for the message and the next wait
		}
		h.mu.Unlock()
		wait = min(2*wait, h.opts.MaxBackoff)
	}
}

// probeOnce repeats the request that failed, the way it was made.
func (h *Model) probeOnce() error {
	h.mu.Lock()
	req, stream := h.probe, h.stream
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(h.ctx, h.opts.ProbeTimeout)
	defer cancel()
	var err error
	if s, ok := h.model.(llm.Streamer); ok && stream {
		_, err = s.Stream(ctx, req, func(string) bool { return true })
	} else {
		_, err = h.model.Complete(ctx, req)
	}
	if err != nil && !Faulty(ctx, err) && ctx.Err() == nil {
		// The server answered, though not to this request's liking (a
		// prompt too long, a refused suffix): it is up.
		return nil
	}
	return err
}

// Close stops the probe and waits for it. Later calls go to the model as
// if it were up. The model itself is not closed.
func (h *Model) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	h.status = Status{State: Up, Since: time.Now()}
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
	return nil
}
