package patch

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkBuild measures what validating one answer costs on a large
// file (net/http/server.go, about 4,000 lines): parsing the answer,
// applying its block, two tree-sitter parses for the syntax check, the
// diff and its strict re-application.
func BenchmarkBuild(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skip(err)
	}
	content := string(src)
	if !strings.Contains(content, "\tc.setState(c.rwc, StateNew, runHooks) // before Serve can return\n") {
		b.Skip("net/http/server.go changed")
	}
	answer := "net/http/server.go\n<<<<<<< SEARCH\n\tc.setState(c.rwc, StateNew, runHooks) // before Serve can return\n=======\n\tc.setState(c.rwc, StateNew, runHooks) // before Serve returns\n>>>>>>> REPLACE\n"
	req := &Request{Targets: []Target{{Path: "net/http/server.go", Language: "go", Content: content}}}
	s := &Suggester{Syntax: TreeSitter{}}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := s.build(context.Background(), req, answer); err != nil {
			b.Fatal(err)
		}
	}
}
