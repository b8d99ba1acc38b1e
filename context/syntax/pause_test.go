package syntax

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/lode-ls/lode/internal/eventually"
)

// TestParsePauses: a parse under WithPause calls the pause as it goes and
// waits while it blocks; a pause's error stops the parse.
func TestParsePauses(t *testing.T) {
	src := bigGo(2000)
	var calls atomic.Int64
	release := make(chan struct{})
	ctx := WithPause(context.Background(), func(ctx context.Context) error {
		if calls.Add(1) == 1 {
			<-release // the first call blocks until the test lets it go
		}
		return nil
	})
	done := make(chan error, 1)
	go func() {
		tr, err := Parse(ctx, ByName("go"), src)
		if err == nil {
			if tr.Root().EndByte() != uint(len(src)) {
				err = errors.New("tree does not span the source")
			}
			tr.Close()
		}
		done <- err
	}()
	eventually.True(t, func() bool { return calls.Load() >= 1 }, "the parse never called its pause")
	select {
	case err := <-done:
		t.Fatalf("the parse ended (%v) while its pause blocked", err)
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if calls.Load() < 2 {
		t.Errorf("pause called %d times during a parse of %d bytes", calls.Load(), len(src))
	}

	stop := errors.New("stop")
	ctx = WithPause(context.Background(), func(context.Context) error { return stop })
	if tr, err := Parse(ctx, ByName("go"), src); err == nil {
		tr.Close()
		t.Fatal("a parse whose pause failed returned a tree")
	}
	// The parser of the stopped parse is not reused: the next parse works.
	tr, err := Parse(context.Background(), ByName("go"), src)
	if err != nil {
		t.Fatal(err)
	}
	tr.Close()
}
