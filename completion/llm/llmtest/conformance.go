package llmtest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/wire"
)

// Suite describes one provider to RunConformance.
type Suite struct {
	// New returns the model under test, calling baseURL with apiKey (sent
	// as "Authorization: Bearer apiKey") and timeouts.
	New func(t *testing.T, baseURL, apiKey string, timeouts wire.Timeouts) llm.Model
	// Request returns a fresh request the model sends to one of the fake
	// server's endpoints.
	Request func() *llm.Request
}

// conformanceKey is the API key the suite configures; no error may show it.
const conformanceKey = "sk-conformance-SECRET-0123456789"

// RunConformance runs the shared provider tests against a fresh fake
// server each: answers, streaming agreeing with non-streaming, stopping a
// stream early, cancellation aborting the HTTP request (the server sees
// the connection close), every fault mapped to its sentinel, one retry of
// a 5xx, and back-off after 429 and 401 without further requests.
func RunConformance(t *testing.T, s Suite) {
	for _, c := range conformanceCases {
		t.Run(c.name, func(t *testing.T) {
			srv := NewServer(t)
			env := &env{t: t, srv: srv, suite: s}
			c.run(env)
		})
	}
}

type env struct {
	t     *testing.T
	srv   *Server
	suite Suite
}

func (e *env) model(url string, to wire.Timeouts) llm.Model {
	m := e.suite.New(e.t, url, conformanceKey, to)
	if c, ok := m.(interface{ CloseIdleConnections() }); ok {
		e.t.Cleanup(c.CloseIdleConnections)
	}
	return m
}

func (e *env) defaultModel() llm.Model {
	return e.model(e.srv.URL, wire.Timeouts{Connect: time.Second, FirstByte: 5 * time.Second, Request: 10 * time.Second})
}

func (e *env) streamer(m llm.Model) llm.Streamer {
	st, ok := m.(llm.Streamer)
	if !ok {
		e.t.Skip("model does not stream")
	}
	return st
}

// wantErr checks err wraps want and does not show the key.
func (e *env) wantErr(err, want error) {
	e.t.Helper()
	if !errors.Is(err, want) {
		e.t.Fatalf("error = %v, want one wrapping %v", err, want)
	}
	if strings.Contains(err.Error(), conformanceKey) {
		e.t.Fatalf("error shows the API key: %v", err)
	}
}

func collect(ctx context.Context, st llm.Streamer, req *llm.Request) ([]string, *llm.Response, error) {
	var deltas []string
	resp, err := st.Stream(ctx, req, func(d string) bool {
		deltas = append(deltas, d)
		return true
	})
	return deltas, resp, err
}

type conformanceCase struct {
	name string
	run  func(e *env)
}

