package completion

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine (a model call, a
// parse, a prediction) outlives them: the engine's Close waits for every
// goroutine it started.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newEngine returns New(opts), closed when the test ends.
func newEngine(t testing.TB, opts Options) *Engine {
	e := New(opts)
	t.Cleanup(func() { e.Close() })
	return e
}
