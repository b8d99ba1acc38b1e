package ngram

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// varied returns n Go files that share their shape (loops, calls,
// returns) and differ in their names and numbers: many n-grams seen once,
// a few seen everywhere.
func varied(n int) map[string]string {
	r := rand.New(rand.NewPCG(1, 2))
	files := map[string]string{}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "package p\n\nimport \"fmt\"\n\n")
		for j := range 6 {
			name := fmt.Sprintf("f%x", r.Uint64())
			fmt.Fprintf(&b, "func %s(items []string) int {\n\tfor _, it := range items {\n\t\tfmt.Println(it, %d, v%x)\n\t}\n\treturn %d\n}\n\n", name, r.IntN(1000), r.Uint32(), j)
		}
		files[fmt.Sprintf("/w/d%d/f%d.go", i%7, i)] = b.String()
	}
	return files
}

// TestCeiling: over its memory ceiling the model drops its rarest
// n-grams, stays under the ceiling by its own accounting, says so in one
// line, and still predicts what it saw often.
func TestCeiling(t *testing.T) {
	files := varied(1000)
	whole := trained(t, files)
	whole.Flush()
	full := whole.Bytes()

	m := newModel(t, Options{})
	var logged []string
	// Over the tokens the model keeps of each file, enough of the counts
	// to keep what was seen twice.
	ceiling := whole.tokenBytes + (full-whole.tokenBytes)*6/10
	m.SetCeiling(ceiling, func(msg string) { logged = append(logged, msg) })
	for p, src := range files {
		if err := m.Learn(p, goLang(), []byte(src), nil); err != nil {
			t.Fatal(err)
		}
	}
	m.Flush()
	t.Logf("whole %d, ceiling %d, now %d; %q", full, ceiling, m.Bytes(), logged)
	if b := m.Bytes(); b > ceiling {
		t.Errorf("%d bytes over the ceiling of %d", b, ceiling)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "dropped the n-grams seen fewer than") {
		t.Errorf("logged %q, want one line", logged)
	}
	if st := m.Stats(); st.Files != len(files) {
		t.Errorf("%d files learned of %d", st.Files, len(files))
	}
	prefix, next := "package x\nfunc f(items []string) int {\n\tfor _, it := ", "range"
	if p := probAfter(m, "/x/new.go", prefix, next); p < probAfter(whole, "/x/new.go", prefix, next)/2 {
		t.Errorf("P(range | for _, it :=) fell to %g", p)
	}
}

// TestCeilingRefusesFiles: a ceiling the files' tokens alone exceed stops
// the model learning new files, said once; a file it knows is still
// learned again.
func TestCeilingRefusesFiles(t *testing.T) {
	files := varied(200)
	whole := trained(t, files)
	m := newModel(t, Options{})
	var logged []string
	m.SetCeiling(whole.tokenBytes/2, func(msg string) { logged = append(logged, msg) })
	paths := slices.Sorted(maps.Keys(files))
	for _, p := range paths {
		if err := m.Learn(p, goLang(), []byte(files[p]), nil); err != nil {
			t.Fatal(err)
		}
	}
	n := m.Stats().Files
	if n == 0 || n >= len(files) {
		t.Fatalf("%d files learned of %d", n, len(files))
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "learns no new files") {
		t.Fatalf("logged %q, want one line", logged)
	}
	if err := m.Learn(paths[0], goLang(), []byte(files[paths[0]]+"\nfunc again() {}\n"), nil); err != nil {
		t.Fatal(err)
	}
	if !m.Learned(paths[0], []byte(files[paths[0]]+"\nfunc again() {}\n")) {
		t.Errorf("a known file was not learned again")
	}
}
