package ngram

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine (a table build, a
// flush) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newModel returns New(opts), closed when the test ends: Close waits for
// the model's background work.
func newModel(t testing.TB, opts Options) *Model {
	m := New(opts)
	t.Cleanup(func() { m.Close() })
	return m
}
