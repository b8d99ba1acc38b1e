package health_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/llm/openai"
	"github.com/lode-ls/lode/internal/eventually"
	"github.com/lode-ls/lode/internal/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// changes records the states a Model reports, and lets a test wait for
// the next one.
type changes struct {
	mu  sync.Mutex
	all []health.Status
	ch  chan health.Status
}

func newChanges() *changes { return &changes{ch: make(chan health.Status, 16)} }

func (c *changes) note(s health.Status) {
	c.mu.Lock()
	c.all = append(c.all, s)
	c.mu.Unlock()
	c.ch <- s
}

func (c *changes) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.all)
}

// next waits for the next change; the limit is generous and only keeps a
// broken build from hanging.
func (c *changes) next(t *testing.T) health.Status {
	t.Helper()
	select {
	case s := <-c.ch:
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("no change of state")
		return health.Status{}
	}
}

func TestDownAfterFaultNoCallsThenUp(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	fake := &llmtest.Model{Answer: func(*llm.Request) (string, error) {
		if fail.Load() {
			return "", fmt.Errorf("%w: connection refused", llm.ErrUnavailable)
		}
		return "ok", nil
	}}
	ch := newChanges()
	m := health.New(fake, health.Options{Backoff: time.Millisecond, OnChange: ch.note})
	defer m.Close()
	ctx := context.Background()
	req := &llm.Request{Prompt: "x", MaxTokens: 100}

	_, err := m.Complete(ctx, req)
	var down *health.DownError
	if !errors.As(err, &down) || !errors.Is(err, llm.ErrUnavailable) {
		t.Fatalf("first failure: err = %v, want a DownError wrapping ErrUnavailable", err)
	}
	if s := ch.next(t); s.State != health.Down || s.Fault() != "unreachable" {
		t.Fatalf("change = %+v, want down (unreachable)", s)
	}
	// Hold the probe back by failing it; the calls below must not reach
	// the model whatever the probe does.
	callsBefore := len(fake.Calls())
	probes := m.Status().Probes
	for range 20 {
		if _, err := m.Complete(ctx, req); !errors.Is(err, llm.ErrUnavailable) {
			t.Fatalf("call while down: err = %v, want ErrUnavailable", err)
		}
		if _, err := m.Stream(ctx, req, func(string) bool { return true }); !errors.Is(err, llm.ErrUnavailable) {
			t.Fatalf("stream while down: err = %v, want ErrUnavailable", err)
		}
	}
	made := len(fake.Calls()) - callsBefore
	if made > m.Status().Probes-probes {
		t.Errorf("%d calls reached the model while down, more than the %d probes", made, m.Status().Probes-probes)
	}
	for _, c := range fake.Calls()[1:] {
		if c.MaxTokens != 16 {
			t.Errorf("probe asked for %d tokens, want 16", c.MaxTokens)
		}
	}

	fail.Store(false)
	if s := ch.next(t); s.State != health.Up {
		t.Fatalf("change = %+v, want up", s)
	}
	if resp, err := m.Complete(ctx, req); err != nil || resp.Text() != "ok" {
		t.Fatalf("after recovery: %v, %v", resp, err)
	}
	if n := ch.count(); n != 2 {
		t.Errorf("%d changes of state, want 2 (down, up)", n)
	}
}

func TestNotFaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"context too long", llm.ErrContextTooLong, nil},
		{"no FIM", llm.ErrNoFIM, nil},
		{"plain bad request", &wire.StatusError{Status: 400, Message: "bad"}, nil},
		{"cancelled by the caller", context.Canceled, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, func() {}
		}},
		{"deadline of a call that still had time", context.DeadlineExceeded, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.Background(), func() {}
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			fake := &llmtest.Model{Answer: func(*llm.Request) (string, error) { return "", tc.err }}
			m := health.New(fake, health.Options{})
			defer m.Close()
			for range 3 {
				_, err := m.Complete(ctx, &llm.Request{})
				var down *health.DownError
				if errors.As(err, &down) {
					t.Fatalf("err = %v: marked down", err)
				}
			}
			if m.Status().State != health.Up {
				t.Errorf("state %v, want up", m.Status().State)
			}
		})
	}
}

func TestCloseStopsProbe(t *testing.T) {
	fake := &llmtest.Model{Err: fmt.Errorf("%w: refused", llm.ErrUnavailable)}
	m := health.New(fake, health.Options{Backoff: time.Hour})
	if _, err := m.Complete(context.Background(), &llm.Request{}); !errors.Is(err, llm.ErrUnavailable) {
		t.Fatal(err)
	}
	m.Close() // goleak (TestMain) fails the test if the probe outlives it
	if m.Status().State != health.Up {
		t.Error("a closed Model still reports down")
	}
}

// faultKinds is the Fault() each of llmtest.Faults reports.
var faultKinds = map[string]string{
	"hang": "timeout", "401": "key", "429": "rate", "500": "unreachable",
	"malformed": "response", "cut stream": "response",
}

