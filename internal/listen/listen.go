// Package listen is how an editor reaches lode serve: stdin and stdout,
// or TCP (lode serve --listen). Any local process can open a TCP
// connection, so the client must prove it is the owner's editor: it sends
// the per-launch token in its initialize request, as
// initializationOptions.lodeToken. Connections without it are answered an
// error and closed, and lode keeps waiting for the owner; the first client
// with the token gets the session, and the listener closes. See
// docs/security.md.
package listen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tokenOption is the key of initializationOptions that carries the token.
const tokenOption = "lodeToken"

// Options configure TCP mode.
type Options struct {
	Addr      string // --listen, completed by Addr; "": stdin and stdout
	AnyAddr   bool   // --listen-any: a non-loopback address is allowed
	TokenFile string // --token-file; "" prints a new token on stderr
	// Handshake bounds how long a client may take to send its initialize
	// request; 0 means handshakeTimeout.
	Handshake time.Duration
}

// handshakeTimeout is the default time a client has to authenticate: long
// enough for any editor, short enough that a silent client is dropped.
const handshakeTimeout = 30 * time.Second

// maxPending bounds the clients authenticating at once: more are refused
// at once rather than queued.
const maxPending = 16

// maxHandshake bounds the size of the initialize request read before the
// client is authenticated.
const maxHandshake = 1 << 20

// Connect returns stdin/stdout, or the first client at o.Addr that presents
// the token.
func Connect(ctx context.Context, o Options, logger *slog.Logger, stderr io.Writer) (io.ReadWriteCloser, error) {
	if o.Addr == "" {
		return newStdio(), nil
	}
	tok, cleanup, err := loadToken(o.TokenFile)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	ln, err := listenTCP(ctx, o.Addr, o.AnyAddr, stderr)
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	logger.Info("waiting for the client with the token", "addr", ln.Addr().String())
	fmt.Fprintf(stderr, "lode serve: listening on %s\n", ln.Addr())
	if o.TokenFile == "" {
		fmt.Fprintf(stderr, "lode serve: token %s\n", tok)
	} else {
		fmt.Fprintf(stderr, "lode serve: token in %s\n", o.TokenFile)
	}
	return acceptOwner(ctx, ln, tok, o.Handshake, logger)
}

// listenTCP listens at addr, which must be a loopback address unless
// anyAddr is set (then a warning goes to stderr).
func listenTCP(ctx context.Context, addr string, anyAddr bool, stderr io.Writer) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if !anyAddr {
		if err := checkLoopback(ctx, host); err != nil {
			return nil, err
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	bound, _ := netip.ParseAddrPort(ln.Addr().String())
	if !bound.Addr().IsLoopback() {
		if !anyAddr {
			ln.Close()
			return nil, fmt.Errorf("%s is not a loopback address: pass --listen-any to accept clients from other machines", ln.Addr())
		}
		fmt.Fprintf(stderr, "lode serve: warning: listening on %s, reachable from other machines; "+
			"the connection is not encrypted, so the token and your code cross the network in clear\n", ln.Addr())
	}
	return ln, nil
}

// checkLoopback reports an error unless host names only loopback
// addresses.
func checkLoopback(ctx context.Context, host string) error {
	hint := "pass --listen-any to listen on it anyway"
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("--listen %s: not a loopback address (%s)", host, hint)
		}
		return nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", host, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("--listen %s: resolves to %s, not a loopback address (%s)", host, ip, hint)
		}
	}
	return nil
}

// acceptOwner accepts clients at ln until one presents tok in its
// initialize request, and returns its connection, with the token removed
// from the request. Clients are authenticated concurrently, so a client
// that connects and stays silent holds no one up; refused clients get an
// error answer. ln is closed on return.
func acceptOwner(ctx context.Context, ln net.Listener, tok string, timeout time.Duration, logger *slog.Logger) (io.ReadWriteCloser, error) {
	if timeout <= 0 {
		timeout = handshakeTimeout
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()

	won := make(chan io.ReadWriteCloser, 1)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		pending = make(map[net.Conn]bool) // clients authenticating
		over    bool                      // the owner is in, or lode gave up
	)
	acceptErr := make(chan error, 1)
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				acceptErr <- err
				return
			}
			mu.Lock()
			full := len(pending) >= maxPending
			if !full && !over {
				pending[conn] = true
			}
			closed := over
			mu.Unlock()
			if closed {
				conn.Close()
				continue
			}
			if full {
				logger.Warn("tcp: too many clients authenticating; refused", "remote", conn.RemoteAddr().String())
				conn.Close()
				continue
			}
			wg.Go(func() {
				rwc, err := handshake(conn, tok, time.Now().Add(timeout))
				mu.Lock()
				delete(pending, conn)
				mu.Unlock()
				if err != nil {
					logger.Warn("tcp: client refused", "remote", conn.RemoteAddr().String(), "err", err)
					conn.Close()
					return
				}
				select {
				case won <- rwc:
					cancel() // closes the listener: no one else gets in
				default:
					conn.Close() // another client won meanwhile
				}
			})
		}
	})
	var (
		rwc io.ReadWriteCloser
		err error
	)
	select {
	case rwc = <-won:
	case err = <-acceptErr:
	}
	cancel()
	ln.Close()
	mu.Lock()
	over = true
	for c := range pending {
		c.Close()
	}
	mu.Unlock()
	wg.Wait()
	if rwc == nil {
		select {
		case rwc = <-won: // won just as the listener failed
		default:
		}
	}
	if rwc != nil {
		logger.Info("tcp: client authenticated")
		return rwc, nil
	}
	if perr := parent.Err(); perr != nil {
		return nil, perr
	}
	return nil, err
}

