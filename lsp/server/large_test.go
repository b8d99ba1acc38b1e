package server

import (
	"context"

	"fmt"
	"github.com/lode-ls/lode/context/retrieve"
	"strings"
	"sync"
	"testing"

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

// foreground counts the requests in flight.
type foreground struct {
	mu               sync.Mutex
	inFlight, begun  int
	inFlightAtSource int
}

func (f *foreground) Begin() func() {
	f.mu.Lock()
	f.inFlight++
	f.begun++
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}
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
	s.fg.mu.Unlock()
	return s.echoSource.Context(ctx, req)
}

// TestForegroundMarksRequests: the server tells a Foreground service of
// each request for as long as it runs.
func TestForegroundMarksRequests(t *testing.T) {
	fg := &foreground{}
	opts := testOptions(t)
	opts.Context = &sourceSeeing{fg: fg}
	opts.Foreground = fg
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{})
	e.Open("/w/a.go", "go", "package a\n")
	if _, _, err := contentAt(t, e, "/w/a.go", 0, 3); err != nil {
		t.Fatal(err)
	}
	fg.mu.Lock()
	defer fg.mu.Unlock()
	if fg.inFlightAtSource != 1 || fg.inFlight != 0 || fg.begun < 2 {
		t.Fatalf("in flight while served %d, after %d, begun %d; want 1, 0, >= 2 (initialize and the request)",
			fg.inFlightAtSource, fg.inFlight, fg.begun)
	}
}
