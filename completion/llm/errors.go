package llm

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrUnavailable: the model cannot be reached now (connection refused,
	// name resolution, timeout, 5xx after the retry). Fall back to another
	// model (the embedded one) or answer empty; do not retry at once.
	ErrUnavailable = errors.New("model unavailable")

	// ErrRateLimited: the server asked to slow down. The error is a
	// *RateLimitError: wait RetryAfter before the next call to that
	// provider; do not retry the same request.
	ErrRateLimited = errors.New("rate limited")

	// ErrContextTooLong: the prompt exceeds the model's context. Shrink the
	// prompt (halve the context budget) and retry once.
	ErrContextTooLong = errors.New("context too long")

	// ErrUnauthorized: the key is missing, wrong, or lacks access (401/403).
	// Tell the user once which setting to check; further calls fail the same
	// way until the configuration changes.
	ErrUnauthorized = errors.New("unauthorized")

	// ErrUnknownModel: the server does not serve the configured model. Tell
	// the user the model setting is wrong (list what the server has).
	ErrUnknownModel = errors.New("unknown model")

	// ErrNoFIM: the model rejected a fill-in-the-middle request (a suffix).
	// Switch to the chat prompt for this model, and say so once.
	ErrNoFIM = errors.New("fill-in-the-middle not supported")

	// ErrBadResponse: the server answered something that is not the wire
	// format (malformed JSON, a cut stream). Treat as a failed call.
	ErrBadResponse = errors.New("malformed model response")
)

// RateLimitError is returned, wrapping ErrRateLimited, when a server
// answers 429.
type RateLimitError struct {
	RetryAfter time.Duration // zero when the server did not say
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter)
	}
	return "rate limited"
}

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }
