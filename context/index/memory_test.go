package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

// generated returns n Go files of a few functions each.
func generated(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\nimport \"fmt\"\n\n", i)
		for j := range 8 {
			fmt.Fprintf(&b, "// F%d_%d prints its value.\nfunc F%d_%d(v int) { fmt.Println(v + %d) }\n\n", i, j, i, j, j)
		}
		m[fmt.Sprintf("/ws/p%03d.go", i)] = b.String()
	}
	return m
}

// TestCeiling: over its memory ceiling the index stops a Build from
// indexing more new files and evicts the least recently indexed files on
// Update, staying under the ceiling by its own accounting, with one log
// line each time; its accounting returns to zero when every file is gone.
func TestCeiling(t *testing.T) {
	files := generated(60)
	whole := build(t, files).Bytes()
	if whole <= 0 {
		t.Fatalf("an index of %d files accounts %d bytes", len(files), whole)
	}

	x := New()
	t.Cleanup(x.Close)
	var logged []string
	ceiling := whole / 3
	x.SetCeiling(ceiling, func(msg string) { logged = append(logged, msg) })
	if _, err := x.Build(context.Background(), memFiles(files), 2, nil); err != nil {
		t.Fatal(err)
	}
	st := x.Stats()
	if st.Bytes > ceiling || st.Files == 0 || st.Files >= len(files) {
		t.Fatalf("after Build: %d files, %d bytes, ceiling %d of %d", st.Files, st.Bytes, ceiling, whole)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], fmt.Sprintf("%d new files not indexed", len(files)-st.Files)) {
		t.Fatalf("logged %q", logged)
	}

	first := ""
	for _, p := range x.Files() {
		if e := x.files[p]; first == "" || e.seq < x.files[first].seq {
			first = p
		}
	}
	src := []byte(files["/ws/p059.go"] + "func Extra() {}\n")
	if err := x.Update(context.Background(), "/ws/new.go", syntax.ByName("go"), src); err != nil {
		t.Fatal(err)
	}
	if b := x.Bytes(); b > ceiling {
		t.Errorf("after Update: %d bytes over the ceiling %d", b, ceiling)
	}
	if len(x.Lookup("Extra")) != 1 {
		t.Errorf("the updated file is not indexed")
	}
	if _, ok := x.File(first); ok {
		t.Errorf("the least recently indexed file %s was kept", first)
	}
	if len(logged) != 2 || !strings.Contains(logged[1], "evicted") || !strings.Contains(logged[1], first) {
		t.Errorf("logged %q", logged)
	}

	for _, p := range x.Files() {
		x.Remove(p)
	}
	if b := x.Bytes(); b != 0 {
		t.Errorf("%d bytes accounted with no file", b)
	}
}
