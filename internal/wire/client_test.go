package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
)

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.Name = "fake"
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestClientFIM(t *testing.T) {
	fim := &llm.Request{Mode: llm.ModeFIM, Prompt: "a", Suffix: "b"}
	calls := 0
	refuse := func(context.Context, *llm.Request, func(string) bool) (*llm.Response, error) {
		calls++
		return nil, fmt.Errorf("%w: no suffix here", llm.ErrNoFIM)
	}

	off := newTestClient(t, Config{BaseURL: "http://127.0.0.1:1", NoFIM: true})
	_, err := (&Model{W: off, Once: refuse}).Complete(context.Background(), fim)
	if !errors.Is(err, llm.ErrNoFIM) || !strings.HasPrefix(err.Error(), "fake: ") || calls != 0 || !off.NoFIM() {
		t.Errorf("configured off: %v after %d calls, NoFIM %v", err, calls, off.NoFIM())
	}

	c := newTestClient(t, Config{BaseURL: "http://127.0.0.1:1"})
	m := &Model{W: c, Once: refuse}
	if _, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeRaw}); !errors.Is(err, llm.ErrNoFIM) || c.NoFIM() {
		t.Errorf("raw request refused: %v; NoFIM = %v, want false", err, c.NoFIM())
	}
	if _, err := m.Complete(context.Background(), fim); !errors.Is(err, llm.ErrNoFIM) || !c.NoFIM() {
		t.Errorf("fim request refused: %v; NoFIM = %v, want true", err, c.NoFIM())
	}
}

func TestClientStreamWithoutYield(t *testing.T) {
	c := newTestClient(t, Config{BaseURL: "http://127.0.0.1:1"})
	m := &Model{W: c, Once: func(_ context.Context, _ *llm.Request, yield func(string) bool) (*llm.Response, error) {
		if yield == nil {
			return nil, errors.New("not streamed")
		}
		yield("x")
		return &llm.Response{}, nil
	}}
	_, err := m.Stream(context.Background(), &llm.Request{}, nil)
	if err != nil {
		t.Error(err)
	}
}

func TestClientDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/v1/echo":
			json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "body": string(body),
				"type": r.Header.Get("Content-Type"), "auth": r.Header.Get("Authorization"), "team": r.Header.Get("X-Team")})
		default:
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"bad key sk-secret"}}`)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, Config{BaseURL: srv.URL + "/v1/", APIKey: "sk-secret", Headers: map[string]string{"X-Team": "lode"}})

	resp, err := c.Do(context.Background(), http.MethodPost, "/echo", map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	err = Decode(context.Background(), resp.Body, &got)
	resp.Body.Close()
	want := map[string]string{"method": "POST", "body": `{"n":1}`, "type": "application/json", "auth": "Bearer sk-secret", "team": "lode"}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("POST reached the server as %v (%v), want %v", got, err, want)
	}

	if err := c.Get(context.Background(), "echoing", "/echo", &got); err != nil || got["method"] != "GET" || got["type"] != "" {
		t.Errorf("Get = %v, %v", got, err)
	}
	err = c.Get(context.Background(), "listing", "/other", nil)
	if !errors.Is(err, llm.ErrUnauthorized) || !strings.HasPrefix(err.Error(), "fake: listing: ") || strings.Contains(err.Error(), "sk-secret") {
		t.Errorf("Get of a 401 = %v, want ErrUnauthorized, named, without the key", err)
	}
}

func TestNewClientBadURL(t *testing.T) {
	_, err := NewClient(Config{Name: "fake", BaseURL: "localhost:8080"})
	if err == nil || !strings.HasPrefix(err.Error(), "fake: ") {
		t.Errorf("NewClient = %v, want a named error", err)
	}
}
