package wire

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm"
)

func TestHTTPError(t *testing.T) {
	tests := []struct {
		status int
		msg    string
		want   error
	}{
		{401, "Incorrect API key provided", llm.ErrUnauthorized},
		{403, "forbidden", llm.ErrUnauthorized},
		{429, "", llm.ErrRateLimited},
		{500, "boom", llm.ErrUnavailable},
		{503, "Loading model", llm.ErrUnavailable},
		{400, "This model's maximum context length is 4096 tokens", llm.ErrContextTooLong},
		{400, "the request exceeds the available context size", llm.ErrContextTooLong},
		{413, "", llm.ErrContextTooLong},
		{400, "suffix is not currently supported", llm.ErrNoFIM},
		{400, "llama3 does not support insert", llm.ErrNoFIM},
		{501, "Infill is not supported by this model", llm.ErrNoFIM},
		{404, "The model `x` does not exist", llm.ErrUnknownModel},
		{404, `model "x" not found, try pulling it first`, llm.ErrUnknownModel},
		{404, "404 page not found", llm.ErrUnavailable},
		{400, "invalid value for top_p", nil},
	}
	for _, tc := range tests {
		err := HTTPError(tc.status, http.Header{}, tc.msg, "")
		if tc.want == nil {
			var se *StatusError
			if !errors.As(err, &se) || se.Sentinel != nil {
				t.Errorf("%d %q: %v, want a plain StatusError", tc.status, tc.msg, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %q: %v, want %v", tc.status, tc.msg, err, tc.want)
		}
	}
}

func TestHTTPErrorRedactsKey(t *testing.T) {
	err := HTTPError(401, nil, "bad key sk-123456", "sk-123456")
	if strings.Contains(err.Error(), "sk-123456") {
		t.Errorf("key in %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"7": 7 * time.Second, "0.5": 500 * time.Millisecond, "": 0, "soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
	} {
		if got := ParseRetryAfter(v, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestGate(t *testing.T) {
	var g Gate
	if g.Err() != nil {
		t.Fatal("zero gate closed")
	}
	g.Observe(errors.New("other"))
	if g.Err() != nil {
		t.Fatal("gate closed by an unrelated error")
	}
	g.Observe(&llm.RateLimitError{RetryAfter: time.Minute})
	var rl *llm.RateLimitError
	if err := g.Err(); !errors.As(err, &rl) || rl.RetryAfter <= 50*time.Second {
		t.Errorf("gate after 429 = %v", err)
	}
	g = Gate{}
	g.Observe(&llm.RateLimitError{RetryAfter: time.Nanosecond})
	time.Sleep(time.Millisecond)
	if g.Err() != nil {
		t.Error("gate still closed after Retry-After passed")
	}
}

func TestReadEvents(t *testing.T) {
	var got []string
	err := ReadEvents(strings.NewReader("event: x\ndata: {\"a\":1}\n\n: comment\ndata:[DONE]\n"), false, func(d []byte) (bool, error) {
		got = append(got, string(d))
		return true, nil
	})
	if err != nil || strings.Join(got, "|") != `{"a":1}|[DONE]` {
		t.Errorf("SSE = %q, %v", got, err)
	}
	got = nil
	ReadEvents(strings.NewReader("{\"a\":1}\n\n{\"b\":2}"), true, func(d []byte) (bool, error) {
		got = append(got, string(d))
		return len(got) < 1, nil
	})
	if len(got) != 1 {
		t.Errorf("NDJSON did not stop when asked: %q", got)
	}
}

func TestErrorMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":{"message":"m1","type":"x"}}`: "m1",
		`{"error":"m2"}`:                        "m2",
		`{"message":"m3","object":"error"}`:     "m3",
		`{"detail":"m4"}`:                       "m4",
		"plain text\n":                          "plain text",
	} {
		if got := ErrorMessage([]byte(body)); got != want {
			t.Errorf("ErrorMessage(%s) = %q, want %q", body, got, want)
		}
	}
}
