package explain

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkLocate measures finding what to explain in a large file: a
// parse of net/http/server.go (about 4,000 lines) and the function at its
// middle, with its calls, branches and returns.
func BenchmarkLocate(b *testing.B) {
	path := filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	content := string(src)
	off := strings.Index(content, "func (c *conn) serve(")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		s, err := Locate(context.Background(), path, "go", content, off+200, off+200)
		if err != nil || s.Name != "serve" {
			b.Fatalf("%v %+v", err, s)
		}
	}
}
