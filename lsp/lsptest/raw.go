package lsptest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"testing"
	"time"
)

// Patience is how long the fake clients wait for the server before they
// fail a test: far longer than any answer takes, however loaded the
// machine (a 50 MB message under the race detector beside other work
// takes tens of seconds). It detects a server that is stuck; it measures
// nothing.
const Patience = 2 * time.Minute

// Raw is a client that writes and reads raw frames, for tests of framing,
// garbage and exact wire behaviour.
type Raw struct {
	t    testing.TB
	conn net.Conn
	msgs chan Message // read continuously: a pipe write blocks until read
	errs chan error
	done chan int
}

// NewRaw starts serve on one end of a pipe and returns a raw client on the
// other.
func NewRaw(t testing.TB, serve ServeFunc) *Raw {
	t.Helper()
	client, srv := net.Pipe()
	r := &Raw{t: t, conn: client, msgs: make(chan Message, 1<<16), errs: make(chan error, 1), done: make(chan int, 1)}
	go func() { r.done <- serve(context.Background(), srv) }()
	go r.read(bufio.NewReader(client))
	t.Cleanup(func() {
		client.Close()
		select {
		case <-r.done:
		case <-time.After(Patience):
			t.Errorf("lsptest: server did not stop within %v of the connection closing", Patience)
		}
	})
	return r
}

// Write writes b as is, without framing. It fails the test if the server
// does not read it within Patience.
func (r *Raw) Write(b []byte) {
	r.t.Helper()
	r.conn.SetWriteDeadline(time.Now().Add(Patience))
	if _, err := r.conn.Write(b); err != nil {
		r.t.Fatalf("lsptest: raw write: %v", err)
	}
}

// Send frames body with a correct Content-Length header.
func (r *Raw) Send(body string) {
	r.t.Helper()
	r.Write([]byte("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body))
}

// SendJSON marshals v and sends it framed.
func (r *Raw) SendJSON(v any) {
	r.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		r.t.Fatal(err)
	}
	r.Send(string(b))
}

// Message is a decoded incoming message.
type Message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Recv reads the next message, failing the test after Patience.
func (r *Raw) Recv() Message {
	r.t.Helper()
	select {
	case m := <-r.msgs:
		return m
	case err := <-r.errs:
		r.errs <- err
		r.t.Fatalf("lsptest: raw recv: %v", err)
	case <-time.After(Patience):
		r.t.Fatalf("lsptest: raw recv: no message within %v", Patience)
	}
	return Message{}
}

func (r *Raw) read(in *bufio.Reader) {
	for {
		m, err := readMessage(in)
		if err != nil {
			r.errs <- err
			return
		}
		r.msgs <- m
	}
}

func readMessage(in *bufio.Reader) (Message, error) {
	hdr, err := textproto.NewReader(in).ReadMIMEHeader()
	if err != nil {
		return Message{}, err
	}
	n, err := strconv.Atoi(hdr.Get("Content-Length"))
	if err != nil {
		return Message{}, fmt.Errorf("bad Content-Length %q", hdr.Get("Content-Length"))
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(in, body); err != nil {
		return Message{}, err
	}
	var m Message
	if err := json.Unmarshal(body, &m); err != nil {
		return Message{}, fmt.Errorf("server sent invalid JSON %q: %v", body, err)
	}
	return m, nil
}

// RecvResponse reads messages until the response with id (a JSON literal
// such as `7` or `"a"`), skipping notifications and requests from the server.
func (r *Raw) RecvResponse(id string) Message {
	r.t.Helper()
	for {
		m := r.Recv()
		if m.Method == "" && string(m.ID) == id {
			return m
		}
	}
}

// Close closes the client end and returns the server's exit code.
func (r *Raw) Close() int {
	r.t.Helper()
	r.conn.Close()
	return r.Wait()
}

// Wait waits for the server to stop by itself and returns its exit code.
func (r *Raw) Wait() int {
	r.t.Helper()
	select {
	case code := <-r.done:
		r.done <- code
		return code
	case <-time.After(Patience):
		r.t.Fatalf("lsptest: server did not stop")
		return -1
	}
}
