package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"strconv"
	"testing"
	"time"

	"github.com/lode-ls/lode/lsp/lsptest"
)

func frame(body string) []byte {
	return []byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

// FuzzServe feeds arbitrary bytes, after a valid initialize, to a server:
// it must not panic, must write only well-formed frames of valid JSON, and
// must stop once the client goes away. `make fuzz` runs it for a bounded
// time; the seeds run with every `go test`.
func FuzzServe(f *testing.F) {
	seeds := []string{
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.go","languageId":"go","version":1,"text":"package a\n"}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.go","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":8},"end":{"line":0,"character":9}},"text":"😀"}]}}`,
		`{"jsonrpc":"2.0","id":2,"method":"lode/context","params":{"textDocument":{"uri":"file:///a.go"},"position":{"line":0,"character":3}}}`,
		`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":2}}`,
		`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"lode":{"log":{"level":"debug"},"bogus":1}}}}`,
		`{"jsonrpc":"2.0","method":"workspace/didChangeWorkspaceFolders","params":{"event":{"added":[{"uri":"file:///w","name":"w"}],"removed":[]}}}`,
		`[1,2,3]`,
		`{"id":`,
	}
	for _, s := range seeds {
		f.Add(frame(s))
	}
	f.Add([]byte("Content-Length: 5\r\n\r\n{}{}{}Content-Length: x\r\n\r\n"))
	f.Add(append(frame(seeds[0]), frame(seeds[1])...))

	init := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"general":{"positionEncodings":["utf-8"]}}}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		client, srv := net.Pipe()
		opts := Options{Config: configInputs(), Logger: slog.New(slog.DiscardHandler), Context: &echoSource{}, MaxMessageSize: 1 << 20}
		done := make(chan int, 1)
		go func() { done <- New(opts).Serve(context.Background(), srv) }()
		readErr := make(chan error, 1)
		go func() { readErr <- readFrames(client) }()

		client.SetWriteDeadline(time.Now().Add(lsptest.Patience))
		client.Write(init)
		client.Write(data)
		client.Close()
		select {
		case <-done:
		case <-time.After(lsptest.Patience):
			t.Fatalf("server still running %v after the client went away", lsptest.Patience)
		}
		if err := <-readErr; err != nil {
			t.Fatal(err)
		}
	})
}

// readFrames reads frames until the connection ends and reports the first
// malformed one.
func readFrames(r io.Reader) error {
	in := bufio.NewReader(r)
	for {
		hdr, err := textproto.NewReader(in).ReadMIMEHeader()
		if err != nil {
			return nil // end of the connection
		}
		n, err := strconv.Atoi(hdr.Get("Content-Length"))
		if err != nil || n <= 0 {
			return fmt.Errorf("server wrote a bad header %v", hdr)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(in, body); err != nil {
			return nil
		}
		if !json.Valid(body) {
			return fmt.Errorf("server wrote invalid JSON %q", body)
		}
	}
}
