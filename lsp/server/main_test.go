package server

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine (a request, a model
// call, a watcher) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
