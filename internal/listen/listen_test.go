package listen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rawInitialize sends an initialize request with opts as its
// initializationOptions over conn.
func rawInitialize(t *testing.T, conn net.Conn, opts any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize",
		"params": map[string]any{"processId": nil, "capabilities": map[string]any{}, "initializationOptions": opts}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

// readRaw reads one framed message from br.
func readRaw(t *testing.T, br *bufio.Reader) map[string]any {
	t.Helper()
	body, err := readMessage(br)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// startAccept runs acceptOwner on a loopback listener and returns its
// address and the channel its result arrives on.
func startAccept(t *testing.T, tok string) (string, <-chan io.ReadWriteCloser) {
	t.Helper()
	ln, err := listenTCP(context.Background(), "127.0.0.1:0", false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan io.ReadWriteCloser, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		rwc, err := acceptOwner(ctx, ln, tok, time.Hour, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Errorf("acceptOwner: %v", err)
			close(got)
			return
		}
		got <- rwc
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String(), got
}

func TestListenTokenRefusesOthers(t *testing.T) {
	const tok = "the-owners-token-1234"
	addr, got := startAccept(t, tok)

	// A client that connects and says nothing must not hold the owner up.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	for _, opts := range []any{nil, map[string]any{"lodeToken": "guess-guess-guess"}, map[string]any{"completion": map[string]any{}}} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(time.Minute)) // a failure, not a hang
		rawInitialize(t, c, opts)
		br := bufio.NewReader(c)
		m := readRaw(t, br)
		if m["error"] == nil || !strings.Contains(fmt.Sprint(m["error"]), "lodeToken") {
			t.Errorf("initialize with %v: answer %v, want a token error", opts, m)
		}
		if _, err := br.ReadByte(); err != io.EOF {
			t.Errorf("initialize with %v: connection still open (%v)", opts, err)
		}
		c.Close()
	}
	select {
	case rwc := <-got:
		t.Fatalf("a client without the token got the session: %v", rwc)
	default:
	}

	owner, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	rawInitialize(t, owner, map[string]any{"lodeToken": tok, "log": map[string]any{"level": "debug"}})
	rwc := <-got
	if rwc == nil {
		t.Fatal("the owner was refused")
	}
	defer rwc.Close()
	// The server sees the initialize request, without the token.
	m := readRaw(t, bufio.NewReader(rwc))
	params, _ := m["params"].(map[string]any)
	opts, _ := params["initializationOptions"].(map[string]any)
	if m["method"] != "initialize" || opts["log"] == nil || opts["lodeToken"] != nil {
		t.Errorf("the server got %v", m)
	}
	// The session works both ways.
	rwc.Write([]byte("pong"))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(owner, buf); err != nil || string(buf) != "pong" {
		t.Errorf("owner read %q, %v", buf, err)
	}
	// Nobody else gets in once the owner has.
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the listener still accepts after the owner connected")
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0"} {
		var stderr bytes.Buffer
		ln, err := listenTCP(context.Background(), addr, false, &stderr)
		if err == nil {
			ln.Close()
			t.Errorf("listenTCP(%s) without --listen-any: no error", addr)
		} else if !strings.Contains(err.Error(), "--listen-any") {
			t.Errorf("listenTCP(%s): %v; want a hint at --listen-any", addr, err)
		}
	}
	var stderr bytes.Buffer
	ln, err := listenTCP(context.Background(), "0.0.0.0:0", true, &stderr)
	if err != nil {
		t.Fatalf("listenTCP(0.0.0.0) with --listen-any: %v", err)
	}
	ln.Close()
	if !strings.Contains(stderr.String(), "warning") {
		t.Errorf("--listen-any gave no warning: %q", stderr.String())
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := listenTCP(context.Background(), addr, false, io.Discard)
		if err != nil {
			t.Errorf("listenTCP(%s): %v", addr, err)
			continue
		}
		ln.Close()
	}
}

func TestLoadToken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	tok, cleanup, err := loadToken(path)
	if err != nil || len(tok) < 16 {
		t.Fatalf("loadToken(new) = %q, %v", tok, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, %v; want mode 0600", fi, err)
	}
	again, _, err := loadToken(path)
	if err != nil || again != tok {
		t.Errorf("loadToken(existing) = %q, %v; want %q", again, err, tok)
	}
	cleanup()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the token file lode created is left after exit: %v", err)
	}

	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("a-token-anyone-can-read\n"), 0o644)
	os.Chmod(open, 0o644)
	if _, _, err := loadToken(open); err == nil {
		t.Error("a token file others can read was accepted")
	}
	link := filepath.Join(dir, "link")
	private := filepath.Join(dir, "private")
	os.WriteFile(private, []byte("a-private-token-1234\n"), 0o600)
	os.Symlink(private, link)
	if _, _, err := loadToken(link); err == nil {
		t.Error("a token file that is a symlink was accepted")
	}
	if got, _, err := loadToken(private); err != nil || got != "a-private-token-1234" {
		t.Errorf("loadToken(private) = %q, %v", got, err)
	}
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		"7000":           "127.0.0.1:7000",
		":7000":          "127.0.0.1:7000",
		"0.0.0.0:7000":   "0.0.0.0:7000",
		"localhost:7000": "localhost:7000",
		"[::1]:7000":     "[::1]:7000",
	} {
		if got := Addr(in); got != want {
			t.Errorf("Addr(%q) = %q, want %q", in, got, want)
		}
	}
}
