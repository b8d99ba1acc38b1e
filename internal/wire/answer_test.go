package wire

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
)

func TestReadChunks(t *testing.T) {
	tests := []struct {
		name, body string
		stopAfter  int // yield returns false at this piece (0: never)
		want       llm.Response
		wantPieces string
		wantErr    error
	}{
		{name: "chat",
			body: `data: {"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"a "}}]}` + "\n\n" +
				`data: {"model":"m","choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"b"},"finish_reason":null}]}` + "\n\n" +
				`data: {"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}` + "\n\n" +
				`data: {"model":"m","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2}}` + "\n\n" +
				"data: [DONE]\n\n" + `data: {"choices":[{"index":0,"delta":{"content":"after"}}]}` + "\n\n",
			want:       llm.Response{Model: "m", PromptTokens: 7, CompletionTokens: 2, Choices: []llm.Choice{{Text: "a b", FinishReason: "length"}}},
			wantPieces: "a |b"},
		{name: "completions",
			body: `data: {"model":"m","choices":[{"index":0,"text":"x"}]}` + "\n\n" +
				`data: {"model":"m","choices":[{"index":0,"text":"y","finish_reason":"stop"}]}` + "\n\n",
			want:       llm.Response{Model: "m", Choices: []llm.Choice{{Text: "xy", FinishReason: "stop"}}},
			wantPieces: "x|y"},
		{name: "stopped",
			body: `data: {"model":"m","choices":[{"index":0,"text":"x"}]}` + "\n\n" +
				`data: {"model":"m","choices":[{"index":0,"text":"y"}]}` + "\n\n",
			stopAfter:  1,
			want:       llm.Response{Model: "m", Choices: []llm.Choice{{Text: "x"}}},
			wantPieces: "x"},
		{name: "cut", body: `data: {"model":"m","choices":[{"index":0,"text":"x"}]}` + "\n\ndata: [DONE]\n\n",
			wantErr: llm.ErrBadResponse},
		{name: "malformed", body: "data: {\"choices\n\n", wantErr: llm.ErrBadResponse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var pieces []string
			resp, err := ReadChunks(context.Background(), strings.NewReader(tc.body), func(s string) bool {
				pieces = append(pieces, s)
				return len(pieces) != tc.stopAfter
			})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(pieces, "|"); got != tc.wantPieces {
				t.Errorf("yielded %q, want %q", got, tc.wantPieces)
			}
			checkResponse(t, resp, &tc.want)
		})
	}
}

func TestReadChunksWhole(t *testing.T) {
	body := `{"model":"m","choices":[{"index":1,"message":{"content":"second"},"finish_reason":"stop"},` +
		`{"index":0,"message":{"role":"assistant","content":"first"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4}}`
	resp, err := ReadChunks(context.Background(), strings.NewReader(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, resp, &llm.Response{Model: "m", PromptTokens: 3, CompletionTokens: 4,
		Choices: []llm.Choice{{Text: "first", FinishReason: "length"}, {Text: "second", FinishReason: "stop"}}})

	resp, err = ReadChunks(context.Background(), strings.NewReader(`{"model":"m","choices":[{"index":0,"text":"t"}]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, resp, &llm.Response{Model: "m", Choices: []llm.Choice{{Text: "t"}}})
}

// line is a test event of ReadStream: a piece of text, the last event, or
// an error the server reports.
type line struct {
	Text  string `json:"text"`
	Last  bool   `json:"last"`
	Error string `json:"error"`
}

func (l *line) step(s *Stream) (string, error) {
	if l.Error != "" {
		return "", errors.New(l.Error)
	}
	s.Done = l.Last
	return l.Text, nil
}

func TestReadStream(t *testing.T) {
	read := func(body string) (*llm.Response, string, error) {
		var pieces []string
		resp, err := ReadStream(context.Background(), strings.NewReader(body), true, func(s string) bool {
			pieces = append(pieces, s)
			return true
		}, (*line).step)
		return resp, strings.Join(pieces, "|"), err
	}
	resp, pieces, err := read(`{"text":"a"}` + "\n" + `{"text":"b","last":true}` + "\n" + `{"text":"after"}` + "\n")
	if err != nil || pieces != "a|b" || resp.Text() != "ab" {
		t.Errorf("done: %v, %q, %v; want ab, a|b", resp, pieces, err)
	}
	_, _, err = read(`{"text":"a"}` + "\n" + `{"error":"model crashed"}` + "\n")
	if err == nil || err.Error() != "model crashed" {
		t.Errorf("server error = %v, want it as it is", err)
	}
	_, _, err = read(`{"text":"a"}` + "\n")
	if !errors.Is(err, llm.ErrBadResponse) {
		t.Errorf("cut stream = %v, want ErrBadResponse", err)
	}
}

func checkResponse(t *testing.T, got, want *llm.Response) {
	t.Helper()
	if got.Model != want.Model || got.PromptTokens != want.PromptTokens || got.CompletionTokens != want.CompletionTokens ||
		len(got.Choices) != len(want.Choices) {
		t.Fatalf("response = %+v, want %+v", got, want)
	}
	for i := range got.Choices {
		if got.Choices[i] != want.Choices[i] {
			t.Errorf("choice %d = %+v, want %+v", i, got.Choices[i], want.Choices[i])
		}
	}
}
