package nextedit

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkInfer measures a prediction after a parameter rename in a Go
// file of about 100 KB: inference (two lexes, one parse) and the sites.
func BenchmarkInfer(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("package a\n\n")
	for i := 0; sb.Len() < 100<<10; i++ {
		fmt.Fprintf(&sb, "// F%d does a thing.\nfunc F%d(key string, n int) (int, error) {\n\tif n < 0 {\n\t\treturn 0, fmt.Errorf(\"bad %%s\", key)\n\t}\n\treturn len(key) + n, nil\n}\n\n", i, i)
	}
	before := sb.String()
	i := strings.Index(before, "func F0(key") + len("func F0(")
	after := before[:i] + "name" + before[i+3:]
	h := Hunk{Start: i, Old: "key", New: "name"}
	ctx := context.Background()
	for b.Loop() {
		c := Infer(ctx, "a.go", "go", before, after, h)
		if c == nil || len(c.Sites("a.go", after, c.Scope, Span{i, i + 4}, true)) != 2 {
			b.Fatal("no rename predicted")
		}
	}
}
