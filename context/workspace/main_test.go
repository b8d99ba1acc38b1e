package workspace

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine (a watcher, a
// poller, an indexer) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
