package server

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/eventually"

	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// bigGo returns a Go file of n numbered functions, each on two lines.
func bigGo(n int) string {
	var b strings.Builder
	b.WriteString("package big\n")
	for i := range n {
		fmt.Fprintf(&b, "func f%d() int {\n\treturn %d }\n", i, i)
	}
	return b.String()
}

// TestLargeDocumentWindow: a request on a document over the size limit
// reads a window around its cursor, with the cursor where it is in the
// document; a document under the limit is read whole.
func TestLargeDocumentWindow(t *testing.T) {
	ws := workspace.New()
	ws.SetOptions(workspace.Options{MaxFileSize: 64 << 10})
	src := &echoSource{}
	opts := testOptions(t)
	opts.Workspace, opts.Context = ws, src
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{})
	big, small := bigGo(40000), bigGo(10)
	e.Open("/w/big.go", "go", big)
	e.Open("/w/small.go", "go", small)

	const line = 30002 // "\treturn 15000 }"
	got, off, err := contentAt(t, e, "/w/big.go", line, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) >= len(big)/4 || !strings.Contains(big, got) {
		t.Fatalf("the request read %d bytes of a %d-byte document (a part of it: %v)", len(got), len(big), strings.Contains(big, got))
	}
	if off < 0 || off > len(got) || !strings.HasPrefix(got[off:], "15000 }\n") {
		t.Fatalf("cursor at %d of the window reads %q, want \"15000 }\"", off, got[max(0, min(off, len(got))):][:min(20, len(got)-min(off, len(got)))])
	}

	got, off, err = contentAt(t, e, "/w/small.go", 4, 8)
	if err != nil {
		t.Fatal(err)
	}
	if got != small || !strings.HasPrefix(small[off:], "1 }\n") {
		t.Fatalf("small document: got %d bytes, cursor at %d", len(got), off)
	}
}

// foreground counts the requests in flight, and the server's writes when
// the source was asked and when the last request ended (writes counts
// them, when set).
type foreground struct {
	mu               sync.Mutex
	inFlight, begun  int
	inFlightAtSource int
	writes           *atomic.Int64
	writesAtSource   int64
	writesAtEnd      int64
}

func (f *foreground) Begin() func() {
	f.mu.Lock()
	f.inFlight++
	f.begun++
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.inFlight--
		if f.writes != nil {
			f.writesAtEnd = f.writes.Load()
		}
		f.mu.Unlock()
	}
}

// countingConn counts the messages the server writes.
type countingConn struct {
	io.ReadWriteCloser
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.ReadWriteCloser.Write(p)
	c.writes.Add(1)
	return n, err
}

// sourceSeeing is a ContextSource that records the requests in flight
// when it is asked.
type sourceSeeing struct {
	echoSource
	fg *foreground
}

func (s *sourceSeeing) Context(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	s.fg.mu.Lock()
	s.fg.inFlightAtSource = s.fg.inFlight
	if s.fg.writes != nil {
		s.fg.writesAtSource = s.fg.writes.Load()
	}
	s.fg.mu.Unlock()
	return s.echoSource.Context(ctx, req)
}

// TestForegroundMarksRequests: the server tells a Foreground service of
// each request for as long as it runs and its answer is being written
// (background work woken earlier would take the CPU from the writing).
func TestForegroundMarksRequests(t *testing.T) {
	fg := &foreground{writes: new(atomic.Int64)}
	opts := testOptions(t)
	opts.Context = &sourceSeeing{fg: fg}
	opts.Foreground = fg
	opts.EditHold = -1 // TestForegroundHeldAfterEdit
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return serveWith(opts)(ctx, countingConn{rwc, fg.writes})
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{})
	e.Open("/w/a.go", "go", "package a\n")
	if _, _, err := contentAt(t, e, "/w/a.go", 0, 3); err != nil {
		t.Fatal(err)
	}
	eventually.True(t, func() bool {
		fg.mu.Lock()
		defer fg.mu.Unlock()
		return fg.inFlight == 0
	}, "requests still in flight after their answers")
	fg.mu.Lock()
	defer fg.mu.Unlock()
	if fg.inFlightAtSource != 1 || fg.begun < 2 {
		t.Fatalf("in flight while served %d, begun %d; want 1, >= 2 (initialize and the request)", fg.inFlightAtSource, fg.begun)
	}
	if fg.writesAtEnd <= fg.writesAtSource {
		t.Fatalf("the request ended after %d writes, as many as when it was served: before its answer was written", fg.writesAtEnd)
	}
}

// TestForegroundHeldAfterEdit: a document opened or changed marks the
// foreground too, for EditHold, since a request follows.
func TestForegroundHeldAfterEdit(t *testing.T) {
	fg := &foreground{}
	opts := testOptions(t)
	opts.Foreground = fg
	opts.EditHold = time.Hour // not over while the test runs
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{})
	fg.mu.Lock()
	before := fg.begun
	fg.mu.Unlock()
	e.Open("/w/a.go", "go", "package a\n")
	e.Replace("/w/a.go", "package a\n\nfunc f() {}\n")
	if _, _, err := contentAt(t, e, "/w/a.go", 0, 3); err != nil { // after the notifications, in order
		t.Fatal(err)
	}
	eventually.True(t, func() bool {
		fg.mu.Lock()
		defer fg.mu.Unlock()
		return fg.inFlight == 2 && fg.begun == before+3
	}, "want the open and the change still marked and the request ended")
}