// errToken is the answer to a client without the right token.
var errToken = errors.New("the initialize request lacks the right initializationOptions." + tokenOption +
	" (lode serve printed the token, or wrote it to --token-file; see docs/security.md)")

// handshake reads the client's first message, which must be an initialize
// request carrying tok, by deadline. It returns the connection with that
// message replayed first, the token taken out. A refused client is
// answered with a JSON-RPC error (when its message had an id).
func handshake(conn net.Conn, tok string, deadline time.Time) (io.ReadWriteCloser, error) {
	conn.SetDeadline(deadline)
	br := bufio.NewReader(io.LimitReader(conn, maxHandshake+4096))
	body, err := readMessage(br)
	if err != nil {
		return nil, err
	}
	var msg struct {
		ID     json.RawMessage            `json:"id"`
		Method string                     `json:"method"`
		Params map[string]json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, fmt.Errorf("first message: %w", err)
	}
	refuse := func(reason error) error {
		if len(msg.ID) > 0 {
			answer, _ := json.Marshal(map[string]any{
				"jsonrpc": "2.0", "id": msg.ID,
				"error": map[string]any{"code": -32600, "message": "lode: " + reason.Error()},
			})
			fmt.Fprintf(conn, "Content-Length: %d\r\n\r\n%s", len(answer), answer)
		}
		return reason
	}
	if msg.Method != "initialize" {
		return nil, refuse(fmt.Errorf("the first message must be initialize, not %q", msg.Method))
	}
	var opts map[string]json.RawMessage
	if raw := msg.Params["initializationOptions"]; len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		if err := json.Unmarshal(raw, &opts); err != nil {
			return nil, refuse(errToken)
		}
	}
	var got string
	if raw, ok := opts[tokenOption]; !ok || json.Unmarshal(raw, &got) != nil ||
		subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
		return nil, refuse(errToken)
	}
	delete(opts, tokenOption)
	if len(opts) == 0 {
		delete(msg.Params, "initializationOptions")
	} else if msg.Params["initializationOptions"], err = json.Marshal(opts); err != nil {
		return nil, err
	}
	var full map[string]json.RawMessage
	if err := json.Unmarshal(body, &full); err != nil {
		return nil, err
	}
	if full["params"], err = json.Marshal(msg.Params); err != nil {
		return nil, err
	}
	body, err = json.Marshal(full)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	first := fmt.Appendf(nil, "Content-Length: %d\r\n\r\n%s", len(body), body)
	// br read at most the handshake's bytes past the message: drain what
	// it holds, then read the connection directly.
	rest := io.MultiReader(bytes.NewReader(first), io.LimitReader(br, int64(br.Buffered())), conn)
	return &authConn{Reader: rest, conn: conn}, nil
}

// readMessage reads one Content-Length framed message.
func readMessage(br *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("first message: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			if length, err = strconv.Atoi(strings.TrimSpace(value)); err != nil {
				return nil, fmt.Errorf("first message: bad Content-Length %q", value)
			}
		}
	}
	if length < 0 || length > maxHandshake {
		return nil, fmt.Errorf("first message: Content-Length %d missing or over %d", length, maxHandshake)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, fmt.Errorf("first message: %w", err)
	}
	return body, nil
}

// authConn is an authenticated client's connection: its first message
// rewritten, then the rest as it comes.
type authConn struct {
	io.Reader
	conn net.Conn
}

func (c *authConn) Write(p []byte) (int, error) { return c.conn.Write(p) }
func (c *authConn) Close() error                { return c.conn.Close() }

// loadToken returns the token clients must present. Without a file it is
// new. A file that exists must be the user's own, a regular file readable
// by no one else; one that does not is created (mode 0600) with a new
// token and removed by cleanup.
func loadToken(path string) (tok string, cleanup func(), err error) {
	cleanup = func() {}
	if path == "" {
		return rand.Text(), cleanup, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		tok = rand.Text()
		_, err = fmt.Fprintln(f, tok)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return "", cleanup, fmt.Errorf("--token-file: %w", err)
		}
		return tok, func() { os.Remove(path) }, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return "", cleanup, fmt.Errorf("--token-file: %w", err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return "", cleanup, fmt.Errorf("--token-file: %w", err)
	}
	if err := privateFile(fi); err != nil {
		return "", cleanup, fmt.Errorf("--token-file %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", cleanup, fmt.Errorf("--token-file: %w", err)
	}
	tok = strings.TrimSpace(string(data))
	if len(tok) < 16 {
		return "", cleanup, fmt.Errorf("--token-file %s: the token must be at least 16 characters", path)
	}
	return tok, cleanup, nil
}

// privateFile reports an error unless fi is a regular file that only its
// owner, the current user, can read or write.
func privateFile(fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("mode %v: others can read it (chmod 600)", fi.Mode().Perm())
	}
	if !ownedByMe(fi) {
		return errors.New("owned by another user")
	}
	return nil
}

// Addr completes ADDR: a bare port or ":port" listens on 127.0.0.1.
func Addr(listen string) string {
	if !strings.Contains(listen, ":") {
		return "127.0.0.1:" + listen
	}
	if strings.HasPrefix(listen, ":") {
		return "127.0.0.1" + listen
	}
	return listen
}

// stdio is stdin and stdout as one connection. Reads come through a pipe
// fed by a goroutine, because closing a blocking stdin does not interrupt a
// read in progress; Close ends pending reads at once and closes stdout.
type stdio struct {
	in *io.PipeReader
}

func newStdio() *stdio {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, os.Stdin)
		pw.CloseWithError(err)
	}()
	return &stdio{in: pr}
}

func (s *stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s *stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (s *stdio) Close() error {
	s.in.Close()
	return os.Stdout.Close()
}
