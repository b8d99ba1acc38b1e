package openai

import (
	"context"
	"net/http"
	"sync"
)

// exchange records the response of the one HTTP call made for a request,
// because go-openai's errors do not carry the headers (Retry-After).
type exchange struct {
	mu   sync.Mutex
	resp *http.Response
}

func (e *exchange) header() http.Header {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.resp == nil {
		return nil
	}
	return e.resp.Header
}

// sent returns the response received, nil when the call failed before one.
func (e *exchange) sent() *http.Response {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.resp
}

type exchangeKey struct{}

func withExchange(ctx context.Context) (context.Context, *exchange) {
	ex := &exchange{}
	return context.WithValue(ctx, exchangeKey{}, ex), ex
}

// recorder is the go-openai HTTPDoer: the provider's client, noting each
// response in the request's exchange.
type recorder struct{ client *http.Client }

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.client.Do(req)
	if ex, ok := req.Context().Value(exchangeKey{}).(*exchange); ok && resp != nil {
		ex.mu.Lock()
		ex.resp = resp
		ex.mu.Unlock()
	}
	return resp, err
}