// TestFaultMatrix drives a real provider against the fake server in every
// fault mode: the first call fails (within the caller's budget), every
// later call while the fault lasts makes no request to the server, one
// change of state is reported per episode, the probe brings the model
// back once the fault ends, and no connection is left open.
func TestFaultMatrix(t *testing.T) {
	for _, tc := range llmtest.Faults() {
		if tc.Refused {
			continue // the refused connection is TestRefusedConnection's
		}
		t.Run(tc.Name, func(t *testing.T) {
			want, ok := faultKinds[tc.Name]
			if !ok {
				t.Fatalf("no expected fault kind for %s", tc.Name)
			}
			srv := llmtest.NewServer(t)
			client, err := openai.New(openai.Options{BaseURL: srv.URL + "/v1", APIKey: "k", Model: "fake-coder",
				Timeouts: wire.Timeouts{Request: time.Minute}})
			if err != nil {
				t.Fatal(err)
			}
			ch := newChanges()
			m := health.New(client, health.Options{Backoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
				ProbeTimeout: time.Second, OnChange: ch.note})
			defer m.Close()
			srv.Reply(tc.Reply)
			// Calls ask for 100 tokens, probes for 16: the server tells them apart.
			req := &llm.Request{Mode: llm.ModeRaw, Prompt: "func f() {", MaxTokens: 100}
			calls := func() int {
				n := 0
				for _, r := range srv.Requests() {
					if r.Field("max_tokens") == float64(100) {
						n++
					}
				}
				return n
			}
			call := func(budget time.Duration) error {
				ctx, cancel := context.WithTimeout(context.Background(), budget)
				defer cancel()
				_, err := m.Stream(ctx, req, func(string) bool { return true })
				return err
			}
			// The caller's budget (timeout_ms) ends the hang; it is not
			// asserted.
			if err := call(time.Second); !errors.Is(err, llm.ErrUnavailable) {
				t.Fatalf("first call: err = %v, want ErrUnavailable", err)
			}
			s := ch.next(t)
			if s.State != health.Down || s.Fault() != want {
				t.Fatalf("change = %v (%v), want down with fault %q", s.State, s.Err, want)
			}
			if strings.Contains(s.Err.Error(), "Bearer k") {
				t.Error("the error shows the key")
			}
			before := calls()
			for range 50 {
				if err := call(time.Minute); !errors.Is(err, llm.ErrUnavailable) {
					t.Fatalf("call while down: err = %v", err)
				}
			}
			if got := calls() - before; got != 0 {
				t.Errorf("%d of 50 calls made while down reached the server", got)
			}
			if n := ch.count(); n != 1 {
				t.Errorf("%d changes during the fault, want 1", n)
			}

			srv.Reply(llmtest.Reply{Text: "return 1"})
			if s := ch.next(t); s.State != health.Up {
				t.Fatalf("change = %+v, want up", s)
			}
			if err := call(time.Minute); err != nil {
				t.Fatalf("after recovery: %v", err)
			}
			eventually.True(t, func() bool { return srv.OpenConns() <= 1 }, "at most one (idle) connection open")
		})
	}
}

func TestRefusedConnection(t *testing.T) {
	url := llmtest.RefusedURL(t)
	client, err := openai.New(openai.Options{BaseURL: url + "/v1", Model: "fake-coder"})
	if err != nil {
		t.Fatal(err)
	}
	ch := newChanges()
	m := health.New(client, health.Options{Backoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, OnChange: ch.note})
	defer m.Close()
	if _, err := m.Complete(context.Background(), &llm.Request{Prompt: "x"}); !errors.Is(err, llm.ErrUnavailable) {
		t.Fatal(err)
	}
	if s := ch.next(t); s.Fault() != "unreachable" {
		t.Errorf("fault %q, want unreachable", s.Fault())
	}
	msg := health.Message(m.Status(), health.Advice{What: "the completion model fake-coder", URL: "base_url in [completion.model]", Fallback: true})
	for _, want := range []string{"cannot reach the completion model fake-coder", "base_url in [completion.model]", "embedded model"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}

	// The server starts: the probe finds it.
	l, err := net.Listen("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	fake := llmtest.NewServer(t)
	hs := &http.Server{Handler: fake}
	go hs.Serve(l)
	defer hs.Close()
	if s := ch.next(t); s.State != health.Up {
		t.Fatalf("change = %+v, want up", s)
	}
	if _, err := m.Complete(context.Background(), &llm.Request{Prompt: "x"}); err != nil {
		t.Errorf("after the server started: %v", err)
	}
	client.CloseIdleConnections()
}

func TestMessageNamesTheSetting(t *testing.T) {
	a := health.Advice{What: "the completion model m", Key: "the environment variable LODE_API_KEY",
		URL: "base_url", Model: "model in [completion.model]", Timeout: "completion.timeout_ms",
		Meanwhile: "No completions from it until it answers again."}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&wire.StatusError{Status: 401, Sentinel: llm.ErrUnauthorized}, "refused the API key; check the environment variable LODE_API_KEY"},
		{&wire.StatusError{Status: 404, Sentinel: llm.ErrUnknownModel}, "check model in [completion.model]"},
		{context.DeadlineExceeded, "raise completion.timeout_ms"},
		{&llm.RateLimitError{RetryAfter: 2 * time.Second}, "retry after 2s"},
		{fmt.Errorf("%w: eof", llm.ErrBadResponse), "cannot read"},
	} {
		msg := health.Message(health.Status{State: health.Down, Err: tc.err}, a)
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "No completions") {
			t.Errorf("%v: message %q, want it to say %q", tc.err, msg, tc.want)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		st       health.Status
		fallback bool
		want     string
	}{
		{health.Status{}, true, "ok"},
		{health.Status{State: health.Down, Err: fmt.Errorf("%w: refused", llm.ErrUnavailable)}, true, "model unreachable, using embedded"},
		{health.Status{State: health.Down, Err: &wire.StatusError{Status: 401, Sentinel: llm.ErrUnauthorized}}, false, "model refused the key, no completions"},
		{health.Status{State: health.Down, Err: context.DeadlineExceeded}, true, "model not answering, using embedded"},
	} {
		if got := health.Summary(tc.st, tc.fallback); got != tc.want {
			t.Errorf("Summary(%v, %v) = %q, want %q", tc.st.Err, tc.fallback, got, tc.want)
		}
	}
}