var conformanceCases = []conformanceCase{
	{"answers", func(e *env) {
		e.srv.Reply(Reply{Text: "return a + b"})
		resp, err := e.defaultModel().Complete(context.Background(), e.suite.Request())
		if err != nil {
			e.t.Fatal(err)
		}
		if resp.Text() != "return a + b" {
			e.t.Errorf("text = %q, want %q", resp.Text(), "return a + b")
		}
		if got := e.srv.Last(e.t).Header.Get("Authorization"); got != "Bearer "+conformanceKey {
			e.t.Errorf("Authorization header = %q, want the bearer key", got)
		}
	}},
	{"stream-agrees", func(e *env) {
		e.srv.Reply(Reply{Chunks: []string{"if err ", "!= nil ", "{\n\treturn err\n}"}})
		m := e.defaultModel()
		st := e.streamer(m)
		whole, err := m.Complete(context.Background(), e.suite.Request())
		if err != nil {
			e.t.Fatal(err)
		}
		deltas, resp, err := collect(context.Background(), st, e.suite.Request())
		if err != nil {
			e.t.Fatal(err)
		}
		if len(deltas) < 3 {
			e.t.Errorf("got %d deltas %q, want the 3 chunks", len(deltas), deltas)
		}
		if j := strings.Join(deltas, ""); j != whole.Text() || resp.Text() != whole.Text() {
			e.t.Errorf("streamed %q (response %q), non-streamed %q", j, resp.Text(), whole.Text())
		}
	}},
	{"stream-stop-early", func(e *env) {
		e.srv.Reply(Reply{Chunks: []string{"a", "b", "c", "d", "e", "f"}, ChunkDelay: 50 * time.Millisecond})
		st := e.streamer(e.defaultModel())
		resp, err := st.Stream(context.Background(), e.suite.Request(), func(string) bool { return false })
		if err != nil {
			e.t.Fatal(err)
		}
		if resp.Text() != "a" {
			e.t.Errorf("text = %q, want only the first chunk", resp.Text())
		}
		if _, ok := e.srv.WaitClosed(3 * time.Second); !ok {
			e.t.Error("the server did not see the connection close")
		}
	}},
	{"cancel-aborts-request", func(e *env) { cancelCase(e, false) }},
	{"cancel-aborts-stream", func(e *env) { cancelCase(e, true) }},
	{"unauthorized-once", func(e *env) {
		e.srv.Reply(Reply{Status: 401, Error: "Incorrect API key provided: " + conformanceKey})
		m := e.defaultModel()
		_, err := m.Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnauthorized)
		_, err = m.Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnauthorized)
		if n := e.srv.Count(); n != 1 {
			e.t.Errorf("server got %d requests, want 1: no call after a 401", n)
		}
	}},
	{"rate-limited-retry-after", func(e *env) {
		e.srv.Reply(Reply{Status: 429, RetryAfter: "7"})
		m := e.defaultModel()
		_, err := m.Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrRateLimited)
		var rl *llm.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
			e.t.Fatalf("error %v: want a *RateLimitError with RetryAfter 7s", err)
		}
		_, err = m.Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrRateLimited)
		if n := e.srv.Count(); n != 1 {
			e.t.Errorf("server got %d requests, want 1: no retry storm", n)
		}
	}},
	{"5xx-retried-once", func(e *env) {
		e.srv.Enqueue(Reply{Status: 503})
		e.srv.Reply(Reply{Text: "ok"})
		resp, err := e.defaultModel().Complete(context.Background(), e.suite.Request())
		if err != nil || resp.Text() != "ok" {
			e.t.Fatalf("Complete = %v, %v; want the retried answer", resp, err)
		}
		if n := e.srv.Count(); n != 2 {
			e.t.Errorf("server got %d requests, want 2", n)
		}
	}},
	{"5xx-twice-unavailable", func(e *env) {
		e.srv.Reply(Reply{Status: 502})
		_, err := e.defaultModel().Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnavailable)
		if n := e.srv.Count(); n != 2 {
			e.t.Errorf("server got %d requests, want 2 (one retry)", n)
		}
	}},
	{"cancel-during-backoff", func(e *env) {
		e.srv.Reply(Reply{Status: 503})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := e.defaultModel().Complete(ctx, e.suite.Request())
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, llm.ErrUnavailable) {
			e.t.Errorf("error = %v, want the caller's deadline, not a server fault", err)
		}
		if n := e.srv.Count(); n != 1 {
			e.t.Errorf("server got %d requests, want 1", n)
		}
	}},
	{"malformed-json", func(e *env) {
		e.srv.Reply(Reply{Body: `{"choices": [{"text": `})
		_, err := e.defaultModel().Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrBadResponse)
	}},
	{"malformed-stream", func(e *env) {
		e.srv.Reply(Reply{Body: "data: {\"oops\n\n"})
		_, _, err := collect(context.Background(), e.streamer(e.defaultModel()), e.suite.Request())
		e.wantErr(err, llm.ErrBadResponse)
	}},
	{"cut-stream", func(e *env) {
		e.srv.Reply(Reply{Text: "one two three four", CutAfter: 2})
		_, _, err := collect(context.Background(), e.streamer(e.defaultModel()), e.suite.Request())
		e.wantErr(err, llm.ErrBadResponse)
	}},
	{"unknown-model", func(e *env) {
		e.srv.Reply(Reply{Status: 404, Error: "The model `nope` does not exist."})
		_, err := e.defaultModel().Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnknownModel)
	}},
	{"context-too-long", func(e *env) {
		e.srv.Reply(Reply{Status: 400, Error: "This model's maximum context length is 2048 tokens."})
		_, err := e.defaultModel().Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrContextTooLong)
	}},
	{"connection-refused", func(e *env) {
		_, err := e.model(RefusedURL(e.t), wire.Timeouts{}).Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnavailable)
	}},
	{"name-resolution", func(e *env) {
		_, err := e.model(UnresolvableURL, wire.Timeouts{Connect: 2 * time.Second}).Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnavailable)
	}},
	{"connect-timeout", func(e *env) {
		m := e.model(BlackholeURL(e.t), wire.Timeouts{Connect: 200 * time.Millisecond})
		_, err := m.Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnavailable)
		if !strings.Contains(err.Error(), "connection timed out") {
			e.t.Errorf("error %v: want a connect timeout", err)
		}
	}},
	{"first-byte-timeout", func(e *env) {
		e.srv.Reply(Reply{Delay: 5 * time.Second, Text: "late"})
		m := e.model(e.srv.URL, wire.Timeouts{FirstByte: 200 * time.Millisecond})
		_, err := m.Complete(context.Background(), e.suite.Request())
		e.wantErr(err, llm.ErrUnavailable)
		if errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "first-byte") {
			e.t.Errorf("error %v: want one naming the first-byte timeout, not the caller's deadline", err)
		}
	}},
	{"request-timeout", func(e *env) {
		e.srv.Reply(Reply{Chunks: []string{"a", "b", "c", "d", "e"}, ChunkDelay: 300 * time.Millisecond})
		m := e.model(e.srv.URL, wire.Timeouts{Request: 400 * time.Millisecond})
		_, _, err := collect(context.Background(), e.streamer(m), e.suite.Request())
		e.wantErr(err, llm.ErrUnavailable)
		if errors.Is(err, context.DeadlineExceeded) {
			e.t.Errorf("a provider timeout must not look like the caller's deadline: %v", err)
		}
	}},
	{"concurrent-calls", func(e *env) {
		e.srv.Reply(Reply{Text: "x", Delay: 100 * time.Millisecond})
		m := e.defaultModel()
		var wg sync.WaitGroup
		errs := make(chan error, 6)
		for range 6 {
			wg.Go(func() {
				_, err := m.Complete(context.Background(), e.suite.Request())
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				e.t.Error(err)
			}
		}
	}},
}

// patience bounds the waits of the cases: far longer than any answer
// takes on a loaded machine, it tells a stuck call; it measures nothing.
const patience = time.Minute

func cancelCase(e *env, stream bool) {
	e.srv.Reply(Reply{Hang: true})
	m := e.defaultModel()
	var st llm.Streamer
	if stream {
		st = e.streamer(m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var err error
		if stream {
			_, _, err = collect(ctx, st, e.suite.Request())
		} else {
			_, err = m.Complete(ctx, e.suite.Request())
		}
		done <- err
	}()
	if !e.srv.WaitCount(1, patience) {
		e.t.Fatal("the call never reached the server")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			e.t.Errorf("error = %v, want context.Canceled", err)
		}
	case <-time.After(patience):
		e.t.Fatal("the call did not return after cancellation")
	}
	if _, ok := e.srv.WaitClosed(patience); !ok {
		e.t.Error("the server did not see the connection close")
	}
}
