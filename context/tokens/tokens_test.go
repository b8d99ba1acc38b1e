package tokens

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
)

var _ llm.TokenCounter = (*Counter)(nil)

func TestCountTokens(t *testing.T) {
	c := New()
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello world", 2},
		{"func main() {}", 4},
		{"tiktoken is great!", 6}, // the OpenAI cookbook's example
	}
	for _, tc := range tests {
		if got := c.CountTokens(tc.in); got != tc.want {
			t.Errorf("CountTokens(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("x := compute(a, b)\n", 20)
	first, second := c.CountTokens(long), c.CountTokens(long)
	if first != second || first < 100 {
		t.Errorf("cached count %d, uncached %d, want equal and >= 100", second, first)
	}
}

func TestNewEncodingUnknown(t *testing.T) {
	if _, err := NewEncoding("no_such_base"); err == nil {
		t.Fatal("NewEncoding(no_such_base): want an error")
	}
	c, err := NewEncoding("o200k_base")
	if err != nil || c.Encoding() != "o200k_base" {
		t.Fatalf("NewEncoding(o200k_base) = %v, %v", c, err)
	}
}

func TestKeep(t *testing.T) {
	c := New()
	var b strings.Builder
	for i := range 50 {
		b.WriteString("\tvalue := table[")
		b.WriteString(strings.Repeat("k", i%7+1))
		b.WriteString("] // ünïcode comment\n")
	}
	s := b.String()
	total := c.CountTokens(s)
	for _, n := range []int{0, 1, 3, 17, 100, total - 1, total, total + 5} {
		first := c.KeepFirst(s, n)
		last := c.KeepLast(s, n)
		firstLines := c.FirstLines(s, n)
		lastLines := c.LastLines(s, n)
		for name, got := range map[string]string{"KeepFirst": first, "FirstLines": firstLines} {
			if !strings.HasPrefix(s, got) {
				t.Errorf("%s(%d) is not a prefix", name, n)
			}
		}
		for name, got := range map[string]string{"KeepLast": last, "LastLines": lastLines} {
			if !strings.HasSuffix(s, got) {
				t.Errorf("%s(%d) is not a suffix", name, n)
			}
		}
		for name, got := range map[string]string{"KeepFirst": first, "KeepLast": last, "FirstLines": firstLines, "LastLines": lastLines} {
			if k := c.CountTokens(got); k > n {
				t.Errorf("%s(%d) holds %d tokens", name, n, k)
			}
		}
		if n >= total && (first != s || last != s) {
			t.Errorf("Keep(%d) with %d tokens in all cut the text", n, total)
		}
		if n >= 17 && n < total && c.CountTokens(first) < n-8 {
			t.Errorf("KeepFirst(%d) kept only %d tokens", n, c.CountTokens(first))
		}
		if n >= 17 && n < total && c.CountTokens(last) < n-8 {
			t.Errorf("KeepLast(%d) kept only %d tokens", n, c.CountTokens(last))
		}
		if firstLines != "" && !strings.HasSuffix(firstLines, "\n") {
			t.Errorf("FirstLines(%d) = %q ends inside a line", n, firstLines)
		}
		if lastLines != "" && lastLines != s && s[len(s)-len(lastLines)-1] != '\n' {
			t.Errorf("LastLines(%d) starts inside a line", n)
		}
	}
}

func TestKeepLongLine(t *testing.T) {
	c := New()
	s := strings.Repeat("abc1 ", 400)
	for _, n := range []int{1, 10, 50} {
		if k := c.CountTokens(c.KeepLast(s, n)); k > n || k < n-2 {
			t.Errorf("KeepLast(long, %d) holds %d tokens", n, k)
		}
		if k := c.CountTokens(c.KeepFirst(s, n)); k > n || k < n-2 {
			t.Errorf("KeepFirst(long, %d) holds %d tokens", n, k)
		}
	}
}

func BenchmarkCountTokens(b *testing.B) {
	c := New()
	s := strings.Repeat("func (p *printer) print(args ...any) {\n\tfor _, a := range args {\n", 8)
	for b.Loop() {
		c.count(s)
	}
}

// TestLineSumMatchesWhole checks the line-by-line count against one count
// of the whole text on real Go source.
func TestLineSumMatchesWhole(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "strings", "*.go"))
	if len(files) == 0 {
		t.Skip("no GOROOT sources")
	}
	c := New()
	for _, f := range files[:min(len(files), 8)] {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sum, whole := c.CountTokens(string(data)), c.count(string(data))
		if sum < whole || float64(sum) > float64(whole)*1.01 {
			t.Errorf("%s: line sum %d, whole count %d", filepath.Base(f), sum, whole)
		}
	}
}
