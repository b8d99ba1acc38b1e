//go:build unix

package llmtest

import (
	"fmt"
	"net"
	"syscall"
	"testing"
)

// BlackholeURL returns a base URL where connecting hangs: a socket that
// listens with a zero backlog, already filled by one connection, so the
// kernel drops every further handshake. It tests connect timeouts.
func BlackholeURL(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Skipf("llmtest: no socket for a blackhole: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Skipf("llmtest: bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Skipf("llmtest: listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Skipf("llmtest: getsockname: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	filler, err := net.Dial("tcp", addr)
	if err != nil {
		t.Skipf("llmtest: filling the backlog: %v", err)
	}
	t.Cleanup(func() { filler.Close() })
	return "http://" + addr
}
