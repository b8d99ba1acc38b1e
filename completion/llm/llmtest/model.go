package llmtest

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/lode-ls/lode/completion/llm"
)

// Model is an in-memory llm.Model for unit tests. It answers Text (or
// Answer's result), after Delay, and records every request. It implements
// llm.Streamer, llm.FIMer and llm.Namer. The zero Model answers "".
type Model struct {
	Name   string        // returned by ModelName
	FIM    bool          // returned by SupportsFIM
	Text   string        // the answer when Answer is nil
	More   []string      // further choices, for a request of several (N > 1), not streamed
	Err    error         // returned instead of an answer when set
	Delay  time.Duration // before answering; cancellation cuts it short
	Answer func(req *llm.Request) (string, error)

	mu       sync.Mutex
	calls    []llm.Request
	canceled int
}

var _ llm.StandIn = (*Model)(nil)

// Complete records req and answers it.
func (m *Model) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	text, err := m.answer(ctx, req)
	if err != nil {
		return nil, err
	}
	resp := &llm.Response{Model: m.Name, Choices: []llm.Choice{{Text: text, FinishReason: "stop"}}}
	for i := 0; i < len(m.More) && i+1 < req.N; i++ {
		resp.Choices = append(resp.Choices, llm.Choice{Text: m.More[i], FinishReason: "stop"})
	}
	return resp, nil
}

// Stream records req and yields the answer cut after each space.
func (m *Model) Stream(ctx context.Context, req *llm.Request, yield func(string) bool) (*llm.Response, error) {
	text, err := m.answer(ctx, req)
	if err != nil {
		return nil, err
	}
	var got strings.Builder
	for _, c := range (Reply{Text: text}).chunks() {
		got.WriteString(c)
		if !yield(c) {
			break
		}
	}
	return &llm.Response{Model: m.Name, Choices: []llm.Choice{{Text: got.String(), FinishReason: "stop"}}}, nil
}

func (m *Model) answer(ctx context.Context, req *llm.Request) (string, error) {
	m.mu.Lock()
	m.calls = append(m.calls, *req)
	m.mu.Unlock()
	if m.Delay > 0 {
		t := time.NewTimer(m.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			m.mu.Lock()
			m.canceled++
			m.mu.Unlock()
			return "", ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if m.Err != nil {
		return "", m.Err
	}
	if m.Answer != nil {
		return m.Answer(req)
	}
	return m.Text, nil
}

// SupportsFIM reports m.FIM.
func (m *Model) SupportsFIM() bool { return m.FIM }

// ModelName reports m.Name.
func (m *Model) ModelName() string { return m.Name }

// Calls returns copies of the requests received so far.
func (m *Model) Calls() []llm.Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]llm.Request(nil), m.calls...)
}

// Canceled returns how many calls were cancelled while waiting Delay.
func (m *Model) Canceled() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.canceled
}
