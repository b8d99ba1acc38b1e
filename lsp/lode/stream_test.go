package lode

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	lsp "go.lsp.dev/protocol"
)

type rw struct {
	io.Reader
	out bytes.Buffer
}

func (r *rw) Write(p []byte) (int, error) { return r.out.Write(p) }
func (r *rw) Close() error                { return nil }

func frame(body string) string {
	return "Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestStreamSkipsGarbage(t *testing.T) {
	good := `{"jsonrpc":"2.0","id":1,"method":"x"}`
	input := "not a header\r\n\r\n" +
		"Content-Length: -1\r\n\r\n" +
		frame(`{"broken`) +
		frame(`[1]`) +
		"Content-Length: 100000000\r\n\r\n" + strings.Repeat("z", 100000000) +
		"\r\n" + frame(good)
	conn := &rw{Reader: strings.NewReader(input)}
	s := NewStream(conn, 1<<20, nil)
	body, _, err := s.ReadFrame(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != good {
		t.Fatalf("first good frame = %q", body)
	}
	if _, _, err := s.ReadFrame(context.Background()); err != io.EOF {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}
	// The broken JSON and the batch were answered, with null ids.
	out := conn.out.String()
	if strings.Count(out, `"id":null`) != 2 || !strings.Contains(out, "-32700") || !strings.Contains(out, "-32600") {
		t.Errorf("answers to garbage:\n%s", out)
	}
}

func TestStreamTruncated(t *testing.T) {
	s := NewStream(&rw{Reader: strings.NewReader("Content-Length: 10\r\n\r\n{}")}, 0, nil)
	if _, _, err := s.ReadFrame(context.Background()); err != io.ErrUnexpectedEOF {
		t.Fatalf("truncated body: %v", err)
	}
}

func TestStreamWrite(t *testing.T) {
	conn := &rw{Reader: strings.NewReader("")}
	s := NewStream(conn, 0, nil)
	if _, err := s.Write(context.Background(), jsonrpc2.NewNotification("m", jsonrpc2.RawMessage(`{"a":1}`))); err != nil {
		t.Fatal(err)
	}
	want := frame(`{"jsonrpc":"2.0","method":"m","params":{"a":1}}`)
	if conn.out.String() != want {
		t.Errorf("wrote %q, want %q", conn.out.String(), want)
	}
}

func TestDecodeParams(t *testing.T) {
	for _, params := range []string{"", "null", " {} "} {
		var p ContextParams
		if err := DecodeParams(MethodContext, []byte(params), &p); err != nil || p.Budget != 0 {
			t.Errorf("params %q: %+v, %v", params, p, err)
		}
	}
	var p ContextParams
	err := DecodeParams(MethodContext, []byte(`{"budget":"ten"}`), &p)
	if !IsCode(err, jsonrpc2.InvalidParams) || !strings.Contains(err.Error(), MethodContext) {
		t.Errorf("bad params: %v", err)
	}
	var pos lsp.Position
	if err := DecodeParams("x", []byte(`{"line":-1,"character":0}`), &pos); !IsCode(err, jsonrpc2.InvalidParams) {
		t.Errorf("negative line: %v", err)
	}
}
