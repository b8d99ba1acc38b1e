package llmtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/lode-ls/lode/completion/llm"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func post(t *testing.T, url, body string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, string(b) + "<cut>", resp.Header
	}
	return resp.StatusCode, string(b), resp.Header
}

func TestWireFormats(t *testing.T) {
	srv := NewServer(t)
	srv.Reply(Reply{Text: "a b"})
	tests := []struct{ path, body, want string }{
		{"/v1/completions", `{"prompt":"x"}`, `"text":"a b"`},
		{"/v1/completions", `{"prompt":"x","stream":true}`, "data: [DONE]"},
		{"/v1/chat/completions", `{"messages":[]}`, `"content":"a b"`},
		{"/v1/chat/completions", `{"stream":true}`, `"delta":{"content":"a ","role":"assistant"}`},
		{"/v1/fim/completions", `{"prompt":"x","suffix":"y"}`, `"message":{"content":"a b"`},
		{"/api/generate", `{"prompt":"x"}`, "{\"done\":false,\"model\":\"\",\"response\":\"a \"}\n"},
		{"/api/generate", `{"prompt":"x","stream":false}`, `"response":"a b"`},
		{"/api/chat", `{"stream":false}`, `"message":{"content":"a b"`},
		{"/infill", `{"input_prefix":"x"}`, `"content":"a b"`},
		{"/completion", `{"prompt":"x","stream":true}`, `data: {"content":"","model":"","stop":true}`},
	}
	for _, tc := range tests {
		code, body, _ := post(t, srv.URL+tc.path, tc.body)
		if code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s %s = %d %q, want it to contain %q", tc.path, tc.body, code, body, tc.want)
		}
	}
	if n := len(srv.Requests()); n != len(tests) {
		t.Errorf("recorded %d requests, want %d", n, len(tests))
	}
	if got := srv.Last(t).Field("prompt"); got != "x" {
		t.Errorf("Field(prompt) = %v", got)
	}
}

func TestScripts(t *testing.T) {
	srv := NewServer(t)
	srv.Enqueue(Reply{Status: 429, RetryAfter: "3"}, Reply{Status: 401})
	srv.ReplyFunc(func(r Request) Reply { return Reply{Text: r.Path} })
	code, body, h := post(t, srv.URL+"/v1/completions", `{}`)
	if code != 429 || h.Get("Retry-After") != "3" || !strings.Contains(body, `"error":{`) {
		t.Errorf("first = %d %q %v", code, body, h)
	}
	code, body, _ = post(t, srv.URL+"/api/generate", `{}`)
	if code != 401 || !strings.Contains(body, `{"error":"Unauthorized"}`) {
		t.Errorf("second = %d %q", code, body)
	}
	if _, body, _ = post(t, srv.URL+"/infill", `{}`); !strings.Contains(body, `"content":"/infill"`) {
		t.Errorf("third = %q", body)
	}
	srv.Reply(Reply{Text: "one two three", CutAfter: 1})
	if _, body, _ = post(t, srv.URL+"/v1/completions", `{"stream":true}`); !strings.HasSuffix(body, "<cut>") || strings.Contains(body, "[DONE]") {
		t.Errorf("cut stream = %q", body)
	}
}

func TestWaitClosed(t *testing.T) {
	srv := NewServer(t)
	srv.Reply(Reply{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/chat", strings.NewReader(`{}`))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("a hanging reply answered")
	}
	r, ok := srv.WaitClosed(2 * time.Second)
	if !ok || r.Path != "/api/chat" {
		t.Errorf("WaitClosed = %v, %v", r.Path, ok)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestModel(t *testing.T) {
	m := &Model{Name: "fake", FIM: true, Text: "x := 1 + 2"}
	var deltas []string
	resp, err := m.Stream(context.Background(), &llm.Request{Prompt: "p"}, func(d string) bool {
		deltas = append(deltas, d)
		return len(deltas) < 2
	})
	if err != nil || resp.Text() != "x := " || len(deltas) != 2 {
		t.Errorf("Stream = %q %v %q", resp.Text(), err, deltas)
	}
	m.Delay = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Complete(ctx, &llm.Request{}); !errors.Is(err, context.Canceled) || m.Canceled() != 1 {
		t.Errorf("cancelled Complete = %v, canceled %d", err, m.Canceled())
	}
	m.Delay, m.Answer = 0, func(r *llm.Request) (string, error) { return strings.ToUpper(r.Prompt), nil }
	if resp, _ := m.Complete(context.Background(), &llm.Request{Prompt: "abc"}); resp.Text() != "ABC" {
		t.Errorf("Answer = %q", resp.Text())
	}
	if len(m.Calls()) != 3 || !m.SupportsFIM() || m.ModelName() != "fake" {
		t.Errorf("calls %d", len(m.Calls()))
	}
}
