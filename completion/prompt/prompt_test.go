package prompt

import (
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
)

func TestDetect(t *testing.T) {
	tests := map[string]string{
		"qwen2.5-coder:1.5b-base":              "qwen",
		"Qwen/Qwen2.5-Coder-32B-Instruct":      "qwen",
		"qwen2.5:7b":                           "chat",
		"bigcode/starcoder2-15b":               "starcoder",
		"starcoder2:3b":                        "starcoder",
		"stable-code:3b-code":                  "starcoder",
		"codellama:13b-code":                   "codellama",
		"meta-llama/CodeLlama-7b-hf":           "codellama",
		"deepseek-coder-6.7b-base.Q4_K_M.gguf": "deepseek",
		"deepseek-ai/DeepSeek-Coder-V2-Lite":   "deepseek",
		"deepseek-chat":                        "chat",
		"codestral-latest":                     "codestral",
		"codegemma:2b-code":                    "codegemma",
		"THUDM/codegeex4-all-9b":               "codegeex4",
		"gpt-4o":                               "chat",
		"glm-4-plus":                           "chat",
		"":                                     "chat",
	}
	for model, want := range tests {
		if got := Detect(model).Name; got != want {
			t.Errorf("Detect(%q) = %s, want %s", model, got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, name := range []string{"starcoder2", "Qwen2.5-Coder", " deepseek-coder ", "chat"} {
		if _, ok := Lookup(name); !ok {
			t.Errorf("Lookup(%q) failed", name)
		}
	}
	if _, ok := Lookup("gpt"); ok {
		t.Error("Lookup(gpt) succeeded")
	}
	if n := Names(); len(n) < 8 || !strings.Contains(strings.Join(n, " "), "codegeex4") {
		t.Errorf("Names() = %v", n)
	}
}

func TestFIM(t *testing.T) {
	in := Input{Path: "a/b.py", Prefix: "def f():\n    ", Suffix: "\n", Context: []Snippet{{Path: "a/c.py", Text: "X = 1"}}}
	tmpl, _ := Lookup("qwen")
	req := tmpl.FIM(in, true)
	if req.Mode != llm.ModeFIM || req.Prompt != in.Prefix || req.Suffix != "\n" {
		t.Errorf("FIM with extra = %+v", req)
	}
	if len(req.Extra) != 1 || req.Extra[0].Path != "a/c.py" {
		t.Errorf("Extra = %v", req.Extra)
	}
	req = tmpl.FIM(in, false)
	if want := "# Path: a/c.py\nX = 1\n\n" + in.Prefix; req.Prompt != want || req.Extra != nil {
		t.Errorf("FIM with comments: prompt %q, want %q", req.Prompt, want)
	}
	if len(req.Stop) == 0 {
		t.Error("FIM lost the family's stop sequences")
	}
}

// words counts whitespace-separated words: a predictable counter.
type words struct{}

var wc words

func (words) CountTokens(s string) int { return len(strings.Fields(s)) }

func lines(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(prefix + " " + string(rune('a'+i%26)) + "\n")
	}
	return b.String()
}

func TestFit(t *testing.T) {
	tmpl, _ := Lookup("starcoder")
	in := Input{Path: "x.go", Prefix: lines("p", 100) + "cur", Suffix: lines("s", 100),
		Context: []Snippet{{Path: "c1.go", Text: lines("c", 10)}, {Path: "c2.go", Text: lines("d", 200)}, {Path: "c3.go", Text: lines("e", 5)}}}
	t.Run("fits", func(t *testing.T) {
		small := Input{Path: "x.go", Prefix: "a b", Suffix: "c"}
		if got := tmpl.Fit(small, 100, words{}); got.Prefix != small.Prefix || got.Suffix != small.Suffix {
			t.Errorf("Fit changed an input that fits: %+v", got)
		}
	})
	t.Run("trims", func(t *testing.T) {
		got := tmpl.Fit(in, 200, words{})
		total := wc.CountTokens(tmpl.Request(got).Prompt)
		if total > 200 {
			t.Errorf("trimmed prompt has %d tokens, budget 200", total)
		}
		if !strings.HasSuffix(got.Prefix, "p v\ncur") || !strings.HasSuffix(in.Prefix, got.Prefix) {
			t.Errorf("prefix does not keep its end: %q", got.Prefix[max(0, len(got.Prefix)-20):])
		}
		if !strings.HasPrefix(got.Suffix, "s a\n") || !strings.HasPrefix(in.Suffix, got.Suffix) || !strings.HasSuffix(got.Suffix, "\n") {
			t.Errorf("suffix does not keep whole lines from its start: %q", got.Suffix)
		}
		if n := wc.CountTokens(got.Suffix); n > 200*suffixShare/100 {
			t.Errorf("suffix has %d tokens, over its share", n)
		}
		var paths []string
		for _, s := range got.Context {
			paths = append(paths, s.Path)
		}
		if strings.Join(paths, ",") != "c1.go,c3.go" {
			t.Errorf("context kept %v, want the snippets that fit, in order", paths)
		}
		if wc.CountTokens(got.Prefix) < 60 {
			t.Errorf("prefix got only %d tokens", wc.CountTokens(got.Prefix))
		}
	})
	t.Run("long-cursor-line", func(t *testing.T) {
		long := Input{Path: "x.go", Prefix: strings.Repeat("w ", 500) + "end"}
		got := tmpl.Fit(long, 50, words{})
		if !strings.HasSuffix(got.Prefix, "end") || wc.CountTokens(got.Prefix) > 50 {
			t.Errorf("long line cut wrong: %d tokens", wc.CountTokens(got.Prefix))
		}
	})
	t.Run("estimate", func(t *testing.T) {
		got := tmpl.Fit(in, 100, nil)
		if n := estimate(tmpl.Request(got).Prompt); n > 100 {
			t.Errorf("estimated %d tokens, budget 100", n)
		}
	})
	t.Run("long-file", func(t *testing.T) {
		// 40,000 lines each side of the cursor: only about what the
		// budget keeps is counted, not the file.
		big := Input{Path: "x.go", Prefix: lines("p", 40000) + "cur", Suffix: lines("s", 40000)}
		c := &longest{}
		got := tmpl.Fit(big, 200, c)
		if !strings.HasSuffix(got.Prefix, "p l\ncur") || !strings.HasPrefix(got.Suffix, "s a\n") {
			t.Errorf("prefix or suffix lost the cursor's side: %q, %q", got.Prefix[max(0, len(got.Prefix)-20):], got.Suffix[:min(20, len(got.Suffix))])
		}
		if n := wc.CountTokens(tmpl.Request(got).Prompt); n > 200 {
			t.Errorf("trimmed prompt has %d tokens, budget 200", n)
		}
		if c.max > 16<<10 {
			t.Errorf("counted a text of %d bytes for a budget of 200 tokens (the file is %d)", c.max, len(big.Prefix))
		}
	})
}

// longest counts words and records the longest text it was given.
type longest struct{ max int }

func (l *longest) CountTokens(s string) int {
	l.max = max(l.max, len(s))
	return wc.CountTokens(s)
}
