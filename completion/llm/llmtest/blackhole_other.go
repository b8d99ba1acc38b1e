//go:build !unix

package llmtest

import "testing"

// BlackholeURL skips the test: a hanging connect needs a unix socket
// with a zero backlog.
func BlackholeURL(t testing.TB) string {
	t.Skip("llmtest: no blackhole address on this system")
	return ""
}
