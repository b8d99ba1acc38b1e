package prompt

import (
	"strings"
	"testing"
)

// BenchmarkFit trims a 2,000-line prefix, a 500-line suffix and 20
// snippets to a 2,048-token budget with the byte estimate, then writes
// the Qwen repository prompt.
func BenchmarkFit(b *testing.B) {
	tmpl, _ := Lookup("qwen")
	line := "\tresult := compute(alpha, beta, gamma) // some comment here\n"
	in := Input{Path: "a.go", Prefix: strings.Repeat(line, 2000), Suffix: strings.Repeat(line, 500)}
	for i := range 20 {
		in.Context = append(in.Context, Snippet{Path: "f" + string(rune('a'+i)) + ".go", Text: strings.Repeat(line, 15)})
	}
	for b.Loop() {
		tmpl.Request(tmpl.Fit(in, 2048, nil))
	}
}
