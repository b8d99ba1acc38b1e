package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lode-ls/lode/completion/llm"
)

// This file holds what every HTTP provider shares: timeouts, the mapping of
// HTTP and network failures to the sentinels, one retry where safe, and
// the back-off gate that keeps a rate-limited or unauthorized provider from
// being called again at once.

// Timeouts bound the phases of one call to a model server. Zero fields
// take the defaults.
type Timeouts struct {
	Connect   time.Duration // dialing and TLS handshake; default 3s
	FirstByte time.Duration // from the request sent to the response headers; default 30s
	Request   time.Duration // the whole call, a stream included; default 120s
}

// WithDefaults returns t with zero fields set to the defaults.
func (t Timeouts) WithDefaults() Timeouts {
	if t.Connect <= 0 {
		t.Connect = 3 * time.Second
	}
	if t.FirstByte <= 0 {
		t.FirstByte = 30 * time.Second
	}
	if t.Request <= 0 {
		t.Request = 120 * time.Second
	}
	return t
}

// NewHTTPClient returns the long-lived client of one provider. It adds
// headers to every request, and refuses redirects to another host so that
// keys and headers reach the configured base URL only. The whole-request
// timeout is not set on the client: providers apply t.Request as a context
// deadline, so a timeout and a cancellation abort the call the same way.
func NewHTTPClient(t Timeouts, headers map[string]string) *http.Client {
	t = t.WithDefaults()
	dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   t.Connect,
		ResponseHeaderTimeout: t.FirstByte,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	var rt http.RoundTripper = tr
	if len(headers) > 0 {
		h := make(http.Header, len(headers))
		for k, v := range headers {
			h.Set(k, v)
		}
		rt = &headerTransport{base: tr, header: h}
	}
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host != via[0].URL.Host {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

type headerTransport struct {
	base   http.RoundTripper
	header http.Header
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range t.header {
		req.Header[k] = v
	}
	return t.base.RoundTrip(req)
}

// StatusError is an HTTP error answer from a model server. It unwraps to
// the sentinel that applies, if any.
type StatusError struct {
	Status   int
	Message  string // the server's message, with any key redacted
	Sentinel error  // nil when no sentinel applies (a plain bad request)
}

func (e *StatusError) Error() string {
	if e.Sentinel != nil {
		return fmt.Sprintf("%v (HTTP %d): %s", e.Sentinel, e.Status, e.Message)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
}

func (e *StatusError) Unwrap() error { return e.Sentinel }

// Retryable reports whether the error is a server fault worth one retry.
func (e *StatusError) Retryable() bool {
	switch e.Status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// HTTPError maps an HTTP error answer to an error wrapping the sentinel
// that applies. message is the server's error message; key, when not
// empty, is redacted from it.
func HTTPError(status int, header http.Header, message, key string) error {
	message = Redact(strings.TrimSpace(message), key)
	if len(message) > 300 {
		message = message[:300] + "…"
	}
	if status == http.StatusTooManyRequests {
		return &llm.RateLimitError{RetryAfter: ParseRetryAfter(header.Get("Retry-After"), time.Now())}
	}
	e := &StatusError{Status: status, Message: message, Sentinel: classify(status, strings.ToLower(message))}
	return e
}

func classify(status int, msg string) error {
	has := func(words ...string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(msg, w) })
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return llm.ErrUnauthorized
	case status == http.StatusRequestEntityTooLarge:
		return llm.ErrContextTooLong
	case status >= 500 && status != http.StatusNotImplemented:
		return llm.ErrUnavailable
	case has("context length", "context size", "context window", "maximum context", "too many tokens", "prompt is too long", "exceeds the available context"):
		return llm.ErrContextTooLong
	case has("suffix", "does not support insert", "infill", "fill-in-the-middle", "fim "):
		return llm.ErrNoFIM
	case has("model") && (status == http.StatusNotFound || has("not found", "does not exist", "unknown model", "no such model")):
		return llm.ErrUnknownModel
	case status == http.StatusNotFound:
		return llm.ErrUnavailable // wrong base URL or path: nothing to call there
	case status == http.StatusNotImplemented:
		return llm.ErrUnavailable
	}
	return nil
}

// Redact replaces every occurrence of key in s.
func Redact(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

// ParseRetryAfter reads a Retry-After value: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// TransportError maps a failed HTTP exchange (no answer) to an error. When
// ctx itself is done, the result wraps ctx.Err() (the caller cancelled or
// ran out of budget); otherwise it wraps ErrUnavailable and says why:
// connection refused, name resolution, or which timeout.
func TransportError(ctx context.Context, err error) error {
	if cerr := ctxError(ctx); cerr != nil {
		return cerr
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var uerr *url.Error
	host := ""
	if errors.As(err, &uerr) {
		if u, perr := url.Parse(uerr.URL); perr == nil {
			host = u.Host
		}
	}
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%w: cannot resolve host %q", llm.ErrUnavailable, dnsErr.Name)
	case isTimeout(err) && strings.Contains(err.Error(), "awaiting response headers"):
		return fmt.Errorf("%w: %s: no answer within the first-byte timeout", llm.ErrUnavailable, host)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		if isTimeout(err) {
			return fmt.Errorf("%w: %s: connection timed out", llm.ErrUnavailable, host)
		}
		return fmt.Errorf("%w: %s: connection refused (is the server running?)", llm.ErrUnavailable, host)
	case isTimeout(err):
		return fmt.Errorf("%w: %s: timed out", llm.ErrUnavailable, host)
	}
	return fmt.Errorf("%w: %s: %v", llm.ErrUnavailable, host, errors.Unwrap(err))
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// StreamError maps a failure while reading an answer's body to an error:
// the caller's cancellation, the request timeout, or ErrBadResponse.
func StreamError(ctx context.Context, err error) error {
	if cerr := ctxError(ctx); cerr != nil {
		return cerr
	}
	return fmt.Errorf("%w: %v", llm.ErrBadResponse, err)
}

// ctxError is ctx's error, with the request timeout's deadline mapped to
// ErrUnavailable; nil while ctx is live.
func ctxError(ctx context.Context) error {
	cerr := ctx.Err()
	if cerr == nil {
		return nil
	}
	if errors.Is(context.Cause(ctx), errRequestTimeout) {
		return fmt.Errorf("%w: no complete answer within the request timeout", llm.ErrUnavailable)
	}
	return cerr
}

var errRequestTimeout = errors.New("request timeout")

// WithRequestTimeout bounds one call by t.Request. Errors caused by that
// deadline, as mapped by TransportError and StreamError, wrap
// ErrUnavailable, not context.DeadlineExceeded: the caller's own budget is
// still whole.
func WithRequestTimeout(ctx context.Context, t Timeouts) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, t.WithDefaults().Request, errRequestTimeout)
}

// Backoff reports whether a failed call may be retried once, and waits the
// back-off first: only a retryable server error (500, 502, 503, 504) is
// retried, after its Retry-After when it is at most 2s, else 300ms. The
// caller must only retry when nothing of the answer was delivered yet.
func Backoff(ctx context.Context, err error) bool {
	var se *StatusError
	if !errors.As(err, &se) || !se.Retryable() {
		return false
	}
	wait := 300 * time.Millisecond
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Gate keeps a provider from calling a server that told it to stop: after
// a 429 it fails fast until Retry-After has passed (2s when the server did
// not say), after a 401/403 for 5s (long enough to spare a server a burst
// of refused calls, short enough that a key fixed on the server side is
// used soon; completion/llm/health keeps lode from calling meanwhile).
// The zero Gate is open.
type Gate struct {
	mu    sync.Mutex
	until time.Time
	err   error
}

// Err returns the error to fail with now, or nil when a call may go out.
func (g *Gate) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	left := time.Until(g.until)
	if left <= 0 {
		return nil
	}
	if errors.Is(g.err, llm.ErrRateLimited) {
		return &llm.RateLimitError{RetryAfter: left}
	}
	return g.err
}

// Observe closes the gate after a rate-limit or unauthorized error.
func (g *Gate) Observe(err error) {
	var wait time.Duration
	var rl *llm.RateLimitError
	switch {
	case errors.As(err, &rl):
		wait = rl.RetryAfter
		if wait <= 0 {
			wait = 2 * time.Second
		}
		wait = min(wait, 10*time.Minute)
	case errors.Is(err, llm.ErrUnauthorized):
		wait = 5 * time.Second
	default:
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.until = time.Now().Add(wait)
	g.err = err
}

// ErrorMessage extracts the message of an error body in the shapes model
// servers use: {"error": {"message": ...}}, {"error": "..."},
// {"message": "..."}, {"detail": ...}; else the body itself, trimmed.
func ErrorMessage(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &v) == nil {
		var s string
		var inner struct {
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			return s
		case json.Unmarshal(v.Error, &inner) == nil && inner.Message != "":
			return inner.Message
		case v.Message != "":
			return v.Message
		case json.Unmarshal(v.Detail, &s) == nil && s != "":
			return s
		case len(v.Detail) > 0:
			return string(v.Detail)
		}
	}
	return strings.TrimSpace(string(body))
}

// call runs one provider call: it fails fast while g is closed, bounds the
// call by t.Request, retries once after a retryable server fault when
// nothing was yielded yet, and closes g after a 429 or 401/403. yield is
// nil for a non-streamed call; once receives a yield that notes delivery.
func call(ctx context.Context, g *Gate, t Timeouts, yield func(string) bool,
	once func(ctx context.Context, yield func(string) bool) (*llm.Response, error)) (*llm.Response, error) {
	if err := g.Err(); err != nil {
		return nil, err
	}
	ctx, cancel := WithRequestTimeout(ctx, t)
	defer cancel()
	for attempt := 0; ; attempt++ {
		delivered := false
		var y func(string) bool
		if yield != nil {
			y = func(s string) bool { delivered = true; return yield(s) }
		}
		resp, err := once(ctx, y)
		if err == nil {
			return resp, nil
		}
		if attempt == 0 && !delivered && Backoff(ctx, err) {
			continue
		}
		if cerr := ctxError(ctx); cerr != nil {
			return nil, cerr // cancelled while backing off
		}
		g.Observe(err)
		return nil, err
	}
}

// BaseURL returns raw (or fallback when raw is empty) without a trailing
// slash, or an error when it is not an http or https URL.
func BaseURL(raw, fallback string) (string, error) {
	if raw == "" {
		raw = fallback
	}
	raw = strings.TrimRight(raw, "/")
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return "", fmt.Errorf("base URL %q must start with http:// or https://", raw)
	}
	return raw, nil
}
